"""Reads and direct-table writes of the league runner: leagues, seasons, rosters, the schedule,
game results, lifetime stats, mirrors, the outbox and each season's progress.

Every write here runs inside one of the runner's units of work, in the same transaction as the
step it belongs to; `check_league` is what `pinwheel verify` adds for these tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.domain.league import Hooper, HooperAttributes, Move, Team, Venue
from bot.domain.projections import as_utc
from bot.domain.rules import RuleSet
from bot.domain.schedule import ScheduledGame
from bot.domain.standings import GameScore, compute_standings
from db.projections import upsert
from db.tables import (
    AchievementRow,
    BoxScoreRow,
    CommentaryRow,
    GameResultRow,
    GovernorAchievementRow,
    GovernorPreferencesRow,
    GovernorRow,
    GovernorStatsRow,
    HooperRow,
    HooperStatsRow,
    LeagueRow,
    MirrorRow,
    OutboxRow,
    ScheduleRow,
    SeasonProgressRow,
    SeasonRow,
    SettingRow,
    TeamRow,
    table_of,
)

Executor = AsyncSession | AsyncConnection

leagues = table_of(LeagueRow)
seasons = table_of(SeasonRow)
teams = table_of(TeamRow)
hoopers = table_of(HooperRow)
schedule = table_of(ScheduleRow)
games = table_of(GameResultRow)
box_scores = table_of(BoxScoreRow)
commentary = table_of(CommentaryRow)
mirrors = table_of(MirrorRow)
outbox = table_of(OutboxRow)
progress = table_of(SeasonProgressRow)
hooper_stats = table_of(HooperStatsRow)
governor_stats = table_of(GovernorStatsRow)
achievements = table_of(AchievementRow)
governor_achievements = table_of(GovernorAchievementRow)
preferences = table_of(GovernorPreferencesRow)
governors = table_of(GovernorRow)

# Ids derived from what a row is, so a step that runs again writes the same rows.
_NAMESPACE = uuid.UUID("0b5e7a52-54c1-4f0e-8d0e-6c6561677565")


def stable_id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


# --- Leagues and seasons --------------------------------------------------------------------------


async def league_for_guild(db: Executor, guild_id: str) -> str | None:
    query = select(leagues.c.id).where(leagues.c.guild_id == guild_id)
    return (await db.execute(query)).scalar_one_or_none()


async def league_exists(db: Executor, league_id: str) -> bool:
    query = select(leagues.c.id).where(leagues.c.id == league_id)
    return (await db.execute(query)).first() is not None


async def insert_league(db: Executor, league_id: str, guild_id: str, name: str) -> None:
    await db.execute(insert(leagues).values(id=league_id, guild_id=guild_id, name=name))


@dataclass(frozen=True, slots=True)
class SeasonInfo:
    season_id: str
    league_id: str
    number: int
    name: str
    status: str
    config: dict[str, Any]


def _season(row: Any) -> SeasonInfo:
    return SeasonInfo(row.id, row.league_id, row.number, row.name, row.status, dict(row.config))


async def season_paused(db: Executor, season_id: str) -> bool:
    """Whether an admin paused the season: its rounds are not due until resumed."""
    query = select(seasons.c.config).where(seasons.c.id == season_id)
    return bool(dict((await db.execute(query)).scalar_one_or_none() or {}).get("paused"))


async def set_season_paused(
    db: Executor, season_id: str, paused: bool, *, stalled: str | None = None
) -> None:
    """Pause or resume; `stalled` is why the runner paused it itself (cleared on resume)."""
    query = select(seasons.c.config).where(seasons.c.id == season_id)
    config = dict((await db.execute(query)).scalar_one_or_none() or {})
    config["paused"] = paused
    if paused and stalled is not None:
        config["stalled"] = stalled[:500]
    elif not paused:
        config.pop("stalled", None)
    await db.execute(update(seasons).where(seasons.c.id == season_id).values(config=config))


async def season_stalled(db: Executor, season_id: str) -> str | None:
    """Why the runner paused the season (a round step it cannot get past), if it did."""
    query = select(seasons.c.config).where(seasons.c.id == season_id)
    reason = dict((await db.execute(query)).scalar_one_or_none() or {}).get("stalled")
    return str(reason) if reason else None


async def latest_season(db: Executor, league_id: str) -> SeasonInfo | None:
    query = (
        select(seasons)
        .where(seasons.c.league_id == league_id)
        .order_by(seasons.c.number.desc())
        .limit(1)
    )
    row = (await db.execute(query)).first()
    return _season(row) if row else None


async def newest_running_season(db: Executor) -> str | None:
    """The season most recently started that is not complete (any league), or failing that
    the newest season at all (between seasons)."""
    query = (
        select(seasons.c.id)
        .order_by((seasons.c.status == "complete").asc(), seasons.c.created_at.desc(), seasons.c.id)
        .limit(1)
    )
    return (await db.execute(query)).scalar_one_or_none()


async def season_rules(db: Executor, season_id: str) -> RuleSet:
    row = (
        await db.execute(select(seasons.c.current_ruleset).where(seasons.c.id == season_id))
    ).scalar_one()
    return RuleSet.model_validate(dict(row))


async def season(db: Executor, season_id: str) -> SeasonInfo | None:
    row = (await db.execute(select(seasons).where(seasons.c.id == season_id))).first()
    return _season(row) if row else None


async def insert_season(
    db: Executor,
    *,
    season_id: str,
    league_id: str,
    number: int,
    name: str,
    rules: Mapping[str, Any],
    config: Mapping[str, Any],
) -> None:
    await db.execute(
        insert(seasons).values(
            id=season_id,
            league_id=league_id,
            number=number,
            name=name,
            status="active",
            starting_ruleset=dict(rules),
            current_ruleset=dict(rules),
            config=dict(config),
        )
    )


async def set_season_status(
    db: Executor, season_id: str, status: str, completed_at: datetime | None = None
) -> None:
    values: dict[str, Any] = {"status": status}
    if completed_at is not None:
        values["completed_at"] = completed_at
    await db.execute(update(seasons).where(seasons.c.id == season_id).values(**values))


# --- Rosters --------------------------------------------------------------------------------------


async def insert_teams(db: Executor, season_id: str, roster: Sequence[Team]) -> None:
    await db.execute(
        insert(teams),
        [
            {
                "id": t.id,
                "season_id": season_id,
                "name": t.name,
                "color": t.color,
                "motto": t.motto,
                "venue": t.venue.model_dump(),
            }
            for t in roster
        ],
    )
    await db.execute(
        insert(hoopers),
        [
            {
                "id": h.id,
                "team_id": t.id,
                "season_id": season_id,
                "name": h.name,
                "archetype": h.archetype,
                "backstory": h.backstory,
                "attributes": h.attributes.model_dump(),
                "moves": [m.model_dump() for m in h.moves],
                "is_active": h.starter,
            }
            for t in roster
            for h in t.hoopers
        ],
    )


async def load_teams(db: Executor, season_id: str) -> dict[str, Team]:
    """The season's teams as the simulation takes them, by id (hoopers in a stable order)."""
    team_rows = (
        await db.execute(select(teams).where(teams.c.season_id == season_id).order_by(teams.c.id))
    ).all()
    by_team: dict[str, list[Hooper]] = {r.id: [] for r in team_rows}
    hooper_rows = (
        await db.execute(
            select(hoopers).where(hoopers.c.season_id == season_id).order_by(hoopers.c.id)
        )
    ).all()
    for h in hooper_rows:
        if h.team_id in by_team:
            by_team[h.team_id].append(
                Hooper(
                    id=h.id,
                    name=h.name,
                    archetype=h.archetype,
                    attributes=HooperAttributes.model_validate(h.attributes),
                    moves=tuple(Move.model_validate(m) for m in h.moves),
                    backstory=h.backstory or "",
                    starter=bool(h.is_active),
                )
            )
    return {
        r.id: Team(
            id=r.id,
            name=r.name,
            color=r.color or "#888888",
            motto=r.motto or "",
            venue=Venue.model_validate(r.venue),
            hoopers=tuple(sorted(by_team[r.id], key=lambda h: (not h.starter, h.id))),
        )
        for r in team_rows
    }


