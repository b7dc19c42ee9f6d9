"""Forecast benchmark: one proposal forecast, as the bot makes it. Prints one JSON object.

    python bench/forecast.py [--backend sqlite|postgres] [--samples 8]

A default league (8 teams) is set up on a fresh database; each sample asks the `Forecaster`
for a different rule change (so none is answered from the forecasts kept), which reads the
league, plays 500 paired games (1,000 simulations) in its worker processes and stores the
result. `forecast_s_p50` / `_p95`: seconds from asking to having it (target: p50 under 1.5 s
on this 2-core machine). The worker processes are started before the first sample.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import bench_database, parser, percentile, run
from bot.app.governance.forecast import Forecaster
from bot.app.league.offline import JumpClock, ensure_league
from bot.sim.forecast import GAMES

TARGET_S = 1.5
CHANGES: list[dict[str, object]] = [
    {"three_point_value": 4},
    {"shot_clock_seconds": 14},
    {"free_throw_value": 2},
    {"elam_margin": 7},
    {"quarter_minutes": 12},
    {"foul_rate_modifier": 1.5},
    {"three_point_distance_ft": 25.0},
    {"turnover_rate_modifier": 0.7},
    {"two_point_value": 3},
    {"home_court_enabled": False},
]


async def main(args: argparse.Namespace) -> dict[str, Any]:
    async with bench_database(args.backend, args.url) as db:
        clock = JumpClock()
        _, season = await ensure_league(db, "bench", clock)
        forecaster = Forecaster(db, clock=clock, games=GAMES)
        try:
            await forecaster.outlook(season, {"stamina_drain_rate": 1.1}, wait=120)  # warm up
            seconds, detectable = [], 0
            for change in CHANGES[: args.samples]:
                started = time.perf_counter()
                outlook = await forecaster.outlook(season, change, wait=120)
                seconds.append(time.perf_counter() - started)
                detectable += bool(outlook.forecast and outlook.forecast.detectable)
        finally:
            await forecaster.close()
    p50 = percentile(seconds, 0.5)
    return {
        "backend": args.backend,
        "games": GAMES,
        "samples": len(seconds),
        "forecast_s_p50": round(p50, 3),
        "forecast_s_p95": round(percentile(seconds, 0.95), 3),
        "target_met": p50 <= TARGET_S,
        "detectable": detectable,
    }


if __name__ == "__main__":
    p = parser(__doc__)
    p.add_argument("--samples", type=int, default=8)
    run(main, p.parse_args())
