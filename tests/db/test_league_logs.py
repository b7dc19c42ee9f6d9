"""One log per league (migration 0011): each league's sequence is dense and commit-ordered on
its own, a reader follows one league's log without missing an event that commits late, and on
PostgreSQL an append in one league never waits for another league's append to commit."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert, select, text

from db.engine import Database
from db.event_store import EventStore, head, read_aggregate, read_from
from db.projections import ALL_BINDINGS
from db.tables import GovernanceEventRow, ProjectionCheckpointRow
from db.verify import verify
from tests.factories import Seeded, grant, seed_league

SETTLE = 0.3  # long enough for an append that is not held back to commit


async def append(db: Database, events: list[object]) -> None:
    async with db.sessions() as s, s.begin():
        await EventStore(s, projections=ALL_BINDINGS).append(events)  # type: ignore[arg-type]


async def test_writers_in_two_leagues_leave_each_log_dense_for_its_reader(
    database: Database,
) -> None:
    leagues = [await seed_league(database, governors=3) for _ in range(2)]
    appends = 40  # per writer; three writers per league, single events and pairs

    def pair(i: int, n: int) -> bool:  # now and then two events in one append
        return (i + n) % 3 == 0

    seen: dict[str, list[int]] = {league.league_id: [] for league in leagues}
    total = sum(1 + pair(i, n) for i in range(appends) for n in range(3))

    async def writer(league: Seeded, governor_id: str, n: int) -> None:
        for i in range(appends):
            await append(database, [grant(league.season_id, governor_id)] * (1 + pair(i, n)))

    async def tail(league: Seeded) -> None:
        last = 0
        while last < total:
            async with database.read_sessions() as s:
                page = await read_from(s, last, limit=50, league_id=league.league_id)
            for event in page:
                # Commit order == sequence order within a league: a reader never skips one.
                assert event.sequence_number == last + 1
                assert event.league_id == league.league_id
                last = event.sequence_number
                seen[league.league_id].append(last)
            await asyncio.sleep(0.001)

    readers = [asyncio.create_task(tail(league)) for league in leagues]
    await asyncio.gather(
        *(
            writer(league, governor, n)
            for league in leagues
            for n, governor in enumerate(league.governor_ids)
        )
    )
    await asyncio.wait_for(asyncio.gather(*readers), timeout=60)
    async with database.read_sessions() as s:
        for league in leagues:
            assert seen[league.league_id] == list(range(1, total + 1))
            assert await head(s, league.league_id) == total
        assert await head(s) == 2 * total
        report = await verify(s)
    assert report.ok, report.problems


async def test_batches_in_two_leagues_number_each_log_on_its_own(database: Database) -> None:
    one, two = await seed_league(database), await seed_league(database)
    await append(database, [grant(one.season_id, one.governor_ids[0]) for _ in range(3)])
    await append(database, [grant(two.season_id, two.governor_ids[0]) for _ in range(2)])
    await append(database, [grant(one.season_id, one.governor_ids[1])])
    async with database.read_sessions() as s:
        first = await read_from(s, 0, league_id=one.league_id)
        second = await read_from(s, 0, league_id=two.league_id)
        checkpoints = (
            await s.execute(
                select(ProjectionCheckpointRow.league_id, ProjectionCheckpointRow.last_sequence)
            )
        ).all()
        report = await verify(s)
    assert [e.sequence_number for e in first] == [1, 2, 3, 4]
    assert [e.sequence_number for e in second] == [1, 2]
    # Every projection's checkpoint stands at its league's head.
    assert {league: last for league, last in checkpoints} == {one.league_id: 4, two.league_id: 2}
    assert len(checkpoints) == 2 * len(ALL_BINDINGS)
    assert report.ok, report.problems


async def test_one_append_stays_in_one_league(database: Database) -> None:
    one, two = await seed_league(database), await seed_league(database)
    mixed = [grant(one.season_id, one.governor_ids[0]), grant(two.season_id, two.governor_ids[0])]
    with pytest.raises(ValueError, match="one league"):
        await append(database, mixed)
    async with database.read_sessions() as s:
        assert await head(s) == 0
        assert await read_aggregate(s, "token", one.governor_ids[0]) == []


async def test_verify_names_the_league_whose_log_has_a_hole(database: Database) -> None:
    one, two = await seed_league(database), await seed_league(database)
    await append(database, [grant(one.season_id, one.governor_ids[0])])
    await append(database, [grant(two.season_id, two.governor_ids[0])])
    async with database.sessions() as s, s.begin():
        # An event written behind the store's back, one number past the head: a hole at 2.
        await s.execute(
            insert(GovernanceEventRow).values(
                id="a-stray-event",
                league_id=two.league_id,
                sequence_number=3,
                event_type="token.granted",
                aggregate_type="token",
                aggregate_id="nobody",
                aggregate_version=1,
                season_id=two.season_id,
                payload=grant(two.season_id, "nobody").payload.model_dump(mode="json"),
                schema_version=1,
                meta={},
            )
        )
    async with database.read_sessions() as s:
        problems = (await verify(s)).problems
    assert any(f"league {two.league_id}: sequence numbers not dense" in p for p in problems), (
        problems
    )
    assert not any(one.league_id in p for p in problems), problems


@pytest.mark.postgres
async def test_an_append_does_not_wait_for_another_leagues_append_to_commit(
    pg_database: Database,
) -> None:
    one, two = await seed_league(pg_database), await seed_league(pg_database)
    async with pg_database.sessions() as held, held.begin():
        # League one's append holds its head row until this transaction ends.
        await EventStore(held, projections=ALL_BINDINGS).append(
            [grant(one.season_id, one.governor_ids[0])]
        )
        other = asyncio.create_task(
            append(pg_database, [grant(two.season_id, two.governor_ids[0])])
        )
        same = asyncio.create_task(append(pg_database, [grant(one.season_id, one.governor_ids[1])]))
        done, _ = await asyncio.wait({other, same}, timeout=SETTLE)
        assert other in done, "an append in another league waited for this one's commit"
        assert same not in done, "two appends in one league did not take turns"
        # A batch (which locks its league's head in a statement of its own) does not wait
        # either.
        batch = [grant(two.season_id, two.governor_ids[1]) for _ in range(2)]
        await asyncio.wait_for(append(pg_database, batch), SETTLE * 5)
    await asyncio.wait_for(same, 10)
    async with pg_database.read_sessions() as s:
        assert [e.sequence_number for e in await read_from(s, 0, league_id=one.league_id)] == [1, 2]
        assert [e.sequence_number for e in await read_from(s, 0, league_id=two.league_id)] == [
            1,
            2,
            3,
        ]
        report = await verify(s)
    assert report.ok, report.problems


@pytest.mark.postgres
async def test_taking_every_leagues_lock_holds_appends_in_all_of_them(
    pg_database: Database,
) -> None:
    # `EventStore.lock()` with no league, and catch-up and rebuild (`touch_head`): every head.
    one, two = await seed_league(pg_database), await seed_league(pg_database)
    async with pg_database.engine.connect() as other:
        await other.execute(text("SELECT last_sequence FROM event_log_head FOR UPDATE"))
        waiting = [
            asyncio.create_task(append(pg_database, [grant(x.season_id, x.governor_ids[0])]))
            for x in (one, two)
        ]
        done, _ = await asyncio.wait(waiting, timeout=SETTLE)
        assert not done
        await other.rollback()
    await asyncio.wait_for(asyncio.gather(*waiting), 10)
