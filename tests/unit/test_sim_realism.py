"""Default rules play like real basketball (bench/sim.py runs the same check at full size).

This fast version plays 1,200 fixed-seed games, so each band is widened by three of its own
standard errors: a broken engine still lands far outside, a healthy one never flakes.
"""

from __future__ import annotations

import functools

import pytest

from bot.domain.rules import DEFAULT_RULES
from bot.sim.batch import batch_components
from bot.sim.stats import REALISM_BANDS, Components, standard_errors, summarize

GAMES = 1200


@functools.cache
def _default_games() -> list[Components]:
    return batch_components("realism", GAMES, DEFAULT_RULES)


@pytest.mark.parametrize("name", sorted(REALISM_BANDS))
def test_default_rules_land_in_the_realism_band(name: str) -> None:
    rows = _default_games()
    value, se = summarize(rows)[name], standard_errors(rows)[name]
    lo, hi = REALISM_BANDS[name]
    assert lo - 3 * se <= value <= hi + 3 * se, f"{name} = {value:.3f} ± {se:.3f}"


def test_neutral_court_mirror_match_is_a_coin_flip() -> None:
    rows = batch_components(
        "neutral", GAMES, DEFAULT_RULES.with_changes({"home_court_enabled": False})
    )
    rate, se = summarize(rows)["home_win_rate"], standard_errors(rows)["home_win_rate"]
    assert abs(rate - 0.5) <= 3 * se, f"home win rate on a neutral court {rate:.3f} ± {se:.3f}"


def test_every_game_reaches_an_elam_ending() -> None:
    assert summarize(_default_games())["elam_games_share"] == 1.0
