"""The forecast: what a rule change would do to *this* league, before anyone votes on it.

The league's real teams (with their strategies and the effects in force) play every pairing,
home and away, in turn, `games` times under the current rules and again under the changed
rules, game i of both runs with the same seed. The paired comparison (`stats.compare`) gives
each statistic's change with its standard error; a change smaller than two standard errors is
no detectable effect. Pure and deterministic: the same inputs give the same forecast. Its input
and output are plain JSON-able data, so it runs as well in a worker process as here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bot.domain.effects import Effect
from bot.domain.league import Team
from bot.domain.rules import RuleSet
from bot.domain.strategy import TeamStrategy
from bot.sim.game import Matchup
from bot.sim.seeding import derive_seed
from bot.sim.stats import Components, compare, components

GAMES = 500  # paired games: the change's standard errors are small enough to read
SHOWN = 4  # statistics a forecast names at most
# What a forecast may report, in the order a fan cares about: its words, how it is shown, and
# the least change worth telling (a detectable but tiny change is not news).
FORECAST_STATS: dict[str, tuple[str, str, float]] = {
    "points_per_team": ("Points per team", "number", 0.5),
    "three_rate": ("Share of shots from three", "percent", 0.01),
    "possessions_per_game": ("Possessions per game (pace)", "number", 1.0),
    "margin_le5_share": ("Games decided by 5 or fewer", "percent", 0.02),
    "margin_ge20_share": ("Blowouts (20 or more)", "percent", 0.02),
    "home_win_rate": ("Home wins", "percent", 0.02),
    "tov_per_100": ("Turnovers per 100 possessions", "number", 0.5),
    "ft_rate": ("Free throws per 100 shots", "per100", 0.01),
    "three_pct": ("Three-point percentage", "percent", 0.01),
    "orb_pct": ("Offensive rebound share", "percent", 0.01),
    "elam_possessions": ("Elam ending length (possessions)", "number", 1.0),
}
_SCALES = {"number": (1.0, ""), "percent": (100.0, "%"), "per100": (100.0, "")}


@dataclass(frozen=True, slots=True)
class ForecastLine:
    name: str
    label: str
    before: float
    after: float
    standard_error: float
    kind: str  # number or percent

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def strength(self) -> float:
        """How many standard errors the change is (infinite for a sure change)."""
        if self.standard_error > 0:
            return abs(self.change) / self.standard_error
        return math.inf if self.change else 0.0

    def words(self) -> str:
        """ "Points per team: 58.2 → 62.7 (+4.5 ± 0.3)"."""
        scale, unit = _SCALES[self.kind]
        b, a, d, e = (
            x * scale for x in (self.before, self.after, self.change, self.standard_error)
        )
        return f"{self.label}: {b:.1f}{unit} → {a:.1f}{unit} ({d:+.1f} ± {e:.1f})"


@dataclass(frozen=True, slots=True)
class Forecast:
    games: int
    lines: tuple[ForecastLine, ...]  # the detectable changes, strongest first (at most SHOWN)

    @property
    def detectable(self) -> bool:
        return bool(self.lines)

    def words(self) -> list[str]:
        """The forecast as a card says it, a line each."""
        if not self.lines:
            return [f"No detectable effect on the games ({self.games} paired games)."]
        return [line.words() for line in self.lines]

    def as_dict(self) -> dict[str, Any]:
        return {"games": self.games, "lines": [asdict(line) for line in self.lines]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Forecast:
        return cls(int(data["games"]), tuple(ForecastLine(**line) for line in data["lines"]))


def pairings(teams: Sequence[Team]) -> list[tuple[Team, Team]]:
    """Every team against every other, home and away, in a stable order."""
    ordered = sorted(teams, key=lambda t: t.id)
    return [(h, a) for h in ordered for a in ordered if h.id != a.id]


def play_league(
    teams: Sequence[Team],
    rules: RuleSet,
    strategies: Mapping[str, TeamStrategy],
    effects: Sequence[Effect],
    *,
    games: int,
    seed: int | str,
) -> list[Components]:
    """The statistics components of `games` games over the league's pairings under `rules`."""
    matchups = [Matchup(h, a, rules, strategies, effects) for h, a in pairings(teams)]
    if not matchups:
        return []
    return [
        components(matchups[i % len(matchups)].play(derive_seed(seed, i), play_by_play=False))
        for i in range(games)
    ]


def forecast(
    teams: Sequence[Team],
    current: RuleSet,
    changed: RuleSet,
    strategies: Mapping[str, TeamStrategy] | None = None,
    effects: Sequence[Effect] = (),
    *,
    games: int = GAMES,
    seed: int | str = "forecast",
) -> Forecast:
    """What `changed` would do to these teams' games, against `current`, on the same seeds."""
    chosen = strategies or {}
    before = play_league(teams, current, chosen, effects, games=games, seed=seed)
    after = play_league(teams, changed, chosen, effects, games=games, seed=seed)
    if not before:
        return Forecast(0, ())
    lines = []
    for c in compare(before, after):
        if c.name not in FORECAST_STATS or not c.detectable or math.isnan(c.change):
            continue
        label, kind, least = FORECAST_STATS[c.name]
        if abs(c.change) >= least:
            lines.append(ForecastLine(c.name, label, c.before, c.after, c.standard_error, kind))
    lines.sort(key=lambda x: (-x.strength, list(FORECAST_STATS).index(x.name)))
    return Forecast(games, tuple(lines[:SHOWN]))


def forecast_json(request: Mapping[str, Any]) -> dict[str, Any]:
    """`forecast` from and to plain data (what a worker process is handed and returns):
    `{"teams", "current", "changed", "strategies", "effects", "games", "seed"}`."""
    result = forecast(
        [Team.model_validate(t) for t in request["teams"]],
        RuleSet.model_validate(request["current"]),
        RuleSet.model_validate(request["changed"]),
        {k: TeamStrategy.model_validate(v) for k, v in request.get("strategies", {}).items()},
        [Effect.model_validate(e) for e in request.get("effects", [])],
        games=int(request.get("games", GAMES)),
        seed=request.get("seed", "forecast"),
    )
    return result.as_dict()
