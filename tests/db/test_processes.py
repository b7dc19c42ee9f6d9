"""Several OS processes on one database, and a writer killed with SIGKILL mid-transaction."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from db.engine import Database
from db.event_store import head, read_from
from db.verify import verify
from tests.factories import seed_league

ROOT = Path(__file__).resolve().parents[2]


async def spawn(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.db.writer_proc",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


async def finish(proc: asyncio.subprocess.Process) -> None:
    out, err = await asyncio.wait_for(proc.communicate(), timeout=240)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"DONE" in out


async def check_log(database: Database, expected: int | None = None, batch: int = 1) -> int:
    async with database.read_sessions() as s:
        events = await read_from(s, 0, limit=10**7)
        count = len(events)
        assert [e.sequence_number for e in events] == list(range(1, count + 1))
        assert await head(s) == count
        if expected is not None:
            assert count == expected
        # No partial batch: every command's events are all there or all absent.
        assert count % batch == 0
        report = await verify(s)
    assert report.ok, report.problems
    return count


def sqlite_integrity_ok(url: str) -> bool:
    path = make_url(url).database
    assert path
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_two_processes_with_four_writers_each_keep_the_log_dense(
    database: Database, db_url: str
) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    procs = [
        await spawn(db_url, seeded.season_id, gov, "--tasks", "4", "--appends", "100")
        for _ in range(2)
    ]
    for proc in procs:
        await finish(proc)
    await check_log(database, expected=800)


async def test_writer_killed_inside_an_append_transaction_leaves_no_partial_batch(
    database: Database, db_url: str
) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    proc = await spawn(
        db_url, seeded.season_id, gov, "--appends", "10", "--batch", "5", "--pause-after", "3"
    )
    assert proc.stdout is not None
    lines = []
    while not lines or lines[-1] != "IN_TXN":
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=60)
        assert line, "writer exited before reaching the transaction"
        lines.append(line.decode().strip())
    assert lines == ["COMMITTED", "IN_TXN"]
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    # Three committed batches of five survive; the batch in flight is gone without a trace.
    await check_log(database, expected=15, batch=5)
    if database.is_sqlite:
        assert sqlite_integrity_ok(db_url)
    # The lock died with the process: a new writer appends right after the last committed event.
    after = await spawn(db_url, seeded.season_id, gov, "--appends", "2", "--batch", "5")
    await finish(after)
    await check_log(database, expected=25, batch=5)


async def test_writers_killed_at_random_moments_never_corrupt_the_log(
    database: Database, db_url: str
) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    committed = 0
    for delay in (0.0, 0.05, 0.13):
        proc = await spawn(
            db_url, seeded.season_id, gov, "--tasks", "3", "--appends", "1000", "--batch", "4"
        )
        # Kill only once this writer is visibly committing, so the kill lands mid-stream.
        while await current_head(database) <= committed:
            await asyncio.sleep(0.01)
        await asyncio.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        assert proc.returncode == -signal.SIGKILL
        count = await check_log(database, batch=4)
        assert count > committed
        committed = count
    if database.is_sqlite:
        assert sqlite_integrity_ok(db_url)


async def current_head(database: Database) -> int:
    async with database.read_sessions() as s:
        return await head(s)
