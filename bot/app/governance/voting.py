"""Casting (and changing) a vote. Votes stay hidden until the window closes."""

from __future__ import annotations

import uuid
from typing import Any

from bot.app.governance import cards
from bot.app.governance._common import envelopes
from bot.app.governance.commands import CastVote
from bot.domain.errors import NotFoundError
from bot.domain.governance import decide_vote
from db import governance_repo as repo
from db.uow import UnitOfWork


async def cast_vote(uow: UnitOfWork, cmd: CastVote) -> dict[str, Any]:
    # The hottest command: its reads are one query on the transaction's connection.
    conn = await uow.session.connection()
    proposal, previous, voter, window = await repo.vote_context(
        conn, cmd.proposal_id, cmd.governor_id
    )
    if proposal is None:
        raise NotFoundError("There is no such proposal.")
    boost_balance = 0
    if cmd.boost:
        boost_balance = await repo.balance(conn, proposal.season_id, cmd.governor_id, "boost")
    events = decide_vote(
        proposal,
        voter=voter,
        window=window,
        vote_id=str(uuid.uuid4()),
        choice=cmd.vote,
        boost=cmd.boost,
        previous=previous,
        boost_balance=boost_balance,
    )
    # Before the append: a league's command holds the event log's head from its first
    # append to its commit (db/uow.py), so as little as possible comes after it.
    await cards.touch(uow.session, proposal.proposal_id)  # "5 of 8 governors have voted"
    await uow.append(envelopes(events, proposal.season_id, window_id=proposal.window_id))
    return {
        "proposal_id": proposal.proposal_id,
        "vote": cmd.vote,
        "boost_used": bool(getattr(events[-1], "boost_used", False)),
        "boost_spent": len(events) > 1,
        "changed": previous is not None and not previous.cleared,
    }
