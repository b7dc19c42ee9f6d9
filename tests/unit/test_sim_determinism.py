"""Same inputs, same game: across calls, across processes, with or without play-by-play."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.domain.effects import Effect
from bot.domain.league_generator import generate_league
from bot.domain.rules import DEFAULT_RULES
from bot.domain.strategy import TeamStrategy
from bot.sim import GameResult, game_seed, replay_game, simulate_game

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """
import json, sys
from bot.domain.league_generator import generate_league
from bot.domain.rules import DEFAULT_RULES
from bot.sim import game_seed, simulate_game
home, away = generate_league("det", 2)
seed = game_seed("season-1", 4, 1)
result = simulate_game(home, away, DEFAULT_RULES.with_changes({"three_point_value": 4}), seed)
sys.stdout.write(json.dumps(result.to_dict(), sort_keys=True))
"""


def _in_process() -> str:
    home, away = generate_league("det", 2)
    seed = game_seed("season-1", 4, 1)
    result = simulate_game(home, away, DEFAULT_RULES.with_changes({"three_point_value": 4}), seed)
    return json.dumps(result.to_dict(), sort_keys=True)


def test_a_game_is_byte_identical_in_another_process_with_another_hash_seed() -> None:
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, check=True
    )
    assert out.stdout.decode() == _in_process()


def test_game_seed_is_stable_and_distinct_per_matchup() -> None:
    assert game_seed("season-1", 1, 0) == game_seed("season-1", 1, 0)
    seeds = {game_seed(s, r, m) for s in ("a", "b") for r in range(1, 30) for m in range(8)}
    assert len(seeds) == 2 * 29 * 8
    assert all(0 <= s < 2**63 for s in seeds)
    # Pinned: a change here means every stored game would replay differently.
    assert game_seed("season-1", 1, 0) == 7252165358104062908


def test_switching_play_by_play_off_changes_nothing_else() -> None:
    home, away = generate_league(3, 2)
    strategies = {home.id: TeamStrategy(three_point_bias=0.5, defensive_intensity=0.4)}
    for seed in range(20):
        full = simulate_game(home, away, DEFAULT_RULES, seed, strategies)
        bare = simulate_game(home, away, DEFAULT_RULES, seed, strategies, play_by_play=False)
        assert full.play_by_play and not bare.play_by_play
        assert full.model_copy(update={"play_by_play": ()}) == bare


def test_result_round_trips_through_json() -> None:
    home, away = generate_league(9, 2)
    boost = Effect(
        effect_id="e1",
        hook_point="sim.possession.pre",
        parameter="three_point_value",
        operation="set",
        value=5,
        target="home",
        description="Home threes are worth 5",
    )
    result = simulate_game(
        home, away, DEFAULT_RULES, 42, {away.id: TeamStrategy(pace_modifier=-0.5)}, [boost]
    )
    restored = GameResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert restored == result
    assert restored.to_dict() == result.to_dict()
    assert restored.point_values[0].three_point == 5


def test_replaying_a_stored_game_reproduces_it_exactly() -> None:
    home, away = generate_league(10, 2)
    result = simulate_game(home, away, DEFAULT_RULES.with_changes({"elam_margin": 9}), 77)
    stored = json.loads(json.dumps(result.to_dict()))
    assert replay_game(GameResult.from_dict(stored)) == result


def test_different_seeds_give_different_games() -> None:
    home, away = generate_league(1, 2)
    scores = {
        (r.home_score, r.away_score)
        for r in (simulate_game(home, away, DEFAULT_RULES, s) for s in range(10))
    }
    assert len(scores) > 5
