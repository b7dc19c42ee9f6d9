"""Realism statistics over many games, their standard errors, and paired what-if comparisons.

Every statistic is a ratio of per-game sums (points / possessions, 3PA / FGA, wins / games ...).
Its standard error comes from the delta method: with R = sum(y) / sum(x), each game contributes
z = (y - R x) / mean(x), and SE(R) = sd(z) / sqrt(games). A what-if plays the same seeds under
two rule sets, so its SE uses the per-game difference of the two z values (paired), which is far
smaller than comparing two independent samples.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.sim.result import GameResult

Components = dict[str, float]


@dataclass(frozen=True, slots=True)
class StatDef:
    """A statistic: scale * sum(numerator) / sum(denominator) over games."""

    name: str
    numerator: str
    denominator: str
    scale: float
    label: str


STATS: tuple[StatDef, ...] = (
    StatDef("points_per_possession", "points", "possessions", 1.0, "Points per possession"),
    StatDef("efg", "efg_made", "fga", 1.0, "Effective FG%"),
    StatDef("three_rate", "tpa", "fga", 1.0, "3PA / FGA"),
    StatDef("three_pct", "tpm", "tpa", 1.0, "3P%"),
    StatDef("ft_rate", "fta", "fga", 1.0, "FTA / FGA"),
    StatDef("ft_pct", "ftm", "fta", 1.0, "FT%"),
    StatDef("tov_per_100", "tov", "possessions", 100.0, "Turnovers per 100 possessions"),
    StatDef("orb_pct", "orb", "rebounds", 1.0, "Offensive rebound %"),
    StatDef("assisted_share", "ast", "fgm", 1.0, "Assisted share of made FGs"),
    StatDef("home_win_rate", "home_win", "games", 1.0, "Home win rate"),
    StatDef("points_per_team", "points", "games", 0.5, "Points per team per game"),
    StatDef("possessions_per_game", "possessions", "games", 1.0, "Possessions per game"),
    StatDef("possessions_per_minute", "possessions", "minutes", 1.0, "Possessions per minute"),
    StatDef("margin_le5_share", "margin_le5", "games", 1.0, "Games decided by 5 or fewer"),
    StatDef("margin_ge20_share", "margin_ge20", "games", 1.0, "Games decided by 20 or more"),
    StatDef("elam_games_share", "elam", "games", 1.0, "Games reaching an Elam ending"),
    StatDef("elam_possessions", "elam_possessions", "games", 1.0, "Elam possessions per game"),
    StatDef("elam_comeback_share", "comeback", "games", 1.0, "Trailing at the Elam start, won"),
)
STAT_BY_NAME = {s.name: s for s in STATS}

_BOX_SUMS = (
    ("fgm", "field_goals_made"),
    ("fga", "field_goals_attempted"),
    ("tpm", "three_pointers_made"),
    ("tpa", "three_pointers_attempted"),
    ("ftm", "free_throws_made"),
    ("fta", "free_throws_attempted"),
    ("orb", "offensive_rebounds"),
    ("drb", "defensive_rebounds"),
    ("ast", "assists"),
    ("tov", "turnovers"),
)


def components(result: GameResult) -> Components:
    """The per-game sums every statistic is built from."""
    sums = dict.fromkeys((key for key, _ in _BOX_SUMS), 0.0)
    for line in result.box_scores:
        for key, column in _BOX_SUMS:
            sums[key] += getattr(line, column)
    timed = [sum(q) for q in zip(*result.quarter_scores[:-1], strict=True)] or [0, 0]
    elam_lead = timed[0] - timed[1]
    home_won = result.home_score > result.away_score
    margin = abs(result.home_score - result.away_score)
    sums.update(
        points=float(result.home_score + result.away_score),
        possessions=float(result.total_possessions),
        efg_made=sums["fgm"] + 0.5 * sums["tpm"],
        rebounds=sums["orb"] + sums["drb"],
        home_win=float(home_won),
        games=1.0,
        minutes=result.duration_seconds / 60.0,
        margin_le5=float(margin <= 5),
        margin_ge20=float(margin >= 20),
        elam=float(result.elam_target > 0),
        elam_possessions=float(result.elam_possessions),
        comeback=float((elam_lead < 0 and home_won) or (elam_lead > 0 and not home_won)),
    )
    return sums


def _ratio(rows: Sequence[Components], stat: StatDef) -> float:
    top = sum(r[stat.numerator] for r in rows)
    bottom = sum(r[stat.denominator] for r in rows)
    return stat.scale * top / bottom if bottom else math.nan


def _linearised(rows: Sequence[Components], stat: StatDef, value: float) -> list[float]:
    """Each game's influence on the ratio (delta method), in the statistic's own units."""
    mean_bottom = sum(r[stat.denominator] for r in rows) / len(rows)
    if not mean_bottom or math.isnan(value):
        return [0.0] * len(rows)
    ratio = value / stat.scale
    return [
        stat.scale * (r[stat.numerator] - ratio * r[stat.denominator]) / mean_bottom for r in rows
    ]


def _standard_error(values: Sequence[float]) -> float:
    n = len(values)
    if n < 2:
        return math.nan
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return math.sqrt(variance / n)


def summarize(rows: Sequence[Components]) -> dict[str, float]:
    """Every statistic, pooled over the games."""
    return {stat.name: _ratio(rows, stat) for stat in STATS}


def standard_errors(rows: Sequence[Components]) -> dict[str, float]:
    """The standard error of every statistic in `summarize`."""
    return {
        stat.name: _standard_error(_linearised(rows, stat, _ratio(rows, stat))) for stat in STATS
    }


@dataclass(frozen=True, slots=True)
class StatChange:
    """One statistic under the current and the changed rules, on the same seeds."""

    name: str
    label: str
    before: float
    after: float
    standard_error: float

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def detectable(self) -> bool:
        """Non-zero and at least two standard errors from zero."""
        return self.change != 0 and abs(self.change) >= 2 * self.standard_error


def compare(before: Sequence[Components], after: Sequence[Components]) -> list[StatChange]:
    """Paired comparison: game i of `before` and `after` were played with the same seed."""
    if len(before) != len(after):
        raise ValueError("compare needs the same games under both rule sets")
    changes = []
    for stat in STATS:
        b, a = _ratio(before, stat), _ratio(after, stat)
        zb, za = _linearised(before, stat, b), _linearised(after, stat, a)
        se = _standard_error([y - x for x, y in zip(zb, za, strict=True)])
        changes.append(StatChange(stat.name, stat.label, b, a, se))
    return changes


REALISM_BANDS: dict[str, tuple[float, float]] = {
    "points_per_possession": (1.00, 1.20),
    "efg": (0.49, 0.57),
    "three_rate": (0.30, 0.45),
    "ft_rate": (0.15, 0.30),
    "ft_pct": (0.72, 0.82),
    "tov_per_100": (11.0, 16.0),
    "orb_pct": (0.20, 0.32),
    "assisted_share": (0.50, 0.70),
    "home_win_rate": (0.52, 0.60),
    "margin_le5_share": (0.25, 1.00),
    "margin_ge20_share": (0.00, 0.15),
}
"""Where real basketball lives, for equal mid-table teams under the default rules."""


def ratio_change(
    before: Sequence[tuple[float, float]], after: Sequence[tuple[float, float]], label: str = ""
) -> StatChange:
    """Paired change of any ratio given per-game (numerator, denominator) pairs."""
    stat = StatDef(label or "ratio", "y", "x", 1.0, label)
    rows_b = [{"y": y, "x": x} for y, x in before]
    rows_a = [{"y": y, "x": x} for y, x in after]
    b, a = _ratio(rows_b, stat), _ratio(rows_a, stat)
    zb, za = _linearised(rows_b, stat, b), _linearised(rows_a, stat, a)
    se = _standard_error([y - x for x, y in zip(zb, za, strict=True)])
    return StatChange(stat.name, label, b, a, se)


class ResultDigest:
    """An incremental SHA-256 over results' scores, periods and box scores (not play-by-play)."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def update(self, r: GameResult) -> None:
        self._hash.update(repr((r.seed, r.home_score, r.away_score, r.quarter_scores)).encode())
        self._hash.update(repr((r.elam_target, r.total_possessions, r.lead_changes)).encode())
        for line in r.box_scores:
            self._hash.update(repr(tuple(line.__dict__.values())).encode())

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def digest(results: Sequence[GameResult]) -> str:
    """The `ResultDigest` of a list of results (for determinism checks)."""
    h = ResultDigest()
    for r in results:
        h.update(r)
    return h.hexdigest()
