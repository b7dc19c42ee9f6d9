"""Token trade handlers: offer, accept, reject, cancel and expire, each decided under the lock."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from bot.app.governance._common import envelopes, season_context
from bot.app.levers.commands import AcceptTrade, CancelTrade, ExpireTrade, OfferTrade, RejectTrade
from bot.domain.events import EventPayload
from bot.domain.trades import (
    TradeOffer,
    decide_accept,
    decide_cancel,
    decide_expire_offer,
    decide_offer,
    decide_reject,
)
from bot.render.governance import trade_settled_payload
from db import governance_repo as repo
from db import league_repo, levers_repo
from db.uow import UnitOfWork


def offer_view(offer: TradeOffer) -> dict[str, Any]:
    return {**offer.terms(), "status": offer.status, "expires_at": offer.expires_at.isoformat()}


async def offer_trade(uow: UnitOfWork, cmd: OfferTrade) -> dict[str, Any]:
    s = uow.session
    ctx = await season_context(uow, cmd.season_id)
    trade_id = str(uuid.uuid4())
    events = decide_offer(
        trade_id=trade_id,
        offerer=await repo.enrollment(s, cmd.season_id, cmd.governor_id),
        target=await repo.enrollment(s, cmd.season_id, cmd.to_governor_id),
        offer_type=cmd.offer_type,
        offer_amount=cmd.offer_amount,
        request_type=cmd.request_type,
        request_amount=cmd.request_amount,
        offerer_balance=await repo.balance(s, cmd.season_id, cmd.governor_id, cmd.offer_type),
        now=uow.clock(),
        ttl_seconds=ctx.settings.trade_offer_ttl_seconds,
        max_amount=ctx.settings.trade_max_amount,
    )
    await _append(uow, events, cmd.season_id, cmd.governor_id, new=trade_id)
    return {"trade_id": trade_id, "expires_at": events[0].model_dump(mode="json")["expires_at"]}


async def _append(
    uow: UnitOfWork,
    events: list[EventPayload],
    season_id: str,
    governor_id: str | None,
    *,
    new: str | None = None,
) -> None:
    wrapped = envelopes(events, season_id, governor_id=governor_id, new_aggregate=new)
    if new is None:
        # An offer ends at version 2 or not at all: even a stale read could not settle twice.
        wrapped = [replace(e, expected_version=1) for e in wrapped]
    await uow.append(wrapped)


async def _settle(uow: UnitOfWork, trade_id: str, events: list[EventPayload], who: str) -> str:
    offer = await levers_repo.trade_offer(uow.session, trade_id)
    assert offer is not None  # the decision found it
    await _append(uow, events, offer.season_id, who)
    outcome = events[0].event_type.removeprefix("trade.")
    await show_settled(uow, offer, outcome)
    return outcome


def offer_key(trade_id: str) -> str:
    """The outbox row of a trade offer's message (adopted when the offer is posted)."""
    return f"trade:{trade_id}"


OUTCOME_WORDS = {
    "accepted": "{to} accepted: the tokens changed hands.",
    "rejected": "{to} declined.",
    "cancelled": "{by} withdrew the offer; the escrowed tokens went back.",
    "expired": "Nobody answered in time: the offer expired and the escrowed tokens went back.",
}


async def show_settled(uow: UnitOfWork, offer: TradeOffer, outcome: str) -> None:
    """The offer's message shows how it ended, its buttons gone (when it was posted)."""
    league_id = await repo.season_league(uow.session, offer.season_id)
    names = await league_repo.governor_names(uow.session, league_id or "")
    by, to = names.get(offer.from_governor_id, "?"), names.get(offer.to_governor_id, "?")
    terms = (
        f"{offer.offer_amount} {offer.offer_type} for {offer.request_amount} {offer.request_type}"
    )
    description = f"**{by}** offered **{to}** {terms}.\n" + OUTCOME_WORDS[outcome].format(
        by=by, to=to
    )
    colour = "#57F287" if outcome == "accepted" else "#99AAB5"
    await league_repo.revise(
        uow.session,
        offer_key(offer.trade_id),
        trade_settled_payload("Token trade offer", description, outcome, colour=colour),
    )


async def accept_trade(uow: UnitOfWork, cmd: AcceptTrade) -> dict[str, Any]:
    s = uow.session
    offer = await levers_repo.trade_offer(s, cmd.trade_id)
    balance, still_governing = 0, False
    if offer is not None:
        # Re-checked at acceptance: the target may have spent the tokens since the offer.
        balance = await repo.balance(s, offer.season_id, cmd.governor_id, offer.request_type)
        enrolled = await repo.enrollment(s, offer.season_id, cmd.governor_id)
        still_governing = enrolled is not None and enrolled.is_active
    events = decide_accept(
        offer,
        governor_id=cmd.governor_id,
        target_balance=balance,
        now=uow.clock(),
        target_governing=still_governing,
    )
    return {
        "trade_id": cmd.trade_id,
        "outcome": await _settle(uow, cmd.trade_id, events, cmd.governor_id),
    }


async def reject_trade(uow: UnitOfWork, cmd: RejectTrade) -> dict[str, Any]:
    offer = await levers_repo.trade_offer(uow.session, cmd.trade_id)
    events = decide_reject(offer, governor_id=cmd.governor_id, now=uow.clock())
    return {
        "trade_id": cmd.trade_id,
        "outcome": await _settle(uow, cmd.trade_id, events, cmd.governor_id),
    }


async def cancel_trade(uow: UnitOfWork, cmd: CancelTrade) -> dict[str, Any]:
    offer = await levers_repo.trade_offer(uow.session, cmd.trade_id)
    events = decide_cancel(offer, governor_id=cmd.governor_id, now=uow.clock())
    return {
        "trade_id": cmd.trade_id,
        "outcome": await _settle(uow, cmd.trade_id, events, cmd.governor_id),
    }


async def expire_trade(uow: UnitOfWork, cmd: ExpireTrade) -> dict[str, Any]:
    offer = await levers_repo.trade_offer(uow.session, cmd.trade_id)
    events = decide_expire_offer(offer, now=uow.clock())
    if not events or offer is None:
        return {"trade_id": cmd.trade_id, "expired": False}
    await _append(uow, events, offer.season_id, None)
    await show_settled(uow, offer, "expired")
    return {"trade_id": cmd.trade_id, "expired": True}
