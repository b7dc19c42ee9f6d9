"""The event store on both engines: dense commit-ordered sequence, version checks, idempotent
commands, append-only enforcement by the database, inline projections equal to a replay."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.domain.errors import CommandConflictError, ConcurrencyError, InsufficientTokensError
from bot.domain.events import NewEvent, TokenSpent
from db.engine import Database
from db.event_store import EventStore, head, read_aggregate, read_by_type, read_from
from db.migrate import upgrade_and_catch_up
from db.projections import ALL_BINDINGS, TOKEN_BALANCES
from db.tables import CommandLogRow, ProjectionCheckpointRow, TokenBalanceRow
from db.uow import UnitOfWork, run_command
from db.verify import MAX_REPORTED_PER_TABLE, catch_up, rebuild, verify
from tests.factories import Seeded, grant, seed_league, spend


async def append(db: Database, events: list[NewEvent]) -> None:
    async with db.sessions() as s, s.begin():
        await EventStore(s, projections=ALL_BINDINGS).append(events)


async def balance(
    db: Database, season_id: str, governor_id: str, token_type: str = "propose"
) -> int:
    async with db.read_sessions() as s:
        row = await s.get(TokenBalanceRow, (season_id, governor_id, token_type))
        return row.balance if row else 0


async def assert_log_consistent(db: Database, expected_count: int) -> None:
    async with db.read_sessions() as s:
        events = await read_from(s, 0, limit=10**7)
        assert [e.sequence_number for e in events] == list(range(1, expected_count + 1))
        assert await head(s) == expected_count
        report = await verify(s)
    assert report.ok, report.problems


async def test_eight_concurrent_writers_leave_a_dense_log_a_tailing_reader_sees_in_order(
    database: Database,
) -> None:
    seeded = await seed_league(database, governors=8)
    writers, appends = 8, 100
    total = writers * appends
    seen: list[int] = []

    async def writer(governor_id: str) -> None:
        for _ in range(appends):
            await append(database, [grant(seeded.season_id, governor_id)])

    async def tail() -> None:
        last = 0
        while last < total:
            async with database.read_sessions() as s:
                page = await read_from(s, last, limit=500)
            for event in page:
                # Commit order == sequence order: a reader can never skip over a number.
                assert event.sequence_number == last + 1
                last = event.sequence_number
                seen.append(last)
            await asyncio.sleep(0.001)

    reader = asyncio.create_task(tail())
    await asyncio.gather(*(writer(g) for g in seeded.governor_ids))
    await asyncio.wait_for(reader, timeout=60)
    assert seen == list(range(1, total + 1))
    await assert_log_consistent(database, total)
    for governor_id in seeded.governor_ids:
        assert await balance(database, seeded.season_id, governor_id) == appends


async def test_an_append_that_waited_for_the_lock_decides_on_what_was_committed_meanwhile(
    database: Database,
) -> None:
    # One writer holds the lock and appends; another's bare append starts meanwhile and
    # waits. When the first commits, the second must see its event: the next version of the
    # same aggregate, the next sequence number, the balance it left (PostgreSQL: the
    # optimistic one-statement append notices its snapshot is stale and runs again locked).
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    async with database.sessions() as first, first.begin():
        store = EventStore(first, projections=ALL_BINDINGS)
        await store.lock()
        await store.append([grant(seeded.season_id, gov, 2)])
        waiting = asyncio.create_task(append(database, [spend(seeded.season_id, gov, 2)]))
        await asyncio.sleep(0.3)
        assert not waiting.done()
    await asyncio.wait_for(waiting, timeout=30)
    async with database.read_sessions() as s:
        versions = [e.aggregate_version for e in await read_aggregate(s, "token", gov)]
    assert versions == [1, 2]
    assert await balance(database, seeded.season_id, gov) == 0
    await assert_log_consistent(database, 2)


async def test_concurrent_appends_with_same_expected_version_exactly_one_wins(
    database: Database,
) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 5)])  # token aggregate at version 1

    async def attempt() -> str:
        try:
            await append(database, [spend(seeded.season_id, gov, expected_version=1)])
        except ConcurrencyError:
            return "conflict"
        return "won"

    results = await asyncio.gather(*(attempt() for _ in range(12)))
    assert results.count("won") == 1
    assert results.count("conflict") == 11
    assert await balance(database, seeded.season_id, gov) == 4
    await assert_log_consistent(database, 2)


async def test_stale_expected_version_is_refused_and_writes_nothing(database: Database) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 2)])
    with pytest.raises(ConcurrencyError):
        await append(
            database,
            [
                spend(seeded.season_id, gov, expected_version=1),
                spend(seeded.season_id, gov, expected_version=0),
            ],
        )
    await assert_log_consistent(database, 1)
    assert await balance(database, seeded.season_id, gov) == 2


async def spend_handler(seeded: Seeded, governor_id: str, amount: int = 1) -> Any:
    """A minimal handler that decides under the lock, as real handlers do."""

    async def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        row = await uow.session.get(TokenBalanceRow, (seeded.season_id, governor_id, "propose"))
        have = row.balance if row else 0
        if have < amount:
            raise InsufficientTokensError(f"You have {have} propose tokens; this needs {amount}.")
        await uow.append([spend(seeded.season_id, governor_id, amount)])
        return {"balance": have - amount}

    return handle


async def test_same_command_id_twice_writes_one_set_of_events(database: Database) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 3)])
    request = {"governor": gov, "amount": 1}
    first = await run_command(
        database, await spend_handler(seeded, gov), command_id="discord:1", request=request
    )
    again = await run_command(
        database, await spend_handler(seeded, gov), command_id="discord:1", request=request
    )
    assert not first.replayed and again.replayed
    assert again.outcome == first.outcome == {"balance": 2, "status": "ok"}
    assert await balance(database, seeded.season_id, gov) == 2
    async with database.read_sessions() as s:
        log = await s.get(CommandLogRow, "discord:1")
        assert log is not None and (log.first_sequence, log.last_sequence) == (2, 2)
    await assert_log_consistent(database, 2)


async def test_same_command_id_with_different_request_is_refused(database: Database) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 3)])
    await run_command(
        database, await spend_handler(seeded, gov), command_id="discord:7", request={"amount": 1}
    )
    with pytest.raises(CommandConflictError):
        await run_command(
            database,
            await spend_handler(seeded, gov, 2),
            command_id="discord:7",
            request={"amount": 2},
        )
    assert await balance(database, seeded.season_id, gov) == 2
    await assert_log_consistent(database, 2)


async def test_rejected_command_is_logged_and_its_retry_is_rejected_again(
    database: Database,
) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    with pytest.raises(InsufficientTokensError):
        await run_command(
            database,
            await spend_handler(seeded, gov),
            command_id="discord:9",
            request={"amount": 1},
        )
    await append(database, [grant(seeded.season_id, gov, 3)])
    # The retry of the same interaction keeps its first answer, even though tokens now exist.
    with pytest.raises(InsufficientTokensError, match="You have 0"):
        await run_command(
            database,
            await spend_handler(seeded, gov),
            command_id="discord:9",
            request={"amount": 1},
        )
    async with database.read_sessions() as s:
        log = await s.get(CommandLogRow, "discord:9")
    assert log is not None and log.outcome["status"] == "rejected"
    assert log.first_sequence is None
    assert await balance(database, seeded.season_id, gov) == 3


async def test_a_refused_command_leaves_nothing_of_what_it_wrote_before_refusing(
    database: Database,
) -> None:
    seeded = await seed_league(database)
    gov, other = seeded.governor_ids[:2]
    await append(database, [grant(seeded.season_id, gov, 1)])

    async def grants_then_refuses(uow: UnitOfWork) -> Mapping[str, Any]:
        await uow.append([grant(seeded.season_id, other, 5)])  # an event and its projection
        await uow.append([spend(seeded.season_id, gov, 1), grant(seeded.season_id, gov, 2)])
        raise InsufficientTokensError("Changed my mind.")

    with pytest.raises(InsufficientTokensError, match="Changed my mind"):
        await run_command(
            database, grants_then_refuses, command_id="discord:refuse", request={"n": 1}
        )
    await assert_log_consistent(database, 1)  # no event, no head move, projections as before
    assert await balance(database, seeded.season_id, other) == 0
    assert await balance(database, seeded.season_id, gov) == 1
    async with database.read_sessions() as s:
        log = await s.get(CommandLogRow, "discord:refuse")
    assert log is not None and log.outcome["status"] == "rejected"
    assert log.first_sequence is None and log.last_sequence is None
    with pytest.raises(InsufficientTokensError, match="Changed my mind"):  # its one answer
        await run_command(
            database,
            await spend_handler(seeded, gov),
            command_id="discord:refuse",
            request={"n": 1},
        )


async def test_a_refusal_finding_its_command_recorded_meanwhile_answers_with_that_record(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refusal is recorded in a transaction of its own (no savepoint around the handler). A
    redelivery of the same command that ran and succeeded in between is its one outcome."""
    import db.uow as uow_module

    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    real = uow_module._locked_store
    calls = 0

    async def redelivered_between(*args: Any) -> EventStore:
        nonlocal calls
        calls += 1
        if calls == 2:  # the refusal's own transaction, before it takes its locks
            await append(database, [grant(seeded.season_id, gov, 3)])
            redelivery = await run_command(
                database, await spend_handler(seeded, gov), command_id="discord:r", request={}
            )
            assert redelivery.outcome == {"balance": 2, "status": "ok"}
        return await real(*args)

    monkeypatch.setattr(uow_module, "_locked_store", redelivered_between)
    first = await run_command(
        database, await spend_handler(seeded, gov), command_id="discord:r", request={}
    )
    assert first.replayed and first.outcome == {"balance": 2, "status": "ok"}
    assert await balance(database, seeded.season_id, gov) == 2
    await assert_log_consistent(database, 2)  # the grant and the redelivery's one spend


