"""Reads and direct-table writes the governance handlers need, inside their unit of work.

Projection tables are read here and only ever written by the projection code; the direct
tables written here (proposal drafts, the admin log, a season's current rule set) are changed
in the same transaction as the events they accompany.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.domain.governance import OPEN, Draft, Enrollment, Proposal, Vote, Window
from bot.domain.projections import as_utc
from bot.domain.rules import RuleSet, parse_ruleset
from bot.domain.settings import LeagueSettings, SettingValue, parse_stored
from db.event_store import events_table
from db.tables import (
    AdminLogRow,
    EnrollmentRow,
    GovernanceWindowRow,
    GovernorRow,
    ProposalDraftRow,
    ProposalRow,
    SeasonRow,
    SettingRow,
    TeamRow,
    TokenBalanceRow,
    VoteRow,
    VoteTallyRow,
    table_of,
)

Executor = AsyncSession | AsyncConnection


enrollments = table_of(EnrollmentRow)
windows = table_of(GovernanceWindowRow)
proposals = table_of(ProposalRow)
votes = table_of(VoteRow)
balances = table_of(TokenBalanceRow)
drafts = table_of(ProposalDraftRow)
seasons = table_of(SeasonRow)
teams = table_of(TeamRow)
governors = table_of(GovernorRow)


# --- League, season, governor ---------------------------------------------------------------------


async def season_league(db: Executor, season_id: str) -> str | None:
    query = select(seasons.c.league_id).where(seasons.c.id == season_id)
    return (await db.execute(query)).scalar_one_or_none()


async def current_rules(db: Executor, season_id: str) -> RuleSet:
    query = select(seasons.c.current_ruleset).where(seasons.c.id == season_id)
    return parse_ruleset((await db.execute(query)).scalar_one())


async def set_current_rules(db: Executor, season_id: str, rules: RuleSet) -> None:
    await db.execute(
        update(seasons).where(seasons.c.id == season_id).values(current_ruleset=rules.model_dump())
    )


# Settings this process runs a league with but never stores (the offline league's cadence):
# they sit on top of the stored ones for as long as `settings_overlay` is held.
_OVERLAYS: dict[str, Mapping[str, SettingValue]] = {}


@contextmanager
def settings_overlay(league_id: str, values: Mapping[str, SettingValue]) -> Iterator[None]:
    """Run `league_id` with `values` over its stored settings in this process, without
    writing them: an operator's stored settings stay as they were."""
    _OVERLAYS[league_id] = dict(values)
    try:
        yield
    finally:
        _OVERLAYS.pop(league_id, None)


async def league_settings(db: Executor, league_id: str) -> LeagueSettings:
    rows = await db.execute(
        select(SettingRow.key, SettingRow.value_json).where(SettingRow.league_id == league_id)
    )
    stored = parse_stored({k: v for k, v in rows.all()})
    overlay = _OVERLAYS.get(league_id)
    return LeagueSettings({**stored.overrides, **overlay}) if overlay else stored


async def team_name(db: Executor, season_id: str, team_id: str) -> str | None:
    query = select(teams.c.name).where(teams.c.id == team_id, teams.c.season_id == season_id)
    return (await db.execute(query)).scalar_one_or_none()


async def governor_id_for(db: Executor, league_id: str, discord_user_id: str) -> str | None:
    query = select(governors.c.id).where(
        governors.c.league_id == league_id, governors.c.discord_user_id == discord_user_id
    )
    return (await db.execute(query)).scalar_one_or_none()


async def ensure_governor(db: Executor, league_id: str, discord_user_id: str, username: str) -> str:
    """The governor id of a Discord user in a league, created on first sight."""
    found = await governor_id_for(db, league_id, discord_user_id)
    if found is not None:
        return found
    new_id = str(uuid.uuid4())
    await db.execute(
        insert(governors).values(
            id=new_id,
            league_id=league_id,
            discord_user_id=discord_user_id,
            discord_username=username[:100],
        )
    )
    return new_id


