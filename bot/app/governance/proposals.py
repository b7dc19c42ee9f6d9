"""Proposing (draft, then confirm), amending and cancelling.

A proposal is drafted first: its text is sanitised, interpreted outside the unit of work (AI
can be slow; the append lock is never held while it thinks), validated and priced, and kept in
`proposal_drafts`. Nothing is spent and nothing enters the event log until its author confirms;
then `proposal.submitted`, `token.spent` and `proposal.confirmed` are appended together.
"""

from __future__ import annotations

import uuid
from typing import Any

from bot.app.governance import cards
from bot.app.governance._common import envelopes, load_proposal, season_context
from bot.app.governance.commands import (
    AmendProposal,
    CancelProposal,
    ConfirmProposal,
    DiscardDraft,
    SubmitProposal,
)
from bot.domain.errors import NotFoundError, PermissionDeniedError
from bot.domain.governance import (
    Assessment,
    Draft,
    assess,
    check_balance,
    check_can_propose,
    check_cooldown,
    decide_amend,
    decide_cancel,
    decide_confirm,
)
from bot.domain.interpretation import Interpretation
from bot.domain.text import sanitize_text
from db import governance_repo as repo
from db import league_repo
from db.uow import UnitOfWork


def describe(assessment: Assessment) -> dict[str, Any]:
    """What the confirmation view shows: the meaning, its tier, cost and threshold."""
    interp = assessment.interpretation
    return {
        "tier": assessment.tier,
        "tier_name": assessment.tier_name,
        "token_cost": assessment.token_cost,
        "threshold": assessment.threshold,
        "is_wild": assessment.is_wild,
        "summary": interp.summary,
        "explanation": interp.explain(),
        "unsure_reasons": list(interp.unsure_reasons),
        "changes": [c.model_dump(mode="json") for c in interp.changes],
    }


async def submit_proposal(
    uow: UnitOfWork, cmd: SubmitProposal, interpretation: Interpretation
) -> dict[str, Any]:
    text = sanitize_text(cmd.text)
    ctx = await season_context(uow, cmd.season_id)
    s = uow.session
    me = await repo.enrollment(s, cmd.season_id, cmd.governor_id)
    window = await repo.open_window(s, cmd.season_id)
    made = 0
    if window is not None:
        made = await repo.proposals_in_window(s, cmd.season_id, cmd.governor_id, window.window_id)
    check_can_propose(me, window, made, ctx.rules)
    last = await repo.latest_draft_at(s, cmd.season_id, cmd.governor_id)
    check_cooldown(last, uow.clock(), ctx.settings.propose_cooldown_seconds)
    assessment = assess(interpretation, ctx.rules)
    have = await repo.balance(s, cmd.season_id, cmd.governor_id, "propose")
    # Said now so nobody confirms a proposal they cannot pay for; checked again on confirmation.
    check_balance(have, assessment.token_cost, "propose", "This proposal")
    draft = Draft(
        draft_id=str(uuid.uuid4()),
        season_id=cmd.season_id,
        governor_id=cmd.governor_id,
        raw_text=cmd.text,
        sanitized_text=text,
        interpretation=interpretation.model_dump(mode="json"),
        status="pending",
        created_at=uow.clock(),
    )
    await repo.insert_draft(s, draft)
    return {"draft_id": draft.draft_id, "text": text, **describe(assessment)}


async def confirm_proposal(uow: UnitOfWork, cmd: ConfirmProposal) -> dict[str, Any]:
    s = uow.session
    draft = await repo.draft(s, cmd.draft_id)
    if draft is None:
        raise NotFoundError("That proposal draft does not exist.")
    if draft.governor_id != cmd.governor_id:
        raise PermissionDeniedError("Only the governor who wrote this proposal can confirm it.")
    if draft.status == "confirmed":
        # A second press (another interaction id) is answered, not charged again.
        return {"proposal_id": draft.draft_id, "already_confirmed": True}
    ctx = await season_context(uow, draft.season_id)
    me = await repo.enrollment(s, draft.season_id, draft.governor_id)
    window = await repo.open_window(s, draft.season_id)
    made = 0
    if window is not None:
        made = await repo.proposals_in_window(
            s, draft.season_id, draft.governor_id, window.window_id
        )
    now = uow.clock()
    assessment, events = decide_confirm(
        draft,
        now=now,
        rules=ctx.rules,
        settings=ctx.settings,
        enrollment=me,
        window=window,
        proposals_this_window=made,
        propose_balance=await repo.balance(s, draft.season_id, draft.governor_id, "propose"),
    )
    assert window is not None and me is not None
    await uow.append(
        envelopes(
            events,
            draft.season_id,
            governor_id=draft.governor_id,
            team_id=me.team_id,
            window_id=window.window_id,
            round_number=window.round_number,
            new_aggregate=draft.draft_id,
        )
    )
    await repo.resolve_draft(s, draft.draft_id, "confirmed", now)
    await cards.open_card(s, draft.draft_id, draft.season_id, now)
    return {
        "proposal_id": draft.draft_id,
        "already_confirmed": False,
        "flagged_for_review": assessment.is_wild,
        **describe(assessment),
    }


