"""Team colours on the chart: told apart from each other and from Discord's dark grey."""

from __future__ import annotations

import colorsys
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.render import colours
from bot.render.colours import (
    BACKGROUND,
    BACKGROUND_MIN_CONTRAST,
    BACKGROUND_MIN_DISTANCE,
    FALLBACK_PALETTE,
    MIN_DISTANCE,
    contrast_ratio,
    distance,
    lighten,
    pair,
    parse_hex,
    stands_out,
    text_on,
    to_hex,
)

GOLD, OLD_GOLD = "#FDB927", "#B4975A"
RED, CRIMSON = "#C8102E", "#CE1141"
NAVY = "#1D428A"

hex_colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06X}")


def _hue(colour: str) -> float:
    r, g, b = parse_hex(colour)
    return colorsys.rgb_to_hls(r / 255, g / 255, b / 255)[0]


# --- parsing --------------------------------------------------------------------------------


def test_hex_colours_parse_to_rgb_and_back_in_upper_case() -> None:
    assert parse_hex("#C8102E") == (200, 16, 46)
    assert parse_hex("#c8102e") == (200, 16, 46)
    assert to_hex((200, 16, 46)) == "#C8102E"
    assert to_hex((-3, 255.4, 300)) == "#00FFFF"


@pytest.mark.parametrize("bad", ["C8102E", "#C8102", "#C8102E0", "#GG102E", "", "#C81 2E"])
def test_malformed_colours_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="expected a colour"):
        parse_hex(bad)


# --- distance -------------------------------------------------------------------------------


