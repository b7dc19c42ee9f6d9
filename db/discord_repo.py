"""Reads the Discord layer needs to find its way: which league a guild runs, the teams and
proposals to offer in autocomplete, the names to show, the recent admin log. No writes: every
change goes through an app-layer handler."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.domain.rules import RuleSet
from bot.domain.settings import LeagueSettings
from bot.domain.standings import StandingRow, compute_standings
from db import governance_repo, league_repo, levers_repo, presentation_repo
from db.engine import Database
from db.tables import (
    AchievementRow,
    AdminLogRow,
    EnrollmentRow,
    GovernorAchievementRow,
    GovernorPreferencesRow,
    GovernorRow,
    GovernorStatsRow,
    HooperRow,
    LeagueRow,
    MirrorRow,
    ProposalRow,
    SeasonRow,
    TeamRow,
)

# Seasons a governor can act in, newest first; a finished season is only history.
_LIVE_STATUSES = ("setup", "active", "playoffs", "championship", "offseason")


@dataclass(frozen=True, slots=True)
class GuildLeague:
    league_id: str
    season_id: str | None  # the live season, if any


@dataclass(frozen=True, slots=True)
class AdminLogEntry:
    actor_id: str
    action_type: str
    target_table: str
    target_id: str
    reason: str | None
    created_at: datetime


async def guild_league(db: Database, guild_id: int) -> GuildLeague | None:
    async with db.read_sessions() as s:
        league_id = (
            await s.execute(select(LeagueRow.id).where(LeagueRow.guild_id == str(guild_id)))
        ).scalar_one_or_none()
        if league_id is None:
            return None
        season_id = (
            await s.execute(
                select(SeasonRow.id)
                .where(SeasonRow.league_id == league_id, SeasonRow.status.in_(_LIVE_STATUSES))
                .order_by(SeasonRow.number.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
    return GuildLeague(league_id, season_id)


async def teams(db: Database, season_id: str) -> list[tuple[str, str]]:
    """(team id, name) pairs of a season, by name."""
    async with db.read_sessions() as s:
        rows = await s.execute(
            select(TeamRow.id, TeamRow.name)
            .where(TeamRow.season_id == season_id)
            .order_by(TeamRow.name)
        )
        return [(r[0], r[1]) for r in rows.all()]


async def governor_names(db: Database, governor_ids: list[str]) -> dict[str, str]:
    """governor id -> Discord username, for the ids given."""
    if not governor_ids:
        return {}
    async with db.read_sessions() as s:
        rows = await s.execute(
            select(GovernorRow.id, GovernorRow.discord_username).where(
                GovernorRow.id.in_(governor_ids)
            )
        )
        return {r[0]: r[1] for r in rows.all()}


async def governor_discord_id(db: Database, governor_id: str) -> str | None:
    async with db.read_sessions() as s:
        return (
            await s.execute(
                select(GovernorRow.discord_user_id).where(GovernorRow.id == governor_id)
            )
        ).scalar_one_or_none()


async def passed_proposals(db: Database, season_id: str) -> list[dict[str, Any]]:
    """Proposals of a season that passed, oldest first, with the interpretation enacted."""
    async with db.read_sessions() as s:
        rows = await s.execute(
            select(
                ProposalRow.proposal_id,
                ProposalRow.governor_id,
                ProposalRow.raw_text,
                ProposalRow.interpretation,
            )
            .where(ProposalRow.season_id == season_id, ProposalRow.status == "passed")
            .order_by(ProposalRow.opened_at)
        )
        return [
            {"proposal_id": r[0], "governor_id": r[1], "text": r[2], "interpretation": r[3]}
            for r in rows.all()
        ]


async def flagged_proposals(db: Database, season_id: str) -> list[dict[str, Any]]:
    """Proposals waiting for an admin's review."""
    async with db.read_sessions() as s:
        rows = await s.execute(
            select(ProposalRow.proposal_id, ProposalRow.governor_id, ProposalRow.raw_text)
            .where(ProposalRow.season_id == season_id, ProposalRow.status == "flagged")
            .order_by(ProposalRow.opened_at)
        )
        return [{"proposal_id": r[0], "governor_id": r[1], "text": r[2]} for r in rows.all()]


async def draft_status(db: Database, draft_id: str) -> str | None:
    """pending, confirmed or discarded; None for an unknown draft."""
    async with db.read_sessions() as s:
        found = await governance_repo.draft(s, draft_id)
    return found.status if found else None


async def recent_admin_log(db: Database, league_id: str, limit: int = 25) -> list[AdminLogEntry]:
    async with db.read_sessions() as s:
        rows = await s.execute(
            select(AdminLogRow)
            .where(AdminLogRow.league_id == league_id)
            .order_by(AdminLogRow.created_at.desc())
            .limit(limit)
        )
        return [
            AdminLogEntry(
                r.actor_id, r.action_type, r.target_table, r.target_id, r.reason, r.created_at
            )
            for r in rows.scalars().all()
        ]


