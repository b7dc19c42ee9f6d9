"""No text a player can send breaks a command on either engine: every text field of every
command (proposal text, reasons, names, typed ids...) given a NUL character, a lone surrogate
or an id that names nothing gets a domain error (a friendly refusal) or is cleaned and works,
the same way on SQLite and PostgreSQL; never an integrity, encoding or driver error. Afterwards
the log still replays to the same projections."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.governance import commands as gov_commands
from bot.app.league.offline import JumpClock
from bot.app.levers import commands as lever_commands
from bot.app.ports import BuiltinInterpreter
from bot.app.service import _HANDLERS, Pinwheel
from bot.domain.errors import DomainError
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.engine import Database
from db.tables import GovernorRow, HooperRow, SeasonRow
from db.verify import verify
from tests.app.league_kit import scripted, setup_short_league

COMMANDS: list[type[Any]] = sorted(
    {*_HANDLERS, gov_commands.SubmitProposal, gov_commands.AmendProposal},
    key=lambda c: c.__name__,
)
HOSTILE = {
    "nul": lambda s: f"{s}\x00",
    "nul-inside": lambda s: f"{s[:3]}\x00{s[3:]}",
    "surrogate": lambda s: f"\ud800{s}",
    "lone-low-surrogate": lambda s: f"{s}\udfff",
    "unknown": lambda s: str(uuid.uuid4()),
}
_ids = itertools.count()


async def _context(database: Database) -> tuple[Pinwheel, dict[str, Any]]:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    season_id = setup["season_id"]
    await scripted(database, clock, season_id)
    app = Pinwheel(database, BuiltinInterpreter(), clock=clock)
    async with database.read_sessions() as s:
        governors = (
            (await s.execute(select(GovernorRow.id).order_by(GovernorRow.discord_user_id)))
            .scalars()
            .all()
        )
        hoopers = (await s.execute(select(HooperRow.id).order_by(HooperRow.id))).scalars().all()
        league_id = (
            await s.execute(select(SeasonRow.league_id).where(SeasonRow.id == season_id))
        ).scalar_one()
        window = await gov_repo.open_window(s, season_id)
        teams = sorted(await repo.team_names(s, season_id))
    a, b = governors[0], governors[1]
    draft = await app.handle(
        gov_commands.SubmitProposal(season_id, a, "make three-pointers worth 4"),
        command_id="ctx:draft",
    )
    proposal = await app.handle(
        gov_commands.ConfirmProposal(str(draft["draft_id"]), a), command_id="ctx:confirm"
    )
    clock.jump_to(clock() + timedelta(minutes=5))  # past the propose cooldown
    spare = await app.handle(
        gov_commands.SubmitProposal(season_id, a, "set the shot clock to 20"),
        command_id="ctx:spare",
    )
    trade = await app.handle(
        lever_commands.OfferTrade(season_id, a, b, "propose", 1, "boost", 1),
        command_id="ctx:trade",
    )
    values: dict[str, Any] = {
        "season_id": season_id,
        "league_id": league_id,
        "team_id": teams[0],
        "governor_id": a,
        "to_governor_id": b,
        "discord_user_id": "424242",
        "username": "newcomer",
        "admin_id": "1",
        "reason": "because the league asked",
        "token_type": "propose",
        "offer_type": "propose",
        "request_type": "boost",
        "amount": 1,
        "offer_amount": 1,
        "request_amount": 1,
        "key": "governance.propose_cooldown_seconds",
        "value": "30",
        "action": "pause",
        "text": "make free throws worth 2",
        "draft_id": str(spare["draft_id"]),
        "proposal_id": str(proposal["proposal_id"]),
        "trade_id": str(trade["trade_id"]),
        "window_id": window.window_id if window else str(uuid.uuid4()),
        "offer_hooper_id": hoopers[0],
        "request_hooper_id": hoopers[-1],
        "hooper_id": hoopers[0],
        "vote": "yes",
        "boost": False,
        "veto": False,
        "approve": True,
        "round_number": 1,
        "closes_after_round": 2,
    }
    clock.jump_to(clock() + timedelta(minutes=5))
    return app, values


def _variants(command: type[Any], values: dict[str, Any]) -> list[tuple[str, Any]]:
    fields = [f for f in dataclasses.fields(command) if f.init]
    base = {f.name: values[f.name] for f in fields if f.name in values}
    out = []
    for f in fields:
        if f.name not in values or not isinstance(values[f.name], str):
            continue
        for how, spoil in HOSTILE.items():
            out.append((f"{f.name}:{how}", command(**{**base, f.name: spoil(values[f.name])})))
    return out


async def test_every_text_field_of_every_command_is_cleaned_or_refused(
    database: Database,
) -> None:
    app, values = await _context(database)
    unexpected: list[str] = []
    tried = 0
    for command in COMMANDS:
        for label, cmd in _variants(command, values):
            tried += 1
            try:
                await app.handle(cmd, command_id=f"hostile:{next(_ids)}")
            except DomainError:
                continue  # a refusal the player reads
            except Exception as err:  # anything else is a crash
                unexpected.append(f"{command.__name__} {label}: {type(err).__name__}: {err}")
    assert tried > 200
    assert unexpected == [], "\n".join(unexpected)
    async with database.snapshot() as s:
        report = await verify(s)
    assert report.ok, report.problems


@pytest.mark.parametrize("how", ["nul", "surrogate"])
async def test_hostile_characters_are_cleaned_out_of_stored_text(
    database: Database, how: str
) -> None:
    app, values = await _context(database)
    spoil = HOSTILE[how]
    draft = await app.handle(
        gov_commands.SubmitProposal(
            values["season_id"], values["to_governor_id"], spoil("make free throws worth 2")
        ),
        command_id=f"clean:{how}",
    )
    async with database.read_sessions() as s:
        found = await gov_repo.draft(s, str(draft["draft_id"]))
    assert found is not None
    assert found.raw_text == found.sanitized_text == "make free throws worth 2"
    out = await app.handle(
        gov_commands.JoinTeam(values["season_id"], values["team_id"], "777", spoil("Zed")),
        command_id=f"join:{how}",
    )
    async with database.read_sessions() as s:
        name = (
            await s.execute(
                select(GovernorRow.discord_username).where(GovernorRow.id == out["governor_id"])
            )
        ).scalar_one()
    assert name == "Zed"
