"""Token trades and hooper trades, pure: given what a command reads, the events or an error.

A token offer puts the offered tokens in escrow (the balance fold takes them off the offerer at
`trade.offered`); acceptance by the target re-checks the target's balance and settles both sides
in one event; rejection, cancellation and expiry each return the escrow, and only an open offer
can end, so the escrow comes back exactly once. A hooper trade executes once a strict majority
of each team's active governors approve, and is rejected as soon as either majority is out of
reach. Time comes in as `now`; ids come in as arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import (
    ConflictError,
    InsufficientTokensError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from bot.domain.events import (
    TOKEN_TYPES,
    EventPayload,
    HooperTradeExecuted,
    HooperTradeExpired,
    HooperTradeProposed,
    HooperTradeRejected,
    HooperTradeVoted,
    TokenType,
    TradeAccepted,
    TradeCancelled,
    TradeExpired,
    TradeOffered,
    TradeRejected,
)
from bot.domain.governance import Enrollment

MAX_TRADE_AMOUNT = 10  # tokens on either side of one offer
OPEN = "open"


@dataclass(frozen=True, slots=True)
class TradeOffer:
    """A token offer as the `trade_offers` projection holds it."""

    trade_id: str
    season_id: str
    from_governor_id: str
    to_governor_id: str
    offer_type: TokenType
    offer_amount: int
    request_type: TokenType
    request_amount: int
    status: str
    expires_at: datetime

    def terms(self) -> dict[str, object]:
        return {
            "trade_id": self.trade_id,
            "from_governor_id": self.from_governor_id,
            "to_governor_id": self.to_governor_id,
            "offer_type": self.offer_type,
            "offer_amount": self.offer_amount,
            "request_type": self.request_type,
            "request_amount": self.request_amount,
        }


def _check_amount(label: str, amount: int, maximum: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= maximum:
        raise ValidationError(f"The {label} must be a whole number from 1 to {maximum}.")


def _check_type(token_type: str) -> TokenType:
    for t in TOKEN_TYPES:
        if t == token_type:
            return t
    raise ValidationError(f"Unknown token type {token_type!r}: use propose, amend or boost.")


def decide_offer(
    *,
    trade_id: str,
    offerer: Enrollment | None,
    target: Enrollment | None,
    offer_type: str,
    offer_amount: int,
    request_type: str,
    request_amount: int,
    offerer_balance: int,
    now: datetime,
    ttl_seconds: float,
    max_amount: int = MAX_TRADE_AMOUNT,
) -> list[EventPayload]:
    """Offer tokens for another governor's; the offered ones go into escrow."""
    if offerer is None or not offerer.is_active:
        raise PermissionDeniedError("Join a team this season before trading tokens.")
    if target is None or not target.is_active:
        raise NotFoundError("That governor does not govern a team this season.")
    if offerer.governor_id == target.governor_id:
        raise ValidationError("You cannot trade with yourself.")
    offered, requested = _check_type(offer_type), _check_type(request_type)
    _check_amount("offered amount", offer_amount, max_amount)
    _check_amount("requested amount", request_amount, max_amount)
    if offerer_balance < offer_amount:
        raise InsufficientTokensError(
            f"You have {offerer_balance} {offered} token(s) free to offer, not {offer_amount}."
        )
    return [
        TradeOffered(
            trade_id=trade_id,
            from_governor_id=offerer.governor_id,
            to_governor_id=target.governor_id,
            offer_type=offered,
            offer_amount=offer_amount,
            request_type=requested,
            request_amount=request_amount,
            from_team_id=offerer.team_id,
            to_team_id=target.team_id,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    ]


def _open_offer(offer: TradeOffer | None, now: datetime) -> TradeOffer:
    if offer is None:
        raise NotFoundError("There is no such trade offer.")
    if offer.status != OPEN:
        raise ConflictError(f"That offer is already {offer.status}.")
    if now >= offer.expires_at:
        raise ConflictError("That offer has expired.")
    return offer


def decide_accept(
    offer: TradeOffer | None,
    *,
    governor_id: str,
    target_balance: int,
    now: datetime,
    target_governing: bool = True,
) -> list[EventPayload]:
    """Settle an open offer: only its target may, while still governing a team this season,
    and only with the requested tokens free."""
    found = _open_offer(offer, now)
    if governor_id != found.to_governor_id:
        raise PermissionDeniedError("Only the governor this offer was made to can accept it.")
    if not target_governing:
        raise PermissionDeniedError("Rejoin a team this season before accepting trades.")
    if target_balance < found.request_amount:
        raise InsufficientTokensError(
            f"You have {target_balance} {found.request_type} token(s), "
            f"and this trade asks for {found.request_amount}."
        )
    return [TradeAccepted.model_validate(found.terms())]


def decide_reject(
    offer: TradeOffer | None, *, governor_id: str, now: datetime
) -> list[EventPayload]:
    found = _open_offer(offer, now)
    if governor_id != found.to_governor_id:
        raise PermissionDeniedError("Only the governor this offer was made to can decline it.")
    return [TradeRejected.model_validate(found.terms())]


def decide_cancel(
    offer: TradeOffer | None, *, governor_id: str, now: datetime
) -> list[EventPayload]:
    found = _open_offer(offer, now)
    if governor_id != found.from_governor_id:
        raise PermissionDeniedError("Only the governor who made this offer can withdraw it.")
    return [TradeCancelled.model_validate(found.terms())]


def decide_expire_offer(offer: TradeOffer | None, *, now: datetime) -> list[EventPayload]:
    """Expire an open offer whose time is up; anything else is left alone (no events)."""
    if offer is None or offer.status != OPEN or now < offer.expires_at:
        return []
    return [TradeExpired.model_validate(offer.terms())]


# --- Hooper trades --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hooper:
    hooper_id: str
    name: str
    team_id: str  # the team the hooper plays for now (after executed trades)


@dataclass(frozen=True, slots=True)
class HooperTrade:
    """A proposed hooper swap as the `hooper_trades` projection holds it."""

    trade_id: str
    season_id: str
    proposer_governor_id: str
    proposer_team_id: str
    offer_hooper_id: str
    target_team_id: str
    request_hooper_id: str
    status: str
    expires_at: datetime


def decide_propose_hooper_trade(
    *,
    trade_id: str,
    proposer: Enrollment | None,
    offer: Hooper | None,
    request: Hooper | None,
    target_team_governors: int,
    busy_hoopers: frozenset[str],
    now: datetime,
    ttl_seconds: float,
) -> list[EventPayload]:
    """Propose swapping a hooper of the proposer's team for one of another team's.

    The proposer's own approval is recorded with the proposal.
    """
    if proposer is None or not proposer.is_active:
        raise PermissionDeniedError("Join a team this season before proposing a hooper trade.")
    if offer is None or request is None:
        raise NotFoundError("There is no such hooper this season.")
    if offer.team_id != proposer.team_id:
        raise PermissionDeniedError("You can only offer a hooper from your own team.")
    if request.team_id == proposer.team_id:
        raise ValidationError("Ask for a hooper from another team.")
    if target_team_governors == 0:
        raise ConflictError("That team has no governors to agree to a trade.")
    if busy_hoopers & {offer.hooper_id, request.hooper_id}:
        raise ConflictError("One of those hoopers is already in an open trade.")
    proposed = HooperTradeProposed(
        trade_id=trade_id,
        proposer_governor_id=proposer.governor_id,
        proposer_team_id=proposer.team_id,
        offer_hooper_id=offer.hooper_id,
        offer_hooper_name=offer.name,
        target_team_id=request.team_id,
        request_hooper_id=request.hooper_id,
        request_hooper_name=request.name,
        expires_at=now + timedelta(seconds=ttl_seconds),
    )
    vote = HooperTradeVoted(
        trade_id=trade_id, governor_id=proposer.governor_id, team_id=proposer.team_id, approve=True
    )
    return [proposed, vote]


def _majority(n: int) -> int:
    """Approvals needed for a strict majority of `n` governors."""
    return n // 2 + 1


def hooper_trade_outcome(
    trade: HooperTrade, votes: Mapping[str, tuple[str, bool]], governors: Mapping[str, int]
) -> str | None:
    """ "executed", "rejected" or None (still open), from each voter's (team, approve) and the
    number of active governors per team."""
    reached = True
    for team in (trade.proposer_team_id, trade.target_team_id):
        n = governors.get(team, 0)
        yes = sum(1 for t, a in votes.values() if t == team and a)
        no = sum(1 for t, a in votes.values() if t == team and not a)
        if n == 0 or n - no < _majority(n):
            return "rejected"
        reached = reached and yes >= _majority(n)
    return "executed" if reached else None


def decide_hooper_vote(
    trade: HooperTrade | None,
    *,
    voter: Enrollment | None,
    approve: bool,
    votes: Mapping[str, tuple[str, bool]],
    governors: Mapping[str, int],
    hoopers: Sequence[Hooper],
    now: datetime,
    effective_round: int,
) -> list[EventPayload]:
    """Record a vote (a governor may change theirs) and settle the trade once it is decided."""
    if trade is None:
        raise NotFoundError("There is no such hooper trade.")
    if trade.status != OPEN:
        raise ConflictError(f"That hooper trade is already {trade.status}.")
    if now >= trade.expires_at:
        raise ConflictError("That hooper trade has expired.")
    teams = (trade.proposer_team_id, trade.target_team_id)
    if voter is None or not voter.is_active or voter.team_id not in teams:
        raise PermissionDeniedError("Only governors of the two teams can vote on this trade.")
    events: list[EventPayload] = [
        HooperTradeVoted(
            trade_id=trade.trade_id,
            governor_id=voter.governor_id,
            team_id=voter.team_id,
            approve=approve,
        )
    ]
    now_votes = {**votes, voter.governor_id: (voter.team_id, approve)}
    outcome = hooper_trade_outcome(trade, now_votes, governors)
    if outcome == "rejected":
        events.append(HooperTradeRejected(trade_id=trade.trade_id, reason="votes"))
    elif outcome == "executed":
        events.append(_execute(trade, hoopers, effective_round))
    return events


def _execute(trade: HooperTrade, hoopers: Sequence[Hooper], effective_round: int) -> EventPayload:
    by_id = {h.hooper_id: h for h in hoopers}
    offer, request = by_id.get(trade.offer_hooper_id), by_id.get(trade.request_hooper_id)
    if (
        offer is None
        or request is None
        or offer.team_id != trade.proposer_team_id
        or request.team_id != trade.target_team_id
    ):
        return HooperTradeRejected(trade_id=trade.trade_id, reason="roster_changed")
    return HooperTradeExecuted(
        trade_id=trade.trade_id,
        offer_hooper_id=offer.hooper_id,
        offer_hooper_name=offer.name,
        offer_team_id=offer.team_id,
        request_hooper_id=request.hooper_id,
        request_hooper_name=request.name,
        request_team_id=request.team_id,
        effective_round=effective_round,
    )


def decide_expire_hooper_trade(trade: HooperTrade | None, *, now: datetime) -> list[EventPayload]:
    if trade is None or trade.status != OPEN or now < trade.expires_at:
        return []
    return [HooperTradeExpired(trade_id=trade.trade_id)]
