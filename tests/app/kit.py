"""A small league to drive the governance facade in tests: a fake interpreter, a hand-wound
clock and short helpers that build commands with fresh command ids."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from bot.app.governance.commands import (
    CastVote,
    CloseWindow,
    Command,
    ConfirmProposal,
    JoinTeam,
    OpenWindow,
    SubmitProposal,
)
from bot.app.service import Pinwheel
from bot.domain.interpretation import Interpretation, ProposedChange, build_interpretation, wild
from bot.domain.rules import DEFAULT_RULES, RuleSet
from db.engine import Database
from db.tables import SeasonRow
from db.verify import verify
from tests.factories import Seeded, seed_league

MIN_PERIOD = 900  # seconds: the default minimum voting period


class FakeInterpreter:
    """Reads `param=value; param=value` exactly; `wild:` or anything else is not understood.

    The values are passed through the domain's validation like any interpreter's would be.
    """

    def __init__(self) -> None:
        self.calls = 0

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation:
        self.calls += 1
        if "=" not in text or text.startswith("wild"):
            return wild(f"Not understood: {text[:40]}")
        proposed = []
        for part in text.split(";"):
            name, _, rest = part.strip().partition("=")
            raw = (rest.split() or [""])[0]  # words after the value are chatter
            value: object = raw.strip()
            for cast in (int, float):
                try:
                    value = cast(raw.strip())
                    break
                except ValueError:
                    continue
            if raw.strip() in ("on", "off"):
                value = raw.strip() == "on"
            proposed.append(ProposedChange(name.strip(), value, phrase=part.strip()))
        return build_interpretation(proposed, rules)


class LyingInterpreter:
    """An interpreter (think: a misbehaving LLM) that returns an unvalidated change."""

    def __init__(self, parameter: str, value: object) -> None:
        self.parameter, self.value = parameter, value

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation:
        from bot.domain.interpretation import ParameterChange

        change = ParameterChange.model_construct(
            parameter=self.parameter,
            old_value=getattr(rules, self.parameter, 0),
            new_value=self.value,
            phrase=text,
        )
        return Interpretation.model_construct(
            changes=(change,), confidence=0.99, summary="sure", unsure_reasons=(), is_wild=False
        )


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 1, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


_ids = itertools.count(1)


def cid() -> str:
    return f"test:{next(_ids)}"


@dataclass
class League:
    db: Database
    app: Pinwheel
    seeded: Seeded
    clock: Clock
    interpreter: Any
    window_id: str = ""
    round_number: int = 1

    @property
    def season(self) -> str:
        return self.seeded.season_id

    def gov(self, i: int) -> str:
        return self.seeded.governor_ids[i]

    async def run(self, command: Command, command_id: str | None = None) -> dict[str, Any]:
        return await self.app.handle(command, command_id=command_id or cid())

    async def join(self, i: int, team: int = 0) -> dict[str, Any]:
        return await self.run(
            JoinTeam(self.season, self.seeded.team_ids[team], str(1000 + i), f"gov{i}")
        )

    async def draft(self, i: int, text: str) -> dict[str, Any]:
        return await self.run(SubmitProposal(self.season, self.gov(i), text))

    async def propose(self, i: int, text: str = "three_point_value=5") -> str:
        draft = await self.draft(i, text)
        out = await self.run(ConfirmProposal(draft["draft_id"], self.gov(i)))
        return str(out["proposal_id"])

    async def vote(self, i: int, proposal_id: str, vote: str = "yes", boost: bool = False) -> Any:
        return await self.run(CastVote(proposal_id, self.gov(i), vote, boost))  # type: ignore[arg-type]

    async def open_window(self) -> str:
        self.window_id = str(uuid.uuid4())
        await self.run(
            OpenWindow(self.season, self.window_id, self.round_number, self.round_number + 2)
        )
        return self.window_id

    async def close(self, *, wait: bool = True, reopen: bool = True) -> dict[str, Any]:
        """Close the window (after the minimum voting period unless `wait` is False)."""
        if wait:
            self.clock.advance(MIN_PERIOD)
        self.round_number += 3
        out = await self.run(CloseWindow(self.season, self.window_id, self.round_number))
        if reopen:
            await self.open_window()
        return out

    async def balances(self, i: int) -> dict[str, int]:
        return await self.app.balances(self.season, self.gov(i))

    async def status(self, proposal_id: str) -> str:
        return str((await self.app.proposal(proposal_id))["status"])

    async def rules(self) -> RuleSet:
        from db.governance_repo import current_rules

        async with self.db.read_sessions() as s:
            return await current_rules(s, self.season)

    async def assert_verified(self) -> None:
        async with self.db.read_sessions() as s:
            report = await verify(s)
        assert report.ok, report.problems


async def set_rules(db: Database, season_id: str, rules: RuleSet) -> None:
    """Start a season under `rules` (before any event: starting and current rules agree)."""
    data = rules.model_dump()
    async with db.sessions() as s, s.begin():
        await s.execute(
            update(SeasonRow)
            .where(SeasonRow.id == season_id)
            .values(starting_ruleset=data, current_ruleset=data)
        )


async def start_league(
    db: Database,
    *,
    governors: int = 4,
    teams: int = 2,
    rules: RuleSet = DEFAULT_RULES,
    join: bool = True,
    interpreter: Any = None,
) -> League:
    """A season with `governors` joined round-robin to `teams` teams and an open window."""
    seeded = await seed_league(db, governors=governors, teams=teams)
    if rules != DEFAULT_RULES:
        await set_rules(db, seeded.season_id, rules)
    clock = Clock()
    interp = interpreter or FakeInterpreter()
    league = League(db, Pinwheel(db, interp, clock=clock), seeded, clock, interp)
    if join:
        for i in range(governors):
            await league.join(i, i % teams)
    await league.open_window()
    return league
