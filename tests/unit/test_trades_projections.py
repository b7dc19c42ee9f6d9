"""The levers' folds, pure: given events, the rows they project."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain.events import StoredEvent
from bot.domain.projections import Effects, HooperMoves, TokenBalances, TradeOffers, fold

TERMS = {
    "trade_id": "t",
    "from_governor_id": "a",
    "to_governor_id": "b",
    "offer_type": "propose",
    "offer_amount": 2,
    "request_type": "boost",
    "request_amount": 1,
}


def ev(
    seq: int, kind: str, payload: dict[str, Any], round_number: int | None = None
) -> StoredEvent:
    return StoredEvent(
        "id", seq, kind, "x", "x", seq, "s", round_number, None, None, None, payload, 1, None, {},
        datetime(2026, 3, 1, tzinfo=UTC),
    )  # fmt: skip


def grant(seq: int, governor: str, token_type: str, amount: int) -> StoredEvent:
    payload = {"governor_id": governor, "token_type": token_type, "amount": amount, "reason": ""}
    return ev(seq, "token.granted", payload)


OFFERED = {**TERMS, "from_team_id": "t1", "to_team_id": "t2", "expires_at": "2026-03-02T00:00:00Z"}


def test_an_open_offer_holds_its_escrow_and_an_ended_one_holds_none() -> None:
    opened = fold(TradeOffers(), [ev(1, "trade.offered", OFFERED)])
    assert (opened["t"]["status"], opened["t"]["escrow"]) == ("open", 2)
    ended = fold(TradeOffers(), [ev(1, "trade.offered", OFFERED), ev(2, "trade.expired", TERMS)])
    assert (ended["t"]["status"], ended["t"]["escrow"], ended["t"]["resolved_sequence"]) == (
        "expired",
        0,
        2,
    )


def test_balances_plus_escrow_are_conserved_through_an_accepted_trade() -> None:
    log = [grant(1, "a", "propose", 3), grant(2, "b", "boost", 1), ev(3, "trade.offered", OFFERED)]
    during = fold(TokenBalances(), log)
    assert during[("s", "a", "propose")] == 1  # two in escrow
    after = fold(TokenBalances(), [*log, ev(4, "trade.accepted", TERMS)])
    assert after == {
        ("s", "a", "propose"): 1,
        ("s", "a", "boost"): 1,
        ("s", "b", "boost"): 0,
        ("s", "b", "propose"): 2,
    }


def effect(duration: str, rounds: int | None = None) -> StoredEvent:
    payload = {
        "effect_id": "e",
        "proposal_id": "p",
        "hook_point": "sim.possession.pre",
        "description": "",
        "duration": duration,
        "duration_rounds": rounds,
        "registered_at_round": 4,
        "definition": {},
    }
    return ev(1, "effect.registered", payload)


def test_an_effects_last_round_is_computed_from_the_round_it_was_registered_in() -> None:
    assert fold(Effects(), [effect("rounds", 3)])["e"]["last_round"] == 7
    assert fold(Effects(), [effect("one_game")])["e"]["last_round"] == 5
    assert fold(Effects(), [effect("permanent")])["e"]["last_round"] is None


def test_a_repeal_moves_the_last_round_back_and_expiry_only_marks_it() -> None:
    repeal = ev(
        2, "effect.repealed", {"effect_id": "e", "proposal_id": "q", "repealed_at_round": 5}
    )
    repealed = fold(Effects(), [effect("permanent"), repeal])["e"]
    assert (repealed["status"], repealed["last_round"]) == ("repealed", 5)
    expired = fold(
        Effects(),
        [effect("rounds", 3), ev(2, "effect.expired", {"effect_id": "e", "expired_at_round": 8})],
    )["e"]
    assert (expired["status"], expired["last_round"]) == ("expired", 7)


def test_an_executed_swap_moves_both_hoopers_from_its_effective_round() -> None:
    payload = {
        "trade_id": "t",
        "offer_hooper_id": "h1",
        "offer_hooper_name": "One",
        "offer_team_id": "t1",
        "request_hooper_id": "h2",
        "request_hooper_name": "Two",
        "request_team_id": "t2",
        "effective_round": 6,
    }
    moves = fold(HooperMoves(), [ev(9, "hooper_trade.executed", payload, round_number=5)])
    assert {k[1]: (v["to_team_id"], v["effective_round"]) for k, v in moves.items()} == {
        "h1": ("t2", 6),
        "h2": ("t1", 6),
    }