@pytest.mark.parametrize("locked", [False, True], ids=["bare", "locked"])
@pytest.mark.parametrize("batch", [False, True], ids=["single", "batch"])
async def test_a_version_conflict_writes_nothing_even_if_the_caller_commits(
    database: Database, batch: bool, locked: bool
) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 2)])
    stale = [spend(seeded.season_id, gov, expected_version=0)]
    if batch:
        stale.insert(0, grant(seeded.season_id, seeded.governor_ids[1], 1))
    async with database.sessions() as s, s.begin():
        store = EventStore(s, projections=ALL_BINDINGS)
        if locked:  # else, on PostgreSQL, the optimistic one-statement append
            await store.lock()
        with pytest.raises(ConcurrencyError):
            await store.append(stale)
        # A careless caller carries on and commits: the refused append left no trace.
    await assert_log_consistent(database, 1)
    assert await balance(database, seeded.season_id, gov) == 2


def versioned_spend(seeded: Seeded, governor_id: str, expected_version: int) -> Any:
    """A handler whose decision rests on the aggregate being at `expected_version`."""

    async def handle(uow: UnitOfWork) -> Mapping[str, Any]:
        await uow.append([spend(seeded.season_id, governor_id, expected_version=expected_version)])
        return {"spent": 1}

    return handle


