"""The outbox drain: a failing row is retried with backoff and finally parked without blocking
later rows of other targets or other leagues; a row the poster could not deliver stays unsent;
every hand-over is counted before it is made (both engines)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.league import outbox
from bot.app.league.offline import JumpClock
from bot.app.league.outbox import MAX_POST_ATTEMPTS, CollectingPoster, NotDelivered, drain
from bot.app.league.runner import Runner
from db import league_repo as repo
from db.engine import Database
from db.tables import OutboxRow
from db.verify import verify
from tests.app.league_kit import setup_short_league


class FlakyPoster:
    """Raises for the keys in `failing` (with `error`); keeps every message it posts."""

    def __init__(self, failing: set[str], error: Exception) -> None:
        self.failing, self.error = failing, error
        self.posted: list[str] = []
        self.tries: list[str] = []
        self.retries: list[bool] = []

    async def post(
        self,
        key: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        *,
        retry: bool = False,
        ref: str | None = None,
    ) -> str | None:
        self.tries.append(key)
        self.retries.append(retry)
        if key in self.failing:
            raise self.error
        self.posted.append(key)


async def _league_with_rows(
    database: Database, clock: JumpClock, guild: str, rows: list[tuple[str, str]]
) -> str:
    league = (await setup_short_league(database, clock, guild=guild))["league_id"]
    await drain(database, CollectingPoster(), league_id=league)  # setup's own posts
    async with database.sessions() as s, s.begin():
        for key, target in rows:
            await repo.enqueue(
                s,
                league_id=league,
                key=key,
                kind="test",
                target=target,
                payload={"text": key},
                at=clock(),
            )
    return league


async def _row(database: Database, key: str) -> Any:
    async with database.read_sessions() as s:
        return (await s.execute(select(OutboxRow).where(OutboxRow.key == key))).scalar_one()


async def test_a_failing_row_is_retried_with_backoff_then_parked_and_never_blocks_the_rest(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    clock = JumpClock()
    await _league_with_rows(
        database,
        clock,
        "a",
        [("a:results", "results"), ("a:mirror", "results"), ("a:other", "governance")],
    )
    await _league_with_rows(database, clock, "b", [("b:results", "results")])
    poster = FlakyPoster({"a:results"}, RuntimeError("403 Forbidden"))

    assert await drain(database, poster, clock=clock) == 2
    # The other channel and the other league flowed; the same channel waits, in order.
    assert sorted(poster.posted) == ["a:other", "b:results"]
    first = await _row(database, "a:results")
    assert first.attempts == 1 and "Forbidden" in (first.last_error or "")
    assert first.sent_at is None and first.failed_at is None and first.next_attempt_at is not None

    # Not yet time to retry: the row is not handed over again, its channel still waits.
    assert await drain(database, poster, clock=clock) == 0
    assert poster.tries.count("a:results") == 1

    with caplog.at_level(logging.ERROR, logger="bot.app.league.outbox"):
        for _ in range(MAX_POST_ATTEMPTS - 1):
            clock.jump_to(clock() + outbox.RETRY_MAX)
            await drain(database, poster, clock=clock)
    parked = await _row(database, "a:results")
    assert parked.attempts == MAX_POST_ATTEMPTS and parked.failed_at is not None
    assert parked.sent_at is None
    assert poster.tries.count("a:results") == MAX_POST_ATTEMPTS
    assert [r.getMessage() for r in caplog.records if "parked" in r.getMessage()]
    # Once parked, the rows after it on the same channel go out, in order.
    assert len(poster.posted) == 3 and poster.posted[-1] == "a:mirror"
    clock.jump_to(clock() + outbox.RETRY_MAX)
    assert await drain(database, poster, clock=clock) == 0
    assert poster.tries.count("a:results") == MAX_POST_ATTEMPTS
    async with database.read_sessions() as s:
        report = await verify(s)
    assert any("a:results" in p and "parked" in p for p in report.problems)


async def test_a_row_the_poster_could_not_deliver_stays_unsent_uncounted_and_goes_out_later(
    database: Database,
) -> None:
    clock = JumpClock()
    await _league_with_rows(database, clock, "a", [("a:1", "results"), ("a:2", "results")])
    poster = FlakyPoster({"a:1", "a:2"}, NotDelivered("no channel bound for results"))
    for _ in range(MAX_POST_ATTEMPTS * 2):
        assert await drain(database, poster, clock=clock) == 0
        clock.jump_to(clock() + outbox.NOT_DELIVERED_RETRY)
    row = await _row(database, "a:1")
    assert row.sent_at is None and row.failed_at is None and row.attempts == 0
    assert "no channel bound" in (row.last_error or "")
    assert "a:2" not in poster.tries  # held back behind a:1 on the same channel

    poster.failing.clear()  # an admin bound the channels
    assert await drain(database, poster, clock=clock) == 2
    assert poster.posted == ["a:1", "a:2"]
    assert (await _row(database, "a:1")).sent_at is not None


async def test_each_hand_over_is_counted_before_the_post_is_made(database: Database) -> None:
    clock = JumpClock()
    await _league_with_rows(database, clock, "a", [("a:1", "results")])
    seen: list[int] = []

    class Inspecting:
        async def post(
            self,
            key: str,
            kind: str,
            target: str,
            payload: dict[str, Any],
            *,
            retry: bool = False,
            ref: str | None = None,
        ) -> str | None:
            seen.append((await _row(database, key)).attempts)

    assert await drain(database, Inspecting(), clock=clock) == 1
    assert seen == [1]


async def test_one_league_whose_drain_fails_does_not_stop_the_others(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = JumpClock()
    bad = await _league_with_rows(database, clock, "a", [("a:1", "results")])
    await _league_with_rows(database, clock, "b", [("b:1", "results")])
    real = outbox._drain

    async def broken(db: Database, poster: Any, league_id: str, *args: Any) -> int:
        if league_id == bad:
            raise OSError("the database connection dropped")
        return await real(db, poster, league_id, *args)

    monkeypatch.setattr(outbox, "_drain", broken)
    poster = CollectingPoster()
    assert await drain(database, poster, clock=clock) == 1
    assert [m[0] for m in poster.messages] == ["b:1"]


def test_retry_delays_double_up_to_a_cap() -> None:
    delays = [outbox.retry_delay(n) for n in range(1, 10)]
    assert delays[0] == outbox.RETRY_BASE and delays[1] == 2 * outbox.RETRY_BASE
    assert max(delays) == outbox.RETRY_MAX and delays == sorted(delays)


async def test_a_row_handed_over_before_is_handed_over_again_as_a_retry(
    database: Database,
) -> None:
    # The first hand-over failed after it may have reached Discord (a lost reply, say): the
    # next one says so, so the poster can look for its own earlier post before sending.
    clock = JumpClock()
    await _league_with_rows(database, clock, "a", [("a:results", "results")])
    poster = FlakyPoster({"a:results"}, TimeoutError("no reply"))
    await drain(database, poster, clock=clock)
    poster.failing.clear()
    clock.jump_to(clock() + outbox.RETRY_MAX)
    assert await drain(database, poster, clock=clock) == 1
    assert poster.retries == [False, True]


class SlowPoster:
    """Counts hand-overs per key, yielding to other tasks while it "posts"."""

    def __init__(self) -> None:
        self.posts: dict[str, int] = {}
        self.retries = 0

    async def post(
        self,
        key: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        *,
        retry: bool = False,
        ref: str | None = None,
    ) -> str | None:
        await asyncio.sleep(0.01)
        self.posts[key] = self.posts.get(key, 0) + 1
        self.retries += retry


async def test_two_drains_of_one_league_at_once_post_each_row_once(database: Database) -> None:
    # In one process on SQLite the drain has no advisory lock: the background loop and an
    # admin's advance may drain together. Each row is claimed by exactly one of them.
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    await Runner(database, clock=clock, instant=True).run_round(setup["season_id"])
    async with database.read_sessions() as s:
        queued = {m.key for m in await repo.unsent(s, setup["league_id"])}
    poster = SlowPoster()
    for _ in range(3):  # the held-back targets flow on the next passes
        await asyncio.gather(
            drain(database, poster, league_id=setup["league_id"], clock=clock),
            drain(database, poster, league_id=setup["league_id"], clock=clock),
        )
    assert poster.posts == dict.fromkeys(queued, 1)
    assert poster.retries == 0
    async with database.read_sessions() as s:
        rows = (
            await s.execute(select(OutboxRow).where(OutboxRow.league_id == setup["league_id"]))
        ).scalars()
        assert all(r.attempts == 1 and r.sent_at is not None for r in rows)


async def test_the_console_transcript_keeps_a_restart_from_printing_a_post_twice(
    tmp_path: Any,
) -> None:
    import io

    from bot.app.league.outbox import ConsolePoster

    transcript = tmp_path / "pinwheel.db.posted"
    first, second = io.StringIO(), io.StringIO()
    await ConsolePoster(first, transcript=transcript).post(
        "k:1", "results", "results", {"text": "A"}
    )
    # After a crash between the print and the mark, the row is handed over again: not reprinted.
    restarted = ConsolePoster(second, transcript=transcript)
    await restarted.post("k:1", "results", "results", {"text": "A"}, retry=True)
    await restarted.post("k:2", "results", "results", {"text": "B"})
    assert first.getvalue() == "[#results] A\n"
    assert second.getvalue() == "[#results] B\n"
    assert transcript.read_text().splitlines() == ["k:1", "k:2"]


def test_offline_run_keeps_its_transcript_beside_a_sqlite_file_and_forgets_it_with_the_file(
    tmp_path: Any,
) -> None:
    from bot.cli.run import _transcript

    db, stale = tmp_path / "league.db", tmp_path / "league.db.posted"
    stale.write_text("k:1\n")  # left over from a database since deleted
    assert _transcript(f"sqlite+aiosqlite:///{db}") == stale
    assert not stale.exists()  # the new database's posts are all printed
    db.write_text("")
    stale.write_text("k:1\n")
    assert _transcript(f"sqlite+aiosqlite:///{db}") == stale and stale.exists()
    assert _transcript("postgresql+asyncpg://u@h/db") is None
