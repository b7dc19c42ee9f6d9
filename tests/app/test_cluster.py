"""Three bot processes on one PostgreSQL, thirty leagues, one process SIGKILLed mid-round and
started again (tests/app/cluster_proc.py is the process).

Must hold: the leases spread the leagues evenly; the dead process's leagues are taken over, and
the round it cut short finished, within the lease bound; every round is played exactly once
(each step run by one process, each game stored once); every message is posted once to the
simulated Discord and none is left unsent; `pinwheel verify` finds the log and projections
clean."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app.league.offline import JumpClock
from bot.app.league.steps import step_id
from db import league_repo as repo
from db import lease_repo
from db.engine import Database, create_database
from db.tables import CommandLogRow, GameResultRow, OutboxRow, ScheduleRow
from db.verify import verify
from tests.app.league_kit import setup_short_league
from tests.conftest import fresh_url
from tests.pg import Cluster

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
LEAGUES = 30
TTL = 3.0  # seconds a lease is good for: the takeover bound is TTL + TTL / 3
SPEED = 2400.0  # league time to wall time: the default hour between rounds is 1.5 seconds
SLACK = 4.0  # a tick, a round's steps and a poll on a busy two-core machine


@pytest.fixture
async def pg(
    tmp_path: Path, sqlite_template: Path, pg_cluster: Cluster | None, pg_template: str | None
) -> str:
    return await fresh_url("postgres", tmp_path, sqlite_template, pg_cluster, pg_template)


async def _spawn(
    url: str, name: str, out: Path, start: float, origin: datetime, *extra: str
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.app.cluster_proc",
        url,
        name,
        str(out),
        "--ttl",
        str(TTL),
        "--start",
        str(start),
        "--speed",
        str(SPEED),
        "--origin",
        origin.isoformat(),
        *extra,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


async def _held(db: Database) -> Counter[str]:
    """Live leases per process name."""
    now = datetime.now(UTC)
    async with db.read_sessions() as s:
        leases = await lease_repo.all_leases(s)
    return Counter(str(x.holder).split("-")[0] for x in leases if x.held_at(now))


async def _until(what: str, check: object, bound: float) -> float:
    """Poll `check()` until true; how long it took (fails past `bound` seconds)."""
    t = time.monotonic()
    while not await check():  # type: ignore[operator]
        assert time.monotonic() - t < bound, f"{what}: not within {bound:.0f} s"
        await asyncio.sleep(0.1)
    return time.monotonic() - t


async def _in_flight(db: Database) -> list[tuple[str, int]]:
    """Rounds whose first step is recorded and whose last is not: cut short mid-round."""
    async with db.read_sessions() as s:
        steps = set((await s.execute(select(CommandLogRow.command_id))).scalars())
        progress = [p for p in await repo.active_progress(s)]
    return [
        (p.season_id, p.next_round)
        for p in progress
        if step_id(p.season_id, p.next_round, "simulate") in steps
        and step_id(p.season_id, p.next_round, "advance") not in steps
    ]


async def test_three_processes_share_thirty_leagues_and_survive_a_kill(
    pg: str, tmp_path: Path
) -> None:
    db = create_database(pg)
    try:
        setup_clock = JumpClock(datetime(2026, 12, 7, 12, 0, tzinfo=UTC))
        for i in range(LEAGUES):
            await setup_short_league(db, setup_clock, guild=f"{9000 + i}", seed=f"cluster-{i}")
        # League time starts so that the first round falls due six seconds after the
        # processes start: time for them to share the leagues out.
        async with db.read_sessions() as s:
            first_due = min(p.next_due_at for p in await repo.active_progress(s) if p.next_due_at)
        origin = first_due - timedelta(seconds=6 * SPEED)
        start = time.time()
        a = await _spawn(pg, "a", tmp_path, start, origin)
        b = await _spawn(pg, "b", tmp_path, start, origin)
        victim = await _spawn(pg, "c", tmp_path, start, origin, "--kill-at", "stored", "--nth", "3")

        async def even() -> bool:
            return sorted((await _held(db)).values()) == [10, 10, 10]

        await _until("an even split over three processes", even, 6 * TTL)

        await asyncio.wait_for(victim.wait(), timeout=120)
        assert victim.returncode == -9, (await victim.stderr.read()).decode()[-2000:]  # type: ignore[union-attr]
        cut = await _in_flight(db)
        assert cut, "the victim died between a round's first and last step"

        async def taken_over() -> bool:
            held = await _held(db)
            return "c" not in held and sum(held.values()) == LEAGUES

        async def finished() -> bool:
            return not set(cut) & set(await _in_flight(db))

        bound = TTL + TTL / 3 + SLACK
        await _until("the dead process's leagues taken over", taken_over, bound)
        await _until("the round cut short finished", finished, bound)

        again = await _spawn(pg, "c", tmp_path, start, origin)
        for proc in (a, b, again):
            out, err = await asyncio.wait_for(proc.communicate(), timeout=180)
            assert proc.returncode == 0, err.decode()[-3000:]
            assert b"DONE" in out

        async with db.read_sessions() as s:
            assert not await repo.active_progress(s)  # every season played to its end
            scheduled = (
                await s.execute(select(func.count()).select_from(ScheduleRow))
            ).scalar_one()
            games = Counter(
                (
                    await s.execute(
                        select(
                            GameResultRow.season_id,
                            GameResultRow.round_number,
                            GameResultRow.matchup_index,
                        )
                    )
                ).all()
            )
            unsent = (
                await s.execute(select(func.count()).where(OutboxRow.sent_at.is_(None)))
            ).scalar_one()
            delivered = set(
                (await s.execute(select(OutboxRow.key, OutboxRow.delivered_revision))).all()
            )
            report = await verify(s)
        assert sum(games.values()) == scheduled and set(games.values()) == {1}
        ran = Counter(
            tuple(json.loads(line))
            for f in tmp_path.glob("ran-*.jsonl")
            for line in f.read_text().splitlines()
        )
        assert ran and max(ran.values()) == 1, [k for k, n in ran.items() if n > 1]
        assert not list(tmp_path.glob("doubles-*")), "a message was posted twice"
        assert unsent == 0
        posted = {p.name for p in (tmp_path / "posts").iterdir()}
        assert {f"{k.replace('/', '_')}@{r}" for k, r in delivered} <= posted
        assert report.ok, report.problems
    finally:
        await db.dispose()