async def discard_draft(uow: UnitOfWork, cmd: DiscardDraft) -> dict[str, Any]:
    draft = await repo.draft(uow.session, cmd.draft_id)
    if draft is None:
        raise NotFoundError("That proposal draft does not exist.")
    if draft.governor_id != cmd.governor_id:
        raise PermissionDeniedError("Only the governor who wrote this proposal can dismiss it.")
    if draft.status == "pending":
        await repo.resolve_draft(uow.session, draft.draft_id, "discarded", uow.clock())
        return {"draft_id": draft.draft_id, "discarded": True}
    # Confirmed (or already dismissed): nothing to undo, and never anything to refund.
    return {"draft_id": draft.draft_id, "discarded": False, "draft_status": draft.status}


async def amend_proposal(
    uow: UnitOfWork, cmd: AmendProposal, interpretation: Interpretation
) -> dict[str, Any]:
    text = sanitize_text(cmd.text)
    s = uow.session
    proposal = await load_proposal(uow, cmd.proposal_id)
    ctx = await season_context(uow, proposal.season_id)
    me = await repo.enrollment(s, proposal.season_id, cmd.governor_id)
    assessment = assess(interpretation, ctx.rules)
    votes = (await repo.votes_for(s, [proposal.proposal_id]))[proposal.proposal_id]
    amendment_id = str(uuid.uuid4())
    events = decide_amend(
        proposal,
        amender=me,
        amendment_id=amendment_id,
        text=text,
        assessment=assessment,
        rules=ctx.rules,
        amend_balance=await repo.balance(s, proposal.season_id, cmd.governor_id, "amend"),
        votes=votes,
        now=uow.clock(),
    )
    await uow.append(envelopes(events, proposal.season_id, window_id=proposal.window_id))
    cleared = [v.governor_id for v in votes if not v.cleared]
    await cards.touch(s, proposal.proposal_id)
    await _tell_cleared_voters(uow, amendment_id, proposal.season_id, cleared, text)
    return {
        "proposal_id": proposal.proposal_id,
        "amendment_number": proposal.amendment_count + 1,
        "cleared_voter_ids": sorted(cleared),
        "flagged_for_review": assessment.is_wild,
        "text": text,
        **describe(assessment),
    }


async def _tell_cleared_voters(
    uow: UnitOfWork, amendment_id: str, season_id: str, voters: list[str], text: str
) -> None:
    """An amendment clears the votes cast on the old text: tell each of those governors, by
    DM (unless they opted out of private notes), so a vote is never lost without a word."""
    league_id = await repo.season_league(uow.session, season_id)
    if league_id is None:
        return
    names = await league_repo.governor_names(uow.session, league_id)
    now = uow.clock()
    for governor_id in sorted(set(voters)):
        await league_repo.enqueue(
            uow.session,
            league_id=league_id,
            key=f"cleared:{amendment_id}:{governor_id}",
            kind="notice",
            target=f"dm:{governor_id}",
            payload={
                "text": f"Your vote on a proposal was cleared: it was amended to “{text[:300]}”. "
                "Vote again on its card in #governance if you still want a say.",
                "recipient": names.get(governor_id, "governor"),
            },
            at=now,
        )


async def cancel_proposal(uow: UnitOfWork, cmd: CancelProposal) -> dict[str, Any]:
    proposal = await load_proposal(uow, cmd.proposal_id)
    events = decide_cancel(proposal, governor_id=cmd.governor_id)
    await uow.append(envelopes(events, proposal.season_id, window_id=proposal.window_id))
    await cards.touch(uow.session, proposal.proposal_id)
    return {"proposal_id": proposal.proposal_id, "refunded": proposal.token_cost}