# --- Enrollments and windows ----------------------------------------------------------------------


def _enrollment(row: Any) -> Enrollment:
    return Enrollment(row.governor_id, row.team_id, row.name, bool(row.is_active))


_ENROLLMENT_COLUMNS = (
    enrollments.c.governor_id,
    enrollments.c.team_id,
    teams.c.name,
    enrollments.c.is_active,
)


async def enrollment(db: Executor, season_id: str, governor_id: str) -> Enrollment | None:
    query = (
        select(*_ENROLLMENT_COLUMNS)
        .join(teams, teams.c.id == enrollments.c.team_id)
        .where(enrollments.c.season_id == season_id, enrollments.c.governor_id == governor_id)
    )
    row = (await db.execute(query)).one_or_none()
    return _enrollment(row) if row else None


async def active_enrollments(db: Executor, season_id: str) -> list[Enrollment]:
    query = (
        select(*_ENROLLMENT_COLUMNS)
        .join(teams, teams.c.id == enrollments.c.team_id)
        .where(enrollments.c.season_id == season_id, enrollments.c.is_active.is_(True))
    )
    return [_enrollment(r) for r in (await db.execute(query)).all()]


def _window(row: Any) -> Window:
    return Window(
        row.window_id, row.season_id, row.status, row.opened_round, row.closes_after_round
    )


async def open_window(db: Executor, season_id: str) -> Window | None:
    query = select(windows).where(windows.c.season_id == season_id, windows.c.status == "open")
    row = (await db.execute(query)).first()
    return _window(row) if row else None


async def window(db: Executor, window_id: str) -> Window | None:
    row = (await db.execute(select(windows).where(windows.c.window_id == window_id))).first()
    return _window(row) if row else None


# --- Proposals and votes --------------------------------------------------------------------------


def _proposal(row: Any) -> Proposal:
    return Proposal(
        proposal_id=row.proposal_id,
        season_id=row.season_id,
        governor_id=row.governor_id,
        team_id=row.team_id,
        window_id=row.window_id,
        status=row.status,
        text=row.raw_text,
        interpretation=row.interpretation,
        tier=row.tier,
        token_cost=row.token_cost,
        threshold=row.threshold,
        amendment_count=row.amendment_count,
        opened_at=as_utc(row.opened_at),
        last_sequence=row.last_sequence,
    )


async def proposal(db: Executor, proposal_id: str) -> Proposal | None:
    query = select(proposals).where(proposals.c.proposal_id == proposal_id)
    row = (await db.execute(query)).first()
    return _proposal(row) if row else None


async def open_proposals(db: Executor, season_id: str) -> list[Proposal]:
    query = (
        select(proposals)
        .where(proposals.c.season_id == season_id, proposals.c.status.in_(sorted(OPEN)))
        .order_by(proposals.c.last_sequence)
    )
    return [_proposal(r) for r in (await db.execute(query)).all()]


async def season_proposals(db: Executor, season_id: str) -> list[Proposal]:
    query = (
        select(proposals)
        .where(proposals.c.season_id == season_id)
        .order_by(proposals.c.last_sequence)
    )
    return [_proposal(r) for r in (await db.execute(query)).all()]


async def proposals_in_window(
    db: Executor, season_id: str, governor_id: str, window_id: str
) -> int:
    """Proposals a governor made in one window; ones they withdrew themselves do not count."""
    query = select(func.count()).where(
        proposals.c.season_id == season_id,
        proposals.c.governor_id == governor_id,
        proposals.c.window_id == window_id,
        proposals.c.status != "cancelled",
    )
    return int((await db.execute(query)).scalar_one())


def _vote(row: Any) -> Vote:
    return Vote(row.governor_id, row.team_id, row.vote, bool(row.boost_used), bool(row.cleared))


async def vote(db: Executor, proposal_id: str, governor_id: str) -> Vote | None:
    query = select(votes).where(
        votes.c.proposal_id == proposal_id, votes.c.governor_id == governor_id
    )
    row = (await db.execute(query)).first()
    return _vote(row) if row else None