async def test_concurrent_commands_with_one_expected_version_exactly_one_wins(
    database: Database,
) -> None:
    # Through run_command, the path every handler takes (on PostgreSQL the locked, one-statement
    # insert), not a bare append.
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 5)])  # token aggregate at version 1

    async def attempt(n: int) -> str:
        try:
            await run_command(
                database,
                versioned_spend(seeded, gov, expected_version=1),
                command_id=f"discord:{n}",
                request={"n": n},
            )
        except ConcurrencyError:
            return "conflict"
        return "won"

    results = await asyncio.gather(*(attempt(n) for n in range(12)))
    assert sorted(results) == ["conflict"] * 11 + ["won"]
    assert await balance(database, seeded.season_id, gov) == 4
    async with database.read_sessions() as s:
        logged = (await s.execute(select(CommandLogRow.command_id))).scalars().all()
    assert len(logged) == 1  # the losers' conflicts are transient: not recorded
    await assert_log_consistent(database, 2)


async def test_a_command_that_lost_a_race_runs_again_when_retried(database: Database) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 5)])
    with pytest.raises(ConcurrencyError):
        await run_command(
            database,
            versioned_spend(seeded, gov, expected_version=0),
            command_id="discord:7",
            request={"amount": 1},
        )
    async with database.read_sessions() as s:
        assert await s.get(CommandLogRow, "discord:7") is None
    result = await run_command(
        database,
        versioned_spend(seeded, gov, expected_version=1),
        command_id="discord:7",
        request={"amount": 1},
    )
    assert not result.replayed and result.outcome == {"spent": 1, "status": "ok"}
    assert await balance(database, seeded.season_id, gov) == 4
    await assert_log_consistent(database, 2)


