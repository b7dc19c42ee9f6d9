"""`GameResult`: everything a game produced, with the inputs it was played under.

It holds what the original Pinwheel's `game_results` and `box_scores` tables held, plus the
teams, rules, strategies, effects, seed and engine version, so `replay_game` can play it again
and compare. `to_dict` / `from_dict` round-trip it through JSON-able dicts.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.effects import Effect
from bot.domain.league import Team
from bot.domain.rules import RuleSet
from bot.domain.strategy import TeamStrategy

_M = TypeVar("_M", bound=BaseModel)


def trusted(cls: type[_M], values: dict[str, Any]) -> _M:
    """Build a model from engine output that already has every field, with the right types.

    What `model_construct` does, without its per-field bookkeeping (it dominated the cost of a
    box score). A test checks these instances equal validated ones.
    """
    instance = cls.__new__(cls)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


class BoxScoreLine(BaseModel):
    """One hooper's line in one game."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hooper_id: str
    team_id: str
    name: str
    starter: bool
    minutes: float = Field(ge=0)
    points: int = Field(ge=0)
    field_goals_made: int = Field(ge=0)
    field_goals_attempted: int = Field(ge=0)
    three_pointers_made: int = Field(ge=0)
    three_pointers_attempted: int = Field(ge=0)
    free_throws_made: int = Field(ge=0)
    free_throws_attempted: int = Field(ge=0)
    offensive_rebounds: int = Field(ge=0)
    defensive_rebounds: int = Field(ge=0)
    rebounds: int = Field(ge=0)
    assists: int = Field(ge=0)
    steals: int = Field(ge=0)
    blocks: int = Field(ge=0)
    turnovers: int = Field(ge=0)
    fouls: int = Field(ge=0)
    plus_minus: int


class PointValues(BaseModel):
    """What a team's shots were worth in this game (rules plus effects)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    two_point: int
    three_point: int
    free_throw: int


class GameResult(BaseModel):
    """One simulated game, its box score, play-by-play and the inputs that produced it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine_version: str
    seed: int = Field(ge=0)
    rules: RuleSet
    home_team: Team
    away_team: Team
    strategies: tuple[TeamStrategy, TeamStrategy]  # home, away
    effects: tuple[Effect, ...]
    home_team_id: str
    away_team_id: str
    home_score: int = Field(ge=0)
    away_score: int = Field(ge=0)
    winner_team_id: str
    quarter_scores: tuple[tuple[int, int], ...]  # (home, away) per period; the last is the Elam
    elam_target: int
    elam_possessions: int = Field(ge=0)
    total_possessions: int = Field(ge=0)
    lead_changes: int = Field(ge=0)
    largest_lead: int = Field(ge=0)
    duration_seconds: float = Field(ge=0)  # seconds of play, the Elam period included
    point_values: tuple[PointValues, PointValues]  # home, away
    box_scores: tuple[BoxScoreLine, ...]  # home roster first; play-by-play indexes this
    play_by_play: tuple[tuple[int, ...], ...] = ()  # see bot.sim.playbyplay

    @property
    def margin(self) -> int:
        """Winner's points minus loser's."""
        return abs(self.home_score - self.away_score)

    @property
    def home_won(self) -> bool:
        return self.home_score > self.away_score

    def team_lines(self, team_id: str) -> tuple[BoxScoreLine, ...]:
        """The box score lines of one team."""
        return tuple(line for line in self.box_scores if line.team_id == team_id)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (what the database stores)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GameResult:
        """Validate a stored dict back into a `GameResult`."""
        return cls.model_validate(data)
