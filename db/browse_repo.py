"""Reads for browsing a league in any season, finished or not: its seasons, its hoopers and
their stats, the leaders, the league's history and the effects in force. No writes.

Only games already shown count: a game still on screen in #play-by-play is not told yet, so
no stat, leader or recent game here gives away a result before the final whistle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select

from db import governance_repo, levers_repo, presentation_repo
from db.engine import Database
from db.event_store import read_by_type
from db.league_repo import (
    Executor,
    box_scores,
    games,
    hoopers,
    progress,
    schedule,
    seasons,
    teams,
)
from db.presentation_repo import presentations, presented
from db.tables import HooperBioRow, table_of

bios = table_of(HooperBioRow)

# The stats a hooper line adds up, as box score columns.
LINE_COLUMNS = (
    "points",
    "rebounds",
    "assists",
    "steals",
    "blocks",
    "field_goals_made",
    "field_goals_attempted",
    "three_pointers_made",
    "three_pointers_attempted",
)


async def _season_team_names(s: Executor, season_id: str) -> dict[str, str]:
    rows = await s.execute(select(teams.c.id, teams.c.name).where(teams.c.season_id == season_id))
    return {r[0]: r[1] for r in rows.all()}


async def team_names_of(s: Executor, team_ids: Iterable[str]) -> dict[str, str]:
    """Team names by id, for any teams of any season."""
    ids = sorted(set(team_ids))
    if not ids:
        return {}
    rows = await s.execute(select(teams.c.id, teams.c.name).where(teams.c.id.in_(ids)))
    return {r[0]: r[1] for r in rows.all()}


# --- Seasons ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeasonEntry:
    season_id: str
    number: int
    name: str
    status: str  # setup, active, playoffs, championship, offseason, complete

    @property
    def finished(self) -> bool:
        return self.status == "complete"


async def league_seasons(db: Database, league_id: str) -> list[SeasonEntry]:
    """The league's seasons, newest first."""
    async with db.read_sessions() as s:
        rows = await s.execute(
            select(seasons.c.id, seasons.c.number, seasons.c.name, seasons.c.status)
            .where(seasons.c.league_id == league_id)
            .order_by(seasons.c.number.desc())
        )
        return [SeasonEntry(r[0], int(r[1]), r[2], r[3]) for r in rows.all()]


# --- Hoopers ------------------------------------------------------------------------------------


async def season_hoopers(db: Database, season_id: str) -> list[tuple[str, str, str]]:
    """(hooper id, name, team name) of a season's hoopers, by name, trades applied."""
    async with db.read_sessions() as s:
        found = await levers_repo.season_hoopers(s, season_id)
        names = await _season_team_names(s, season_id)
    return sorted(
        ((h.hooper_id, h.name, names.get(h.team_id, "?")) for h in found),
        key=lambda h: (h[1].lower(), h[2]),
    )


@dataclass(frozen=True, slots=True)
class HooperCard:
    hooper_id: str
    season_id: str
    name: str
    team: str  # the team they play for now, trades applied
    archetype: str
    attributes: dict[str, Any]
    moves: list[dict[str, Any]]
    backstory: str
    bio: str | None  # written by a governor of the team
    starter: bool


async def _league_origins(s: Executor, league_id: str) -> dict[str, str]:
    """Hooper id -> the hooper's id in its first season, for every season of the league."""
    query = select(seasons.c.config).where(seasons.c.league_id == league_id)
    found: dict[str, str] = {}
    for (config,) in (await s.execute(query)).all():
        found.update(dict(config or {}).get("hooper_origin", {}))
    return found


def _same_hooper(origins: dict[str, str], hooper_id: str) -> set[str]:
    """Every id the hooper of `hooper_id` has had in the league's seasons."""
    origin = origins.get(hooper_id, hooper_id)
    return {origin, hooper_id} | {h for h, o in origins.items() if o == origin}


async def hooper_card(db: Database, league_id: str, hooper_id: str) -> HooperCard | None:
    """A hooper of `league_id`'s (None for an unknown hooper or one of another league)."""
    async with db.read_sessions() as s:
        row = (
            await s.execute(
                select(hoopers)
                .join(seasons, seasons.c.id == hoopers.c.season_id)
                .where(hoopers.c.id == hooper_id, seasons.c.league_id == league_id)
            )
        ).one_or_none()
        if row is None:
            return None
        team_of = {
            h.hooper_id: h.team_id for h in await levers_repo.season_hoopers(s, row.season_id)
        }
        team = (
            await s.execute(
                select(teams.c.name).where(teams.c.id == team_of.get(row.id, row.team_id))
            )
        ).scalar_one_or_none()
        bio = (
            await s.execute(select(bios.c.bio).where(bios.c.hooper_id == hooper_id))
        ).scalar_one_or_none()
    return HooperCard(
        hooper_id=row.id,
        season_id=row.season_id,
        name=row.name,
        team=team or "?",
        archetype=row.archetype,
        attributes=dict(row.attributes or {}),
        moves=[dict(m) for m in (row.moves or [])],
        backstory=row.backstory or "",
        bio=bio,
        starter=bool(row.is_active),
    )