# Sharma, Wu & Dalal (2005), Table 1: the conformance data for CIEDE2000 implementations,
# including the pairs that test the hue-angle wrap-around.
@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
        ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
        ((50.0, -0.001, 2.49), (50.0, 0.0009, -2.49), 4.8045),
        ((50.0, -0.001, 2.49), (50.0, 0.0011, -2.49), 4.7461),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
        ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_colour_difference_is_ciede2000_per_the_published_reference_pairs(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float], expected: float
) -> None:
    assert colours._ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert colours._ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_srgb_converts_to_the_known_cielab_values() -> None:
    assert colours._lab("#FFFFFF") == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
    assert colours._lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=0.01)
    assert colours._lab("#FF0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.02)
    assert colours._lab("#0000FF") == pytest.approx((32.30, 79.19, -107.86), abs=0.02)


def test_distance_is_zero_for_equal_colours_and_100_from_black_to_white() -> None:
    assert distance(RED, RED) == 0
    assert distance(RED, RED.lower()) == 0
    assert distance("#000000", "#FFFFFF") == pytest.approx(100.0)


@given(hex_colours, hex_colours)
def test_distance_is_symmetric_and_never_negative(a: str, b: str) -> None:
    assert distance(a, b) == pytest.approx(distance(b, a), abs=1e-9)
    assert distance(a, b) >= 0


def test_min_distance_calls_two_golds_and_two_reds_too_close_but_not_red_and_navy() -> None:
    assert distance(GOLD, OLD_GOLD) < MIN_DISTANCE
    assert distance(RED, CRIMSON) < MIN_DISTANCE
    assert distance(RED, NAVY) >= MIN_DISTANCE


# --- lightening against the background ------------------------------------------------------


@pytest.mark.parametrize(
    "dark", [BACKGROUND, "#1A1A1A", "#000000", "#0C2340", "#303236", "#6F263D", "#910000"]
)
def test_a_colour_near_the_background_is_lightened_until_it_stands_out(dark: str) -> None:
    assert not stands_out(dark)
    lifted = lighten(dark)
    assert stands_out(lifted)
    assert distance(lifted, BACKGROUND) >= BACKGROUND_MIN_DISTANCE
    assert contrast_ratio(lifted, BACKGROUND) >= BACKGROUND_MIN_CONTRAST
    assert contrast_ratio(lifted, BACKGROUND) > contrast_ratio(dark, BACKGROUND)


def test_a_deep_colour_far_from_the_grey_by_hue_alone_is_still_lifted_to_be_readable() -> None:
    assert distance("#910000", BACKGROUND) >= BACKGROUND_MIN_DISTANCE
    assert contrast_ratio("#910000", BACKGROUND) < BACKGROUND_MIN_CONTRAST
    assert lighten("#910000") != "#910000"


def test_a_light_background_darkens_instead() -> None:
    darkened = lighten("#F8F8F0", background="#FFFFFF")
    assert stands_out(darkened, "#FFFFFF")
    assert contrast_ratio(darkened, "#000000") < contrast_ratio("#F8F8F0", "#000000")


def test_lightening_keeps_the_hue_so_midnight_navy_stays_blue() -> None:
    lifted = lighten("#0C2340")
    assert lifted != "#0C2340"
    assert _hue(lifted) == pytest.approx(_hue("#0C2340"), abs=0.01)


@pytest.mark.parametrize("bright", [RED, GOLD, OLD_GOLD, "#00A3AD", "#F58426", "#FFFFFF"])
def test_a_colour_that_already_stands_out_is_not_lightened(bright: str) -> None:
    assert lighten(bright) == bright


# --- pairing --------------------------------------------------------------------------------


def test_two_gold_teams_are_drawn_in_distinguishable_colours() -> None:
    home, away = pair(GOLD, OLD_GOLD)
    assert home == GOLD
    assert distance(home, away) >= MIN_DISTANCE
    assert away == FALLBACK_PALETTE[0]


def test_two_red_teams_are_drawn_in_distinguishable_colours() -> None:
    home, away = pair(RED, CRIMSON)
    assert home == RED
    assert distance(home, away) >= MIN_DISTANCE


def test_two_teams_with_the_same_colour_are_drawn_in_distinguishable_colours() -> None:
    home, away = pair(RED, RED)
    assert home == RED
    assert distance(home, away) >= MIN_DISTANCE


@pytest.mark.parametrize(
    ("home", "away"), [(RED, GOLD), (GOLD, RED), (RED, "#00A3AD"), ("#F58426", "#007A33")]
)
def test_distinct_colours_that_stand_out_come_back_unchanged(home: str, away: str) -> None:
    assert pair(home, away) == (home, away)


def test_red_against_navy_keeps_red_and_a_lifted_but_still_blue_navy() -> None:
    home, away = pair(RED, NAVY)
    assert home == RED
    assert away not in FALLBACK_PALETTE
    assert _hue(away) == pytest.approx(_hue(NAVY), abs=0.01)


def test_the_away_fallback_skips_palette_colours_too_close_to_home() -> None:
    cyan = FALLBACK_PALETTE[0]
    home, away = pair(cyan, "#10C8F8")
    assert home == cyan
    assert away == FALLBACK_PALETTE[1]


def test_two_background_coloured_teams_both_stand_out_and_apart() -> None:
    home, away = pair(BACKGROUND, BACKGROUND)
    assert home == lighten(BACKGROUND)
    assert stands_out(home) and stands_out(away)
    assert distance(home, away) >= MIN_DISTANCE


def test_pair_is_deterministic_and_returns_upper_case_hex() -> None:
    assert pair(GOLD.lower(), OLD_GOLD.lower()) == pair(GOLD, OLD_GOLD) == pair(GOLD, OLD_GOLD)
    for colour in pair("#0c2340", "#1d428a"):
        assert colour == to_hex(parse_hex(colour))


def test_every_fallback_colour_stands_out_and_apart_from_the_others() -> None:
    for colour in FALLBACK_PALETTE:
        assert stands_out(colour)
    for a, b in itertools.combinations(FALLBACK_PALETTE, 2):
        assert distance(a, b) >= MIN_DISTANCE


def test_every_colour_on_a_coarse_grid_leaves_some_fallback_for_the_away_team() -> None:
    levels = range(0, 256, 17)  # 16 levels a channel: 4,096 colours
    for rgb in itertools.product(levels, levels, levels):
        colour = to_hex(rgb)
        home, away = pair(colour, colour)
        assert distance(home, away) >= MIN_DISTANCE, colour
        assert stands_out(home) and stands_out(away), colour


@given(hex_colours, hex_colours)
def test_pair_never_returns_colours_too_close_to_each_other_or_the_background(
    home: str, away: str
) -> None:
    drawn_home, drawn_away = pair(home, away)
    assert distance(drawn_home, drawn_away) >= MIN_DISTANCE
    for drawn in (drawn_home, drawn_away):
        assert distance(drawn, BACKGROUND) >= BACKGROUND_MIN_DISTANCE
        assert contrast_ratio(drawn, BACKGROUND) >= BACKGROUND_MIN_CONTRAST
    assert drawn_home == lighten(home)


# --- text contrast --------------------------------------------------------------------------


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio(RED, RED) == pytest.approx(1.0)
    # WCAG's worked figure: #767676 on white is the lightest grey with 4.5:1.
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


def test_text_on_picks_white_on_navy_and_black_on_yellow() -> None:
    assert text_on(NAVY) == "#FFFFFF"
    assert text_on("#FFFF00") == "#000000"
    assert text_on(GOLD) == "#000000"
    assert text_on(BACKGROUND) == "#FFFFFF"


@given(hex_colours)
def test_text_on_never_picks_the_worse_of_black_and_white(colour: str) -> None:
    chosen = text_on(colour)
    other = "#FFFFFF" if chosen == "#000000" else "#000000"
    assert contrast_ratio(colour, chosen) >= contrast_ratio(colour, other)