async def test_handler_error_after_appending_rolls_back_its_events(database: Database) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]

    async def grant_then_fail(uow: UnitOfWork) -> Mapping[str, Any]:
        await uow.append([grant(seeded.season_id, gov, 5)])
        raise InsufficientTokensError("changed my mind")

    with pytest.raises(InsufficientTokensError):
        await run_command(database, grant_then_fail, command_id="c:1", request={})

    async def grant_one(uow: UnitOfWork) -> Mapping[str, Any]:
        await uow.append([grant(seeded.season_id, gov, 1)])
        return {}

    ok = await run_command(database, grant_one, command_id="c:2", request={})
    # The rolled-back events used no sequence numbers: the next event is number 1.
    assert [e.sequence_number for e in ok.events] == [1]
    await assert_log_consistent(database, 1)
    assert await balance(database, seeded.season_id, gov) == 1


async def test_spend_beyond_balance_is_refused_by_the_fold_and_writes_nothing(
    database: Database,
) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 1)])
    with pytest.raises(InsufficientTokensError):
        await append(database, [spend(seeded.season_id, gov, 2)])
    assert await balance(database, seeded.season_id, gov) == 1
    await assert_log_consistent(database, 1)


async def test_database_refuses_update_and_delete_of_events(database: Database) -> None:
    seeded = await seed_league(database)
    await append(database, [grant(seeded.season_id, seeded.governor_ids[0])])
    for statement in (
        "UPDATE governance_events SET event_type = 'token.spent'",
        "DELETE FROM governance_events",
    ):
        with pytest.raises((IntegrityError, DBAPIError), match="append-only"):
            async with database.sessions() as s, s.begin():
                await s.execute(text(statement))
    await assert_log_consistent(database, 1)


async def test_reads_by_aggregate_by_type_and_from_a_sequence(database: Database) -> None:
    seeded = await seed_league(database)
    a, b = seeded.governor_ids[:2]
    await append(database, [grant(seeded.season_id, a, 2), grant(seeded.season_id, b, 2)])
    await append(database, [spend(seeded.season_id, a), grant(seeded.season_id, a, 1, "boost")])
    async with database.read_sessions() as s:
        mine = await read_aggregate(s, "token", a)
        spends = await read_by_type(s, seeded.season_id, ["token.spent"])
        after = await read_from(s, 2)
    assert [(e.aggregate_version, e.event_type) for e in mine] == [
        (1, "token.granted"),
        (2, "token.spent"),
        (3, "token.granted"),
    ]
    assert [e.sequence_number for e in spends] == [3]
    assert isinstance(spends[0].typed(), TokenSpent)
    assert [e.sequence_number for e in after] == [3, 4]


