"""Team colours that stay distinguishable on the chart: on Discord's dark grey and from each other.

Colour difference is CIEDE2000 (ΔE00) in CIELAB, D65 white, from sRGB; the conversion is written
out here in plain Python so the numbers do not depend on any library. A ΔE00 of about 1 is the
smallest difference a person notices side by side; two team colours need far more than that to be
told apart at a glance in a legend-free chart.
"""

from __future__ import annotations

import colorsys
import math
import re
from collections.abc import Sequence
from functools import lru_cache

RGB = tuple[int, int, int]

BACKGROUND = "#2B2D31"
"""Discord's dark grey, the chart's background."""

MIN_DISTANCE = 20.0
"""Two team colours closer than this ΔE00 are "too close" to tell apart at a glance. Measured:
the golds #FDB927 / #B4975A are 16.8 apart, the reds #C8102E / #CE1141 5.0, the teals
#00788C / #00A3AD 15.7, so all count as too close; red #C8102E and navy #1D428A are 41.9 apart
and red and orange #F58426 32.5, so they are fine. 20 sits just above the widest same-family
pairs in the league's colours (gold/orange 18.6, orange/red-orange 19.9), erring towards
replacing a colour rather than drawing two teams that read as one."""

BACKGROUND_MIN_DISTANCE = 30.0
"""A team colour closer than this ΔE00 to the background is lightened until it clears it.
ΔE00 weighs lightness lightly among dark colours, so a smaller floor would let navy #1D428A
(20.7 from Discord's grey, WCAG contrast 1.4:1) or maroon #6F263D (24.2, 1.3:1) through, and
their "<team> lead" label would be unreadable; at 30 they are lifted (to #2F67D3, 2.6:1, and
#A4385A, 2.2:1), while red #C8102E (35.2) and gold #FDB927 (68.3) stay as they are."""

BACKGROUND_MIN_CONTRAST = 2.0
"""A team colour must also reach this WCAG contrast ratio with the background, or it is lightened
further. ΔE00 counts chroma, so a deep saturated colour can clear `BACKGROUND_MIN_DISTANCE`
while staying too dark to read as text (pure #910000 is 30 from the grey at 1.45:1). 2.0 lets
every colour of the generated league through as the distance floor leaves it (the lowest,
red #C8102E, is 2.3:1)."""

FALLBACK_PALETTE: tuple[str, ...] = (
    "#00D1FF",  # cyan
    "#FF8A00",  # orange
    "#FF4FD8",  # magenta
    "#7CFC00",  # lime
    "#F2F3F5",  # near white, last: it reads as the chart's text and line, not as a team
)
"""High-contrast colours for the away team when its own colour is too close to the home team's,
tried in this order. Each is 48 or more from the background and 26 or more from the others; no
colour (checked over a 32-level grid of sRGB) is within `MIN_DISTANCE` of more than three of
them, so on the default background a fallback always exists."""

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")

# sRGB (D65) to CIE XYZ, IEC 61966-2-1, and the D65 reference white (Y = 1).
_M = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
_WHITE = (0.95047, 1.00000, 1.08883)


