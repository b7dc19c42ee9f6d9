"""One bot process of a cluster on one database, for the scale-out tests.

    python -m tests.app.cluster_proc URL NAME OUT_DIR --ttl S --start EPOCH --speed X --origin ISO
        [--kill-at POINT --nth K] [--seconds LIMIT]

Runs what a bot process's background loop runs (bot/cogs/background.py): a lease keeper and a
round runner over the leagues it holds, its shows and its outbox, until every season is
complete. League time is `--origin` at the wall clock's `--start` and runs `--speed` times
faster (the same in every process); leases run on the wall clock. Posts go to a simulated
Discord, a directory shared by the cluster: each (key, revision) is a file made with O_EXCL,
so a second hand-over of one that is not a retry is caught and written to `doubles-NAME`.
Each step this process ran (not replayed) is a line of `ran-NAME.jsonl`. With --kill-at it
SIGKILLs itself the K-th time its runner reaches that point (simulated, stored, tallied,
advanced, posting).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app.league.leases import Keeper
from bot.app.league.runner import Runner
from db import league_repo as repo
from db.engine import create_database
from tests.db.round_runner_proc import killer


class SpeedClock:
    """League time: `origin` at the wall clock's `start`, running `speed` times faster."""

    def __init__(self, start: float, speed: float, origin: datetime) -> None:
        self.start, self.speed, self.origin = start, speed, origin

    def __call__(self) -> datetime:
        return self.origin + timedelta(seconds=(time.time() - self.start) * self.speed)


class SimulatedDiscord:
    """The cluster's shared channel: one file per (key, revision) delivered."""

    def __init__(self, out: Path, name: str) -> None:
        self.posts, self.doubles = out / "posts", out / f"doubles-{name}"
        self.posts.mkdir(exist_ok=True)

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
        revision = int(payload.get("revision", 0))
        path = self.posts / f"{key.replace('/', '_')}@{revision}"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if not retry:  # handed over again with no crash in between: a double post
                with self.doubles.open("a") as f:
                    f.write(f"{key}@{revision}\n")
            return f"sim:{key}"
        os.write(fd, json.dumps({"kind": kind, "target": target}).encode())
        os.fsync(fd)
        os.close(fd)
        return f"sim:{key}"


async def _all_complete(db: Any) -> bool:
    async with db.read_sessions() as s:
        return not await repo.active_progress(s)


async def main(args: argparse.Namespace) -> None:
    out = Path(args.out)
    db = create_database(args.url)
    keeper = Keeper(db, ttl_seconds=args.ttl, process_id=f"{args.name}-{os.getpid()}")
    runner = Runner(
        db,
        clock=SpeedClock(args.start, args.speed, datetime.fromisoformat(args.origin)),
        poster=SimulatedDiscord(out, args.name),
        hook=killer(args.kill_at, args.nth),
        instant=True,
        owns=keeper.owns,
    )
    stopping = asyncio.Event()
    await keeper.renew()
    leasing = asyncio.create_task(keeper.run(stopping))
    ran = (out / f"ran-{args.name}.jsonl").open("a")
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        for report in await runner.tick():
            for step in report.ran:
                ran.write(json.dumps([report.season_id, report.round_number, step]) + "\n")
            ran.flush()
        if await _all_complete(db):
            break
        await asyncio.sleep(0.1)
    await runner.drain()
    stopping.set()
    await leasing
    await db.dispose()
    print("DONE", flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("name")
    p.add_argument("out")
    p.add_argument("--ttl", type=float, required=True)
    p.add_argument("--start", type=float, required=True)
    p.add_argument("--speed", type=float, required=True)
    p.add_argument("--origin", required=True, help="league time at --start (ISO 8601)")
    p.add_argument("--kill-at", default=None)
    p.add_argument("--nth", type=int, default=1)
    p.add_argument("--seconds", type=float, default=120.0)
    asyncio.run(main(p.parse_args()))
