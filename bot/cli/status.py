"""`pinwheel status`: the bot processes on this database, as each last reported itself.

Per process: where it runs, since when, the Discord shards it connects, the leagues whose
background work it holds, how late its event loop wakes and how many of its leagues' messages
wait to be posted. Then any league no live process holds (it is taken over within about a
lease and a third). `--json` gives the same as one object for scripts and dashboards.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import Settings, describe_database


def register(sub: Any) -> None:
    status = sub.add_parser(
        "status", help="the bot processes on this database: shards, leagues, loop lag, backlog"
    )
    status.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    status.set_defaults(func=lambda a: asyncio.run(_status(a)))


async def read(settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """What `pinwheel status` shows, as data."""
    from bot.cli.db import open_ready
    from db import lease_repo

    now = now or datetime.now(UTC)
    ttl = timedelta(seconds=settings.lease_seconds)
    db = await open_ready(settings)
    try:
        async with db.read_sessions() as s:
            processes = await lease_repo.all_processes(s)
            leases = await lease_repo.all_leases(s)
    finally:
        await db.dispose()
    held: dict[str, list[str]] = {}
    unheld: list[str] = []
    for lease in leases:
        if lease.held_at(now):
            held.setdefault(str(lease.holder), []).append(lease.league_name)
        else:
            unheld.append(lease.league_name)
    return {
        "database": describe_database(settings.database_url),
        "lease_seconds": settings.lease_seconds,
        "leagues": len(leases),
        "processes": [
            {
                "id": p.id,
                "host": p.host,
                "pid": p.pid,
                "live": p.alive_at(now, ttl),
                "started_at": p.started_at.isoformat(),
                "seen_s_ago": round(max((now - p.seen_at).total_seconds(), 0.0), 1),
                "shards": p.shards,
                "shard_count": p.shard_count,
                "leagues": held.get(p.id, []),
                "loop_lag_ms": p.loop_lag_ms,
                "outbox_backlog": p.outbox_backlog,
            }
            for p in processes
        ],
        "unheld_leagues": unheld,
    }


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _shards(p: dict[str, Any]) -> str:
    if p["shards"] is None:
        return "offline"
    listed = ",".join(str(x) for x in p["shards"])
    return f"{listed} of {p['shard_count']}" if p["shard_count"] else listed


def _leagues(names: list[str], most: int = 4) -> str:
    if not names:
        return "none"
    shown = ", ".join(names[:most])
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return f"{len(names)}: {shown}{more}"


def render(found: dict[str, Any]) -> str:
    """The status as a table a person reads (rich, as the live terminal uses)."""
    from rich.console import Console
    from rich.table import Table

    out = io.StringIO()
    console = Console(width=120, file=out, color_system=None)
    live = [p for p in found["processes"] if p["live"]]
    console.print(
        f"{found['database']}: {_count(len(live), 'live process', 'live processes')}, "
        f"{_count(found['leagues'], 'league', 'leagues')}, leases of {found['lease_seconds']:g} s"
    )
    if found["processes"]:
        table = Table(box=None, pad_edge=False)
        for column in ("process", "seen", "shards", "leagues held", "loop lag", "backlog"):
            table.add_column(column)
        for p in found["processes"]:
            table.add_row(
                f"{p['host']}:{p['pid']}",
                f"{p['seen_s_ago']:g} s ago" if p["live"] else f"gone ({p['seen_s_ago']:.0f} s)",
                _shards(p),
                _leagues(p["leagues"]),
                f"{p['loop_lag_ms']:.0f} ms",
                str(p["outbox_backlog"]),
            )
        console.print(table)
    else:
        console.print("No bot process has reported here yet (`pinwheel run` reports itself).")
    if found["unheld_leagues"]:
        console.print(
            f"Not held by a live process: {_leagues(found['unheld_leagues'])} "
            "(a live process takes them over within about a lease and a third)."
        )
    return out.getvalue()


async def _status(args: argparse.Namespace) -> int:
    found = await read(Settings())
    print(json.dumps(found, indent=2) if args.json else render(found).rstrip())
    return 0