async def test_verify_reports_a_projection_row_edited_by_hand(database: Database) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 2)])
    async with database.sessions() as s, s.begin():
        await s.execute(update(TOKEN_BALANCES.table).values(balance=9))
    async with database.read_sessions() as s:
        report = await verify(s)
    assert not report.ok
    assert any("table has 9, replay gives 2" in p for p in report.problems)


async def test_verify_compares_every_row_of_a_large_projection(database: Database) -> None:
    # 12,000 balance rows: a mismatch in the row that sorts last is still found, and a table
    # that differs everywhere is reported with a capped list and a count of the rest.
    seeded = await seed_league(database, governors=4000)
    events = [
        grant(seeded.season_id, gov, 1, token_type)
        for gov in seeded.governor_ids
        for token_type in ("propose", "amend", "boost")
    ]
    for start in range(0, len(events), 2000):
        await append(database, events[start : start + 2000])
    last = max(seeded.governor_ids)
    table = TOKEN_BALANCES.table
    async with database.sessions() as s, s.begin():
        await s.execute(
            update(table)
            .where(table.c.governor_id == last, table.c.token_type == "propose")
            .values(balance=99)
        )
    async with database.read_sessions() as s:
        report = await verify(s)
    assert report.problems == [
        f"token_balances{[seeded.season_id, last, 'propose']}: table has 99, replay gives 1"
    ]

    async with database.sessions() as s, s.begin():
        await s.execute(update(table).values(balance=7))
    async with database.read_sessions() as s:
        report = await verify(s)
    assert len(report.problems) == MAX_REPORTED_PER_TABLE + 1
    assert report.problems[-1] == (
        f"token_balances: {12_000 - MAX_REPORTED_PER_TABLE} more rows differ"
    )


async def test_a_projection_left_behind_is_caught_up_by_the_next_append_never_skipped(
    database: Database,
) -> None:
    # An older release (that does not know token_balances) appends while a newer one runs: the
    # newer release's next append folds the missed event first, then its own.
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 2)])
    older_release = [b for b in ALL_BINDINGS if b is not TOKEN_BALANCES]
    async with database.sessions() as s, s.begin():
        await EventStore(s, projections=older_release).append([grant(seeded.season_id, gov, 3)])
    async with database.read_sessions() as s:
        report = await verify(s)
    assert "token_balances checkpoint at 1, log head at 2" in report.problems
    assert await balance(database, seeded.season_id, gov) == 2

    await append(database, [grant(seeded.season_id, gov, 4)])
    assert await balance(database, seeded.season_id, gov) == 9
    await append(database, [grant(seeded.season_id, gov, 5), grant(seeded.season_id, gov, 6)])
    assert await balance(database, seeded.season_id, gov) == 20
    await assert_log_consistent(database, 5)
    async with database.sessions() as s, s.begin():
        assert await catch_up(s) == 0  # nothing was left behind


async def test_an_append_waiting_on_a_rebuild_folds_onto_the_rebuilt_rows(
    database: Database,
) -> None:
    # A rebuild rewrites projection rows without appending; an append that began meanwhile
    # and waited for the lock must not fold onto the rows its snapshot saw before the rebuild.
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 3)])
    async with database.sessions() as s, s.begin():
        await s.execute(update(TOKEN_BALANCES.table).values(balance=9))  # wrong, by hand
    async with database.sessions() as s, s.begin():
        await rebuild(s)
        waiting = asyncio.create_task(append(database, [grant(seeded.season_id, gov, 4)]))
        await asyncio.sleep(0.3)
        assert not waiting.done()
    await asyncio.wait_for(waiting, timeout=30)
    assert await balance(database, seeded.season_id, gov) == 7  # 3 + 4, not 9 + 4
    await assert_log_consistent(database, 2)


