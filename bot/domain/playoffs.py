"""Playoff brackets for 2, 4 or 8 teams, with best-of-N series.

Seeds pair 1 v 8, 4 v 5, 2 v 7, 3 v 6 (1 v 4, 2 v 3 with four teams), and winners meet in that
bracket order. The higher seed is at home in games 1, 3, 5 ...; a series ends as soon as one
team has won more than half of its games. Quarterfinals (eight teams) use the semifinal length.
Every function returns a new `Bracket`; nothing is mutated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.errors import ConflictError, NotFoundError, ValidationError
from bot.domain.rules import RuleSet

RoundName = Literal["quarterfinal", "semifinal", "final"]

_FIRST_ROUND: dict[int, tuple[RoundName, list[tuple[int, int]]]] = {
    2: ("final", [(1, 2)]),
    4: ("semifinal", [(1, 4), (2, 3)]),
    8: ("quarterfinal", [(1, 8), (4, 5), (2, 7), (3, 6)]),
}
_NEXT_ROUND: dict[RoundName, RoundName] = {"quarterfinal": "semifinal", "semifinal": "final"}


class SeriesGame(BaseModel):
    """The next game of a series: who hosts it and its number in the series."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    series_id: str
    round_name: RoundName
    game_number: int = Field(ge=1)
    home_team_id: str
    away_team_id: str


class Series(BaseModel):
    """A best-of-N series between two seeds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    series_id: str
    round_name: RoundName
    higher_seed: int = Field(ge=1)
    lower_seed: int = Field(ge=1)
    higher_seed_team_id: str
    lower_seed_team_id: str
    best_of: int = Field(ge=1, le=9)
    higher_seed_wins: int = Field(0, ge=0)
    lower_seed_wins: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Series:
        if self.best_of % 2 == 0:
            raise ValueError("a series is best of an odd number of games")
        if max(self.higher_seed_wins, self.lower_seed_wins) > self.wins_needed:
            raise ValueError("a series cannot go on after it is won")
        return self

    @property
    def wins_needed(self) -> int:
        return self.best_of // 2 + 1

    @property
    def games_played(self) -> int:
        return self.higher_seed_wins + self.lower_seed_wins

    @property
    def is_over(self) -> bool:
        return max(self.higher_seed_wins, self.lower_seed_wins) >= self.wins_needed

    @property
    def winner_team_id(self) -> str | None:
        if self.higher_seed_wins >= self.wins_needed:
            return self.higher_seed_team_id
        if self.lower_seed_wins >= self.wins_needed:
            return self.lower_seed_team_id
        return None

    @property
    def winner_seed(self) -> int | None:
        winner = self.winner_team_id
        if winner is None:
            return None
        return self.higher_seed if winner == self.higher_seed_team_id else self.lower_seed

    def next_game(self) -> SeriesGame | None:
        """The next game, or None once the series is decided."""
        if self.is_over:
            return None
        number = self.games_played + 1
        higher_home = number % 2 == 1
        home, away = (
            (self.higher_seed_team_id, self.lower_seed_team_id)
            if higher_home
            else (self.lower_seed_team_id, self.higher_seed_team_id)
        )
        return SeriesGame(
            series_id=self.series_id,
            round_name=self.round_name,
            game_number=number,
            home_team_id=home,
            away_team_id=away,
        )

    def with_winner(self, team_id: str) -> Series:
        """The series after one more game won by `team_id`."""
        if self.is_over:
            raise ConflictError(f"Series {self.series_id} is already decided.")
        if team_id == self.higher_seed_team_id:
            return self.model_copy(update={"higher_seed_wins": self.higher_seed_wins + 1})
        if team_id == self.lower_seed_team_id:
            return self.model_copy(update={"lower_seed_wins": self.lower_seed_wins + 1})
        raise ValidationError(f"Team {team_id} is not playing in series {self.series_id}.")


class Bracket(BaseModel):
    """The whole playoff: every round so far, first round first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prefix: str
    semifinal_best_of: int
    final_best_of: int
    rounds: tuple[tuple[Series, ...], ...]

    @property
    def current_round(self) -> tuple[Series, ...]:
        return self.rounds[-1]

    @property
    def champion(self) -> str | None:
        last = self.current_round
        if len(last) == 1 and last[0].round_name == "final":
            return last[0].winner_team_id
        return None


def _best_of(name: RoundName, semifinal: int, final: int) -> int:
    return final if name == "final" else semifinal


def _series(
    prefix: str, name: RoundName, index: int, a: tuple[int, str], b: tuple[int, str], best_of: int
) -> Series:
    (hi_seed, hi_team), (lo_seed, lo_team) = sorted((a, b))
    return Series(
        series_id=f"{prefix}:{name}:{index}",
        round_name=name,
        higher_seed=hi_seed,
        lower_seed=lo_seed,
        higher_seed_team_id=hi_team,
        lower_seed_team_id=lo_team,
        best_of=best_of,
    )


def start_bracket(seeded_team_ids: Sequence[str], rules: RuleSet, prefix: str) -> Bracket:
    """The first round for the top `rules.playoff_teams` of `seeded_team_ids` (best first)."""
    size = rules.playoff_teams
    if size not in _FIRST_ROUND:
        raise ValidationError("playoff_teams must be 2, 4 or 8.")
    if len(seeded_team_ids) < size or len(set(seeded_team_ids)) != len(seeded_team_ids):
        raise ValidationError(f"A {size}-team bracket needs {size} different teams.")
    name, pairs = _FIRST_ROUND[size]
    best_of = _best_of(name, rules.semifinal_series_length, rules.final_series_length)
    first = tuple(
        _series(prefix, name, i, (a, seeded_team_ids[a - 1]), (b, seeded_team_ids[b - 1]), best_of)
        for i, (a, b) in enumerate(pairs)
    )
    return Bracket(
        prefix=prefix,
        semifinal_best_of=rules.semifinal_series_length,
        final_best_of=rules.final_series_length,
        rounds=(first,),
    )


def pending_games(bracket: Bracket) -> list[SeriesGame]:
    """The next game of every undecided series in the current round."""
    return [g for s in bracket.current_round if (g := s.next_game()) is not None]


def record_game(bracket: Bracket, series_id: str, winner_team_id: str) -> Bracket:
    """The bracket after one playoff game; opens the next round when this one is done."""
    current = list(bracket.current_round)
    for i, series in enumerate(current):
        if series.series_id == series_id:
            current[i] = series.with_winner(winner_team_id)
            break
    else:
        raise NotFoundError(f"No series {series_id} in the current playoff round.")
    rounds = (*bracket.rounds[:-1], tuple(current))
    updated = bracket.model_copy(update={"rounds": rounds})
    if all(s.is_over for s in current) and current[0].round_name != "final":
        updated = updated.model_copy(update={"rounds": (*rounds, _next_round(updated))})
    return updated


def _next_round(bracket: Bracket) -> tuple[Series, ...]:
    done = bracket.current_round
    name = _NEXT_ROUND[done[0].round_name]
    best_of = _best_of(name, bracket.semifinal_best_of, bracket.final_best_of)
    winners = [(s.winner_seed or 0, s.winner_team_id or "") for s in done]
    return tuple(
        _series(bracket.prefix, name, i // 2, winners[i], winners[i + 1], best_of)
        for i in range(0, len(winners), 2)
    )
