"""Commands that name their league (db/uow.py `Scope`), on PostgreSQL: commands of different
leagues read and decide at the same time and append at the same time; commands of one league,
and commands that name no league, still decide one at a time. Each league's log stays dense
either way.

SQLite has one writer at a time by design (BEGIN IMMEDIATE), so there is nothing to show there;
the rest of the suite runs every scoped command on both engines.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select

from bot.domain.errors import CommandConflictError
from db.engine import Database
from db.event_store import head, read_from
from db.tables import ProposalDraftRow, ProposalRow, TradeOfferRow, table_of
from db.uow import LEAGUE_OF, SEASON_ROWS, Scope, UnitOfWork, run_command
from db.verify import verify
from tests.factories import Seeded, grant, seed_league

pytestmark = pytest.mark.postgres
SETTLE = 0.3  # long enough for a command that is not held back to reach its handler


@dataclass
class Held:
    """A command whose handler starts, then waits for `release` before it appends."""

    db: Database
    seeded: Seeded
    scope: Scope | None
    command_id: str = field(default_factory=lambda: f"test:{uuid.uuid4()}")
    request: dict[str, Any] = field(default_factory=dict)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[Any] | None = None

    async def _handler(self, uow: UnitOfWork) -> dict[str, Any]:
        self.started.set()
        await self.release.wait()
        await uow.append([grant(self.seeded.season_id, self.seeded.governor_ids[0])])
        return {}

    def start(self) -> Held:
        self.task = asyncio.create_task(
            run_command(
                self.db,
                self._handler,
                command_id=self.command_id,
                request=self.request or {"id": self.command_id},
                scope=self.scope,
            )
        )
        return self

    async def started_soon(self) -> bool:
        try:
            await asyncio.wait_for(self.started.wait(), SETTLE)
        except TimeoutError:
            return False
        return True

    async def finish(self) -> Any:
        self.release.set()
        assert self.task is not None
        return await asyncio.wait_for(self.task, 10)


async def leagues(db: Database) -> tuple[Seeded, Seeded]:
    return await seed_league(db), await seed_league(db)


def proposal(proposal_id: str, seeded: Seeded) -> dict[str, Any]:
    return {
        "proposal_id": proposal_id,
        "season_id": seeded.season_id,
        "governor_id": seeded.governor_ids[0],
        "status": "confirmed",
        "raw_text": "x",
        "interpretation": {},
        "tier": 1,
        "token_cost": 1,
        "threshold": 0.5,
        "last_sequence": 0,
    }


async def assert_dense(db: Database, count: int, *, projections: bool = True) -> None:
    """`count` events in all, each league's log dense from 1 and at its head."""
    async with db.read_sessions() as s:
        events = await read_from(s, 0, limit=10**6)
        assert len(events) == count and await head(s) == count
        by_league: dict[str, list[int]] = {}
        for event in events:
            by_league.setdefault(str(event.league_id), []).append(event.sequence_number)
        for league, numbers in by_league.items():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))
            assert await head(s, league) == len(numbers)
        report = await verify(s)
    if projections:
        assert report.ok, report.problems


async def test_commands_of_two_leagues_decide_at_the_same_time(pg_database: Database) -> None:
    one, two = await leagues(pg_database)
    first = Held(pg_database, one, Scope("league", one.league_id)).start()
    assert await first.started_soon()
    # With one lock for every league, this command could not even look up its command id
    # while the first one is deciding.
    second = Held(pg_database, two, Scope("season", two.season_id)).start()
    assert await second.started_soon(), "another league's command waited for this one"
    await second.finish()
    await first.finish()
    await assert_dense(pg_database, 2)


async def test_commands_of_one_league_decide_one_at_a_time(pg_database: Database) -> None:
    one, _ = await leagues(pg_database)
    first = Held(pg_database, one, Scope("league", one.league_id)).start()
    assert await first.started_soon()
    # Named by the league's season: the same league, so the same lock.
    second = Held(pg_database, one, Scope("season", one.season_id)).start()
    assert not await second.started_soon(), "two commands of one league decided at once"
    await first.finish()
    assert await second.started_soon()
    await second.finish()
    await assert_dense(pg_database, 2)


async def test_a_proposal_names_its_league(pg_database: Database) -> None:
    one, two = await leagues(pg_database)
    proposals = {}
    async with pg_database.sessions() as s, s.begin():
        for seeded in (one, two):
            proposals[seeded.league_id] = str(uuid.uuid4())
            await s.execute(
                insert(ProposalRow).values(**proposal(proposals[seeded.league_id], seeded))
            )
    holding = Held(pg_database, one, Scope("league", one.league_id)).start()
    assert await holding.started_soon()
    same = Held(pg_database, one, Scope("proposal", proposals[one.league_id])).start()
    other = Held(pg_database, two, Scope("proposal", proposals[two.league_id])).start()
    assert await other.started_soon()
    assert not same.started.is_set()
    await other.finish()
    await holding.finish()
    await same.finish()
    # The proposals were written by hand, not by events: only the log is checked.
    await assert_dense(pg_database, 3, projections=False)


