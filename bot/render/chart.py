"""The score-flow chart: the home team's margin over a game, as PNG bytes.

The margin (home minus away) is drawn as a step line over seconds of play, the area between it
and zero filled in the colour of whichever team leads; periods are marked with faint dotted lines
and labelled under the axis, and an Elam ending with a solid line and its target.

matplotlib is imported only when a chart is rendered, so importing this module is cheap. The
figure is built with `matplotlib.figure.Figure` and drawn on the Agg canvas directly: pyplot is
never imported (it would keep every figure alive in a long-running bot, and could pick a GUI
backend), and matplotlib's global rcParams are never changed. Colours, sizes, line widths, the
layout and the font (DejaVu Sans, the file matplotlib ships) are set explicitly, and the PNG
carries no software tag, timestamp or dpi, so the same input gives byte-identical output (on the
same matplotlib and Pillow; rcParams this module does not set, such as `text.antialiased`, are
left at whatever the process has, normally matplotlib's defaults).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from io import BytesIO
from typing import TYPE_CHECKING

from bot.render import colours

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Rectangle

__all__ = ["ScoreFlow", "score_flow_png", "score_flow_png_async"]

TEXT = "#F2F3F5"  # Discord's primary text on dark
MUTED = "#B5BAC1"  # Discord's secondary text
GRID = "#3A3C42"
ELAM_BAND = "#313338"  # the Elam period's slightly lighter backdrop
ELLIPSIS = "…"
_DPI = 100

# Layout at the reference size (1200 × 540 px); everything scales with the figure.
_REF_W, _REF_H = 1200, 540
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_BOTTOM = 50, 24, 40  # px
_TITLE_TOP = 16  # px from the top edge to the title's top
_TITLE_PT, _SUBTITLE_PT, _LEAD_PT, _LABEL_PT, _TICK_PT = 19.0, 12.5, 12.5, 12.0, 10.5

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pinwheel-chart")


@dataclass(frozen=True, slots=True)
class ScoreFlow:
    """Everything the chart shows about one game; plain data, no database rows."""

    title: str  # e.g. "Kenton Ravens 58 – 59 Foster Foxes"
    subtitle: str  # e.g. "Round 4 · Semifinal, game 2 · 9 lead changes" (may be "")
    home: str  # home team name
    away: str  # away team name
    home_colour: str  # "#RRGGBB" as stored (passed through colours.pair before drawing)
    away_colour: str
    # (seconds of play since tip-off, home score, away score), in time order; the first is
    # (0, 0, 0); one point per scoring change.
    points: tuple[tuple[float, int, int], ...]
    period_ends: tuple[float, ...]  # seconds at which each timed period ended
    # The label of each period including the Elam one, e.g. ("Q1", "Q2", "Q3", "Elam"):
    # len(period_ends) + 1 labels with an Elam period, else len(period_ends).
    period_labels: tuple[str, ...]
    elam_start: float | None  # seconds at which the untimed Elam ending began (None: no Elam)
    elam_target: int | None  # the target score ("first to 59"); None without an Elam ending
    end: float  # seconds of play at the final whistle


def score_flow_png(flow: ScoreFlow, *, width_px: int = 1200, height_px: int = 540) -> bytes:
    """The score-flow chart of `flow` as PNG bytes of exactly `width_px` × `height_px` pixels.

    Deterministic: the same arguments give byte-identical bytes. Not guaranteed thread-safe
    (matplotlib is not); from async code use `score_flow_png_async`, which serialises renders."""
    if width_px < 200 or height_px < 120:
        raise ValueError(f"a chart needs at least 200 × 120 pixels, got {width_px} × {height_px}")

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    scale = min(width_px / _REF_W, height_px / _REF_H)

    def font(size: float, weight: str = "normal") -> FontProperties:
        return FontProperties(fname=_font_file(weight == "bold"), size=size * scale)

    home_colour, away_colour = colours.pair(flow.home_colour, flow.away_colour)
    home_name, away_name = _printable(flow.home) or "Home", _printable(flow.away) or "Away"
    steps = _margin_steps(flow)
    end = steps[0][-1]
    xs, ys = steps
    peak = max((abs(y) for y in ys), default=0)
    limit = _y_limit(peak)

    fig = Figure(
        figsize=(width_px / _DPI, height_px / _DPI),
        dpi=_DPI,
        facecolor=colours.BACKGROUND,
        edgecolor=colours.BACKGROUND,
        linewidth=0,
    )
    fig.set_layout_engine("none")  # whatever rcParams say: no tight or constrained layout
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]

    def measure(text: str, prop: FontProperties) -> float:
        return _text_width(renderer, text, prop)

    # --- title and subtitle, left-aligned with the plot -----------------------------------
    left_px = _MARGIN_LEFT * scale
    usable_px = width_px - left_px - _MARGIN_RIGHT * scale
    title_prop, subtitle_prop = font(_TITLE_PT, "bold"), font(_SUBTITLE_PT)
    title = _fit_title(
        _printable(flow.title), (home_name, away_name), usable_px, partial(measure, prop=title_prop)
    )
    y_px = _TITLE_TOP * scale
    fig.text(
        left_px / width_px, 1 - y_px / height_px, title, fontproperties=title_prop,
        color=TEXT, ha="left", va="top", parse_math=False,
    )  # fmt: skip
    y_px += _TITLE_PT * scale * _DPI / 72 * 1.25
    if subtitle := _printable(flow.subtitle):
        subtitle = _shorten(subtitle, usable_px, partial(measure, prop=subtitle_prop))
        fig.text(
            left_px / width_px, 1 - y_px / height_px, subtitle, fontproperties=subtitle_prop,
            color=MUTED, ha="left", va="top", parse_math=False,
        )  # fmt: skip
        y_px += _SUBTITLE_PT * scale * _DPI / 72 * 1.25
    y_px += 12 * scale

    fig.subplots_adjust(
        left=left_px / width_px,
        right=1 - _MARGIN_RIGHT * scale / width_px,
        top=1 - y_px / height_px,
        bottom=_MARGIN_BOTTOM * scale / height_px,
    )
    ax = fig.add_subplot()
    ax.set_axis_off()  # the axes' own ticks and spines are slow to draw; we draw what we need
    ax.set_xlim(0, end)
    ax.set_ylim(-limit, limit)
    step = _tick_step(limit)
    ticks = [step * k for k in range(-int(limit // step), int(limit // step) + 1)]
    ax.hlines([t for t in ticks if t], 0, end, colors=GRID, linewidths=max(0.6, scale), zorder=0.5)
    tick_prop = font(_TICK_PT)
    for tick in ticks:
        ax.annotate(
            f"{abs(tick)}", xy=(0, tick), xycoords=("axes fraction", "data"),
            xytext=(-8 * scale, 0), textcoords="offset pixels", ha="right", va="center_baseline",
            fontproperties=tick_prop, color=MUTED, parse_math=False, annotation_clip=False,
        )  # fmt: skip

    # --- the game ----------------------------------------------------------------------------
    if flow.elam_start is not None and flow.elam_start < end:
        start = max(0.0, flow.elam_start)
        ax.add_patch(_rectangle(start, -limit, end - start, 2 * limit, ELAM_BAND, zorder=0.2))
    ax.fill_between(
        xs, [max(y, 0) for y in ys], 0, color=home_colour, linewidth=0, zorder=1,
        antialiased=True,
    )  # fmt: skip
    ax.fill_between(
        xs, [min(y, 0) for y in ys], 0, color=away_colour, linewidth=0, zorder=1,
        antialiased=True,
    )  # fmt: skip
    ax.hlines([0], 0, end, colors=MUTED, linewidths=1.2 * scale, zorder=2)
    ax.plot(xs, ys, color=TEXT, linewidth=1.6 * scale, solid_joinstyle="miter", zorder=3)
    period_lines = [
        at
        for at in flow.period_ends
        if 0 < at < end and (flow.elam_start is None or abs(at - flow.elam_start) > 1e-6)
    ]
    if period_lines:
        ax.vlines(
            period_lines, -limit, limit, colors=MUTED, alpha=0.55, linewidths=1.1 * scale,
            linestyles=(0.0, (1.5, 3.0)), zorder=2.5,
        )  # fmt: skip

    axes_box = ax.get_position()
    ax_x0, ax_w = float(axes_box.x0) * width_px, float(axes_box.width) * width_px
    ax_y1 = float(axes_box.y1) * height_px

    def to_px(seconds: float) -> float:
        return ax_x0 + ax_w * seconds / end

    # --- lead labels, inside the plot at the left ----------------------------------------------
    pad = 10 * scale
    lead_prop = font(_LEAD_PT, "bold")
    lead_px = ax_w * 0.42
    home_label = _shorten(home_name, lead_px, partial(measure, prop=lead_prop), " lead")
    away_label = _shorten(away_name, lead_px, partial(measure, prop=lead_prop), " lead")
    ax.annotate(
        home_label, xy=(0, 1), xycoords="axes fraction", xytext=(pad, -pad),
        textcoords="offset pixels", ha="left", va="top", fontproperties=lead_prop,
        color=home_colour, parse_math=False, zorder=4,
    )  # fmt: skip
    ax.annotate(
        away_label, xy=(0, 0), xycoords="axes fraction", xytext=(pad, pad),
        textcoords="offset pixels", ha="left", va="bottom", fontproperties=lead_prop,
        color=away_colour, parse_math=False, zorder=4,
    )  # fmt: skip
    home_label_right = ax_x0 + pad + measure(home_label, lead_prop)

    # --- the Elam ending -----------------------------------------------------------------------
    if flow.elam_start is not None and 0 <= flow.elam_start <= end:
        ax.vlines([flow.elam_start], -limit, limit, colors=TEXT, linewidths=1.6 * scale, zorder=3.5)
        label_prop = font(_LABEL_PT, "bold")
        text = (
            f"Elam: first to {flow.elam_target}" if flow.elam_target is not None else "Elam ending"
        )
        text = _shorten(text, ax_w - 2 * pad, partial(measure, prop=label_prop))
        text_w = measure(text, label_prop)
        line_x = to_px(flow.elam_start)
        gap = 7 * scale
        ha, x0 = "left", line_x + gap
        if x0 + text_w > ax_x0 + ax_w - gap:  # no room right of the line: put it to the left
            ha, x0 = "right", line_x - gap - text_w
        dy = -pad
        if x0 < home_label_right + gap:  # would touch the home label: drop a line
            dy -= _LEAD_PT * scale * _DPI / 72 * 1.5
        if x0 < ax_x0 + gap:  # too wide either side: pin inside the plot's left edge
            ha, x0 = "left", ax_x0 + gap
        ax.annotate(
            text, xy=((x0 if ha == "left" else x0 + text_w) / width_px, ax_y1 / height_px),
            xycoords="figure fraction", xytext=(0, dy), textcoords="offset pixels", ha=ha,
            va="top", fontproperties=label_prop, color=TEXT, parse_math=False, zorder=4,
        )  # fmt: skip

    # --- period labels under the axis, centred under each period --------------------------------
    label_prop = font(_LABEL_PT)
    placed: list[tuple[str, float, float]] = []  # text, centre px, width px
    starts = (0.0, *flow.period_ends)
    stops = (*flow.period_ends, end)
    for raw, start, stop in zip(flow.period_labels, starts, stops, strict=False):
        label = _printable(raw)
        start, stop = max(0.0, start), min(end, stop)
        if not label or stop <= start:
            continue
        short = _shorten(
            label, max(ax_w / 4, to_px(stop) - to_px(start)), partial(measure, prop=label_prop)
        )
        placed.append((short, to_px((start + stop) / 2), measure(short, label_prop)))
    for text, centre, _w in _spread(placed, ax_x0, ax_x0 + ax_w, 8 * scale):
        fig.text(
            centre / width_px, (axes_box.y0 * height_px - 10 * scale) / height_px, text,
            fontproperties=label_prop, color=MUTED, ha="center", va="top", parse_math=False,
        )  # fmt: skip

    return _png(canvas)


async def score_flow_png_async(
    flow: ScoreFlow, *, width_px: int = 1200, height_px: int = 540
) -> bytes:
    """`score_flow_png` on the module's single chart thread, so the event loop never stalls and
    renders never overlap (matplotlib is not guaranteed thread-safe)."""
    import asyncio  # already loaded by whoever runs the loop; not at import time

    loop = asyncio.get_running_loop()
    render = partial(score_flow_png, flow, width_px=width_px, height_px=height_px)
    return await loop.run_in_executor(_executor, render)


# --- helpers (pure) -------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _font_file(bold: bool) -> str:
    """The DejaVu Sans file matplotlib ships: by path, so no system font of the same name can
    change the picture from one machine to the next."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf", name)


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    """Code points both chart fonts can draw."""
    from matplotlib.ft2font import FT2Font

    regular, bold = (FT2Font(_font_file(b)).get_charmap() for b in (False, True))
    return frozenset(regular) & frozenset(bold)