async def votes_for(db: Executor, proposal_ids: Iterable[str]) -> dict[str, list[Vote]]:
    ids = sorted(set(proposal_ids))
    found: dict[str, list[Vote]] = {pid: [] for pid in ids}
    if ids:
        for row in (await db.execute(select(votes).where(votes.c.proposal_id.in_(ids)))).all():
            found[row.proposal_id].append(_vote(row))
    return found


# --- Tokens ---------------------------------------------------------------------------------------


async def balance(db: Executor, season_id: str, governor_id: str, token_type: str) -> int:
    query = select(balances.c.balance).where(
        balances.c.season_id == season_id,
        balances.c.governor_id == governor_id,
        balances.c.token_type == token_type,
    )
    return int((await db.execute(query)).scalar_one_or_none() or 0)


async def season_balances(db: Executor, season_id: str) -> dict[tuple[str, str], int]:
    query = select(balances.c.governor_id, balances.c.token_type, balances.c.balance).where(
        balances.c.season_id == season_id
    )
    return {(g, t): int(b) for g, t, b in (await db.execute(query)).all()}


# --- Drafts ---------------------------------------------------------------------------------------


async def insert_draft(db: Executor, draft: Draft) -> None:
    await db.execute(
        insert(drafts).values(
            draft_id=draft.draft_id,
            season_id=draft.season_id,
            governor_id=draft.governor_id,
            raw_text=draft.raw_text,
            sanitized_text=draft.sanitized_text,
            interpretation=dict(draft.interpretation),
            status=draft.status,
            created_at=draft.created_at,
        )
    )


async def draft(db: Executor, draft_id: str) -> Draft | None:
    row = (await db.execute(select(drafts).where(drafts.c.draft_id == draft_id))).first()
    if row is None:
        return None
    created = as_utc(row.created_at)
    assert created is not None
    return Draft(
        row.draft_id,
        row.season_id,
        row.governor_id,
        row.raw_text,
        row.sanitized_text,
        row.interpretation,
        row.status,
        created,
    )


async def latest_draft_at(db: Executor, season_id: str, governor_id: str) -> datetime | None:
    """When the governor last drafted a proposal this season (the /propose cooldown)."""
    query = select(func.max(drafts.c.created_at)).where(
        drafts.c.season_id == season_id, drafts.c.governor_id == governor_id
    )
    return as_utc((await db.execute(query)).scalar_one_or_none())


async def resolve_draft(db: Executor, draft_id: str, status: str, at: datetime) -> None:
    await db.execute(
        update(drafts).where(drafts.c.draft_id == draft_id).values(status=status, resolved_at=at)
    )


# --- Admin log ------------------------------------------------------------------------------------


async def log_admin_action(
    db: Executor,
    *,
    league_id: str,
    actor_id: str,
    action_type: str,
    target_table: str,
    target_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    reason: str | None,
    at: datetime,
) -> None:
    await db.execute(
        insert(table_of(AdminLogRow)).values(
            id=str(uuid.uuid4()),
            league_id=league_id,
            actor_id=actor_id[:20],
            action_type=action_type,
            target_table=target_table,
            target_id=target_id,
            before_snapshot=_jsonable(before),
            after_snapshot=_jsonable(after),
            reason=reason,
            created_at=at,
        )
    )


