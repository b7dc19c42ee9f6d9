"""Invariants of every simulated game, over random valid rules, rosters, strategies and seeds."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.effects import Effect
from bot.domain.league import Team
from bot.domain.league_generator import generate_league
from bot.domain.rules import DEFAULT_RULES, RuleSet
from bot.domain.strategy import TeamStrategy
from bot.sim import simulate_game
from bot.sim.tables import build_tables
from tests.unit.sim_support import check_invariants, effects, rule_sets, team_strategies, teams

SEEDS = st.integers(0, 2**63 - 1)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(rules=rule_sets(), home=teams("A"), away=teams("B"), seed=SEEDS)
def test_any_valid_rules_and_rosters_give_a_consistent_finished_game(
    rules: RuleSet, home: Team, away: Team, seed: int
) -> None:
    check_invariants(simulate_game(home, away, rules, seed))


@FAST
@given(
    rules=rule_sets(),
    home_strategy=team_strategies,
    away_strategy=team_strategies,
    active=st.lists(effects(), max_size=3),
    seed=SEEDS,
)
def test_strategies_and_effects_keep_every_invariant(
    rules: RuleSet,
    home_strategy: TeamStrategy,
    away_strategy: TeamStrategy,
    active: list[Effect],
    seed: int,
) -> None:
    home, away = generate_league(seed % 1000, 2)
    home, away = home.model_copy(update={"id": "A"}), away.model_copy(update={"id": "B"})
    chosen = {"A": home_strategy, "B": away_strategy}
    check_invariants(simulate_game(home, away, rules, seed, chosen, active))


@settings(max_examples=40, deadline=None)
@given(rules=rule_sets(), active=st.lists(effects(), max_size=4), seed=SEEDS)
def test_compiled_probabilities_are_finite_and_clamped(
    rules: RuleSet, active: list[Effect], seed: int
) -> None:
    home, away = generate_league(seed % 1000, 2)
    tables = build_tables(home, away, rules, None, active)
    for name in ("make", "pick_rim", "pick_mid", "free_throw", "steal_share"):
        assert all(0.0 <= p <= 1.0 for p in getattr(tables, name)), name
    for name in ("usage", "turnover", "foul", "pressure", "rebound", "drain", "pace"):
        assert all(math.isfinite(x) and x >= 0.0 for x in getattr(tables, name)), name
    assert all(1 <= v <= 20 for v in tables.values + tables.free_throw_value)


def test_a_make_probability_set_above_one_is_clamped_not_certain() -> None:
    home, away = generate_league(7, 2)
    sure = Effect(
        effect_id="sure",
        hook_point="sim.shot.make",
        parameter="three_point_make",
        operation="set",
        value=5.0,
    )
    result = simulate_game(home, away, DEFAULT_RULES, 3, None, [sure])
    check_invariants(result)
    made = sum(line.three_pointers_made for line in result.box_scores)
    tried = sum(line.three_pointers_attempted for line in result.box_scores)
    assert tried > 20 and made / tried > 0.9


def test_extreme_but_valid_rules_still_finish_quickly() -> None:
    home, away = generate_league(11, 2)
    grim = DEFAULT_RULES.with_changes(
        {
            "two_point_value": 1,
            "three_point_value": 1,
            "free_throw_value": 1,
            "turnover_rate_modifier": 3.0,
            "foul_rate_modifier": 0.0,
            "offensive_rebound_weight": 0.0,
            "three_point_distance_ft": 30.0,
            "elam_margin": 40,
            "stamina_drain_rate": 3.0,
            "stamina_recovery_rate": 0.0,
        }
    )
    for seed in range(5):
        result = simulate_game(home, away, grim, seed)
        check_invariants(result)
        assert result.total_possessions < 2000


def _sample_game() -> tuple[Team, Team]:
    home, away = generate_league(5, 2)
    return home, away


def test_invariant_checker_catches_a_wrong_score() -> None:
    result = simulate_game(*_sample_game(), DEFAULT_RULES, 1)
    tampered = result.model_copy(update={"home_score": result.home_score + 1})
    with pytest.raises(AssertionError):
        check_invariants(tampered)


def test_invariant_checker_catches_a_fourth_hooper_on_court() -> None:
    result = simulate_game(*_sample_game(), DEFAULT_RULES, 2)
    bench = next(i for i, line in enumerate(result.box_scores) if not line.starter)
    rows = list(result.play_by_play)
    rows.insert(3, (12, 1, 1, 0, 0, bench, bench, 0, 0))  # a bench hooper subs for themself
    with pytest.raises(AssertionError):
        check_invariants(result.model_copy(update={"play_by_play": tuple(rows)}))


def test_invariant_checker_catches_points_after_the_elam_target() -> None:
    result = simulate_game(*_sample_game(), DEFAULT_RULES, 3)
    last = result.play_by_play[-1]
    extra = (*last[:7], last[7] + 2, last[8])
    rows = (*result.play_by_play, extra)
    with pytest.raises(AssertionError):
        check_invariants(result.model_copy(update={"play_by_play": rows}))
