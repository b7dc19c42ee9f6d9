"""The score-flow chart: PNG bytes of the right size, the same bytes for the same game, both
teams' colours in the picture, and no input shape (no Elam, blowout, two points, long names)
that breaks it."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import threading
from dataclasses import replace
from io import BytesIO
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.render import chart, colours
from bot.render.chart import ScoreFlow, score_flow_png, score_flow_png_async

GOLD, OLD_GOLD = "#FDB927", "#B4975A"
RED, NAVY = "#C8102E", "#1D428A"
QUARTER = 600.0
ROOT = Path(__file__).resolve().parents[2]


def make_flow(
    *,
    seed: int = 1,
    changes: int = 60,
    elam: bool = True,
    home: str = "Kenton Ravens",
    away: str = "Foster Foxes",
    home_colour: str = GOLD,
    away_colour: str = OLD_GOLD,
) -> ScoreFlow:
    """A plausible game: `changes` scoring changes over three timed quarters, then (with
    `elam`) baskets until one team reaches the target, the leading score plus 13."""
    rng = random.Random(seed)
    timed = 3 * QUARTER
    t, h, a = 0.0, 0, 0
    points: list[tuple[float, int, int]] = [(0.0, 0, 0)]
    for i in range(changes):
        t = timed * (i + rng.random()) / changes
        if rng.random() < 0.5:
            h += rng.choice((1, 2, 2, 2, 3))
        else:
            a += rng.choice((1, 2, 2, 2, 3))
        points.append((round(t, 1), h, a))
    end, target = timed, None
    if elam:
        target = max(h, a) + 13
        t = timed
        while max(h, a) < target:
            t += rng.uniform(8, 30)
            if rng.random() < 0.5:
                h = min(target, h + rng.choice((1, 2, 2, 3)))
            else:
                a = min(target, a + rng.choice((1, 2, 2, 3)))
            points.append((round(t, 1), h, a))
        end = t
    return ScoreFlow(
        title=f"{home} {h} – {a} {away}",
        subtitle="Round 4 · Semifinal, game 2",
        home=home,
        away=away,
        home_colour=home_colour,
        away_colour=away_colour,
        points=tuple(points),
        period_ends=(QUARTER, 2 * QUARTER, timed),
        period_labels=("Q1", "Q2", "Q3", "Elam") if elam else ("Q1", "Q2", "Q3"),
        elam_start=timed if elam else None,
        elam_target=target,
        end=end,
    )


def swing(home_colour: str, away_colour: str) -> ScoreFlow:
    """Home leads by 12 for the first half of the game, away by 12 for the second."""
    return ScoreFlow(
        title="Kenton Ravens 40 – 52 Foster Foxes",
        subtitle="",
        home="Kenton Ravens",
        away="Foster Foxes",
        home_colour=home_colour,
        away_colour=away_colour,
        points=((0.0, 0, 0), (60.0, 12, 0), (900.0, 12, 24), (1750.0, 40, 52)),
        period_ends=(QUARTER, 2 * QUARTER, 3 * QUARTER),
        period_labels=("Q1", "Q2", "Q3"),
        elam_start=None,
        elam_target=None,
        end=3 * QUARTER,
    )


def decode(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def pixels_near(image: Image.Image, colour: str, within: float = 6.0) -> int:
    rgb = np.asarray(image.convert("RGB"), dtype=np.int32)
    target = np.array(colours.parse_hex(colour), dtype=np.int32)
    return int((np.sqrt(((rgb - target) ** 2).sum(axis=2)) <= within).sum())


# --- it renders -----------------------------------------------------------------------------


@pytest.mark.parametrize("elam", [True, False], ids=["elam", "no-elam"])
def test_a_game_renders_to_a_png_of_the_default_size(elam: bool) -> None:
    image = decode(score_flow_png(make_flow(elam=elam)))
    assert image.format == "PNG"
    assert image.size == (1200, 540)


def test_a_chart_has_exactly_the_requested_pixel_size() -> None:
    for size in [(800, 360), (1000, 450), (1333, 777)]:
        image = decode(score_flow_png(make_flow(), width_px=size[0], height_px=size[1]))
        assert image.size == size


def test_a_chart_too_small_to_read_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        score_flow_png(make_flow(), width_px=100, height_px=50)


def test_rendering_the_same_game_twice_gives_identical_bytes() -> None:
    flow = make_flow(seed=7)
    first = score_flow_png(flow)
    assert score_flow_png(flow) == first
    assert score_flow_png(replace(flow)) == first
    assert score_flow_png(make_flow(seed=8)) != first


def test_the_png_carries_no_software_tag_or_timestamp() -> None:
    data = score_flow_png(make_flow())
    assert b"Matplotlib" not in data
    assert b"tIME" not in data and b"tEXt" not in data


def test_the_background_is_discord_dark_grey() -> None:
    image = decode(score_flow_png(make_flow()))
    assert image.convert("RGB").getpixel((2, 2)) == colours.parse_hex(colours.BACKGROUND)


# --- colours reach the picture ----------------------------------------------------------------


def test_two_gold_teams_are_drawn_in_two_distinct_fill_colours() -> None:
    home, away = colours.pair(GOLD, OLD_GOLD)
    assert colours.distance(home, away) >= colours.MIN_DISTANCE
    image = decode(score_flow_png(swing(GOLD, OLD_GOLD)))
    assert pixels_near(image, home) > 10_000
    assert pixels_near(image, away) > 10_000
    assert pixels_near(image, OLD_GOLD) < 50  # the stored away gold is not what was drawn


def test_the_leading_team_fills_its_side_of_zero() -> None:
    image = decode(score_flow_png(swing(RED, GOLD))).convert("RGB")
    width, height = image.size
    rgb = np.asarray(image, dtype=np.int32)
    red, gold = (np.array(colours.parse_hex(c)) for c in (RED, GOLD))

    def share(region: np.ndarray, colour: np.ndarray) -> float:
        return float((np.abs(region - colour).sum(axis=2) <= 6).mean())

    top_left = rgb[height // 4 : height // 2, width // 8 : width // 3]
    bottom_right = rgb[height // 2 : 3 * height // 4, 2 * width // 3 : 7 * width // 8]
    assert share(top_left, red) > 0.5 and share(top_left, gold) == 0
    assert share(bottom_right, gold) > 0.5 and share(bottom_right, red) == 0


def test_a_near_background_team_colour_is_drawn_lightened() -> None:
    home, away = colours.pair("#0C2340", RED)
    image = decode(score_flow_png(swing("#0C2340", RED)))
    assert home != "#0C2340"
    assert pixels_near(image, home) > 10_000
    assert pixels_near(image, away) > 10_000


# --- shapes of game ---------------------------------------------------------------------------


def _renders(flow: ScoreFlow) -> None:
    assert decode(score_flow_png(flow)).size == (1200, 540)


def test_a_game_without_an_elam_ending_renders() -> None:
    _renders(make_flow(elam=False, home_colour=RED, away_colour=NAVY))


def test_a_blowout_renders() -> None:
    points = tuple((i * 12.0, 3 * i, i // 2) for i in range(150))
    flow = replace(make_flow(elam=False), points=points, title="Ravens 447 – 74 Foxes")
    _renders(flow)


def test_a_game_tied_at_the_end_of_a_timed_period_renders() -> None:
    points = ((0.0, 0, 0), (300.0, 2, 0), (590.0, 2, 2), (900.0, 2, 5), (1200.0, 5, 5))
    flow = replace(make_flow(elam=False), points=points)
    _renders(flow)


def test_a_flow_of_tip_off_and_one_basket_renders() -> None:
    flow = ScoreFlow(
        title="A 2 – 0 B",
        subtitle="",
        home="A",
        away="B",
        home_colour=colours.BACKGROUND,
        away_colour=colours.BACKGROUND,
        points=((0.0, 0, 0), (30.0, 2, 0)),
        period_ends=(120.0,),
        period_labels=("Q1", "Elam"),
        elam_start=120.0,
        elam_target=15,
        end=200.0,
    )
    _renders(flow)


def test_an_elam_ending_that_takes_most_of_the_game_renders() -> None:
    flow = replace(make_flow(), period_ends=(60.0,), period_labels=("Q1", "Elam"), elam_start=60.0)
    _renders(flow)


def test_odd_inputs_render_rather_than_raise() -> None:
    base = make_flow()
    for flow in [
        replace(base, points=()),
        replace(base, points=((0.0, 0, 0),), end=0.0),
        replace(base, period_ends=(), period_labels=()),
        replace(base, elam_target=None),
        replace(base, end=10.0),  # the final whistle before the last basket
        replace(base, title="", subtitle=""),
        replace(base, home="$x^2$ Ravens", away="Foxes_{1}$", title="$5 – $3"),
    ]:
        _renders(flow)


def test_long_team_names_do_not_raise() -> None:
    home = "The Extraordinarily Long-Named Municipal Basketball Association of Kenton Ravens!!"
    away = "F" * 100
    assert len(away) == 100
    _renders(make_flow(home=home, away=away))
    _renders(make_flow(home=home, away=away, elam=False))


def test_team_names_the_font_cannot_draw_are_cleaned_not_boxed() -> None:
    assert chart._printable("🔥 Kenton\tRavens 🔥") == "Kenton Ravens"
    assert chart._printable("Zürich Æsir – Ω") == "Zürich Æsir – Ω"
    _renders(make_flow(home="🔥🔥", away="東京 Foxes"))  # "Home lead", "Foxes lead"


# --- fitting text -----------------------------------------------------------------------------


def test_text_too_wide_is_cut_with_an_ellipsis_to_fit() -> None:
    def measure(text: str) -> float:
        return float(len(text))

    assert chart._shorten("Kenton Ravens", 20, measure) == "Kenton Ravens"
    short = chart._shorten("Kenton Ravens of the North", 12, measure, " lead")
    assert short == "Kenton… lead"
    assert measure(short) <= 12


def test_a_long_title_shortens_the_team_names_and_keeps_the_score() -> None:
    def measure(text: str) -> float:
        return float(len(text))

    home, away = "Kenton Ravens of the North", "Foster Foxes of the South"
    title = f"{home} 58 – 59 {away}"
    fitted = chart._fit_title(title, (home, away), 40, measure)
    assert measure(fitted) <= 40
    assert " 58 – 59 " in fitted
    assert fitted.startswith("Kenton") and "Foster" in fitted and fitted.endswith("…")


def test_period_labels_are_spread_so_they_never_overlap() -> None:
    labels = [("Q1", 100.0, 30.0), ("Q2", 500.0, 30.0), ("Q3", 985.0, 30.0), ("Elam", 995, 40.0)]
    placed = chart._spread(labels, 0.0, 1000.0, 8.0)
    for (_t, c1, w1), (_u, c2, w2) in pairwise(placed):
        assert c1 + w1 / 2 + 8.0 <= c2 - w2 / 2 + 1e-9
    assert placed[-1][1] + placed[-1][2] / 2 <= 1000.0
    assert placed[0][1] == 100.0 and placed[1][1] == 500.0


# --- running it ------------------------------------------------------------------------------


def test_importing_the_chart_module_does_not_import_matplotlib_and_rendering_avoids_pyplot() -> (
    None
):
    script = (
        "import sys\n"
        "import bot.render.chart as chart\n"
        "assert 'matplotlib' not in sys.modules, 'imported matplotlib'\n"
        "from tests.unit.test_render_chart import make_flow\n"
        "chart.score_flow_png(make_flow())\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'imported pyplot'\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)


async def test_the_async_render_matches_the_sync_one() -> None:
    flow = make_flow(seed=3)
    assert await score_flow_png_async(flow) == score_flow_png(flow)


async def test_async_renders_run_one_at_a_time_on_the_chart_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []
    active = 0
    overlapped = False

    def fake(flow: ScoreFlow, *, width_px: int, height_px: int) -> bytes:
        nonlocal active, overlapped
        active += 1
        overlapped |= active > 1
        seen.append(threading.current_thread().name)
        threading.Event().wait(0.01)
        active -= 1
        return flow.title.encode()

    monkeypatch.setattr(chart, "score_flow_png", fake)
    flows = [make_flow(seed=s) for s in range(4)]
    results = await asyncio.gather(*(score_flow_png_async(f) for f in flows))
    assert results == [f.title.encode() for f in flows]
    assert not overlapped
    assert all(name.startswith("pinwheel-chart") for name in seen)
    assert threading.current_thread().name not in seen