def _printable(text: str) -> str:
    """`text` on one line with single spaces and without characters the font cannot draw
    (emoji, most CJK), which would otherwise show as empty boxes."""
    glyphs = _glyphs()
    return " ".join("".join(c for c in text if ord(c) in glyphs or c.isspace()).split())


def _png(canvas: FigureCanvasAgg) -> bytes:
    """The drawn canvas as an RGB PNG with no metadata chunks (no software tag, no time, no
    dpi), so equal pictures are equal bytes; RGB because the chart is opaque, and RGB encodes
    about a quarter faster than RGBA."""
    from PIL import Image

    canvas.draw()  # type: ignore[no-untyped-call]
    width, height = canvas.get_width_height(physical=True)
    pixels = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    rgba = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    buffer = BytesIO()
    rgba.convert("RGB").save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _rectangle(x: float, y: float, w: float, h: float, colour: str, zorder: float) -> Rectangle:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="none", linewidth=0, zorder=zorder)


def _margin_steps(flow: ScoreFlow) -> tuple[list[float], list[int]]:
    """The margin as a step polyline: x and y lists that hold each margin until the next
    scoring change and the last one until the final whistle. Starts at (0, 0) even when the
    points do not; times are clamped to be non-decreasing."""
    points = list(flow.points)
    if not points or points[0][0] > 0:
        points.insert(0, (0.0, 0, 0))
    xs: list[float] = [0.0]
    ys: list[int] = [points[0][1] - points[0][2]]
    t_prev = 0.0
    for t, home, away in points[1:]:
        t = max(t_prev, float(t))
        xs += [t, t]
        ys += [ys[-1], home - away]
        t_prev = t
    end = max(t_prev, float(flow.end))
    if end <= 0:
        end = 1.0
    xs.append(end)
    ys.append(ys[-1])
    return xs, ys


