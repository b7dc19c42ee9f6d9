"""League leases on both engines: processes share the leagues evenly, a dead process's leagues
are taken over once its leases expire, a clean stop hands them over at once, a new league is
claimed at the next renewal, and no two processes ever hold one league at the same time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.app.league.leases import Keeper
from db import league_repo as repo
from db import lease_repo
from db.engine import Database

TTL = 15.0


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def pass_(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def _leagues(db: Database, n: int, start: int = 0) -> set[str]:
    ids = {f"league-{i:03d}" for i in range(start, start + n)}
    async with db.sessions() as s, s.begin():
        for league_id in sorted(ids):
            await repo.insert_league(s, league_id, league_id[-3:] + "0", f"League {league_id}")
    return ids


def _keeper(db: Database, clock: Clock, name: str) -> Keeper:
    return Keeper(db, ttl_seconds=TTL, clock=clock, process_id=f"process-{name}")


async def _holders(db: Database) -> dict[str, str | None]:
    async with db.read_sessions() as s:
        return {x.league_id: x.holder for x in await lease_repo.all_leases(s)}


async def test_processes_share_the_leagues_evenly_and_never_hold_one_twice(
    database: Database,
) -> None:
    clock = Clock()
    leagues = await _leagues(database, 30)
    a, b, c = (_keeper(database, clock, n) for n in "abc")
    assert await a.renew() == leagues  # alone: every league
    await b.renew()  # b counts two live processes, but a still holds everything
    assert b.held() == frozenset()
    for _ in range(3):  # a gives back what is over its share; b claims it
        clock.pass_(a.renew_every)
        await a.renew()
        await b.renew()
    assert len(a.held()) == len(b.held()) == 15 and not a.held() & b.held()
    await c.renew()
    for _ in range(3):
        clock.pass_(a.renew_every)
        for k in (a, b, c):
            await k.renew()
    held = [k.held() for k in (a, b, c)]
    assert [len(h) for h in held] == [10, 10, 10]
    assert frozenset().union(*held) == leagues
    holders = await _holders(database)
    for k in (a, b, c):
        assert {lg for lg, h in holders.items() if h == k.id} == k.held()


async def test_a_dead_process_s_leagues_are_taken_over_when_its_leases_expire(
    database: Database,
) -> None:
    clock = Clock()
    leagues = await _leagues(database, 12)
    a, b = _keeper(database, clock, "a"), _keeper(database, clock, "b")
    await a.renew()
    await b.renew()
    for _ in range(2):
        clock.pass_(a.renew_every)
        await a.renew()
        await b.renew()
    assert len(b.held()) == 6
    orphaned = b.held()  # b dies here: it never renews again
    clock.pass_(a.renew_every)
    await a.renew()
    assert len(a.held()) == 6  # b's leases have not expired yet: nobody takes them early
    clock.pass_(TTL)  # b's leases expire, and so does b in the process table
    await a.renew()
    assert a.held() == leagues and orphaned <= a.held()
    assert b.held() == frozenset()  # b's own view has lapsed too: it would start nothing


async def test_a_process_s_view_lapses_before_its_leases_do(database: Database) -> None:
    clock = Clock()
    await _leagues(database, 2)
    a = _keeper(database, clock, "a")
    await a.renew()
    clock.pass_(TTL - a.renew_every / 2 - 0.01)
    assert len(a.held()) == 2
    clock.pass_(0.02)  # its renewals failed this long: it stops before others may claim
    assert a.held() == frozenset()


async def test_a_clean_stop_hands_the_leagues_over_at_once(database: Database) -> None:
    clock = Clock()
    leagues = await _leagues(database, 4)
    a, b = _keeper(database, clock, "a"), _keeper(database, clock, "b")
    await a.renew()
    await b.renew()
    await a.release()
    assert a.held() == frozenset()
    assert await b.renew() == leagues  # no wait for an expiry
    async with database.read_sessions() as s:
        assert [p.id for p in await lease_repo.all_processes(s)] == [b.id]


async def test_a_new_league_is_claimed_at_the_next_renewal(database: Database) -> None:
    clock = Clock()
    await _leagues(database, 2)
    a = _keeper(database, clock, "a")
    await a.renew()
    [added] = await _leagues(database, 1, start=7)
    assert not a.owns(added)
    clock.pass_(a.renew_every)
    await a.renew()
    assert a.owns(added)


async def test_concurrent_renewals_never_give_one_league_to_two_processes(
    database: Database,
) -> None:
    clock = Clock()
    await _leagues(database, 20)
    keepers = [_keeper(database, clock, str(n)) for n in range(4)]
    for _ in range(4):
        results = await asyncio.gather(*(k.renew() for k in keepers), return_exceptions=True)
        held = [r for r in results if isinstance(r, frozenset)]
        for i, x in enumerate(held):
            for y in held[i + 1 :]:
                assert not x & y
        clock.pass_(keepers[0].renew_every)
    holders = await _holders(database)
    for k in keepers:
        assert {lg for lg, h in holders.items() if h == k.id} >= k.held()


async def test_the_process_row_reports_lag_backlog_and_shards(database: Database) -> None:
    clock = Clock()
    await _leagues(database, 1)
    a = Keeper(database, clock=clock, shards=[0, 2], shard_count=4, process_id="process-a")
    await a.renew()
    async with database.read_sessions() as s:
        [row] = await lease_repo.all_processes(s)
    assert row.shards == [0, 2] and row.shard_count == 4 and row.outbox_backlog == 0
    assert row.seen_at == clock.now


async def test_a_runner_plays_shows_and_posts_only_the_leagues_its_process_holds(
    database: Database,
) -> None:
    from sqlalchemy import select

    from bot.app.league.offline import JumpClock
    from bot.app.league.runner import Runner
    from db.tables import OutboxRow, PresentationRow
    from tests.app.league_kit import setup_short_league

    clock = JumpClock()
    mine = await setup_short_league(database, clock, guild="1", seed="mine")
    theirs = await setup_short_league(database, clock, guild="2", seed="theirs")
    async with database.read_sessions() as s:
        due = max(p.next_due_at for p in await repo.active_progress(s) if p.next_due_at)
    clock.jump_to(due)
    posted: list[str] = []

    class Poster:
        async def post(self, key: str, *_: object, **__: object) -> str:
            posted.append(key)
            return f"ref:{key}"

    # Another process plays their round (no poster): its show and posts are left to it.
    await Runner(database, clock=clock).play_round(theirs["season_id"], due_only=True)
    # Instant shows: this runner ends any show it moves on at once, so theirs would end too.
    runner = Runner(
        database,
        clock=clock,
        poster=Poster(),
        owns=lambda lg: lg == mine["league_id"],
        instant=True,
    )
    reports = await runner.tick()
    await runner.tick()
    assert [r.season_id for r in reports] == [mine["season_id"]]
    async with database.read_sessions() as s:
        shows = dict(
            (await s.execute(select(PresentationRow.league_id, PresentationRow.done_at))).all()
        )
        outbox = (
            await s.execute(select(OutboxRow.league_id, OutboxRow.key, OutboxRow.sent_at))
        ).all()
    assert shows[mine["league_id"]] is not None  # my show ran to its end
    assert shows[theirs["league_id"]] is None  # theirs was not moved on by me
    assert {k for lg, k, sent in outbox if lg == mine["league_id"] and sent} == set(posted)
    assert all(sent is None for lg, _, sent in outbox if lg == theirs["league_id"])
    assert posted
