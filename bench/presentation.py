"""Presentation benchmark: the score-flow chart and a game's frames, from stored games.
Prints one JSON object.

    python bench/presentation.py [--backend sqlite|postgres] [--rounds 3] [--samples 30]

A default league (8 teams) plays `--rounds` rounds on a fresh database; every stored game is
then read back as the presenter reads it (`load_show`), and timed:

- `frames_ms_p50` / `_p95`: all the frames of one game's live message for a default show
  (180 s, the edit gap of a four-game round), the pure `bot.sim.frames` work the presenter
  repeats for each game (target: p50 under 20 ms);
- `chart_ms_p50` / `_p95`: one score-flow PNG (matplotlib, warm: the first render is not
  counted), as the poster renders it off the event loop (target: p50 under 150 ms).
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
from bot.app.league.offline import JumpClock, ensure_league
from bot.app.league.runner import Runner
from bot.app.league.show import load_show
from bot.domain.settings import SETTINGS
from bot.render.chart import score_flow_png
from db import league_repo as repo

CHART_TARGET_MS = 150.0
FRAMES_TARGET_MS = 20.0
SHOW_SECONDS = float(SETTINGS["presentation.round_seconds"].default)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    async with bench_database(args.backend, args.url) as db:
        clock = JumpClock()
        _, season = await ensure_league(db, "bench", clock)
        runner = Runner(db, clock=clock, instant=True)
        for _ in range(args.rounds):
            async with db.read_sessions() as s:
                progress = await repo.get_progress(s, season)
            assert progress is not None and progress.next_due_at is not None
            clock.jump_to(progress.next_due_at + timedelta(seconds=1))
            await runner.tick()
        async with db.read_sessions() as s:
            ids = [g.game_id for g in await repo.played_games(s, season)]
            shows = [found for g in ids if (found := await load_show(s, g)) is not None]
    frames_ms, counts = [], []
    for show in shows:
        started = time.perf_counter()
        counts.append(len(show.frames(SHOW_SECONDS)))
        frames_ms.append((time.perf_counter() - started) * 1000)
    flows = [show.flow() for show in shows]
    score_flow_png(flows[0])  # warm up: matplotlib's imports, the font cache and glyphs
    chart_ms = []
    for i in range(args.samples):
        started = time.perf_counter()
        score_flow_png(flows[i % len(flows)])
        chart_ms.append((time.perf_counter() - started) * 1000)
    chart_p50, frames_p50 = percentile(chart_ms, 0.5), percentile(frames_ms, 0.5)
    return {
        "backend": args.backend,
        "games": len(shows),
        "chart_ms_p50": round(chart_p50, 1),
        "chart_ms_p95": round(percentile(chart_ms, 0.95), 1),
        "frames_ms_p50": round(frames_p50, 2),
        "frames_ms_p95": round(percentile(frames_ms, 0.95), 2),
        "frames_per_game_p50": percentile([float(c) for c in counts], 0.5),
        "chart_target_met": chart_p50 <= CHART_TARGET_MS,
        "frames_target_met": frames_p50 <= FRAMES_TARGET_MS,
    }


if __name__ == "__main__":
    p = parser(__doc__)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--samples", type=int, default=30)
    run(main, p.parse_args())