def _y_limit(peak: int) -> float:
    """Symmetric y limit: the biggest lead plus headroom for the lead labels, at least 5."""
    return float(max(5, peak + max(2, math.ceil(peak * 0.3))))


def _tick_step(limit: float) -> int:
    """A round tick step giving at most three ticks either side of zero."""
    for step in (1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 100, 200, 250, 500):
        if limit / step <= 3.5:
            return step
    return int(10 ** math.ceil(math.log10(limit / 3)))


def _text_width(renderer: RendererBase, text: str, prop: FontProperties) -> float:
    width, _height, _descent = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def _shorten(text: str, max_px: float, measure: Callable[[str], float], suffix: str = "") -> str:
    """`text + suffix` if it fits in `max_px`, else the longest prefix of `text` ending in "…"
    (then `suffix`) that does."""
    if measure(text + suffix) <= max_px:
        return text + suffix
    lo, hi = 0, len(text)  # the longest fitting prefix length lies in [lo, hi)
    while lo < hi - 1:
        mid = (lo + hi) // 2
        if measure(text[:mid].rstrip() + ELLIPSIS + suffix) <= max_px:
            lo = mid
        else:
            hi = mid
    return text[:lo].rstrip() + ELLIPSIS + suffix


def _fit_title(
    title: str, names: Sequence[str], max_px: float, measure: Callable[[str], float]
) -> str:
    """`title` if it fits; else with the team names in it shortened (to the same length, as
    little as needed, so the scores stay); else the title cut short with "…"."""
    if measure(title) <= max_px:
        return title
    found = sorted({n for n in names if n and n in title}, key=len, reverse=True)
    if found:
        pattern = re.compile("|".join(re.escape(n) for n in found))

        def with_names_cut(keep: int) -> str:
            def cut(match: re.Match[str]) -> str:
                name = match.group(0)
                return name if len(name) <= keep else name[:keep].rstrip() + ELLIPSIS

            return pattern.sub(cut, title)

        lo, hi = 0, len(found[0])  # the longest name length that fits lies in [lo, hi)
        if measure(with_names_cut(1)) <= max_px:
            lo = 1
            while lo < hi - 1:
                mid = (lo + hi) // 2
                if measure(with_names_cut(mid)) <= max_px:
                    lo = mid
                else:
                    hi = mid
            return with_names_cut(lo)
    return _shorten(title, max_px, measure)


def _spread(
    labels: list[tuple[str, float, float]], left: float, right: float, gap: float
) -> list[tuple[str, float, float]]:
    """Label centres moved as little as possible so that no label overlaps the next or leaves
    [left, right]: clamped into the range, pushed right past their left neighbour, then pulled
    back left from the right edge."""
    out = [(t, min(max(c, left + w / 2), right - w / 2), w) for t, c, w in labels]
    for i in range(1, len(out)):
        t, c, w = out[i]
        _pt, pc, pw = out[i - 1]
        out[i] = (t, max(c, pc + pw / 2 + gap + w / 2), w)
    for i in range(len(out) - 1, -1, -1):
        t, c, w = out[i]
        limit = (
            right - w / 2 if i == len(out) - 1 else out[i + 1][1] - out[i + 1][2] / 2 - gap - w / 2
        )
        out[i] = (t, min(c, limit), w)
    return out
