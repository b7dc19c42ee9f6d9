"""Admin actions on proposals: clear or veto a flagged one, cancel any open one.

Every admin action is also written to `admin_log` with the proposal before and after. An admin
acts only on their own server's league: a proposal of another league is answered exactly like
an unknown id, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from bot.app.governance import cards
from bot.app.governance._common import (
    SeasonContext,
    envelopes,
    load_proposal,
    proposal_snapshot,
    season_context,
)
from bot.app.governance.commands import AdminCancelProposal, ReviewProposal
from bot.domain.errors import NotFoundError
from bot.domain.events import EventPayload
from bot.domain.governance import Proposal, decide_cancel, decide_review
from bot.domain.text import clean_text
from db import governance_repo as repo
from db.uow import UnitOfWork


async def _league_proposal(
    uow: UnitOfWork, proposal_id: str, league_id: str | None
) -> tuple[Proposal, SeasonContext]:
    """The proposal and its season, if it belongs to `league_id` (any league when None)."""
    proposal = await load_proposal(uow, proposal_id)
    ctx = await season_context(uow, proposal.season_id)
    if league_id is not None and ctx.league_id != league_id:
        raise NotFoundError("There is no such proposal.")
    return proposal, ctx


async def _apply_admin_action(
    uow: UnitOfWork,
    proposal: Proposal,
    ctx: SeasonContext,
    events: list[EventPayload],
    *,
    admin_id: str,
    action_type: str,
    reason: str,
) -> Proposal:
    await uow.append(envelopes(events, proposal.season_id, window_id=proposal.window_id))
    await cards.touch(uow.session, proposal.proposal_id)
    after = await load_proposal(uow, proposal.proposal_id)
    await repo.log_admin_action(
        uow.session,
        league_id=ctx.league_id,
        actor_id=admin_id,
        action_type=action_type,
        target_table="proposals",
        target_id=proposal.proposal_id,
        before=proposal_snapshot(proposal),
        after=proposal_snapshot(after),
        reason=reason or None,
        at=uow.clock(),
    )
    return after


async def review_proposal(uow: UnitOfWork, cmd: ReviewProposal) -> dict[str, Any]:
    proposal, ctx = await _league_proposal(uow, cmd.proposal_id, cmd.league_id)
    reason = clean_text(cmd.reason)[:500]
    events = decide_review(proposal, admin_id=cmd.admin_id, veto=cmd.veto, reason=reason)
    after = await _apply_admin_action(
        uow,
        proposal,
        ctx,
        events,
        admin_id=cmd.admin_id,
        action_type="proposal.veto" if cmd.veto else "proposal.clear_review",
        reason=reason,
    )
    return {
        "proposal_id": proposal.proposal_id,
        "proposal_status": after.status,
        "refunded": proposal.token_cost if cmd.veto else 0,
        "proposer_id": proposal.governor_id,
    }


async def admin_cancel_proposal(uow: UnitOfWork, cmd: AdminCancelProposal) -> dict[str, Any]:
    proposal, ctx = await _league_proposal(uow, cmd.proposal_id, cmd.league_id)
    reason = clean_text(cmd.reason)[:500]
    events = decide_cancel(proposal, admin_id=cmd.admin_id, reason=reason)
    after = await _apply_admin_action(
        uow,
        proposal,
        ctx,
        events,
        admin_id=cmd.admin_id,
        action_type="proposal.cancel",
        reason=reason,
    )
    return {
        "proposal_id": proposal.proposal_id,
        "proposal_status": after.status,
        "refunded": proposal.token_cost,
        "proposer_id": proposal.governor_id,
    }
