"""Hooper trade handlers: propose, vote (settling the trade when decided) and expire.

An executed trade is recorded with the first round it applies to (the next round with no stored
result), and the rosters a round is played with come from `levers_repo.rosters_for_round`, so a
swap never lands in the middle of a game.
"""

from __future__ import annotations

import uuid
from typing import Any

from bot.app.governance._common import envelopes, season_context
from bot.app.levers.commands import ExpireHooperTrade, ProposeHooperTrade, VoteHooperTrade
from bot.domain.trades import (
    decide_expire_hooper_trade,
    decide_hooper_vote,
    decide_propose_hooper_trade,
)
from bot.render.governance import trade_settled_payload
from db import governance_repo as repo
from db import league_repo, levers_repo
from db.uow import UnitOfWork


async def propose_hooper_trade(uow: UnitOfWork, cmd: ProposeHooperTrade) -> dict[str, Any]:
    s = uow.session
    ctx = await season_context(uow, cmd.season_id)
    hoopers = {h.hooper_id: h for h in await levers_repo.season_hoopers(s, cmd.season_id)}
    request = hoopers.get(cmd.request_hooper_id)
    busy = frozenset(
        h
        for t in await levers_repo.open_hooper_trades(s, cmd.season_id)
        for h in (t.offer_hooper_id, t.request_hooper_id)
    )
    governors = await levers_repo.governors_per_team(s, cmd.season_id)
    trade_id = str(uuid.uuid4())
    events = decide_propose_hooper_trade(
        trade_id=trade_id,
        proposer=await repo.enrollment(s, cmd.season_id, cmd.governor_id),
        offer=hoopers.get(cmd.offer_hooper_id),
        request=request,
        target_team_governors=governors.get(request.team_id, 0) if request else 0,
        busy_hoopers=busy,
        now=uow.clock(),
        ttl_seconds=ctx.settings.hooper_trade_ttl_seconds,
    )
    await uow.append(
        envelopes(events, cmd.season_id, governor_id=cmd.governor_id, new_aggregate=trade_id)
    )
    # A team with one governor (the proposer's) may already have its majority; the target
    # team's governors still vote, so nothing settles here.
    return {"trade_id": trade_id}


async def vote_hooper_trade(uow: UnitOfWork, cmd: VoteHooperTrade) -> dict[str, Any]:
    s = uow.session
    trade = await levers_repo.hooper_trade(s, cmd.trade_id)
    season_id = trade.season_id if trade else ""
    events = decide_hooper_vote(
        trade,
        voter=await repo.enrollment(s, season_id, cmd.governor_id) if trade else None,
        approve=cmd.approve,
        votes=await levers_repo.hooper_trade_votes_for(s, cmd.trade_id),
        governors=await levers_repo.governors_per_team(s, season_id),
        hoopers=await levers_repo.season_hoopers(s, season_id) if trade else [],
        now=uow.clock(),
        effective_round=await levers_repo.next_round(s, season_id),
    )
    await uow.append(envelopes(events, season_id, governor_id=cmd.governor_id))
    outcome = events[-1].event_type.removeprefix("hooper_trade.")
    if outcome != "voted" and trade is not None:
        await show_settled(uow, trade.trade_id, trade.season_id, outcome)
    return {"trade_id": cmd.trade_id, "outcome": "open" if outcome == "voted" else outcome}


def trade_key(trade_id: str) -> str:
    """The outbox row of a hooper trade's message (adopted when the trade is proposed)."""
    return f"htrade:{trade_id}"


OUTCOME_WORDS = {
    "executed": "Both teams approved: the hoopers have swapped, from the next round.",
    "rejected": "A team said no: the trade is off.",
    "expired": "The vote ran out of time: the trade is off.",
}


async def show_settled(uow: UnitOfWork, trade_id: str, season_id: str, outcome: str) -> None:
    """The trade's message shows how it ended, its buttons gone (when it was posted)."""
    s = uow.session
    found = await league_repo.payload_of(s, trade_key(trade_id))
    if found is None:
        return
    was = str((found.get("embed") or {}).get("description") or found.get("text") or "")
    lines = [line for line in was.splitlines() if not line.startswith("Governors of both")]
    description = "\n".join([*lines, OUTCOME_WORDS.get(outcome, outcome)])
    colour = "#57F287" if outcome == "executed" else "#99AAB5"
    payload = trade_settled_payload("Hooper trade", description, outcome, colour=colour)
    await league_repo.revise(s, trade_key(trade_id), payload)


async def expire_hooper_trade(uow: UnitOfWork, cmd: ExpireHooperTrade) -> dict[str, Any]:
    trade = await levers_repo.hooper_trade(uow.session, cmd.trade_id)
    events = decide_expire_hooper_trade(trade, now=uow.clock())
    if not events or trade is None:
        return {"trade_id": cmd.trade_id, "expired": False}
    await uow.append(envelopes(events, trade.season_id))
    await show_settled(uow, trade.trade_id, trade.season_id, "expired")
    return {"trade_id": cmd.trade_id, "expired": True}
