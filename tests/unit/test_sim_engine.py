"""Engine behaviour: the Elam target, fouls and foul-outs, fatigue, moves, play-by-play text."""

from __future__ import annotations

import pytest

from bot.domain.errors import ValidationError
from bot.domain.league_generator import generate_league, mid_table_pair
from bot.domain.rules import DEFAULT_RULES
from bot.sim import Matchup, derive_seed, simulate_game
from bot.sim import playbyplay as pbp
from bot.sim.stats import ratio_change
from bot.sim.tables import build_tables


def test_elam_target_is_the_leading_score_at_the_trigger_plus_the_margin() -> None:
    home, away = generate_league(1, 2)
    rules = DEFAULT_RULES.with_changes({"elam_trigger_quarter": 2, "elam_margin": 7})
    for seed in range(10):
        result = simulate_game(home, away, rules, seed)
        timed = result.quarter_scores[:2]
        leading = max(sum(q[0] for q in timed), sum(q[1] for q in timed))
        assert result.elam_target == leading + 7
        assert len(result.quarter_scores) == 3
        assert result.elam_possessions > 0


def test_fouled_out_hoopers_leave_and_never_return_while_the_bench_can_play() -> None:
    home, away = generate_league(2, 2)
    rules = DEFAULT_RULES.with_changes({"personal_foul_limit": 3, "foul_rate_modifier": 2.5})
    foul_outs = 0
    for seed in range(20):
        result = simulate_game(home, away, rules, seed)
        gone: set[int] = set()
        for row in result.play_by_play:
            code, hooper = row[0], row[5]
            if code == pbp.FOUL_OUT:
                foul_outs += 1
                gone.add(hooper)
                assert result.box_scores[hooper].fouls >= 3
            if code == pbp.SUBSTITUTION:
                assert hooper not in gone, "a fouled-out hooper came back"
    assert foul_outs > 0


def test_without_fatigue_or_fouls_nobody_is_substituted() -> None:
    home, away = generate_league(3, 2)
    rules = DEFAULT_RULES.with_changes({"stamina_drain_rate": 0.0, "foul_rate_modifier": 0.0})
    result = simulate_game(home, away, rules, 5)
    assert not [row for row in result.play_by_play if row[0] == pbp.SUBSTITUTION]
    assert all(line.minutes == 0 for line in result.box_scores if not line.starter)
    assert all(line.free_throws_attempted == 0 for line in result.box_scores)  # only charges


def test_tired_hoopers_shoot_worse() -> None:
    home, away = mid_table_pair("fatigue")
    fresh = Matchup(home, away, DEFAULT_RULES.with_changes({"stamina_drain_rate": 0.0}))
    tired = Matchup(
        home,
        away,
        DEFAULT_RULES.with_changes({"stamina_drain_rate": 3.0, "substitution_threshold": 0.0}),
    )

    def efg(m: Matchup, seed: int) -> tuple[float, float]:
        r = m.play(seed, play_by_play=False)
        made = sum(x.field_goals_made + 0.5 * x.three_pointers_made for x in r.box_scores)
        return made, sum(x.field_goals_attempted for x in r.box_scores)

    seeds = [derive_seed("fatigue", i) for i in range(300)]
    change = ratio_change([efg(fresh, s) for s in seeds], [efg(tired, s) for s in seeds])
    assert change.detectable and change.change < 0


def test_signature_moves_show_up_in_the_play_by_play() -> None:
    home, away = generate_league(4, 2)
    result = simulate_game(home, away, DEFAULT_RULES, 9)
    moves = [row for row in result.play_by_play if row[0] == pbp.SIGNATURE_MOVE]
    assert moves
    hoopers = [*home.hoopers, *away.hoopers]
    for row in moves:
        assert 0 <= row[6] < len(hoopers[row[5]].moves)


def test_play_by_play_reads_as_words() -> None:
    home, away = generate_league(6, 2)
    result = simulate_game(home, away, DEFAULT_RULES, 2)
    names = [line.name for line in result.box_scores]
    lines = [pbp.describe(row, names) for row in result.play_by_play]
    assert lines[0].startswith("P1 0:00 Period 1 begins")
    assert any("Elam ending: first to" in line for line in lines)
    assert lines[-1].endswith(f"({result.home_score}-{result.away_score})")
    assert sum(1 for r in result.play_by_play if r[0] == pbp.PERIOD_END) == 4


def test_a_neutral_court_gives_mirror_teams_identical_tables() -> None:
    home, away = mid_table_pair("neutral")
    neutral = build_tables(home, away, DEFAULT_RULES.with_changes({"home_court_enabled": False}))
    assert neutral.make[:12] == neutral.make[12:]
    assert neutral.turnover[:4] == neutral.turnover[4:]
    at_home = build_tables(home, away, DEFAULT_RULES)
    assert at_home.make[:12] != at_home.make[12:]


def test_a_team_cannot_play_itself() -> None:
    home, _ = generate_league(8, 2)
    with pytest.raises(ValidationError, match="cannot play itself"):
        simulate_game(home, home, DEFAULT_RULES, 1)
