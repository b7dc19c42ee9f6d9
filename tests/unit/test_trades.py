"""Trade rules, pure: given the state a command reads, when it is decided, then these events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import (
    ConflictError,
    InsufficientTokensError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from bot.domain.governance import Enrollment
from bot.domain.trades import (
    Hooper,
    HooperTrade,
    TradeOffer,
    decide_accept,
    decide_cancel,
    decide_expire_hooper_trade,
    decide_expire_offer,
    decide_hooper_vote,
    decide_offer,
    decide_propose_hooper_trade,
    decide_reject,
    hooper_trade_outcome,
)

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
DAY = 24 * 3600
A = Enrollment("a", "t1", "Team 1", True)
B = Enrollment("b", "t2", "Team 2", True)


def offer_now(**kw: object) -> list[object]:
    args: dict[str, object] = {
        "trade_id": "x",
        "offerer": A,
        "target": B,
        "offer_type": "propose",
        "offer_amount": 1,
        "request_type": "boost",
        "request_amount": 1,
        "offerer_balance": 3,
        "now": NOW,
        "ttl_seconds": DAY,
    }
    args.update(kw)
    return list(decide_offer(**args))  # type: ignore[arg-type]


def open_offer(**kw: object) -> TradeOffer:
    args: dict[str, object] = {
        "trade_id": "x",
        "season_id": "s",
        "from_governor_id": "a",
        "to_governor_id": "b",
        "offer_type": "propose",
        "offer_amount": 2,
        "request_type": "boost",
        "request_amount": 1,
        "status": "open",
        "expires_at": NOW + timedelta(seconds=DAY),
    }
    args.update(kw)
    return TradeOffer(**args)  # type: ignore[arg-type]


def test_an_offer_records_its_terms_and_expiry() -> None:
    [event] = offer_now()
    assert event.event_type == "trade.offered"  # type: ignore[attr-defined]
    assert event.expires_at == NOW + timedelta(seconds=DAY)  # type: ignore[attr-defined]


@pytest.mark.parametrize("amount", [0, -3, 11, True])
def test_an_offer_of_a_bad_amount_is_refused(amount: object) -> None:
    with pytest.raises(ValidationError):
        offer_now(offer_amount=amount)
    with pytest.raises(ValidationError):
        offer_now(request_amount=amount)


def test_an_offer_beyond_the_free_balance_is_refused() -> None:
    with pytest.raises(InsufficientTokensError):
        offer_now(offer_amount=4, offerer_balance=3)


def test_an_offer_to_oneself_or_to_a_non_governor_is_refused() -> None:
    with pytest.raises(ValidationError):
        offer_now(target=A)
    with pytest.raises(NotFoundError):
        offer_now(target=None)
    with pytest.raises(PermissionDeniedError):
        offer_now(offerer=Enrollment("a", "t1", "Team 1", False))


def test_an_unknown_token_type_is_refused() -> None:
    with pytest.raises(ValidationError):
        offer_now(offer_type="gold")


def test_acceptance_by_the_target_with_enough_tokens_settles() -> None:
    [event] = decide_accept(open_offer(), governor_id="b", target_balance=1, now=NOW)
    assert event.event_type == "trade.accepted"


def test_acceptance_without_the_requested_tokens_is_refused() -> None:
    with pytest.raises(InsufficientTokensError):
        decide_accept(open_offer(), governor_id="b", target_balance=0, now=NOW)


def test_acceptance_by_anyone_but_the_target_is_refused() -> None:
    with pytest.raises(PermissionDeniedError):
        decide_accept(open_offer(), governor_id="a", target_balance=5, now=NOW)


@pytest.mark.parametrize("status", ["accepted", "rejected", "cancelled", "expired"])
def test_an_offer_that_ended_cannot_end_again(status: str) -> None:
    ended = open_offer(status=status)
    with pytest.raises(ConflictError):
        decide_accept(ended, governor_id="b", target_balance=5, now=NOW)
    with pytest.raises(ConflictError):
        decide_reject(ended, governor_id="b", now=NOW)
    with pytest.raises(ConflictError):
        decide_cancel(ended, governor_id="a", now=NOW)
    assert decide_expire_offer(ended, now=NOW + timedelta(days=9)) == []


def test_an_offer_past_its_expiry_cannot_be_accepted_and_expires() -> None:
    later = NOW + timedelta(seconds=DAY)
    with pytest.raises(ConflictError, match="expired"):
        decide_accept(open_offer(), governor_id="b", target_balance=5, now=later)
    assert decide_expire_offer(open_offer(), now=later - timedelta(seconds=1)) == []
    [event] = decide_expire_offer(open_offer(), now=later)
    assert event.event_type == "trade.expired"


def test_only_the_offerer_cancels_and_only_the_target_rejects() -> None:
    with pytest.raises(PermissionDeniedError):
        decide_cancel(open_offer(), governor_id="b", now=NOW)
    with pytest.raises(PermissionDeniedError):
        decide_reject(open_offer(), governor_id="a", now=NOW)


# --- Hooper trades --------------------------------------------------------------------------------

H1, H2 = Hooper("h1", "One", "t1"), Hooper("h2", "Two", "t2")
SWAP = HooperTrade("s1", "s", "a", "t1", "h1", "t2", "h2", "open", NOW + timedelta(days=2))


def test_proposing_a_swap_records_the_proposers_approval() -> None:
    events = decide_propose_hooper_trade(
        trade_id="s1",
        proposer=A,
        offer=H1,
        request=H2,
        target_team_governors=1,
        busy_hoopers=frozenset(),
        now=NOW,
        ttl_seconds=DAY,
    )
    assert [e.event_type for e in events] == ["hooper_trade.proposed", "hooper_trade.voted"]


def test_a_hooper_already_in_an_open_trade_cannot_be_offered_again() -> None:
    with pytest.raises(ConflictError):
        decide_propose_hooper_trade(
            trade_id="s2",
            proposer=A,
            offer=H1,
            request=H2,
            target_team_governors=1,
            busy_hoopers=frozenset({"h1"}),
            now=NOW,
            ttl_seconds=DAY,
        )


@pytest.mark.parametrize(
    ("governors", "votes", "outcome"),
    [
        ({"t1": 1, "t2": 1}, {"a": ("t1", True)}, None),
        ({"t1": 1, "t2": 1}, {"a": ("t1", True), "b": ("t2", True)}, "executed"),
        ({"t1": 1, "t2": 2}, {"a": ("t1", True), "b": ("t2", True)}, None),
        ({"t1": 1, "t2": 3}, {"a": ("t1", True), "b": ("t2", True), "c": ("t2", True)}, "executed"),
        ({"t1": 1, "t2": 2}, {"a": ("t1", True), "b": ("t2", False)}, "rejected"),
        ({"t1": 1, "t2": 3}, {"a": ("t1", True), "b": ("t2", False)}, None),
        ({"t1": 1, "t2": 0}, {"a": ("t1", True)}, "rejected"),
    ],
)
def test_a_swap_needs_a_strict_majority_of_each_team(
    governors: dict[str, int], votes: dict[str, tuple[str, bool]], outcome: str | None
) -> None:
    assert hooper_trade_outcome(SWAP, votes, governors) == outcome


def test_the_deciding_vote_executes_the_swap_from_the_given_round() -> None:
    events = decide_hooper_vote(
        SWAP,
        voter=B,
        approve=True,
        votes={"a": ("t1", True)},
        governors={"t1": 1, "t2": 1},
        hoopers=[H1, H2],
        now=NOW,
        effective_round=5,
    )
    assert [e.event_type for e in events] == ["hooper_trade.voted", "hooper_trade.executed"]
    assert events[-1].effective_round == 5  # type: ignore[attr-defined]


def test_a_swap_whose_hooper_moved_meanwhile_is_rejected_not_executed() -> None:
    moved = Hooper("h2", "Two", "t3")
    events = decide_hooper_vote(
        SWAP,
        voter=B,
        approve=True,
        votes={"a": ("t1", True)},
        governors={"t1": 1, "t2": 1},
        hoopers=[H1, moved],
        now=NOW,
        effective_round=5,
    )
    assert events[-1].event_type == "hooper_trade.rejected"


def test_an_outsider_cannot_vote_on_a_swap() -> None:
    with pytest.raises(PermissionDeniedError):
        decide_hooper_vote(
            SWAP,
            voter=Enrollment("c", "t3", "Team 3", True),
            approve=True,
            votes={},
            governors={"t1": 1, "t2": 1},
            hoopers=[H1, H2],
            now=NOW,
            effective_round=1,
        )


def test_a_swap_expires_only_once_its_time_is_up() -> None:
    assert decide_expire_hooper_trade(SWAP, now=NOW) == []
    [event] = decide_expire_hooper_trade(SWAP, now=SWAP.expires_at)
    assert event.event_type == "hooper_trade.expired"
