"""Bot processes and league leases (bot/app/league/leases.py has the why).

`renew` is one transaction: the process reports itself, every league gets a lease row, the
process extends the leases it still holds, gives back what is over its fair share, and claims
free or expired leases up to it. On PostgreSQL the claim reads with `FOR UPDATE SKIP LOCKED`, so
two processes claiming at once take different leagues and never wait on each other; on SQLite
one process owns the file and BEGIN IMMEDIATE serialises anyway.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.domain.projections import as_utc
from db.projections import Executor, dialect_name, upsert
from db.tables import (
    BotProcessRow,
    LeagueLeaseRow,
    LeagueRow,
    OutboxRow,
    table_of,
)

processes = table_of(BotProcessRow)
leases = table_of(LeagueLeaseRow)
FORGET_AFTER = timedelta(hours=1)  # a gone process's row is kept this long for `status`


@dataclass(frozen=True)
class Process:
    id: str
    host: str
    pid: int
    shards: list[int] | None
    shard_count: int | None
    started_at: datetime
    seen_at: datetime
    loop_lag_ms: float
    outbox_backlog: int

    def alive_at(self, now: datetime, ttl: timedelta) -> bool:
        """Seen within a lease's length: a process that has not renewed for longer is gone."""
        return now - self.seen_at < ttl


@dataclass(frozen=True)
class Lease:
    league_id: str
    league_name: str
    holder: str | None
    expires_at: datetime | None

    def held_at(self, now: datetime) -> bool:
        return self.holder is not None and self.expires_at is not None and self.expires_at > now


def fair_share(leagues: int, live_processes: int) -> int:
    """How many leagues one of `live_processes` holds: an even split, rounded up."""
    return math.ceil(leagues / max(live_processes, 1))


async def renew(
    s: Executor, process: Mapping[str, Any], now: datetime, ttl: timedelta
) -> frozenset[str]:
    """Report `process` (a `bot_processes` row) as seen at `now` and settle its leases; returns
    the leagues it holds until `now + ttl`."""
    me = str(process["id"])
    await s.execute(upsert(s, processes, ["id"]), [{**process, "seen_at": now}])
    await s.execute(delete(processes).where(processes.c.seen_at < now - FORGET_AFTER))
    make = pg_insert if dialect_name(s) == "postgresql" else sqlite_insert
    missing = select(table_of(LeagueRow).c.id).where(
        table_of(LeagueRow).c.id.not_in(select(leases.c.league_id))
    )
    await s.execute(make(leases).from_select(["league_id"], missing).on_conflict_do_nothing())
    live = (
        await s.execute(select(func.count()).where(processes.c.seen_at > now - ttl))
    ).scalar_one()
    total = (await s.execute(select(func.count()).select_from(leases))).scalar_one()
    share = fair_share(int(total), int(live))
    until = now + ttl
    kept = sorted(
        (
            await s.execute(
                update(leases)
                .where(leases.c.holder == me, leases.c.expires_at > now)
                .values(expires_at=until)
                .returning(leases.c.league_id)
            )
        ).scalars()
    )
    if len(kept) > share:  # more than a fair share: the rest go back for others to claim
        extra = kept[share:]
        await s.execute(
            update(leases)
            .where(leases.c.league_id.in_(extra), leases.c.holder == me)
            .values(holder=None, expires_at=None)
        )
        return frozenset(kept[:share])
    wanted = share - len(kept)
    if wanted <= 0:
        return frozenset(kept)
    free = (
        select(leases.c.league_id)
        .where(or_(leases.c.holder.is_(None), leases.c.expires_at <= now))
        .order_by(leases.c.league_id)
        .limit(wanted)
    )
    if dialect_name(s) == "postgresql":
        free = free.with_for_update(skip_locked=True)
    claimable = list((await s.execute(free)).scalars())
    if claimable:
        await s.execute(
            update(leases)
            .where(leases.c.league_id.in_(claimable))
            .values(holder=me, expires_at=until, claimed_at=now)
        )
    return frozenset([*kept, *claimable])


async def release(s: Executor, process_id: str) -> None:
    """A process stopping: its leagues are free at once, and its row goes."""
    await s.execute(
        update(leases).where(leases.c.holder == process_id).values(holder=None, expires_at=None)
    )
    await s.execute(delete(processes).where(processes.c.id == process_id))


async def backlog(s: Executor, league_ids: Iterable[str]) -> int:
    """Messages of these leagues waiting to be posted (not parked)."""
    ids = list(league_ids)
    if not ids:
        return 0
    outbox = table_of(OutboxRow)
    query = select(func.count()).where(
        outbox.c.league_id.in_(ids), outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None)
    )
    return int((await s.execute(query)).scalar_one())


def _utc(value: datetime) -> datetime:
    found = as_utc(value)
    assert found is not None
    return found


async def all_processes(s: Executor) -> list[Process]:
    rows = (await s.execute(select(processes).order_by(processes.c.started_at))).mappings()
    return [
        Process(
            str(r["id"]),
            str(r["host"]),
            int(r["pid"]),
            r["shards"],
            r["shard_count"],
            _utc(r["started_at"]),
            _utc(r["seen_at"]),
            float(r["loop_lag_ms"]),
            int(r["outbox_backlog"]),
        )
        for r in rows
    ]


async def all_leases(s: Executor) -> list[Lease]:
    league = table_of(LeagueRow)
    query = (
        select(league.c.id, league.c.name, leases.c.holder, leases.c.expires_at)
        .select_from(league.outerjoin(leases, leases.c.league_id == league.c.id))
        .order_by(league.c.name, league.c.id)
    )
    return [Lease(a, b, c, as_utc(d)) for a, b, c, d in (await s.execute(query)).all()]
