"""The built-in strategy interpreter against a small golden corpus: text -> biases, confidence."""

from __future__ import annotations

import pytest

from bot.domain.strategy_interpreter import interpret_strategy

# text, the biases that must be positive, the ones that must be negative
GOLDEN: list[tuple[str, set[str], set[str]]] = [
    ("Push the pace and shoot threes", {"three_point_bias"}, {"pace_modifier"}),
    ("Slow it down and attack the rim", {"at_rim_bias", "pace_modifier"}, set()),
    ("Full-court press all game, fresh legs off the bench", {"defensive_intensity",
     "substitution_threshold_modifier"}, set()),
    ("Don't shoot threes; drive to the rim", {"at_rim_bias"}, {"three_point_bias"}),
    ("Ride the starters and play lockdown defense", {"defensive_intensity"},
     {"substitution_threshold_modifier"}),
    ("Mid-range jumpers and a patient half-court offense", {"mid_range_bias", "pace_modifier"},
     set()),
    ("Run and gun, launch from deep", {"three_point_bias"}, {"pace_modifier"}),
    ("Conserve energy on defense", {"substitution_threshold_modifier"}, {"defensive_intensity"}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "up", "down"), GOLDEN)
def test_golden_strategies_read_as_expected(text: str, up: set[str], down: set[str]) -> None:
    reading = interpret_strategy(text)
    values = reading.strategy.model_dump()
    assert {k for k, v in values.items() if v > 0} == up, values
    assert {k for k, v in values.items() if v < 0} == down, values
    assert reading.confidence >= 0.6


def test_text_with_no_strategy_words_has_no_confidence_and_is_neutral() -> None:
    reading = interpret_strategy("banana pancakes on a sunday")
    assert reading.confidence == 0 and reading.strategy.is_neutral


def test_biases_are_clamped_to_their_ranges() -> None:
    reading = interpret_strategy(" ".join(["threes"] * 20 + ["bench"] * 20))
    assert reading.strategy.three_point_bias == 1.0
    assert reading.strategy.substitution_threshold_modifier == 0.5


def test_a_strategy_mostly_not_understood_is_less_sure() -> None:
    sure = interpret_strategy("shoot threes").confidence
    unsure = interpret_strategy(
        "shoot threes whenever the moon is full and the crowd hums"
    ).confidence
    assert unsure < sure


def test_the_same_text_always_reads_the_same() -> None:
    assert interpret_strategy("press and run") == interpret_strategy("press and run")
