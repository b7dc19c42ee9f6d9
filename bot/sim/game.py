"""The simulation's public entry points: `simulate_game`, `play_games` and `replay_game`."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

from bot.domain.effects import Effect
from bot.domain.errors import ValidationError
from bot.domain.league import Team
from bot.domain.rules import DEFAULT_RULES, RuleSet
from bot.domain.strategy import NEUTRAL_STRATEGY, TeamStrategy
from bot.sim.calibration import ENGINE_VERSION
from bot.sim.engine import RawGame, run_game
from bot.sim.result import BoxScoreLine, GameResult, PointValues, trusted
from bot.sim.tables import GameTables, build_tables


class Matchup:
    """Two teams compiled once under fixed rules, strategies and effects; play it by seed."""

    def __init__(
        self,
        home: Team,
        away: Team,
        rules: RuleSet = DEFAULT_RULES,
        strategies: Mapping[str, TeamStrategy] | None = None,
        effects: Sequence[Effect] = (),
    ) -> None:
        if home.id == away.id:
            raise ValidationError("A team cannot play itself.")
        chosen = strategies or {}
        self.home, self.away, self.rules = home, away, rules
        self.strategies = (
            chosen.get(home.id, NEUTRAL_STRATEGY),
            chosen.get(away.id, NEUTRAL_STRATEGY),
        )
        self.effects = tuple(effects)
        self.tables: GameTables = build_tables(home, away, rules, self.strategies, self.effects)
        self._names = [h.name for h in (*home.hoopers, *away.hoopers)]
        self._starters = [h.starter for h in (*home.hoopers, *away.hoopers)]

    def play(self, seed: int, *, play_by_play: bool = True) -> GameResult:
        """Play one game. Leaving out play-by-play changes nothing else."""
        raw = run_game(self.tables, seed, play_by_play)
        return self._result(raw, seed)

    def _result(self, raw: RawGame, seed: int) -> GameResult:
        t = self.tables
        home_score, away_score = raw.score
        return GameResult.model_construct(
            engine_version=ENGINE_VERSION,
            seed=seed,
            rules=self.rules,
            home_team=self.home,
            away_team=self.away,
            strategies=self.strategies,
            effects=self.effects,
            home_team_id=t.team_ids[0],
            away_team_id=t.team_ids[1],
            home_score=home_score,
            away_score=away_score,
            winner_team_id=t.team_ids[0] if home_score > away_score else t.team_ids[1],
            quarter_scores=tuple(raw.period_scores),
            elam_target=raw.elam_target,
            elam_possessions=raw.elam_possessions,
            total_possessions=raw.possessions,
            lead_changes=raw.lead_changes,
            largest_lead=raw.largest_lead,
            duration_seconds=round(raw.elapsed_seconds, 1),
            point_values=(self._values(0), self._values(1)),
            box_scores=self._box(raw),
            play_by_play=tuple(raw.play_by_play),
        )

    def _values(self, side: int) -> PointValues:
        t = self.tables
        return PointValues.model_construct(
            two_point=t.values[side * 3],
            three_point=t.values[side * 3 + 2],
            free_throw=t.free_throw_value[side],
        )

    def _box(self, raw: RawGame) -> tuple[BoxScoreLine, ...]:
        t, box = self.tables, raw.box
        columns = list(box.items())
        orb, drb = box["offensive_rebounds"], box["defensive_rebounds"]
        return tuple(
            trusted(
                BoxScoreLine,
                {
                    "hooper_id": hooper_id,
                    "team_id": t.team_ids[t.side_of[i]],
                    "name": self._names[i],
                    "starter": self._starters[i],
                    "minutes": round(raw.seconds_played[i] / 60.0, 2),
                    "rebounds": orb[i] + drb[i],
                    **{name: values[i] for name, values in columns},
                },
            )
            for i, hooper_id in enumerate(t.hooper_ids)
        )


def simulate_game(
    home: Team,
    away: Team,
    rules: RuleSet = DEFAULT_RULES,
    seed: int = 0,
    strategies: Mapping[str, TeamStrategy] | None = None,
    effects: Sequence[Effect] = (),
    *,
    play_by_play: bool = True,
) -> GameResult:
    """Play one game: pure and deterministic for (inputs, engine version).

    `strategies` maps team id to strategy (missing teams play neutral); `effects` are applied
    in order at their hook points.
    """
    chosen = strategies or {}
    pair = (chosen.get(home.id, NEUTRAL_STRATEGY), chosen.get(away.id, NEUTRAL_STRATEGY))
    matchup = _compiled(home, away, rules, pair, tuple(effects))
    return matchup.play(seed, play_by_play=play_by_play)


@functools.lru_cache(maxsize=256)
def _compiled(
    home: Team,
    away: Team,
    rules: RuleSet,
    strategies: tuple[TeamStrategy, TeamStrategy],
    effects: tuple[Effect, ...],
) -> Matchup:
    """Compiled matchups, memoised: a season or a what-if plays the same pairs many times.

    Safe because every input is frozen and the engine never writes to its tables.
    """
    by_team = {home.id: strategies[0], away.id: strategies[1]}
    return Matchup(home, away, rules, by_team, effects)


def play_games(
    matchup: Matchup, seeds: Iterable[int], *, play_by_play: bool = False
) -> list[GameResult]:
    """Play the same matchup once per seed (compiled once: what-if runs use this)."""
    return [matchup.play(seed, play_by_play=play_by_play) for seed in seeds]


def replay_game(result: GameResult) -> GameResult:
    """Play a stored game again from the inputs it carries."""
    strategies = {
        result.home_team_id: result.strategies[0],
        result.away_team_id: result.strategies[1],
    }
    return simulate_game(
        result.home_team,
        result.away_team,
        result.rules,
        result.seed,
        strategies,
        result.effects,
        play_by_play=bool(result.play_by_play),
    )