async def test_a_projection_new_in_a_release_starts_from_the_log_not_the_head(
    database: Database,
) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov, 2)])
    # As if token_balances had just been added: no checkpoint row, an empty table.
    async with database.sessions() as s, s.begin():
        await s.execute(delete(TOKEN_BALANCES.table))
        await s.execute(
            delete(ProjectionCheckpointRow).where(ProjectionCheckpointRow.name == "token_balances")
        )
    # What `pinwheel run` and `pinwheel db upgrade` do before anything appends.
    assert await upgrade_and_catch_up(database.url) == 1
    assert await balance(database, seeded.season_id, gov) == 2
    await assert_log_consistent(database, 1)
    # Removed again: the next append folds the log from its start, not from the middle.
    async with database.sessions() as s, s.begin():
        await s.execute(delete(TOKEN_BALANCES.table))
        await s.execute(
            delete(ProjectionCheckpointRow).where(ProjectionCheckpointRow.name == "token_balances")
        )
    await append(database, [grant(seeded.season_id, gov, 3)])
    assert await balance(database, seeded.season_id, gov) == 5
    await assert_log_consistent(database, 2)


async def test_balances_table_refuses_negative_values(database: Database) -> None:
    seeded = await seed_league(database)
    await append(database, [grant(seeded.season_id, seeded.governor_ids[0], 1)])
    with pytest.raises(IntegrityError):
        async with database.sessions() as s, s.begin():
            await s.execute(update(TOKEN_BALANCES.table).values(balance=-1))
    async with database.read_sessions() as s:
        assert (await s.execute(select(TOKEN_BALANCES.table.c.balance))).scalar_one() == 1


async def test_a_stored_v1_payload_is_upcast_when_read(database: Database) -> None:
    import json
    import uuid
    from pathlib import Path

    from sqlalchemy import insert

    from bot.domain.events import ProposalSubmitted
    from db.tables import GovernanceEventRow

    seeded = await seed_league(database)
    data = Path(__file__).resolve().parents[1] / "data" / "events"
    v1 = json.loads((data / "proposal.submitted.v1.json").read_text())
    async with database.sessions() as s, s.begin():
        await s.execute(
            insert(GovernanceEventRow).values(
                id=str(uuid.uuid4()),
                league_id=seeded.league_id,
                sequence_number=1,
                event_type="proposal.submitted",
                aggregate_type="proposal",
                aggregate_id=v1["id"],
                aggregate_version=1,
                season_id=seeded.season_id,
                payload=v1,
                schema_version=1,
                meta={},
            )
        )
        await s.execute(text("UPDATE event_log_head SET last_sequence = 1"))
    async with database.read_sessions() as s:
        (event,) = await read_aggregate(s, "proposal", v1["id"])
    assert event.payload["proposal_id"] == v1["id"] and "status" not in event.payload
    typed = event.typed()
    assert isinstance(typed, ProposalSubmitted) and typed.threshold == 0.5


async def test_snapshot_keeps_one_state_while_others_append(database: Database) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    await append(database, [grant(seeded.season_id, gov)])
    async with database.snapshot() as s:
        assert await head(s) == 1
        await append(database, [grant(seeded.season_id, gov)])  # committed by another connection
        assert await head(s) == 1
        assert [e.sequence_number for e in await read_from(s, 0)] == [1]
        assert (await verify(s)).ok
    async with database.read_sessions() as s:
        assert await head(s) == 2


async def test_concurrent_commands_on_one_aggregate_get_dense_versions(database: Database) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]

    def granting(n: int) -> Any:
        async def handle(uow: UnitOfWork) -> Mapping[str, Any]:
            await uow.append([grant(seeded.season_id, gov)])
            return {"n": n}

        return handle

    await asyncio.gather(
        *(run_command(database, granting(n), command_id=f"c:{n}", request={"n": n})
          for n in range(20))
    )  # fmt: skip
    async with database.read_sessions() as s:
        versions = [e.aggregate_version for e in await read_aggregate(s, "token", gov)]
    assert versions == list(range(1, 21))
    assert await balance(database, seeded.season_id, gov) == 20
    await assert_log_consistent(database, 20)