# --- Stat lines ---------------------------------------------------------------------------------


@dataclass(slots=True)
class StatLine:
    """A hooper's games and totals over some games."""

    games: int = 0
    wins: int = 0
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LINE_COLUMNS, 0))

    def add(self, line: dict[str, Any], won: bool) -> None:
        self.games += 1
        self.wins += int(won)
        for k in LINE_COLUMNS:
            self.totals[k] += int(line[k] or 0)

    def per_game(self, stat: str) -> float:
        return self.totals[stat] / self.games if self.games else 0.0


def _shown_games(league_id: str) -> ColumnElement[bool]:
    """Games of the league not still on screen (their final card is written or they had no
    show)."""
    on_screen = (
        select(presented.c.game_id)
        .join(presentations, presentations.c.id == presented.c.presentation_id)
        .where(presentations.c.league_id == league_id, presented.c.final_at.is_(None))
    )
    return games.c.id.not_in(on_screen)


_LINE_QUERY_COLUMNS = (
    box_scores.c.hooper_id,
    box_scores.c.team_id,
    *(box_scores.c[k] for k in LINE_COLUMNS),
    games.c.season_id,
    games.c.round_number,
    games.c.home_team_id,
    games.c.away_team_id,
    games.c.home_score,
    games.c.away_score,
    games.c.winner_team_id,
    schedule.c.phase,
)


def _lines_query(league_id: str) -> Any:
    return (
        select(*_LINE_QUERY_COLUMNS)
        .join(games, games.c.id == box_scores.c.game_id)
        .join(seasons, seasons.c.id == games.c.season_id)
        .join(
            schedule,
            (schedule.c.season_id == games.c.season_id)
            & (schedule.c.round_number == games.c.round_number)
            & (schedule.c.matchup_index == games.c.matchup_index),
        )
        .where(seasons.c.league_id == league_id, _shown_games(league_id))
    )


@dataclass(frozen=True, slots=True)
class RecentGame:
    season: str
    round_number: int
    phase: str
    opponent: str
    won: bool
    score_for: int
    score_against: int
    line: dict[str, int]


@dataclass(frozen=True, slots=True)
class HooperStats:
    season: StatLine  # in the card's season
    lifetime: StatLine  # in every season of the league
    recent: list[RecentGame]  # newest first


async def hooper_stats(
    db: Database, league_id: str, card: HooperCard, recent: int = 5
) -> HooperStats:
    """The hooper's season and lifetime lines and last games, from the games shown so far."""
    async with db.read_sessions() as s:
        ids = _same_hooper(await _league_origins(s, league_id), card.hooper_id)
        rows = (
            await s.execute(
                _lines_query(league_id)
                .add_columns(
                    seasons.c.number.label("season_number"), seasons.c.name.label("season_name")
                )
                .where(box_scores.c.hooper_id.in_(sorted(ids)))
                .order_by(
                    seasons.c.number.desc(), games.c.round_number.desc(), games.c.matchup_index
                )
            )
        ).all()
        team_ids = {r.home_team_id for r in rows} | {r.away_team_id for r in rows}
        names = await team_names_of(s, team_ids)
    season, lifetime = StatLine(), StatLine()
    last: list[RecentGame] = []
    for r in rows:
        line = r._mapping
        won = r.winner_team_id == r.team_id
        lifetime.add(dict(line), won)
        if r.season_id == card.season_id:
            season.add(dict(line), won)
        if len(last) < recent:
            home = r.team_id == r.home_team_id
            last.append(
                RecentGame(
                    season=r.season_name,
                    round_number=r.round_number,
                    phase=r.phase,
                    opponent=names.get(r.away_team_id if home else r.home_team_id, "?"),
                    won=won,
                    score_for=r.home_score if home else r.away_score,
                    score_against=r.away_score if home else r.home_score,
                    line={k: int(line[k] or 0) for k in LINE_COLUMNS},
                )
            )
    return HooperStats(season, lifetime, last)


# --- Leaders ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leader:
    name: str
    team: str
    games: int
    total: int

    @property
    def per_game(self) -> float:
        return self.total / self.games if self.games else 0.0


