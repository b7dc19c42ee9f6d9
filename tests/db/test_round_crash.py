"""A round runner SIGKILLed at five points inside a round: after a restart every round completes
once, nothing is lost or posted twice, and verify is clean (both engines)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app.league.offline import JumpClock
from db import league_repo as repo
from db.engine import Database
from db.tables import CommandLogRow, GameResultRow, OutboxRow, ScheduleRow
from db.verify import verify
from tests.app.league_kit import setup_short_league

ROOT = Path(__file__).resolve().parents[2]
# (point, occurrence in that process): between simulate and store, between store and tally,
# inside the tally, after the tally before posting, mid-outbox (after a post, before its mark),
# and once more mid-simulate a round later.
KILLS = [
    ("simulated", 1),
    ("stored", 1),
    ("tallying", 1),
    ("tallied", 1),
    ("posting", 3),
    ("simulated", 2),
]


async def _recorded_steps(s: Any) -> dict[int, set[str]]:
    """Round number -> the steps recorded in the command log for it."""
    ids = (
        await s.execute(
            select(CommandLogRow.command_id).where(CommandLogRow.command_id.like("round:%"))
        )
    ).scalars()
    steps: dict[int, set[str]] = {}
    for command_id in ids:
        _, _, number, step = command_id.split(":")
        steps.setdefault(int(number), set()).add(step)
    return steps


async def _run(*args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.db.round_runner_proc",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    if proc.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(err.decode()[-3000:])
    return proc.returncode, out.decode()


async def test_runner_killed_at_five_points_in_a_round_finishes_each_round_exactly_once(
    database: Database, db_url: str, tmp_path: Path
) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    posted = tmp_path / "posted.jsonl"
    for point, nth in KILLS:
        code, out = await _run(db_url, season, str(posted), "--kill-at", point, "--nth", str(nth))
        assert code == -signal.SIGKILL and f"KILL {point}" in out, (point, out)
        async with database.read_sessions() as s:
            report = await verify(s)
            steps = await _recorded_steps(s)
            unsent = (
                await s.execute(select(func.count()).where(OutboxRow.sent_at.is_(None)))
            ).scalar_one()
        assert report.ok, (point, report.problems)
        # The kill left the round part-way: the next step of some round is not yet recorded.
        last = max(steps, default=0)
        if point in ("stored", "tallying"):
            assert "simulate" in steps.get(last, set()) and "govern" not in steps[last], (
                point,
                steps,
            )
        if point == "tallied":
            assert "govern" in steps.get(last, set()) and "advance" not in steps[last], (
                point,
                steps,
            )
        if point == "posting":
            assert unsent > 0
    code, out = await _run(db_url, season, str(posted))
    assert code == 0 and "DONE" in out

    async with database.read_sessions() as s:
        progress = await repo.get_progress(s, season)
        slots = (await s.execute(select(ScheduleRow))).scalars().all()
        games = (await s.execute(select(GameResultRow))).scalars().all()
        queued = set((await s.execute(select(OutboxRow.key))).scalars().all())
        unsent = (
            await s.execute(select(func.count()).where(OutboxRow.sent_at.is_(None)))
        ).scalar_one()
        report = await verify(s)
    assert progress is not None and progress.phase == "complete"
    assert progress.champion_team_id is not None
    assert len(slots) == len(games) and all(s.status == "played" for s in slots)
    assert max(Counter((g.round_number, g.matchup_index) for g in games).values()) == 1
    # Each (message, revision) once: a proposal card edited as votes come in is handed over
    # again with each new revision, never the same revision twice.
    lines = [(r["key"], r["revision"]) for r in map(json.loads, posted.read_text().splitlines())]
    assert len(lines) == len(set(lines)), "a message was posted twice"
    assert {key for key, _ in lines} == queued and unsent == 0, "a message was lost"
    assert report.ok, report.problems


# Several bot processes share PostgreSQL; SQLite is the single-process engine.
@pytest.mark.parametrize("backend", ["postgres"])
async def test_two_runner_processes_on_postgres_play_each_round_once_and_post_once(
    database: Database, db_url: str, tmp_path: Path
) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    files = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    results = await asyncio.gather(*(_run(db_url, season, str(f)) for f in files))
    assert all(code == 0 and "DONE" in out for code, out in results)

    async with database.read_sessions() as s:
        games = (await s.execute(select(GameResultRow))).scalars().all()
        slots = (await s.execute(select(ScheduleRow))).scalars().all()
        queued = set((await s.execute(select(OutboxRow.key))).scalars().all())
        report = await verify(s)
    assert len(games) == len(slots)
    posted = [
        (r["key"], r["revision"])
        for f in files
        if f.exists()
        for r in map(json.loads, f.read_text().splitlines())
    ]
    assert len(posted) == len(set(posted)) and {key for key, _ in posted} == queued
    assert report.ok, report.problems
