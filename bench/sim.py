"""Simulation benchmark: speed, full-size realism and a season end to end. Prints one JSON object.

    python bench/sim.py [--games 10000] [--seed bench]

- `simulate_game`: games per second through the public entry point, one process, with box
  scores and play-by-play, for one matchup (compiled once, as a season or what-if replays it) and
  for fresh matchups (every game compiles its teams, rules and effects anew).
- `whatif_1000`: seconds for a 1,000-game what-if (2,000 simulations and the paired statistics),
  the same code path as `pinwheel whatif`.
- `realism`: every statistic over `--games` default-rule games with its standard error and
  whether it lies in the real-basketball band; the neutral-court mirror match's home win rate.
- `season`: an 8-team league through its round robins, standings and playoffs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.league_generator import generate_league, mid_table_pair
from bot.domain.playoffs import pending_games, record_game, start_bracket
from bot.domain.rules import DEFAULT_RULES
from bot.domain.schedule import all_games, round_robin
from bot.domain.standings import GameScore, compute_standings
from bot.sim import Matchup, derive_seed, game_seed, simulate_game
from bot.sim.batch import batch_components
from bot.sim.calibration import ENGINE_VERSION
from bot.sim.stats import REALISM_BANDS, compare, standard_errors, summarize


def bench_simulate_game(games: int) -> dict[str, Any]:
    home, away = mid_table_pair("bench")
    simulate_game(home, away, DEFAULT_RULES, 0)  # warm up (and compile once)
    started = time.perf_counter()
    for i in range(games):
        simulate_game(home, away, DEFAULT_RULES, derive_seed("bench", i))
    same = time.perf_counter() - started
    league = generate_league("bench", 16)
    pairs = [(h, a) for h in league for a in league if h is not a]
    started = time.perf_counter()
    for i in range(games):
        home, away = pairs[i % len(pairs)]
        Matchup(home, away, DEFAULT_RULES).play(derive_seed("fresh", i))
    fresh = time.perf_counter() - started
    return {
        "games": games,
        "play_by_play": True,
        "box_scores": True,
        "games_per_second_same_matchup": round(games / same, 1),
        "games_per_second_fresh_matchups": round(games / fresh, 1),
    }


def bench_whatif() -> dict[str, Any]:
    changed = DEFAULT_RULES.with_changes({"three_point_value": 5})
    started = time.perf_counter()
    before = batch_components("whatif", 1000, DEFAULT_RULES)
    after = batch_components("whatif", 1000, changed)
    changes = {c.name: c for c in compare(before, after)}
    seconds = time.perf_counter() - started
    three = changes["three_rate"]
    return {
        "games": 1000,
        "simulations": 2000,
        "seconds": round(seconds, 3),
        "three_rate_change": round(three.change, 4),
        "three_rate_change_se": round(three.standard_error, 4),
    }


def bench_realism(games: int, seed: str) -> dict[str, Any]:
    rows = batch_components(seed, games, DEFAULT_RULES)
    stats, errors = summarize(rows), standard_errors(rows)
    report: dict[str, Any] = {"games": games}
    for name, value in stats.items():
        entry: dict[str, Any] = {"value": round(value, 4), "se": round(errors[name], 4)}
        if name in REALISM_BANDS:
            lo, hi = REALISM_BANDS[name]
            entry["band"] = [lo, hi]
            entry["in_band"] = lo <= value <= hi
        report[name] = entry
    report["all_in_band"] = all(report[name]["in_band"] for name in REALISM_BANDS if name in report)
    neutral = batch_components(
        seed, games, DEFAULT_RULES.with_changes({"home_court_enabled": False})
    )
    rate, se = summarize(neutral)["home_win_rate"], standard_errors(neutral)["home_win_rate"]
    report["neutral_court_home_win_rate"] = {
        "value": round(rate, 4),
        "se": round(se, 4),
        "within_2se_of_half": abs(rate - 0.5) <= 2 * se,
    }
    return report


def bench_season() -> dict[str, Any]:
    league = generate_league("bench-season", 8)
    by_id = {t.id: t for t in league}
    started = time.perf_counter()
    rounds = round_robin([t.id for t in league], DEFAULT_RULES.round_robins_per_season)
    scores = []
    for game in all_games(rounds):
        seed = game_seed("bench-season", game.round_number, game.matchup_index)
        r = simulate_game(by_id[game.home_team_id], by_id[game.away_team_id], DEFAULT_RULES, seed)
        scores.append(GameScore(**r.model_dump(include=set(GameScore.model_fields))))
    table = compute_standings(list(by_id), scores)
    bracket = start_bracket([row.team_id for row in table], DEFAULT_RULES, "bench-season")
    playoff_games = 0
    while bracket.champion is None:
        for g in pending_games(bracket):
            seed = game_seed("bench-season", 1000 + playoff_games, g.game_number)
            r = simulate_game(by_id[g.home_team_id], by_id[g.away_team_id], DEFAULT_RULES, seed)
            bracket = record_game(bracket, g.series_id, r.winner_team_id)
            playoff_games += 1
    return {
        "teams": len(league),
        "regular_season_games": len(scores),
        "playoff_games": playoff_games,
        "seconds": round(time.perf_counter() - started, 3),
        "standings": [f"{by_id[r.team_id].name} {r.wins}-{r.losses}" for r in table],
        "champion": by_id[bracket.champion].name,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=10_000, help="realism games (10000)")
    parser.add_argument("--speed-games", type=int, default=3000, help="speed games (3000)")
    parser.add_argument("--seed", default="bench")
    args = parser.parse_args()
    result = {
        "engine_version": ENGINE_VERSION,
        "simulate_game": bench_simulate_game(args.speed_games),
        "whatif_1000": bench_whatif(),
        "realism": bench_realism(args.games, args.seed),
        "season": bench_season(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
