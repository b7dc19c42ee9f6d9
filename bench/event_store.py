"""Event-store benchmark: prints one JSON object.

    python bench/event_store.py --backend sqlite [--events 1000000]
    python bench/event_store.py --backend postgres [--url postgresql+asyncpg://...]

Without --url for PostgreSQL a throwaway durable cluster (fsync on) is started. Measures single
and batched appends through the real store (lock, version check, insert, inline projection,
head), a plain single-row SQLAlchemy insert+commit as the baseline, replay of the whole log
through the projection folds, and balance reads with the log at --events events.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from bench.harness import bench_database, parser, percentile, run
from db.engine import Database
from db.event_store import EventStore, events_table, head, head_table
from db.projections import ALL_BINDINGS, TOKEN_BALANCES
from db.tables import JsonType, SeasonRow
from db.verify import rebuild, replay
from tests.factories import grant, seed_league, spend

raw_meta = MetaData()
raw_table = Table(
    "bench_raw_insert",
    raw_meta,
    Column("id", String(36), primary_key=True),
    Column("n", Integer),
    Column("payload", JsonType),
)


async def raw_single(db: Database, n: int) -> float:
    async with db.engine.begin() as conn:
        await conn.run_sync(raw_meta.create_all)
    start = time.perf_counter()
    for i in range(n):
        async with db.sessions() as s, s.begin():
            await s.execute(insert(raw_table).values(id=str(uuid.uuid4()), n=i, payload={"i": i}))
    return n / (time.perf_counter() - start)


async def append_single(db: Database, season: str, govs: list[str], n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        async with db.sessions() as s, s.begin():
            await EventStore(s, projections=ALL_BINDINGS).append(
                [grant(season, govs[i % len(govs)])]
            )
    return n / (time.perf_counter() - start)


async def append_batch(db: Database, season: str, govs: list[str], batches: int) -> float:
    start = time.perf_counter()
    for b in range(batches):
        async with db.sessions() as s, s.begin():
            await EventStore(s, projections=ALL_BINDINGS).append(
                [grant(season, govs[(b * 100 + k) % len(govs)]) for k in range(100)]
            )
    return batches * 100 / (time.perf_counter() - start)


async def bulk_load(db: Database, season: str, govs: list[str], target: int) -> None:
    """Fill the log to `target` events (valid grants and spends), then rebuild projections."""
    async with db.read_sessions() as s:
        league = (
            await s.execute(select(SeasonRow.league_id).where(SeasonRow.id == season))
        ).scalar_one()
        start_seq = await head(s, league)
    versions: dict[str, int] = {}
    async with db.read_sessions() as s:
        for gov in govs:
            versions[gov] = int(
                (
                    await s.execute(
                        select(events_table.c.aggregate_version)
                        .where(events_table.c.aggregate_id == gov)
                        .order_by(events_table.c.aggregate_version.desc())
                        .limit(1)
                    )
                ).scalar()
                or 0
            )
    now = datetime.now(UTC)
    seq = start_seq
    chunk = 20_000
    while seq < target:
        rows: list[dict[str, Any]] = []
        for _ in range(min(chunk, target - seq)):
            seq += 1
            gov = govs[seq % len(govs)]
            versions[gov] += 1
            # Alternate grant 2 / spend 1 per governor so every balance stays positive.
            made = spend(season, gov) if versions[gov] % 2 == 0 else grant(season, gov, 2)
            rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "league_id": league,
                    "sequence_number": seq,
                    "event_type": made.event_type,
                    "aggregate_type": "token",
                    "aggregate_id": gov,
                    "aggregate_version": versions[gov],
                    "season_id": season,
                    "governor_id": gov,
                    "payload": made.payload.model_dump(mode="json"),
                    "schema_version": 1,
                    "metadata": {},
                    "created_at": now,
                }
            )
        async with db.sessions() as s, s.begin():
            await s.execute(insert(events_table), rows)
            await s.execute(
                head_table.update()
                .where(head_table.c.league_id == league)
                .values(last_sequence=seq)
            )
    async with db.sessions() as s, s.begin():
        await rebuild(s)


async def replay_rate(db: Database) -> tuple[int, float]:
    async with db.read_sessions() as s:
        start = time.perf_counter()
        count, _ = await replay(s)
        return count, count / (time.perf_counter() - start)


async def balance_reads(db: Database, season: str, govs: list[str], n: int) -> list[float]:
    rng = random.Random(7)
    table = TOKEN_BALANCES.table
    samples = []
    for _ in range(n):
        gov = rng.choice(govs)
        start = time.perf_counter()
        async with db.read_sessions() as s:
            rows = (
                await s.execute(
                    select(table.c.token_type, table.c.balance).where(
                        table.c.season_id == season, table.c.governor_id == gov
                    )
                )
            ).all()
        samples.append((time.perf_counter() - start) * 1000)
        assert rows
    return samples


async def main(args: argparse.Namespace) -> dict[str, Any]:
    async with bench_database(args.backend, args.url) as db:
        seeded = await seed_league(db, governors=args.governors)
        season, govs = seeded.season_id, seeded.governor_ids
        result: dict[str, Any] = {"backend": args.backend}
        result["raw_insert_single_per_s"] = round(await raw_single(db, args.singles))
        result["append_single_per_s"] = round(await append_single(db, season, govs, args.singles))
        result["ratio_single"] = round(
            result["append_single_per_s"] / result["raw_insert_single_per_s"], 3
        )
        result["append_batch100_per_s"] = round(await append_batch(db, season, govs, 30))
        load_start = time.perf_counter()
        await bulk_load(db, season, govs, args.events)
        result["bulk_load_seconds"] = round(time.perf_counter() - load_start, 1)
        count, rate = await replay_rate(db)
        result["events"] = count
        result["replay_events_per_s"] = round(rate)
        reads = await balance_reads(db, season, govs, 2000)
        result["balance_read_ms_p50"] = round(statistics.median(reads), 3)
        result["balance_read_ms_p99"] = round(percentile(reads, 0.99), 3)
        return result


if __name__ == "__main__":
    arguments = parser(__doc__)
    arguments.add_argument("--governors", type=int, default=1000)
    arguments.add_argument("--singles", type=int, default=500)
    run(main, arguments.parse_args())
