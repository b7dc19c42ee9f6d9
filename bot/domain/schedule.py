"""The regular-season schedule: balanced round robins by the circle method.

One team stays fixed while the others rotate; each round pairs the i-th team from the front with
the i-th from the back. With an odd number of teams a phantom "bye" takes the fixed spot, and
whoever draws it rests that round. Home and away alternate round by round (the fixed team swaps
every round, each other pairing by its position), and every second round robin mirrors the
first, so over two round robins each pair meets once at each venue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.errors import ValidationError

Phase = Literal["regular", "tiebreaker", "quarterfinal", "semifinal", "final"]


class ScheduledGame(BaseModel):
    """One game on the schedule: (round_number, matchup_index) is its unique slot."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    round_number: int = Field(ge=1)
    matchup_index: int = Field(ge=0)
    home_team_id: str
    away_team_id: str
    phase: Phase = "regular"
    series_id: str | None = None


class ScheduledRound(BaseModel):
    """The games of one round and the teams resting in it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    round_number: int = Field(ge=1)
    games: tuple[ScheduledGame, ...]
    byes: tuple[str, ...] = ()


def _circle_rounds(teams: list[str | None]) -> list[list[tuple[str | None, str | None]]]:
    """Pairings (home, away) of one round robin; `teams` has even length, None is the bye."""
    n = len(teams)
    fixed, rotating = teams[0], teams[1:]
    rounds: list[list[tuple[str | None, str | None]]] = []
    for r in range(n - 1):
        order = [fixed, *rotating]
        pairs: list[tuple[str | None, str | None]] = []
        for i in range(n // 2):
            a, b = order[i], order[n - 1 - i]
            a_home = (r % 2 == 0) if i == 0 else (i % 2 == 1)
            pairs.append((a, b) if a_home else (b, a))
        rounds.append(pairs)
        rotating = rotating[-1:] + rotating[:-1]
    return rounds


def round_robin(
    team_ids: Sequence[str], round_robins: int = 1, first_round: int = 1
) -> list[ScheduledRound]:
    """Every team plays every other `round_robins` times; byes for odd team counts."""
    if len(team_ids) < 2:
        raise ValidationError("A schedule needs at least two teams.")
    if len(set(team_ids)) != len(team_ids):
        raise ValidationError("Each team may appear in the schedule only once.")
    if round_robins < 1:
        raise ValidationError("A season needs at least one round robin.")
    teams: list[str | None] = list(team_ids)
    if len(teams) % 2:
        teams.insert(0, None)  # the bye stays fixed, so real teams alternate cleanly
    base = _circle_rounds(teams)
    schedule: list[ScheduledRound] = []
    for cycle in range(round_robins):
        for pairs in base:
            number = first_round + len(schedule)
            mirrored = [(b, a) for a, b in pairs] if cycle % 2 else pairs
            schedule.append(_round(number, mirrored))
    return schedule


def _round(number: int, pairs: list[tuple[str | None, str | None]]) -> ScheduledRound:
    games: list[ScheduledGame] = []
    byes: list[str] = []
    for home, away in pairs:
        if home is None or away is None:
            byes.extend(t for t in (home, away) if t is not None)
            continue
        games.append(
            ScheduledGame(
                round_number=number,
                matchup_index=len(games),
                home_team_id=home,
                away_team_id=away,
            )
        )
    return ScheduledRound(round_number=number, games=tuple(games), byes=tuple(byes))


def all_games(rounds: Sequence[ScheduledRound]) -> list[ScheduledGame]:
    """The schedule as one list, in round and matchup order."""
    return [game for rnd in rounds for game in rnd.games]