async def team_names(db: Executor, season_id: str) -> dict[str, str]:
    rows = await db.execute(select(teams.c.id, teams.c.name).where(teams.c.season_id == season_id))
    return {i: n for i, n in rows.all()}


# --- Schedule and results -------------------------------------------------------------------------


async def insert_schedule(db: Executor, season_id: str, planned: Sequence[ScheduledGame]) -> None:
    if not planned:
        return
    await db.execute(
        insert(schedule),
        [
            {
                "id": stable_id("schedule", season_id, g.round_number, g.matchup_index),
                "season_id": season_id,
                "round_number": g.round_number,
                "matchup_index": g.matchup_index,
                "home_team_id": g.home_team_id,
                "away_team_id": g.away_team_id,
                "phase": g.phase,
                "series_id": g.series_id,
                "status": "scheduled",
            }
            for g in planned
        ],
    )


async def round_games(db: Executor, season_id: str, round_number: int) -> list[ScheduledGame]:
    query = (
        select(schedule)
        .where(schedule.c.season_id == season_id, schedule.c.round_number == round_number)
        .order_by(schedule.c.matchup_index)
    )
    return [
        ScheduledGame(
            round_number=r.round_number,
            matchup_index=r.matchup_index,
            home_team_id=r.home_team_id,
            away_team_id=r.away_team_id,
            phase=r.phase,
            series_id=r.series_id,
        )
        for r in (await db.execute(query)).all()
    ]