async def stat_totals(
    db: Database, league_id: str, column: str, season_id: str | None
) -> list[Leader]:
    """Each hooper's games and total of one box score column, in one season (`season_id`) or
    over the league's every season (a hooper carried across seasons counted once, under their
    latest name and team). Unordered."""
    assert column in LINE_COLUMNS
    async with db.read_sessions() as s:
        query = (
            select(
                box_scores.c.hooper_id,
                func.count().label("games"),
                func.coalesce(func.sum(box_scores.c[column]), 0).label("total"),
            )
            .join(games, games.c.id == box_scores.c.game_id)
            .join(seasons, seasons.c.id == games.c.season_id)
            .where(seasons.c.league_id == league_id, _shown_games(league_id))
            .group_by(box_scores.c.hooper_id)
        )
        if season_id is not None:
            query = query.where(games.c.season_id == season_id)
        sums = (await s.execute(query)).all()
        origins = await _league_origins(s, league_id)
        who = (
            await s.execute(
                select(hoopers.c.id, hoopers.c.name, teams.c.name, seasons.c.number)
                .join(teams, teams.c.id == hoopers.c.team_id)
                .join(seasons, seasons.c.id == hoopers.c.season_id)
                .where(seasons.c.league_id == league_id)
            )
        ).all()
        # Teams as of the season shown (lifetime: the league's latest), trades applied.
        named = (
            season_id
            or (
                await s.execute(
                    select(seasons.c.id)
                    .where(seasons.c.league_id == league_id)
                    .order_by(seasons.c.number.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
        )
        moved: dict[str, str] = {}
        team_names: dict[str, str] = {}
        if named is not None:
            moved = {h.hooper_id: h.team_id for h in await levers_repo.season_hoopers(s, named)}
            team_names = await _season_team_names(s, named)
    # Each hooper under its first id; its name and team as of its latest season.
    latest: dict[str, tuple[int, str, str]] = {}
    for hooper_id, name, team, number in who:
        key = origins.get(hooper_id, hooper_id)
        if hooper_id in moved:
            team = team_names.get(moved[hooper_id], team)
        if key not in latest or number > latest[key][0]:
            latest[key] = (number, name, team)
    folded: dict[str, tuple[int, int]] = {}
    for hooper_id, played, total in sums:
        key = origins.get(hooper_id, hooper_id)
        before = folded.get(key, (0, 0))
        folded[key] = (before[0] + int(played), before[1] + int(total or 0))
    return [
        Leader(latest[k][1] if k in latest else "?", latest[k][2] if k in latest else "?", g, t)
        for k, (g, t) in folded.items()
    ]


# --- History ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeasonStory:
    season: SeasonEntry
    champion: str | None  # None until crowned, and while the deciding game is still on screen
    awards: list[dict[str, Any]]  # {title, name, why}, given with the championship
    enacted: list[dict[str, Any]]  # rule.enacted payloads, oldest first
    effects: list[dict[str, Any]]  # effect rows registered in the season
    games: int  # games played and shown


async def season_story(db: Database, season: SeasonEntry) -> SeasonStory:
    async with db.read_sessions() as s:
        names = await _season_team_names(s, season.season_id)
        row = (
            await s.execute(
                select(progress.c.champion_team_id, progress.c.awards).where(
                    progress.c.season_id == season.season_id
                )
            )
        ).one_or_none()
        enacted = [e.payload for e in await read_by_type(s, season.season_id, ["rule.enacted"])]
        effects = await levers_repo.effect_rows(s, season.season_id)
        on_screen = await presentation_repo.unpresented(s, season.season_id)
        played = (
            await s.execute(
                select(func.count())
                .select_from(games)
                .where(games.c.season_id == season.season_id, games.c.id.not_in(on_screen))
            )
        ).scalar_one()
    crowned = row is not None and row.champion_team_id is not None and not on_screen
    return SeasonStory(
        season,
        names.get(row.champion_team_id, "?") if crowned and row else None,
        list(dict(row.awards or {}).get("awards", [])) if crowned and row else [],
        enacted,
        effects,
        int(played),
    )


# --- Effects ------------------------------------------------------------------------------------


async def season_effects(db: Database, season_id: str) -> tuple[list[dict[str, Any]], int]:
    """The season's effect rows (oldest first) and the next round it would play."""
    async with db.read_sessions() as s:
        found = await levers_repo.effect_rows(s, season_id)
        next_round = (
            await s.execute(select(progress.c.next_round).where(progress.c.season_id == season_id))
        ).scalar_one_or_none()
    return found, int(next_round or 1)


async def team_names(db: Database, team_ids: Iterable[str]) -> dict[str, str]:
    """team id -> name, for the ids given that are teams (an effect's target may be a word)."""
    async with db.read_sessions() as s:
        return await team_names_of(s, team_ids)


# --- Governors ----------------------------------------------------------------------------------


async def governor_team(db: Database, season_id: str, governor_id: str) -> str | None:
    """The name of the team a governor is on this season; None when they are on none."""
    async with db.read_sessions() as s:
        found = await governance_repo.enrollment(s, season_id, governor_id)
    return found.team_name if found is not None and found.is_active else None
