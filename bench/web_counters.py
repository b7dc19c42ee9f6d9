"""What the web's read cache pays to know whether a league changed, as leagues accumulate.

    python bench/web_counters.py [--backend sqlite|postgres] [--url ADMIN_URL]
                                 [--leagues 25,100,400] [--rounds 3] [--reads 300]

Sets up small leagues (4 teams) on a fresh database, each playing `--rounds` rounds (games,
box scores, mirrors, finished shows), and at each count in `--leagues` times, over `--reads`
reads each (bot/web/cache.py):
- `league_read_ms`: one league's counters (the read every kept answer depends on, at most
  twice a second per league being read, per web process);
- `global_read_ms`: the counters of which leagues and seasons exist (the league list);
- `whole_database_read_ms`: for comparison, the one query the cache ran before counters were
  kept per league: every league's log head and newest event that is not a vote, and counts
  over every game, mirror, show and frame ever stored. It is copied here, not used by the bot.

Prints one JSON object: the backend and a `points` list, one per league count, with `leagues`,
`games` (stored in all), and the three means (and p99s) in milliseconds.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.harness import bench_database, parser, percentile, run
from bot.app.league.offline import JumpClock
from bot.app.league.runner import Runner
from bot.app.league.setup import SetupLeague, run_setup
from bot.web import cache
from db.engine import Database
from db.event_store import events_table, head_table
from db.tables import GameResultRow, MirrorRow, PresentationRow, PresentedGameRow
from tests.app.league_kit import SHORT_RULES


def whole_database_query() -> Any:
    """The counters as the cache read them before: one statement over every league."""
    e, h = events_table.c, head_table.c
    newest_not_vote = (
        select(e.sequence_number)
        .where(e.league_id == h.league_id, e.event_type != "vote.cast")
        .order_by(e.sequence_number.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(
        select(func.coalesce(func.sum(h.last_sequence), 0)).scalar_subquery(),
        select(func.coalesce(func.sum(newest_not_vote), 0)).scalar_subquery(),
        select(func.count()).select_from(GameResultRow).scalar_subquery(),
        select(func.count()).select_from(MirrorRow).scalar_subquery(),
        select(func.count())
        .select_from(PresentationRow)
        .where(PresentationRow.done_at.is_not(None))
        .scalar_subquery(),
        select(func.coalesce(func.sum(PresentedGameRow.frame), 0)).scalar_subquery(),
        select(func.count(PresentedGameRow.final_at)).scalar_subquery(),
    )


async def timed(reads: int, read: Any) -> dict[str, float]:
    samples = []
    for _ in range(reads):
        started = time.perf_counter()
        await read()
        samples.append((time.perf_counter() - started) * 1000)
    return {"mean": round(sum(samples) / len(samples), 3), "p99": percentile(samples, 0.99)}


async def grow(db: Database, clock: JumpClock, start: int, stop: int, rounds: int) -> list[str]:
    leagues = []
    runner = Runner(db, clock=clock, instant=True)
    for i in range(start, stop):
        rules = SetupLeague(f"counters-{i}", f"League {i}", f"counters{i}", SHORT_RULES)
        out = await run_setup(db, rules, clock=clock)
        for _ in range(rounds):
            await runner.play_round(str(out["season_id"]), due_only=False)
        leagues.append(str(out["league_id"]))
    return leagues


async def measure(
    db: Database, version: cache.Version, whole: Any, leagues: list[str], reads: int
) -> dict[str, Any]:
    picks = random.Random(len(leagues)).choices(leagues, k=reads + 10)

    async def one_league() -> None:
        await version._read(picks.pop())

    async def the_list() -> None:
        await version._read(cache.GLOBAL)

    async def everything() -> None:
        async with db.read_sessions() as s:
            (await s.execute(whole)).one()

    async with db.read_sessions() as s:
        games = (await s.execute(select(func.count()).select_from(GameResultRow))).scalar()
    point: dict[str, Any] = {"leagues": len(leagues), "games": games}
    for name, read in (
        ("league_read_ms", one_league),
        ("global_read_ms", the_list),
        ("whole_database_read_ms", everything),
    ):
        await timed(10, read)  # warm
        measured = await timed(reads, read)
        point[name] = measured["mean"]
        point[name.replace("_ms", "_ms_p99")] = round(measured["p99"], 3)
    return point


async def main(args: Any) -> dict[str, Any]:
    counts = sorted(int(x) for x in args.leagues.split(","))
    points = []
    async with bench_database(args.backend, args.url) as db:
        clock = JumpClock()
        version = cache.Version(db)
        whole = whole_database_query()
        leagues: list[str] = []
        for count in counts:
            leagues += await grow(db, clock, len(leagues), count, args.rounds)
            point = await measure(db, version, whole, leagues, args.reads)
            points.append(point)
    return {"backend": args.backend, "rounds_per_league": args.rounds, "points": points}


if __name__ == "__main__":
    p = parser(__doc__)
    p.add_argument("--leagues", default="25,100,400")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--reads", type=int, default=300)
    run(main, p.parse_args())