async def last_scheduled_round(db: Executor, season_id: str) -> int:
    query = select(func.max(schedule.c.round_number)).where(schedule.c.season_id == season_id)
    return int((await db.execute(query)).scalar_one_or_none() or 0)


async def insert_game(
    db: Executor,
    game_row: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    notes: Sequence[Mapping[str, Any]],
) -> None:
    """Store one game, its box score and commentary, and mark its schedule slot played."""
    await db.execute(insert(games).values(**game_row))
    if lines:
        await db.execute(insert(box_scores), list(lines))
    if notes:
        await db.execute(insert(commentary), list(notes))
    await db.execute(
        update(schedule)
        .where(
            schedule.c.season_id == game_row["season_id"],
            schedule.c.round_number == game_row["round_number"],
            schedule.c.matchup_index == game_row["matchup_index"],
        )
        .values(status="played", game_result_id=game_row["id"])
    )


@dataclass(frozen=True, slots=True)
class PlayedGame:
    game_id: str
    round_number: int
    matchup_index: int
    phase: str
    series_id: str | None
    home_team_id: str
    away_team_id: str
    home_score: int
    away_score: int
    winner_team_id: str

    def score(self) -> GameScore:
        return GameScore(
            home_team_id=self.home_team_id,
            away_team_id=self.away_team_id,
            home_score=self.home_score,
            away_score=self.away_score,
        )


async def played_games(
    db: Executor, season_id: str, phases: Iterable[str] | None = None
) -> list[PlayedGame]:
    query = (
        select(
            games.c.id,
            games.c.round_number,
            games.c.matchup_index,
            schedule.c.phase,
            schedule.c.series_id,
            games.c.home_team_id,
            games.c.away_team_id,
            games.c.home_score,
            games.c.away_score,
            games.c.winner_team_id,
        )
        .join(
            schedule,
            (schedule.c.season_id == games.c.season_id)
            & (schedule.c.round_number == games.c.round_number)
            & (schedule.c.matchup_index == games.c.matchup_index),
        )
        .where(games.c.season_id == season_id)
        .order_by(games.c.round_number, games.c.matchup_index)
    )
    if phases is not None:
        query = query.where(schedule.c.phase.in_(sorted(set(phases))))
    return [PlayedGame(*tuple(r)) for r in (await db.execute(query)).all()]


async def game_row(db: Executor, game_id: str) -> dict[str, Any] | None:
    row = (await db.execute(select(games).where(games.c.id == game_id))).first()
    return dict(row._mapping) if row else None


async def game_box_scores(db: Executor, game_id: str) -> list[dict[str, Any]]:
    query = select(box_scores).where(box_scores.c.game_id == game_id)
    return [dict(r._mapping) for r in (await db.execute(query)).all()]


async def season_box_scores(db: Executor, season_id: str) -> list[dict[str, Any]]:
    query = (
        select(box_scores, games.c.round_number)
        .join(games, games.c.id == box_scores.c.game_id)
        .where(games.c.season_id == season_id)
    )
    return [dict(r._mapping) for r in (await db.execute(query)).all()]


# --- Lifetime stats -------------------------------------------------------------------------------


