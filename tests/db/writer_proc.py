"""A writer process for the multi-process and kill tests.

    python -m tests.db.writer_proc URL SEASON GOVERNOR --tasks T --appends N [--batch B]
        [--pause-after K]

Appends N batches of B token grants from each of T tasks. With --pause-after K, the first task
commits K batches, then appends one more batch, prints IN_TXN and sleeps inside the open
transaction so the parent can kill it there.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from db.engine import create_database
from db.event_store import EventStore
from db.projections import ALL_BINDINGS
from tests.factories import grant


async def main(args: argparse.Namespace) -> None:
    db = create_database(args.url, pool_size=args.tasks + 1)

    async def one_batch(pause: bool) -> None:
        async with db.sessions() as s, s.begin():
            store = EventStore(s, projections=ALL_BINDINGS)
            await store.append([grant(args.season, args.governor) for _ in range(args.batch)])
            if pause:
                print("IN_TXN", flush=True)
                time.sleep(60)  # blocks the loop on purpose: killed here, mid-transaction

    async def task(index: int) -> None:
        for n in range(args.appends):
            pause = index == 0 and args.pause_after is not None and n == args.pause_after
            await one_batch(pause)
            if index == 0 and args.pause_after is not None and n + 1 == args.pause_after:
                print("COMMITTED", flush=True)

    await asyncio.gather(*(task(i) for i in range(args.tasks)))
    await db.dispose()
    print("DONE", flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("season")
    p.add_argument("governor")
    p.add_argument("--tasks", type=int, default=1)
    p.add_argument("--appends", type=int, default=1)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--pause-after", type=int, default=None)
    asyncio.run(main(p.parse_args()))
    sys.exit(0)