async def current_rules(db: Database, season_id: str) -> RuleSet:
    async with db.read_sessions() as s:
        return await governance_repo.current_rules(s, season_id)


async def league_settings(db: Database, league_id: str) -> LeagueSettings:
    async with db.read_sessions() as s:
        return await governance_repo.league_settings(s, league_id)


async def league_guilds(db: Database, league_ids: Iterable[str]) -> dict[str, int]:
    """League id -> its Discord server, for those that have one (see `league_guild`)."""
    async with db.read_sessions() as s:
        rows = await s.execute(
            select(LeagueRow.id, LeagueRow.guild_id).where(LeagueRow.id.in_(list(league_ids)))
        )
    return {str(i): int(g) for i, g in rows.all() if g and str(g).isdigit()}


async def league_guild(db: Database, league_id: str) -> int | None:
    """The Discord server of a league; None for none, or for a league that is not a Discord
    server's (the offline league's guild is a name, not a snowflake)."""
    return (await league_guilds(db, [league_id])).get(league_id)


async def private_mirror_recipient(db: Database, governor_id: str) -> int | None:
    """The Discord user to DM a governor's private mirror to; None if they opted out."""
    async with db.read_sessions() as s:
        row = (
            await s.execute(
                select(GovernorRow.discord_user_id, GovernorPreferencesRow.dm_private_mirrors)
                .outerjoin(
                    GovernorPreferencesRow, GovernorPreferencesRow.governor_id == GovernorRow.id
                )
                .where(GovernorRow.id == governor_id)
            )
        ).one_or_none()
    if row is None or row[1] is False:
        return None
    return int(row[0])


async def result_mentions(db: Database, season_id: str, team_ids: Sequence[str]) -> list[int]:
    """Discord users to ping on a result post: the active governors of `team_ids` in the
    season who asked for result mentions (they are off until a governor turns them on)."""
    if not team_ids:
        return []
    async with db.read_sessions() as s:
        rows = await s.execute(
            select(GovernorRow.discord_user_id)
            .join(EnrollmentRow, EnrollmentRow.governor_id == GovernorRow.id)
            .outerjoin(GovernorPreferencesRow, GovernorPreferencesRow.governor_id == GovernorRow.id)
            .where(
                EnrollmentRow.season_id == season_id,
                EnrollmentRow.team_id.in_(list(team_ids)),
                EnrollmentRow.is_active.is_(True),
                # Opt-in: only governors who asked to be pinged.
                GovernorPreferencesRow.mention_on_results.is_(True),
            )
            .order_by(GovernorRow.discord_user_id)
        )
        return [int(user_id) for (user_id,) in rows]


async def notification_choices(db: Database, governor_id: str) -> dict[str, bool]:
    """A governor's DM and mention choices (DMs on until they opt out, mentions off until
    they opt in)."""
    async with db.read_sessions() as s:
        return await league_repo.governor_preferences(s, governor_id)


async def season_hoopers(db: Database, season_id: str) -> list[tuple[str, str, str]]:
    """(hooper id, name, team id) of a season's hoopers, by name, trades applied."""
    async with db.read_sessions() as s:
        found = await levers_repo.season_hoopers(s, season_id)
    return sorted(((h.hooper_id, h.name, h.team_id) for h in found), key=lambda h: h[1])


@dataclass(frozen=True, slots=True)
class GameLine:
    game_id: str
    round_number: int
    home: str
    away: str
    home_score: int
    away_score: int


async def played_games(db: Database, season_id: str) -> list[GameLine]:
    """The season's games played and shown (a game still on screen is not told yet), with
    team names, newest first."""
    async with db.read_sessions() as s:
        names = await league_repo.team_names(s, season_id)
        found = await league_repo.played_games(s, season_id)
        live = await presentation_repo.unpresented(s, season_id)
    return [
        GameLine(
            g.game_id,
            g.round_number,
            names.get(g.home_team_id, "?"),
            names.get(g.away_team_id, "?"),
            g.home_score,
            g.away_score,
        )
        for g in reversed(found)
        if g.game_id not in live
    ]


async def standings(db: Database, season_id: str) -> list[tuple[str, StandingRow]]:
    """(team name, standing) best first, from the games played and shown so far."""
    async with db.read_sessions() as s:
        names = await league_repo.team_names(s, season_id)
        found = await league_repo.played_games(s, season_id, phases=["regular"])
        live = await presentation_repo.unpresented(s, season_id)
    rows = compute_standings(sorted(names), [g.score() for g in found if g.game_id not in live])
    return [(names[r.team_id], r) for r in rows]


async def on_screen(db: Database, season_id: str) -> list[tuple[int, str, str]]:
    """(round, home, away) of the season's games being shown live right now."""
    async with db.read_sessions() as s:
        live = await presentation_repo.unpresented(s, season_id)
        names = await league_repo.team_names(s, season_id)
        found = await league_repo.played_games(s, season_id)
    return [
        (g.round_number, names.get(g.home_team_id, "?"), names.get(g.away_team_id, "?"))
        for g in found
        if g.game_id in live
    ]


