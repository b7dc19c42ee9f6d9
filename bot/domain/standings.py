"""Standings with tiebreakers.

Teams are ordered by winning percentage. Teams level on it are separated, in order, by
head-to-head winning percentage among just the tied teams, point differential, then points
scored. Whenever a criterion splits a group, each smaller group that is still tied starts again
from head-to-head (so a three-way tie that becomes a two-way tie is settled between those two).
Teams still level after every criterion are flagged `tiebreaker_needed`: only a tiebreaker game
can separate them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.errors import ValidationError


class GameScore(BaseModel):
    """A finished game, as standings need it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    home_team_id: str
    away_team_id: str
    home_score: int = Field(ge=0)
    away_score: int = Field(ge=0)


class StandingRow(BaseModel):
    """One team's line in the standings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rank: int = Field(ge=1)
    team_id: str
    games: int
    wins: int
    losses: int
    points_for: int
    points_against: int
    home_wins: int
    home_losses: int
    away_wins: int
    away_losses: int
    tiebreaker_needed: bool = False
    tie_group: int | None = None  # rows still level share the rank of the group's first team
    decided_by: str = ""  # the criterion that placed this team against its nearest rival

    @property
    def win_pct(self) -> float:
        return self.wins / self.games if self.games else 0.0

    @property
    def point_differential(self) -> int:
        return self.points_for - self.points_against


@dataclass(slots=True)
class _Record:
    team_id: str
    wins: int = 0
    losses: int = 0
    points_for: int = 0
    points_against: int = 0
    home: list[int] = field(default_factory=lambda: [0, 0])
    away: list[int] = field(default_factory=lambda: [0, 0])

    @property
    def games(self) -> int:
        return self.wins + self.losses

    @property
    def win_pct(self) -> float:
        return self.wins / self.games if self.games else 0.0


def _tally(team_ids: Sequence[str], games: Sequence[GameScore]) -> dict[str, _Record]:
    records = {t: _Record(t) for t in team_ids}
    for g in games:
        if g.home_team_id not in records or g.away_team_id not in records:
            raise ValidationError("A game involves a team that is not in these standings.")
        if g.home_score == g.away_score:
            raise ValidationError("Games cannot end in a tie.")
        home, away = records[g.home_team_id], records[g.away_team_id]
        home_won = g.home_score > g.away_score
        home.points_for += g.home_score
        home.points_against += g.away_score
        away.points_for += g.away_score
        away.points_against += g.home_score
        winner, loser = (home, away) if home_won else (away, home)
        winner.wins += 1
        loser.losses += 1
        home.home[0 if home_won else 1] += 1
        away.away[1 if home_won else 0] += 1
    return records


def _head_to_head(group: Sequence[str], games: Sequence[GameScore]) -> dict[str, float]:
    """Winning percentage of each team in games among `group` only (0.5 if none)."""
    members = set(group)
    won = dict.fromkeys(group, 0)
    played = dict.fromkeys(group, 0)
    for g in games:
        if g.home_team_id in members and g.away_team_id in members:
            winner = g.home_team_id if g.home_score > g.away_score else g.away_team_id
            won[winner] += 1
            played[g.home_team_id] += 1
            played[g.away_team_id] += 1
    return {t: won[t] / played[t] if played[t] else 0.5 for t in group}


Criterion = tuple[str, Callable[[Sequence[str]], dict[str, float]]]


def _split(group: list[str], key: dict[str, float]) -> list[list[str]]:
    """Split `group` into runs of equal key, best first."""
    ordered = sorted(group, key=lambda t: (-key[t], t))
    runs: list[list[str]] = []
    for t in ordered:
        if runs and key[runs[-1][0]] == key[t]:
            runs[-1].append(t)
        else:
            runs.append([t])
    return runs


def _order(
    group: list[str],
    criteria: Sequence[Criterion],
    decided: dict[str, str],
    unresolved: list[list[str]],
) -> list[str]:
    """Order a group tied on winning percentage, restarting the criteria for each sub-tie."""
    if len(group) == 1:
        return group
    for name, measure in criteria:
        runs = _split(group, measure(group))
        if len(runs) > 1:
            for run in runs:
                for t in run:
                    decided[t] = name  # the finest split that placed the team wins
            return [t for run in runs for t in _order(run, criteria, decided, unresolved)]
    ordered = sorted(group)
    unresolved.append(ordered)
    return ordered


def compute_standings(team_ids: Sequence[str], games: Sequence[GameScore]) -> list[StandingRow]:
    """Standings of `team_ids` after `games`, best first, with tiebreakers applied."""
    records = _tally(team_ids, games)
    criteria: list[Criterion] = [
        ("head-to-head", lambda group: _head_to_head(group, games)),
        (
            "point differential",
            lambda group: {t: records[t].points_for - records[t].points_against for t in group},
        ),
        ("points scored", lambda group: {t: records[t].points_for for t in group}),
    ]
    decided: dict[str, str] = {}
    unresolved: list[list[str]] = []
    order: list[str] = []
    for run in _split(list(team_ids), {t: records[t].win_pct for t in team_ids}):
        order.extend(_order(run, criteria, decided, unresolved))
    rank_of = {t: rank for rank, t in enumerate(order, 1)}
    group_of = {t: rank_of[g[0]] for g in unresolved for t in g}
    return [_row(rank_of[t], records[t], group_of.get(t), decided) for t in order]


def _row(rank: int, r: _Record, group: int | None, decided: dict[str, str]) -> StandingRow:
    unresolved = group is not None
    return StandingRow(
        rank=rank,
        team_id=r.team_id,
        games=r.games,
        wins=r.wins,
        losses=r.losses,
        points_for=r.points_for,
        points_against=r.points_against,
        home_wins=r.home[0],
        home_losses=r.home[1],
        away_wins=r.away[0],
        away_losses=r.away[1],
        tiebreaker_needed=unresolved,
        tie_group=group,
        decided_by="tiebreaker game needed" if unresolved else decided.get(r.team_id, "record"),
    )


def tied_at_cut(rows: Sequence[StandingRow], spots: int) -> tuple[str, ...]:
    """Teams whose unresolved tie straddles the last playoff spot (a tiebreaker game decides)."""
    if not 0 < spots < len(rows):
        return ()
    group = rows[spots - 1].tie_group
    if group is None or rows[spots].tie_group != group:
        return ()
    return tuple(r.team_id for r in rows if r.tie_group == group)
