"""A default-length offline season, timed: 8 teams, default rules, scripted governors acting
through the handlers, every round's three steps and the outbox drain, on a fresh database.

    python bench/season.py [--backend sqlite|postgres] [--seed S] [--governors N]

Prints JSON: `season_seconds` (setup to champion and the offseason, governors included) and
`round_ms_p50` / `round_ms_p95` (one round: simulate, govern, advance, drain), and whether the
targets were met (`season_target_met`: under 20 s; `round_p50_target_met`: p50 under 250 ms).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import bench_database, parser, percentile, run
from bot.app.league.offline import JumpClock, ensure_league, summarize
from bot.app.league.outbox import CollectingPoster
from bot.app.league.runner import Runner
from bot.app.league.scripted import ScriptedGovernors
from bot.app.ports import BuiltinInterpreter
from bot.app.service import Pinwheel
from db import league_repo as repo

SEASON_TARGET_SECONDS = 20.0  # setup to the end of the offseason
ROUND_P50_TARGET_MS = 250.0  # one round: simulate, govern, advance, drain


async def main(args: argparse.Namespace) -> dict[str, Any]:
    async with bench_database(args.backend, args.url) as db:
        clock = JumpClock()
        started = time.perf_counter()
        _, season = await ensure_league(db, args.seed, clock)
        app = Pinwheel(db, BuiltinInterpreter(), clock=clock)
        governors = ScriptedGovernors(app, db, args.seed, args.governors)
        async with db.read_sessions() as s:
            await governors.join(season, sorted(await repo.team_names(s, season)))
        runner = Runner(db, clock=clock, poster=CollectingPoster(), instant=True)
        round_ms: list[float] = []
        governance_ms = 0.0
        while True:
            async with db.read_sessions() as s:
                progress = await repo.get_progress(s, season)
            assert progress is not None
            if progress.phase == "complete":
                break
            assert progress.next_due_at is not None
            clock.jump_to(progress.next_due_at - timedelta(minutes=30))
            t = time.perf_counter()
            await governors.act(season)
            governance_ms += (time.perf_counter() - t) * 1000
            clock.jump_to(progress.next_due_at)
            t = time.perf_counter()
            await runner.tick()
            round_ms.append((time.perf_counter() - t) * 1000)
        season_seconds = time.perf_counter() - started
        summary = await summarize(db, season)
    p50 = percentile(round_ms, 0.5)
    return {
        "backend": args.backend,
        "season_seconds": round(season_seconds, 3),
        "round_ms_p50": round(p50, 1),
        "round_ms_p95": round(percentile(round_ms, 0.95), 1),
        "season_target_met": season_seconds < SEASON_TARGET_SECONDS,
        "round_p50_target_met": p50 < ROUND_P50_TARGET_MS,
        "rounds": len(round_ms),
        "governor_actions_ms_total": round(governance_ms, 1),
        "games": summary.games,
        "proposals": summary.proposals,
        "passed": summary.passed,
        "events": summary.events,
        "mirrors": summary.mirrors,
        "champion": summary.champion,
    }


if __name__ == "__main__":
    p = parser(__doc__)
    p.add_argument("--seed", default="bench")
    p.add_argument("--governors", type=int, default=6)
    run(main, p.parse_args())
