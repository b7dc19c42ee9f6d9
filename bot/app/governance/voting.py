"""Casting (and changing) a vote. Votes stay hidden until the window closes."""

from __future__ import annotations

import uuid
from typing import Any

from bot.app.governance._common import envelopes, load_proposal
from bot.app.governance.commands import CastVote
from bot.domain.governance import decide_vote
from db import governance_repo as repo
from db.uow import UnitOfWork


async def cast_vote(uow: UnitOfWork, cmd: CastVote) -> dict[str, Any]:
    s = uow.session
    proposal = await load_proposal(uow, cmd.proposal_id)
    season_id = proposal.season_id
    previous = await repo.vote(s, proposal.proposal_id, cmd.governor_id)
    boost_balance = 0
    if cmd.boost:
        boost_balance = await repo.balance(s, season_id, cmd.governor_id, "boost")
    events = decide_vote(
        proposal,
        voter=await repo.enrollment(s, season_id, cmd.governor_id),
        window=await repo.open_window(s, season_id),
        vote_id=str(uuid.uuid4()),
        choice=cmd.vote,
        boost=cmd.boost,
        previous=previous,
        boost_balance=boost_balance,
    )
    await uow.append(envelopes(events, season_id, window_id=proposal.window_id))
    cast = events[-1]
    boosted = bool(getattr(cast, "boost_used", False))
    return {
        "proposal_id": proposal.proposal_id,
        "vote": cmd.vote,
        "boost_used": boosted,
        "boost_spent": len(events) > 1,
        "changed": previous is not None and not previous.cleared,
    }