def parse_hex(colour: str) -> RGB:
    """`"#C8102E"` -> `(200, 16, 46)`. Either case is accepted; anything else is a ValueError."""
    if not isinstance(colour, str) or not _HEX.fullmatch(colour):
        raise ValueError(f"expected a colour like '#C8102E', got {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def to_hex(rgb: Sequence[float]) -> str:
    """`(200, 16, 46)` -> `"#C8102E"`: upper case; channels are rounded and clamped to 0..255."""
    if len(rgb) != 3:
        raise ValueError(f"expected three channels, got {rgb!r}")
    r, g, b = (max(0, min(255, round(c))) for c in rgb)
    return f"#{r:02X}{g:02X}{b:02X}"


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _lab_f(t: float) -> float:
    delta = 6 / 29
    return t ** (1 / 3) if t > delta**3 else t / (3 * delta**2) + 4 / 29


@lru_cache(maxsize=4096)
def _lab(colour: str) -> tuple[float, float, float]:
    lin = [_linear(c) for c in parse_hex(colour)]
    x, y, z = (sum(m * c for m, c in zip(row, lin, strict=True)) for row in _M)
    fx, fy, fz = _lab_f(x / _WHITE[0]), _lab_f(y / _WHITE[1]), _lab_f(z / _WHITE[2])
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    # Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula", with kL = kC = kH = 1.
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0

    dlp = l2 - l1
    dcp = c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    dhp_big = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))

    lp_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_bar = (h1p + h2p + 360) / 2
    else:
        hp_bar = (h1p + h2p - 360) / 2

    t = (
        1
        - 0.17 * math.cos(math.radians(hp_bar - 30))
        + 0.24 * math.cos(math.radians(2 * hp_bar))
        + 0.32 * math.cos(math.radians(3 * hp_bar + 6))
        - 0.20 * math.cos(math.radians(4 * hp_bar - 63))
    )
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (lp_bar - 50) ** 2 / math.sqrt(20 + (lp_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (dlp / s_l) ** 2
        + (dcp / s_c) ** 2
        + (dhp_big / s_h) ** 2
        + r_t * (dcp / s_c) * (dhp_big / s_h)
    )


def distance(a: str, b: str) -> float:
    """Perceptual difference between two colours: CIEDE2000 ΔE00 in CIELAB (D65). Symmetric;
    0 for equal colours; about 1 is just noticeable, `MIN_DISTANCE` is "clearly different"."""
    return _ciede2000(_lab(a.upper()), _lab(b.upper()))


def stands_out(colour: str, background: str = BACKGROUND) -> bool:
    """Whether `colour` is at least `BACKGROUND_MIN_DISTANCE` from `background` and reaches
    `BACKGROUND_MIN_CONTRAST` against it."""
    return (
        distance(colour, background) >= BACKGROUND_MIN_DISTANCE
        and contrast_ratio(colour, background) >= BACKGROUND_MIN_CONTRAST
    )


def lighten(colour: str, background: str = BACKGROUND) -> str:
    """`colour` itself (in upper case) when it `stands_out` from `background`; otherwise the
    first lighter shade of the same hue and saturation (HLS lightness in steps of 0.02) that does.
    Pure white stands out from a dark background, so this ends; on a light background where
    nothing lighter helps, the colour is darkened the same way instead."""
    colour = to_hex(parse_hex(colour))
    if stands_out(colour, background):
        return colour
    r, g, b = parse_hex(colour)
    hue, light, sat = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
    for direction in (1, -1):
        for step in range(1, 51):
            shade_l = min(1.0, max(0.0, light + direction * 0.02 * step))
            shade = to_hex([c * 255 for c in colorsys.hls_to_rgb(hue, shade_l, sat)])
            if stands_out(shade, background):
                return shade
    return colour  # unreachable for any background in practice: white or black clears it


def pair(home: str, away: str, background: str = BACKGROUND) -> tuple[str, str]:
    """The colours to draw the home and away teams in, as upper-case `#RRGGBB`.

    Each colour is first lifted until it `stands_out` from the background (`lighten`). When the
    two are then closer than `MIN_DISTANCE`, home keeps its colour and away takes the first
    colour of `FALLBACK_PALETTE` far enough from home that stands out from the background (or,
    should none, the one farthest from home: never on the default background). Pure and
    deterministic."""
    home_c = lighten(home, background)
    away_c = lighten(away, background)
    if distance(home_c, away_c) >= MIN_DISTANCE:
        return home_c, away_c
    for candidate in FALLBACK_PALETTE:
        if distance(candidate, home_c) >= MIN_DISTANCE and stands_out(candidate, background):
            return home_c, candidate
    return home_c, max(FALLBACK_PALETTE, key=lambda c: distance(c, home_c))


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance: 0 for black, 1 for white."""
    r, g, b = (_linear(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio, from 1 (same luminance) to 21 (black on white). Symmetric."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(colour: str) -> str:
    """`"#000000"` or `"#FFFFFF"`, whichever contrasts better with `colour` (black on a tie)."""
    black, white = "#000000", "#FFFFFF"
    return black if contrast_ratio(colour, black) >= contrast_ratio(colour, white) else white
