"""What every benchmark shares: a fresh migrated database on either engine, the common
arguments, percentiles, and printing one JSON object."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
from sqlalchemy.engine import make_url

from db.engine import Database, create_database
from db.migrate import upgrade


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def parser(doc: str | None, *, events: int = 1_000_000) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--url", help="admin URL of a PostgreSQL server (a new DB is created)")
    p.add_argument("--events", type=int, default=events)
    return p


async def fresh_postgres(url: str | None) -> tuple[str, Any]:
    """A new database on `url`'s server, or on a throwaway durable cluster (fsync on)."""
    from tests.pg import start_cluster

    cluster = None
    if url is None:
        cluster = start_cluster(durable=True)
        url = cluster.admin_url
    name = f"pinwheel_bench_{int(time.time() * 1000)}"
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return str(make_url(url).set(database=name)), cluster


@asynccontextmanager
async def bench_database(backend: str, url: str | None = None) -> AsyncIterator[Database]:
    """A freshly migrated database, disposed (and its throwaway server stopped) afterwards."""
    cluster = None
    if backend == "sqlite":
        target = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='pinwheel-bench-')}/bench.db"
    else:
        target, cluster = await fresh_postgres(url)
    try:
        await upgrade(target)
        db = create_database(target)
        try:
            yield db
        finally:
            await db.dispose()
    finally:
        if cluster is not None:
            cluster.stop()


def run(main: Callable[[argparse.Namespace], Awaitable[dict[str, Any]]], args: Any) -> None:
    print(json.dumps(asyncio.run(main(args))))
