"""A round-runner process for the crash tests.

    python -m tests.db.round_runner_proc URL SEASON POSTED_FILE [--kill-at NAME --nth K]

Plays the season to its end with scripted governors and a jumping clock, posting to a file of
JSON lines. With --kill-at, the process SIGKILLs itself the K-th time the runner reaches the
named point (simulated, stored, tallying, tallied, advanced, posting). The file poster is
idempotent per key, as the poster contract requires, by reading back the keys it has written.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.app.league.offline import JumpClock
from bot.app.league.runner import Runner
from db import league_repo as repo
from db.engine import create_database
from tests.app.league_kit import scripted


class FilePoster:
    """Writes each (key, revision) it is handed once: a message edited later (a proposal
    card as votes come in) is handed over again with its new revision."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.keys: set[tuple[str, int]] = set()
        if path.exists():
            for line in path.read_text().splitlines():
                row = json.loads(line)
                self.keys.add((row["key"], row["revision"]))

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
        if (key, revision) in self.keys:
            return None
        with self.path.open("a") as f:
            row = {"key": key, "revision": revision, "kind": kind, "target": target}
            f.write(json.dumps(row) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.keys.add((key, revision))
        return f"file:{key}"


def killer(point: str | None, nth: int) -> Callable[[str], None]:
    """A runner hook that SIGKILLs this process the `nth` time the runner reaches `point`."""
    seen: dict[str, int] = {}

    def hook(name: str) -> None:
        seen[name] = seen.get(name, 0) + 1
        if name == point and seen[name] == nth:
            print(f"KILL {name}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


async def main(args: argparse.Namespace) -> None:
    db = create_database(args.url)
    hook = killer(args.kill_at, args.nth)

    async with db.read_sessions() as s:
        progress = await repo.get_progress(s, args.season)
    assert progress is not None and progress.next_due_at is not None
    clock = JumpClock(progress.next_due_at - timedelta(minutes=30))
    governors = await scripted(db, clock, args.season)
    runner = Runner(db, clock=clock, poster=FilePoster(Path(args.posted)), hook=hook, instant=True)
    await runner.drain()  # whatever a killed predecessor left unsent
    for _ in range(50):
        async with db.read_sessions() as s:
            progress = await repo.get_progress(s, args.season)
        assert progress is not None
        if progress.phase == "complete":
            break
        assert progress.next_due_at is not None
        clock.jump_to(progress.next_due_at - timedelta(minutes=30))
        await governors.act(args.season)
        clock.jump_to(progress.next_due_at)
        await runner.tick()
    await db.dispose()
    print("DONE", flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("season")
    p.add_argument("posted")
    p.add_argument("--kill-at", default=None)
    p.add_argument("--nth", type=int, default=1)
    asyncio.run(main(p.parse_args()))
