"""Reads the Discord layer needs to find its way: which league a guild runs, the teams and
proposals to offer in autocomplete, the names to show, the recent admin log. No writes: every
change goes through an app-layer handler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.domain.rules import RuleSet
from bot.domain.settings import LeagueSettings
from db import governance_repo, levers_repo
from db.engine import Database
from db.tables import (
    AdminLogRow,
    GovernorPreferencesRow,
    GovernorRow,
    LeagueRow,
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


async def league_guild(db: Database, league_id: str) -> int | None:
    async with db.read_sessions() as s:
        found = (
            await s.execute(select(LeagueRow.guild_id).where(LeagueRow.id == league_id))
        ).scalar_one_or_none()
    return int(found) if found else None


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


async def season_hoopers(db: Database, season_id: str) -> list[tuple[str, str, str]]:
    """(hooper id, name, team id) of a season's hoopers, by name, trades applied."""
    async with db.read_sessions() as s:
        found = await levers_repo.season_hoopers(s, season_id)
    return sorted(((h.hooper_id, h.name, h.team_id) for h in found), key=lambda h: h[1])