def _jsonable(snapshot: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    loaded: dict[str, Any] = json.loads(json.dumps(dict(snapshot), default=str))
    return loaded


# --- The season's current rule set: a projection of rule.enacted kept on the seasons row ----------


async def rulesets_from_log(db: Executor) -> dict[str, dict[str, Any]]:
    """Every season's rule set as its starting rules plus its rule.enacted events, in order."""
    result = {
        sid: dict(start)
        for sid, start in (await db.execute(select(seasons.c.id, seasons.c.starting_ruleset)))
    }
    query = (
        select(events_table.c.season_id, events_table.c.payload)
        .where(events_table.c.event_type == "rule.enacted")
        .order_by(events_table.c.sequence_number)
    )
    for season_id, payload in (await db.execute(query)).all():
        result.setdefault(season_id, {})[payload["parameter"]] = payload["new_value"]
    return result


async def check_current_rulesets(db: Executor) -> list[str]:
    """Problems where a season's stored current rule set differs from its replay."""
    expected = await rulesets_from_log(db)
    problems = []
    for season_id, stored in await db.execute(select(seasons.c.id, seasons.c.current_ruleset)):
        if dict(stored) != expected.get(season_id):
            problems.append(
                f"seasons[{season_id}].current_ruleset: table has {dict(stored)!r}, "
                f"replay gives {expected.get(season_id)!r}"
            )
    return problems


async def rebuild_current_rulesets(db: Executor) -> None:
    for season_id, rules in (await rulesets_from_log(db)).items():
        await db.execute(
            update(seasons).where(seasons.c.id == season_id).values(current_ruleset=rules)
        )


async def tally(db: Executor, proposal_id: str) -> dict[str, Any] | None:
    """A proposal's revealed counts and weights; None while its votes are hidden."""
    tallies = table_of(VoteTallyRow)
    row = (await db.execute(select(tallies).where(tallies.c.proposal_id == proposal_id))).first()
    if row is None:
        return None
    return {
        "yes_count": row.yes_count,
        "no_count": row.no_count,
        "weighted_yes": row.weighted_yes,
        "weighted_no": row.weighted_no,
    }


def _vote_context_query() -> Any:
    v, e, w = votes.alias("v"), enrollments.alias("e"), windows.alias("w")
    governor: Any = bindparam("governor_id")
    return (
        select(
            proposals,
            v.c.team_id.label("v_team_id"),
            v.c.vote.label("v_vote"),
            v.c.boost_used.label("v_boost_used"),
            v.c.cleared.label("v_cleared"),
            e.c.team_id.label("e_team_id"),
            e.c.is_active.label("e_is_active"),
            teams.c.name.label("e_team_name"),
            w.c.window_id.label("w_window_id"),
            w.c.opened_round.label("w_opened_round"),
            w.c.closes_after_round.label("w_closes_after_round"),
        )
        .outerjoin(v, (v.c.proposal_id == proposals.c.proposal_id) & (v.c.governor_id == governor))
        .outerjoin(e, (e.c.season_id == proposals.c.season_id) & (e.c.governor_id == governor))
        .outerjoin(teams, teams.c.id == e.c.team_id)
        .outerjoin(w, (w.c.season_id == proposals.c.season_id) & (w.c.status == "open"))
        .where(proposals.c.proposal_id == bindparam("proposal_id"))
        .limit(1)
    )


# Built once: votes are the hottest command, and a statement built per call is compiled per call.
_VOTE_CONTEXT = _vote_context_query()


async def vote_context(
    db: Executor, proposal_id: str, governor_id: str
) -> tuple[Proposal | None, Vote | None, Enrollment | None, Window | None]:
    """Everything a vote is decided on, in one round trip: the proposal, the voter's current
    vote on it, the voter's enrollment and the season's open window."""
    params = {"proposal_id": proposal_id, "governor_id": governor_id}
    row = (await db.execute(_VOTE_CONTEXT, params)).first()
    if row is None:
        return None, None, None, None
    previous = None
    if row.v_vote is not None:
        previous = Vote(
            governor_id, row.v_team_id, row.v_vote, bool(row.v_boost_used), bool(row.v_cleared)
        )
    enrolled = None
    if row.e_team_id is not None:
        enrolled = Enrollment(governor_id, row.e_team_id, row.e_team_name, bool(row.e_is_active))
    open_now = None
    if row.w_window_id is not None:
        open_now = Window(
            row.w_window_id, row.season_id, "open", row.w_opened_round, row.w_closes_after_round
        )
    return _proposal(row), previous, enrolled, open_now