async def proposal_league(db: Database, proposal_id: str) -> str | None:
    """The league a proposal belongs to (None for an unknown proposal)."""
    async with db.read_sessions() as s:
        return (
            await s.execute(
                select(SeasonRow.league_id)
                .join(ProposalRow, ProposalRow.season_id == SeasonRow.id)
                .where(ProposalRow.proposal_id == proposal_id)
            )
        ).scalar_one_or_none()


async def game_in_league(db: Database, league_id: str, game_id: str) -> bool:
    """Is `game_id` a stored game of `league_id`'s?"""
    async with db.read_sessions() as s:
        owner = (
            await s.execute(
                select(SeasonRow.league_id)
                .join(league_repo.games, league_repo.games.c.season_id == SeasonRow.id)
                .where(league_repo.games.c.id == game_id)
            )
        ).scalar_one_or_none()
    return owner == league_id


async def game_on_screen(db: Database, game_id: str) -> bool:
    """Is the game still being shown live (its final card not yet written)?"""
    async with db.read_sessions() as s:
        return await presentation_repo.is_unpresented(s, game_id)


async def upcoming(db: Database, season_id: str, rounds: int) -> list[tuple[int, str, str]]:
    """(round, home, away) of the next `rounds` rounds not yet played."""
    async with db.read_sessions() as s:
        names = await league_repo.team_names(s, season_id)
        progress = await league_repo.get_progress(s, season_id)
        first = progress.next_round if progress else 1
        found: list[tuple[int, str, str]] = []
        for n in range(first, first + rounds):
            for g in await league_repo.round_games(s, season_id, n):
                found.append((n, names.get(g.home_team_id, "?"), names.get(g.away_team_id, "?")))
    return found


async def box_score(
    db: Database, league_id: str, game_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """A game of `league_id`'s and its hoopers' lines (with hooper and team names); None for
    an unknown game or one of another league."""
    async with db.read_sessions() as s:
        game = await league_repo.game_row(s, game_id)
        if game is None:
            return None
        owner = (
            await s.execute(select(SeasonRow.league_id).where(SeasonRow.id == game["season_id"]))
        ).scalar_one_or_none()
        if owner != league_id:
            return None
        lines = await league_repo.game_box_scores(s, game_id)
        team_names = await league_repo.team_names(s, game["season_id"])
        hooper_names = dict(
            (
                await s.execute(
                    select(HooperRow.id, HooperRow.name).where(
                        HooperRow.id.in_([line["hooper_id"] for line in lines])
                    )
                )
            ).all()
        )
    game = {**game, "home": team_names.get(game["home_team_id"], "?")}
    game["away"] = team_names.get(game["away_team_id"], "?")
    for line in lines:
        line["hooper"] = hooper_names.get(line["hooper_id"], "?")
        line["team"] = team_names.get(line["team_id"], "?")
    return game, lines


async def team_roster(db: Database, season_id: str, team_id: str) -> tuple[list[str], list[str]]:
    """(hooper names, governor names) of a team now, trades applied."""
    async with db.read_sessions() as s:
        hoopers = await levers_repo.season_hoopers(s, season_id)
        enrolled = await governance_repo.active_enrollments(s, season_id)
    governor_ids = [e.governor_id for e in enrolled if e.team_id == team_id]
    names = await governor_names(db, governor_ids)
    return (
        sorted(h.name for h in hoopers if h.team_id == team_id),
        sorted(names.get(g, "?") for g in governor_ids),
    )


async def public_mirrors(db: Database, season_id: str, limit: int = 10) -> list[tuple[str, str]]:
    """(mirror type, content) of the season's latest public mirrors, newest first."""
    async with db.read_sessions() as s:
        rows = await s.execute(
            select(MirrorRow.mirror_type, MirrorRow.content)
            .where(MirrorRow.season_id == season_id, MirrorRow.mirror_type != "private")
            .order_by(MirrorRow.created_at.desc(), MirrorRow.id)
            .limit(limit)
        )
        return [(r[0], r[1]) for r in rows.all()]


async def governor_profile(
    db: Database, governor_id: str
) -> tuple[dict[str, Any] | None, list[str]]:
    """A governor's lifetime stats (None before their first counted act) and achievements."""
    async with db.read_sessions() as s:
        stats = (
            await s.execute(
                select(GovernorStatsRow).where(GovernorStatsRow.governor_id == governor_id)
            )
        ).scalar_one_or_none()
        earned = await s.execute(
            select(AchievementRow.name)
            .join(
                GovernorAchievementRow, GovernorAchievementRow.achievement_id == AchievementRow.id
            )
            .where(GovernorAchievementRow.governor_id == governor_id)
            .order_by(GovernorAchievementRow.earned_at)
        )
        names = [r[0] for r in earned.all()]
    if stats is None:
        return None, names
    fields = (
        "proposals_submitted",
        "proposals_passed",
        "votes_cast",
        "votes_with_majority",
        "trades_accepted",
        "team_games",
        "team_wins",
        "best_streak",
    )
    return {f: getattr(stats, f) for f in fields}, names
