"""Metamorphic tests: change one input, play the same seeds, and the game moves the right way.

Every comparison is paired (game i under both settings shares its seed), and a change only
counts when it is at least two paired standard errors from zero.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import pytest

from bot.domain.effects import EFFECT_PARAMETERS, Effect
from bot.domain.league import Team
from bot.domain.league_generator import mid_table_pair
from bot.domain.rules import DEFAULT_RULES, PARAMS, RuleSet
from bot.domain.strategy import TeamStrategy
from bot.sim import GameResult, Matchup, derive_seed, simulate_game
from bot.sim import playbyplay as pbp
from bot.sim.batch import batch_components
from bot.sim.stats import Components, StatChange, compare, digest, ratio_change

GAMES = 400


@functools.cache
def _baseline() -> list[Components]:
    return batch_components("meta", GAMES, DEFAULT_RULES)


def _what_if(changes: dict[str, object]) -> dict[str, StatChange]:
    after = batch_components("meta", GAMES, DEFAULT_RULES.with_changes(changes))
    return {c.name: c for c in compare(_baseline(), after)}


def _rises(change: StatChange) -> bool:
    return change.detectable and change.change > 0


def test_five_point_threes_raise_the_three_point_share_without_lowering_scoring() -> None:
    changes = _what_if({"three_point_value": 5})
    assert _rises(changes["three_rate"])
    assert _rises(changes["points_per_team"])


def test_one_point_threes_make_threes_rare() -> None:
    changes = _what_if({"three_point_value": 1})
    assert changes["three_rate"].after < 0.5 * changes["three_rate"].before


def test_a_larger_elam_margin_lengthens_the_elam_period() -> None:
    assert _rises(_what_if({"elam_margin": 25})["elam_possessions"])


def test_a_shorter_shot_clock_raises_possessions_per_minute() -> None:
    assert _rises(_what_if({"shot_clock_seconds": 14})["possessions_per_minute"])


def test_a_deeper_arc_lowers_three_point_accuracy_and_share() -> None:
    changes = _what_if({"three_point_distance_ft": 27.0})
    assert changes["three_pct"].detectable and changes["three_pct"].change < 0
    assert changes["three_rate"].detectable and changes["three_rate"].change < 0


def test_stronger_home_court_raises_the_home_win_rate() -> None:
    assert _rises(_what_if({"home_court_strength": 3.0})["home_win_rate"])


def test_more_turnovers_and_more_fouls_show_up_in_the_stats() -> None:
    assert _rises(_what_if({"turnover_rate_modifier": 1.5})["tov_per_100"])
    assert _rises(_what_if({"foul_rate_modifier": 1.5})["ft_rate"])
    assert _rises(_what_if({"offensive_rebound_weight": 1.5})["orb_pct"])


# --- Strategies ---------------------------------------------------------------------------------


def _paired_games(strategy: TeamStrategy, games: int = 300) -> list[tuple[GameResult, GameResult]]:
    home, away = mid_table_pair("strategy")
    plain, tuned = Matchup(home, away), Matchup(home, away, strategies={home.id: strategy})
    seeds = [derive_seed("strategy", i) for i in range(games)]
    return [(plain.play(s), tuned.play(s)) for s in seeds]


def _shots(result: GameResult, side: int) -> list[int]:
    """Field-goal attempts by type (rim, mid, three) for one side, from the play-by-play."""
    counts = [0, 0, 0]
    for row in result.play_by_play:
        if row[0] in (pbp.SHOT_MADE, pbp.SHOT_MISSED) and row[4] == side:
            counts[row[6]] += 1
    return counts


def _share(
    pairs: Sequence[tuple[GameResult, GameResult]],
    part: Callable[[GameResult], tuple[float, float]],
) -> StatChange:
    return ratio_change([part(a) for a, _ in pairs], [part(b) for _, b in pairs])


@pytest.mark.parametrize(
    ("bias", "shot_type"),
    [("at_rim_bias", 0), ("mid_range_bias", 1), ("three_point_bias", 2)],
)
def test_a_shot_bias_moves_the_teams_shot_mix_toward_that_shot(bias: str, shot_type: int) -> None:
    pairs = _paired_games(TeamStrategy(**{bias: 0.8}))

    def share(r: GameResult) -> tuple[float, float]:
        shots = _shots(r, 0)
        return shots[shot_type], sum(shots)

    assert _rises(_share(pairs, share))


def test_pushing_the_pace_shortens_possessions() -> None:
    pairs = _paired_games(TeamStrategy(pace_modifier=-0.8))
    change = _share(pairs, lambda r: (r.total_possessions, r.duration_seconds))
    assert _rises(change)


def test_defensive_intensity_forces_turnovers_and_fouls() -> None:
    pairs = _paired_games(TeamStrategy(defensive_intensity=0.8))

    def away_total(column: str) -> Callable[[GameResult], tuple[float, float]]:
        return lambda r: (
            sum(getattr(line, column) for line in r.team_lines(r.away_team_id)),
            r.total_possessions,
        )

    assert _rises(_share(pairs, away_total("turnovers")))
    home_fouls = _share(
        pairs,
        lambda r: (sum(x.fouls for x in r.team_lines(r.home_team_id)), r.total_possessions),
    )
    assert _rises(home_fouls)


def test_a_higher_substitution_threshold_means_more_substitutions() -> None:
    pairs = _paired_games(TeamStrategy(substitution_threshold_modifier=0.4))

    def subs(r: GameResult) -> tuple[float, float]:
        count = sum(1 for row in r.play_by_play if row[0] == pbp.SUBSTITUTION and row[4] == 0)
        return count, 1.0

    assert _rises(_share(pairs, subs))


# --- Every governable parameter and every effect reaches the game ---------------------------------

_SIM_PARAMS = [p for p in PARAMS.values() if p.tier in (1, 2)]


def _changed_value(name: str) -> object:
    p = PARAMS[name]
    if p.type is bool:
        return not p.default
    assert p.maximum is not None and p.minimum is not None
    return p.maximum if p.default != p.maximum else p.minimum


def _digest_under(rules: RuleSet, home: Team, away: Team, fx: Sequence[Effect] = ()) -> str:
    return digest([simulate_game(home, away, rules, s, None, fx) for s in range(8)])


@pytest.mark.parametrize("name", [p.name for p in _SIM_PARAMS])
def test_every_game_rule_changes_the_games(name: str) -> None:
    home, away = mid_table_pair("every-rule")
    changed = DEFAULT_RULES.with_changes({name: _changed_value(name)})
    assert _digest_under(changed, home, away) != _digest_under(DEFAULT_RULES, home, away)


@pytest.mark.parametrize("name", sorted(EFFECT_PARAMETERS))
def test_every_effect_parameter_changes_the_games(name: str) -> None:
    home, away = mid_table_pair("every-effect")
    spec = EFFECT_PARAMETERS[name]
    probability = spec.kind == "probability"
    effect = Effect(
        effect_id="fx",
        hook_point=spec.hook_point,
        parameter=name,
        operation="set" if probability else "multiply",
        value=0.5 if probability else 2.0,
    )
    baseline = _digest_under(DEFAULT_RULES, home, away)
    assert _digest_under(DEFAULT_RULES, home, away, [effect]) != baseline


def test_an_effect_targeted_at_home_leaves_the_away_team_alone() -> None:
    home, away = mid_table_pair("target")
    five = Effect(
        effect_id="five",
        hook_point="sim.possession.pre",
        parameter="three_point_value",
        operation="set",
        value=5,
        target="home",
    )
    result = simulate_game(home, away, DEFAULT_RULES, 1, None, [five])
    assert result.point_values[0].three_point == 5
    assert result.point_values[1].three_point == 3
    by_id = Effect(**{**five.model_dump(), "target": away.id})
    assert (
        simulate_game(home, away, DEFAULT_RULES, 1, None, [by_id]).point_values[1].three_point == 5
    )


def test_five_point_threes_move_shots_to_the_best_three_point_shooter() -> None:
    home, away = mid_table_pair("who-shoots")
    tables = Matchup(home, away).tables
    shooter = max(range(3), key=lambda h: tables.make[h * 3 + 2] - tables.make[h * 3])

    def share(rules: RuleSet) -> list[tuple[float, float]]:
        m = Matchup(home, away, rules)
        rows = []
        for i in range(300):
            r = m.play(derive_seed("who-shoots", i), play_by_play=False)
            mine = r.box_scores[shooter].field_goals_attempted
            rows.append((mine, sum(x.field_goals_attempted for x in r.team_lines(home.id))))
        return rows

    change = ratio_change(
        share(DEFAULT_RULES), share(DEFAULT_RULES.with_changes({"three_point_value": 5}))
    )
    assert _rises(change)