async def hooper_stats_for(db: Executor, hooper_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = sorted(set(hooper_ids))
    query = select(hooper_stats).where(hooper_stats.c.hooper_id.in_(ids))
    return {r.hooper_id: dict(r._mapping) for r in (await db.execute(query)).all()}


async def save_hooper_stats(db: Executor, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        await db.execute(upsert(db, hooper_stats, ("hooper_id",)), [dict(r) for r in rows])


async def governor_stats_for(
    db: Executor, governor_ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    ids = sorted(set(governor_ids))
    query = select(governor_stats).where(governor_stats.c.governor_id.in_(ids))
    return {r.governor_id: dict(r._mapping) for r in (await db.execute(query)).all()}


async def save_governor_stats(db: Executor, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        await db.execute(upsert(db, governor_stats, ("governor_id",)), [dict(r) for r in rows])


async def ensure_achievements(db: Executor, catalogue: Sequence[Mapping[str, Any]]) -> None:
    if catalogue:
        await db.execute(upsert(db, achievements, ("id",)), [dict(a) for a in catalogue])


async def earned_achievements(db: Executor, governor_ids: Iterable[str]) -> set[tuple[str, str]]:
    ids = sorted(set(governor_ids))
    query = select(
        governor_achievements.c.governor_id, governor_achievements.c.achievement_id
    ).where(governor_achievements.c.governor_id.in_(ids))
    return {(g, a) for g, a in (await db.execute(query)).all()}


async def grant_achievement(
    db: Executor, governor_id: str, achievement_id: str, season_id: str, at: datetime
) -> None:
    await db.execute(
        insert(governor_achievements).values(
            governor_id=governor_id,
            achievement_id=achievement_id,
            season_id=season_id,
            earned_at=at,
        )
    )


PREFERENCES = ("dm_private_mirrors", "mention_on_results", "dm_trade_offers")


# What a governor who never chose gets: DMs on, result mentions off (opt-in).
DEFAULT_PREFERENCES = {
    "dm_private_mirrors": True,
    "mention_on_results": False,
    "dm_trade_offers": True,
}


async def governor_preferences(db: Executor, governor_id: str) -> dict[str, bool]:
    """A governor's notification choices (`DEFAULT_PREFERENCES` until they choose)."""
    row = (
        await db.execute(select(preferences).where(preferences.c.governor_id == governor_id))
    ).first()
    if row is None:
        return dict(DEFAULT_PREFERENCES)
    return {name: bool(getattr(row, name)) for name in PREFERENCES}


async def set_governor_preferences(
    db: Executor, governor_id: str, values: Mapping[str, bool], at: datetime
) -> None:
    """Store all of a governor's notification choices (an upsert)."""
    row = {"governor_id": governor_id, **{n: bool(values[n]) for n in PREFERENCES}}
    await db.execute(upsert(db, preferences, ("governor_id",)), [{**row, "updated_at": at}])


async def dm_opt_outs(db: Executor, governor_ids: Iterable[str]) -> set[str]:
    ids = sorted(set(governor_ids))
    query = select(preferences.c.governor_id).where(
        preferences.c.governor_id.in_(ids), preferences.c.dm_private_mirrors.is_(False)
    )
    return set((await db.execute(query)).scalars().all())


async def governor_names(db: Executor, league_id: str) -> dict[str, str]:
    query = select(governors.c.id, governors.c.discord_username).where(
        governors.c.league_id == league_id
    )
    return {i: n for i, n in (await db.execute(query)).all()}


# --- Mirrors and the outbox -----------------------------------------------------------------------


async def insert_mirror(db: Executor, values: Mapping[str, Any]) -> None:
    await db.execute(insert(mirrors).values(**values))


async def enqueue(
    db: Executor,
    *,
    league_id: str,
    key: str,
    kind: str,
    target: str,
    payload: Mapping[str, Any],
    at: datetime,
    held_by: str | None = None,
) -> None:
    """Queue one message. A second message under the same key is a bug: the unique key refuses.
    `held_by`: the show it waits behind (no spoilers before the games are shown)."""
    values = {"kind": kind, "target": target, "payload": dict(payload), "held_by": held_by}
    await db.execute(insert(outbox).values(league_id=league_id, key=key, created_at=at, **values))


async def adopt(
    db: Executor,
    *,
    league_id: str,
    key: str,
    kind: str,
    target: str,
    payload: Mapping[str, Any],
    ref: str,
    at: datetime,
) -> None:
    """Keep a message posted outside the outbox (an interaction's reply) as if the outbox had
    posted it, so a later `revise` edits it where it is. Once per key."""
    if await outbox_key_exists(db, key):
        return
    values = {"kind": kind, "target": target, "payload": dict(payload), "message_ref": ref}
    await db.execute(
        insert(outbox).values(league_id=league_id, key=key, created_at=at, sent_at=at, **values)
    )


async def revise(db: Executor, key: str, payload: Mapping[str, Any]) -> bool:
    """Replace a queued message's content: it is unsent again, and the drain edits the message
    it posted (or posts it, if it never went out). False when there is no such message."""
    result = await db.execute(
        update(outbox)
        .where(outbox.c.key == key)
        .values(
            payload=dict(payload),
            revision=outbox.c.revision + 1,
            sent_at=None,
            attempts=0,  # the new content's tries are counted afresh (claims also match on
            last_error=None,  # the revision, so a listing from before cannot claim it)
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def refresh(db: Executor, keys: Sequence[str]) -> int:
    """Mark messages whose content is rendered when delivered (a proposal card) to be
    delivered again: what they show has changed. Returns how many there were."""
    if not keys:
        return 0
    result = await db.execute(
        update(outbox)
        .where(outbox.c.key.in_(list(keys)))
        .values(revision=outbox.c.revision + 1, sent_at=None, attempts=0, last_error=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def payload_of(db: Executor, key: str) -> dict[str, Any] | None:
    """A queued message's content, sent or not; None when there is no such message."""
    found = (
        await db.execute(select(outbox.c.payload).where(outbox.c.key == key))
    ).scalar_one_or_none()
    return dict(found) if found is not None else None


async def outbox_key_exists(db: Executor, key: str) -> bool:
    query = select(outbox.c.id).where(outbox.c.key == key)
    return (await db.execute(query)).scalar_one_or_none() is not None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    league_id: str
    key: str
    kind: str
    target: str
    payload: dict[str, Any]
    attempts: int = 0
    next_attempt_at: datetime | None = None
    held_by: str | None = None
    revision: int = 0


@dataclass(frozen=True, slots=True)
class Claim:
    """One hand-over of a message: its attempt's number and its content as it stands now."""

    attempt: int
    payload: dict[str, Any]
    revision: int
    message_ref: str | None  # where an earlier revision landed: the drain edits it


async def unsent(
    db: Executor, league_id: str | None = None, limit: int = 100, after_id: int = 0
) -> list[OutboxMessage]:
    """Unsent rows not parked as failed, in queue order, from after `after_id` (rows waiting
    to be retried or held behind a show included: the drain holds their target back)."""
    query = (
        select(outbox)
        .where(outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None), outbox.c.id > after_id)
        .order_by(outbox.c.id)
        .limit(limit)
    )
    if league_id is not None:
        query = query.where(outbox.c.league_id == league_id)
    return [
        OutboxMessage(
            r.id,
            r.league_id,
            r.key,
            r.kind,
            r.target,
            dict(r.payload),
            r.attempts,
            as_utc(r.next_attempt_at),
            r.held_by,
            r.revision,
        )
        for r in (await db.execute(query)).all()
    ]


async def leagues_with_unsent(db: Executor) -> list[str]:
    query = (
        select(outbox.c.league_id)
        .where(outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None))
        .distinct()
    )
    return sorted((await db.execute(query)).scalars().all())


async def mark_sent(
    db: Executor, message_id: int, at: datetime, revision: int = 0, ref: str | None = None
) -> None:
    """Record that `revision` of the message is out (at `ref`, where the poster says it
    landed). It stays unsent if its content was revised meanwhile: the newer one goes next."""
    values: dict[str, Any] = {
        "sent_at": case((outbox.c.revision == revision, at), else_=None),
        "delivered_revision": revision,
        "next_attempt_at": None,
    }
    if ref is not None:
        values["message_ref"] = ref
    await db.execute(
        update(outbox)
        .where(outbox.c.id == message_id, outbox.c.delivered_revision <= revision)
        .values(**values)
    )


async def claim_delivery(
    db: Executor, message: OutboxMessage, lease_until: datetime
) -> Claim | None:
    """Count one hand-over to the poster, before it is made, and lease the row to this drain
    until `lease_until` (no other drain hands it over meanwhile; after a crash it is handed over
    again once the lease ends). Returns the attempt's number and the content as it stands now (a
    mirror's text may have been retold, a live message moved on, since the row was listed);
    None when the row is no longer as it was listed: another drain claimed it (or sent or
    parked it), so this one must not."""
    claimed = (
        update(outbox)
        .where(
            outbox.c.id == message.id,
            # (attempts, revision) is the row as listed: a revision resets the count, and
            # only ever moves forward, so a stale listing never matches again.
            outbox.c.attempts == message.attempts,
            outbox.c.revision == message.revision,
            outbox.c.sent_at.is_(None),
            outbox.c.failed_at.is_(None),
        )
        .values(attempts=outbox.c.attempts + 1, next_attempt_at=lease_until)
        .returning(outbox.c.attempts, outbox.c.payload, outbox.c.revision, outbox.c.message_ref)
    )
    row = (await db.execute(claimed)).one_or_none()
    return None if row is None else Claim(int(row[0]), dict(row[1]), int(row[2]), row[3])


async def record_failed_delivery(
    db: Executor,
    message_id: int,
    error: str,
    *,
    retry_at: datetime | None,
    parked_at: datetime | None,
    uncount: bool = False,
) -> None:
    """A hand-over that failed: its error, and when to try again or that it is parked.
    `uncount`: the poster sent nothing, so the claimed attempt is taken back."""
    values: dict[str, Any] = {
        "last_error": error[:500],
        "next_attempt_at": retry_at,
        "failed_at": parked_at,
    }
    if uncount:
        values["attempts"] = outbox.c.attempts - 1
    await db.execute(update(outbox).where(outbox.c.id == message_id).values(**values))


@dataclass(frozen=True, slots=True)
class ParkedMessage:
    id: int
    league_id: str
    key: str
    target: str
    attempts: int
    last_error: str | None
    failed_at: datetime | None


async def parked(db: Executor, league_id: str | None = None) -> list[ParkedMessage]:
    """Rows the outbox gave up on: never sent, kept for an operator to look at."""
    query = select(outbox).where(outbox.c.failed_at.is_not(None)).order_by(outbox.c.id)
    if league_id is not None:
        query = query.where(outbox.c.league_id == league_id)
    return [
        ParkedMessage(
            r.id, r.league_id, r.key, r.target, r.attempts, r.last_error, as_utc(r.failed_at)
        )
        for r in (await db.execute(query)).all()
    ]


# --- Progress -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    season_id: str
    league_id: str
    phase: str
    next_round: int
    next_due_at: datetime | None
    last_regular_round: int
    bracket: dict[str, Any] | None
    standings: list[Any]
    champion_team_id: str | None
    awards: dict[str, Any] | None


def _progress(row: Any) -> Progress:
    return Progress(
        row.season_id,
        row.league_id,
        row.phase,
        row.next_round,
        as_utc(row.next_due_at),
        row.last_regular_round,
        dict(row.bracket) if row.bracket is not None else None,
        list(row.standings),
        row.champion_team_id,
        dict(row.awards) if row.awards is not None else None,
    )


async def get_progress(db: Executor, season_id: str) -> Progress | None:
    row = (await db.execute(select(progress).where(progress.c.season_id == season_id))).first()
    return _progress(row) if row else None


async def active_progress(db: Executor) -> list[Progress]:
    """Every season the runner still has work for, across leagues."""
    query = select(progress).where(progress.c.phase != "complete").order_by(progress.c.season_id)
    return [_progress(r) for r in (await db.execute(query)).all()]


async def insert_progress(db: Executor, values: Mapping[str, Any]) -> None:
    await db.execute(insert(progress).values(**values))


async def update_progress(db: Executor, season_id: str, values: Mapping[str, Any]) -> None:
    await db.execute(update(progress).where(progress.c.season_id == season_id).values(**values))


# --- Invariants (`pinwheel verify`) ---------------------------------------------------------------


async def check_league(db: Executor) -> list[str]:
    """Every scheduled game of a finished round played exactly once, each result on the
    schedule, stored standings equal to the results, no duplicate outbox keys, no outbox
    message parked as undeliverable, no season stalled by a rejected round step, lifetime
    hooper stats equal to the box scores."""
    problems: list[str] = []
    for p in [_progress(r) for r in (await db.execute(select(progress))).all()]:
        slots = (
            await db.execute(
                select(
                    schedule.c.round_number,
                    schedule.c.matchup_index,
                    schedule.c.home_team_id,
                    schedule.c.away_team_id,
                    schedule.c.game_result_id,
                ).where(schedule.c.season_id == p.season_id)
            )
        ).all()
        results = {
            (r.round_number, r.matchup_index): r
            for r in (
                await db.execute(
                    select(
                        games.c.id,
                        games.c.round_number,
                        games.c.matchup_index,
                        games.c.home_team_id,
                        games.c.away_team_id,
                    ).where(games.c.season_id == p.season_id)
                )
            ).all()
        }
        planned = {(s.round_number, s.matchup_index): s for s in slots}
        for key, s in planned.items():
            done = key in results
            if key[0] < p.next_round and not done:
                problems.append(f"season {p.season_id}: scheduled game {key} was never played")
            if done:
                r = results[key]
                if (r.home_team_id, r.away_team_id) != (s.home_team_id, s.away_team_id):
                    problems.append(f"season {p.season_id}: game {key} has the wrong teams")
                if s.game_result_id != r.id:
                    problems.append(f"season {p.season_id}: schedule {key} not linked to its game")
        for key in results.keys() - planned.keys():
            problems.append(f"season {p.season_id}: game {key} is not on the schedule")
        team_ids = list((await team_names(db, p.season_id)).keys())
        regular = [g.score() for g in await played_games(db, p.season_id, ("regular",))]
        expected = [r.model_dump() for r in compute_standings(team_ids, regular)]
        if p.standings != expected:
            problems.append(f"season {p.season_id}: stored standings differ from the results")
    dupes = (
        await db.execute(
            select(outbox.c.key).group_by(outbox.c.key).having(func.count() > 1).limit(10)
        )
    ).all()
    problems += [f"outbox key {k} queued more than once" for (k,) in dupes]
    problems += [
        f"outbox message {m.key} (to {m.target}) parked unsent after {m.attempts} attempts: "
        f"{m.last_error}"
        for m in await parked(db)
    ]
    for season_id, config in (await db.execute(select(seasons.c.id, seasons.c.config))).all():
        if dict(config or {}).get("stalled"):
            problems.append(f"season {season_id} is stalled: {dict(config)['stalled']}")
    sums = (
        await db.execute(
            select(
                box_scores.c.hooper_id,
                func.count(),
                func.sum(box_scores.c.points),
            ).group_by(box_scores.c.hooper_id)
        )
    ).all()
    origins = await hooper_origins(db)
    lifetime: dict[str, tuple[int, int]] = {}
    for hooper_id, played, points in sums:
        origin = origins.get(hooper_id, hooper_id)
        before = lifetime.get(origin, (0, 0))
        lifetime[origin] = (before[0] + int(played), before[1] + int(points or 0))
    stats = {
        r.hooper_id: (r.games_played, r.points)
        for r in (await db.execute(select(hooper_stats))).all()
    }
    for hooper_id, expected_stats in sorted(lifetime.items()):
        if stats.get(hooper_id) != expected_stats:
            problems.append(
                f"hooper_stats[{hooper_id}]: table has {stats.get(hooper_id)}, "
                f"box scores give {expected_stats}"
            )
    return problems


async def hooper_origins(db: Executor, season_id: str | None = None) -> dict[str, str]:
    """Hooper id -> the id of the same hooper in its first season, for hoopers carried into
    later seasons (kept in each season's config); lifetime stats live under the first id."""
    query = select(seasons.c.config)
    if season_id is not None:
        query = query.where(seasons.c.id == season_id)
    found: dict[str, str] = {}
    for (config,) in (await db.execute(query)).all():
        found.update(dict(config or {}).get("hooper_origin", {}))
    return found


async def set_setting(
    db: Executor, league_id: str, key: str, value_json: str, category: str, description: str
) -> None:
    """Store one league setting (an override of its default)."""
    await db.execute(
        upsert(db, table_of(SettingRow), ("league_id", "key")),
        [
            {
                "league_id": league_id,
                "key": key,
                "value_json": value_json,
                "category": category,
                "description": description,
            }
        ],
    )