async def test_a_command_that_names_no_league_decides_alone(pg_database: Database) -> None:
    one, two = await leagues(pg_database)
    scoped = Held(pg_database, one, Scope("league", one.league_id)).start()
    assert await scoped.started_soon()
    alone = Held(pg_database, two, None).start()
    assert not await alone.started_soon(), "it decided while a scoped command was deciding"
    await scoped.finish()
    assert await alone.started_soon()
    # And while it decides, no scoped command of any league starts.
    later = Held(pg_database, two, Scope("league", two.league_id)).start()
    assert not await later.started_soon(), "a scoped command decided beside an unscoped one"
    await alone.finish()
    await later.finish()
    await assert_dense(pg_database, 3)


@pytest.mark.parametrize("same_request", [False, True])
async def test_one_command_id_sent_at_once_under_two_scopes_runs_once(
    pg_database: Database, same_request: bool
) -> None:
    one, two = await leagues(pg_database)
    late = Held(pg_database, one, Scope("league", one.league_id), command_id="x").start()
    assert await late.started_soon()
    # The same id under another scope: it does not wait for the first.
    early = Held(pg_database, two, Scope("league", two.league_id), command_id="x")
    early.request = {"id": "x"} if same_request else {"id": "x", "other": True}
    assert await early.start().started_soon()
    await early.finish()
    if same_request:  # the same request: the first one's outcome, nothing new written
        assert (await late.finish()).replayed
    else:
        with pytest.raises(CommandConflictError):
            await late.finish()
    await assert_dense(pg_database, 1)  # the late command wrote nothing


def test_every_kind_of_scope_names_a_row_of_one_season() -> None:
    for row, column in SEASON_ROWS.values():
        table = table_of(row)
        assert [c.name for c in table.primary_key.columns] == [column]
        assert table.c.season_id.foreign_keys, f"{table.name}.season_id names no season"


async def test_each_kind_of_id_finds_its_league(pg_database: Database) -> None:
    one, two = await leagues(pg_database)
    ids: dict[str, dict[str, str]] = {}
    now = datetime.now(UTC)
    async with pg_database.sessions() as s, s.begin():
        for seeded in (one, two):
            mine = {k: str(uuid.uuid4()) for k in ("proposal", "draft", "trade")}
            ids[seeded.league_id] = {
                "season": seeded.season_id,
                "league": seeded.league_id,
                "governor": seeded.governor_ids[2],
                **mine,
            }
            gov = seeded.governor_ids
            await s.execute(insert(ProposalRow).values(**proposal(mine["proposal"], seeded)))
            await s.execute(
                insert(ProposalDraftRow).values(
                    draft_id=mine["draft"], season_id=seeded.season_id, governor_id=gov[0],
                    raw_text="x", sanitized_text="x", interpretation={}, status="pending",
                    created_at=now,
                )
            )  # fmt: skip
            await s.execute(
                insert(TradeOfferRow).values(
                    trade_id=mine["trade"], season_id=seeded.season_id, from_governor_id=gov[0],
                    to_governor_id=gov[1], offer_type="propose", offer_amount=1,
                    request_type="amend", request_amount=1, status="open", escrow=1,
                    expires_at=now, offered_sequence=0,
                )
            )  # fmt: skip
    async with pg_database.read_sessions() as s:
        for league_id, named in ids.items():
            for kind, value in named.items():
                found = await s.scalar(select(LEAGUE_OF[kind]), {"scope_id": value})
                assert found == league_id, kind
        assert await s.scalar(select(LEAGUE_OF["proposal"]), {"scope_id": "nothing"}) is None


def test_every_command_is_scoped_by_a_field_it_has_or_decides_alone_on_purpose() -> None:
    from dataclasses import fields

    from bot.app import service
    from bot.app.governance.commands import AmendProposal, SubmitProposal

    commands = {*service._HANDLERS, SubmitProposal, AmendProposal}
    alone = {c for c in commands if service.scope_of(_example(c)) is None}
    # A command that should decide alone is listed here, on purpose, with the reason.
    assert alone == set(), "a new command must name its league, or decide alone on purpose"
    for command, (_, name) in service._SCOPE_FIELD.items():
        assert name in {f.name for f in fields(command)}, command
        assert service.scope_of(_example(command)) == Scope(service._SCOPE_FIELD[command][0], "v")


def _example(command: type[Any]) -> Any:
    from dataclasses import MISSING, fields

    return command(**{f.name: "v" for f in fields(command) if f.default is MISSING})
