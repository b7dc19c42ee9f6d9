"""Read models as pure folds over the event log.

A projection names the event types it reads, the keys (rows) an event touches, and a pure
`apply(state, event) -> changed entries`. The same fold keeps the projection tables current inside
the append transaction and, in `pinwheel verify`, rebuilds them from the whole log for comparison.
`state` passed to `apply` needs to hold only the keys that `keys(event)` names.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from bot.domain.errors import InsufficientTokensError
from bot.domain.events import Recorded

K = TypeVar("K", bound=Hashable)
S = TypeVar("S")


class Projection(Protocol, Generic[K, S]):
    name: str
    event_types: frozenset[str]

    def keys(self, event: Recorded) -> Iterable[K]: ...

    def apply(self, state: Mapping[K, S], event: Recorded) -> dict[K, S]: ...


def fold(projection: Projection[K, S], events: Iterable[Recorded]) -> dict[K, S]:
    """Replay `events` through `projection` from empty state."""
    state: dict[K, S] = {}
    types = projection.event_types
    apply = projection.apply
    for event in events:
        if event.event_type in types:
            state.update(apply(state, event))
    return state


# --- Token balances -------------------------------------------------------------------------------

BalanceKey = tuple[str, str, str]  # (season_id, governor_id, token_type)

_CREDITS = frozenset({"token.granted", "token.regenerated", "token.refunded"})
_ESCROW_RETURNS = frozenset({"trade.rejected", "trade.cancelled", "trade.expired"})


class TokenBalances:
    """Spendable tokens per governor, season and type. Offered trade tokens sit in escrow (off
    the balance) from the offer until the trade settles, is rejected, cancelled or expires."""

    name = "token_balances"
    event_types = (
        frozenset({"token.spent", "trade.offered", "trade.accepted"}) | _CREDITS | (_ESCROW_RETURNS)
    )

    def keys(self, event: Recorded) -> list[BalanceKey]:
        p, s = event.payload, event.season_id
        if event.event_type.startswith("token."):
            return [(s, p["governor_id"], p["token_type"])]
        offer = (s, p["from_governor_id"], p["offer_type"])
        if event.event_type == "trade.accepted":
            return [
                offer,
                (s, p["from_governor_id"], p["request_type"]),
                (s, p["to_governor_id"], p["offer_type"]),
                (s, p["to_governor_id"], p["request_type"]),
            ]
        return [offer]

    def apply(self, state: Mapping[BalanceKey, int], event: Recorded) -> dict[BalanceKey, int]:
        p, s, kind = event.payload, event.season_id, event.event_type
        changes: dict[BalanceKey, int] = {}

        def move(governor: str, token_type: str, delta: int) -> None:
            key = (s, governor, token_type)
            balance = changes.get(key, state.get(key, 0)) + delta
            if balance < 0:
                raise InsufficientTokensError(
                    f"Not enough {token_type} tokens: that needs {-delta}, "
                    f"and only {balance - delta} are available."
                )
            changes[key] = balance

        if kind in _CREDITS:
            move(p["governor_id"], p["token_type"], p["amount"])
        elif kind == "token.spent":
            move(p["governor_id"], p["token_type"], -p["amount"])
        elif kind == "trade.offered":
            move(p["from_governor_id"], p["offer_type"], -p["offer_amount"])
        elif kind in _ESCROW_RETURNS:
            move(p["from_governor_id"], p["offer_type"], p["offer_amount"])
        elif kind == "trade.accepted":
            move(p["to_governor_id"], p["request_type"], -p["request_amount"])
            move(p["from_governor_id"], p["request_type"], p["request_amount"])
            move(p["to_governor_id"], p["offer_type"], p["offer_amount"])
        return changes


def balances_of(
    state: Mapping[BalanceKey, int], season_id: str, governor_id: str
) -> dict[str, Any]:
    """A governor's balances by token type (0 where they have none)."""
    return {t: state.get((season_id, governor_id, t), 0) for t in ("propose", "amend", "boost")}


# --- Governance read models -----------------------------------------------------------------------
# State values are the non-key columns of the bound table, so a row and a folded entry compare
# equal exactly when the table is right.

Row = dict[str, Any]


def as_utc(value: datetime | str | None) -> datetime | None:
    """An instant as an aware UTC datetime (SQLite hands back naive UTC; JSON holds ISO text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


EnrollmentKey = tuple[str, str]  # (season_id, governor_id)


class Enrollments:
    """Who governs which team in each season, and whether they still do."""

    name = "enrollments"
    event_types = frozenset({"enrollment.joined", "enrollment.left"})

    def keys(self, event: Recorded) -> list[EnrollmentKey]:
        return [(event.season_id, event.payload["governor_id"])]

    def apply(
        self, state: Mapping[EnrollmentKey, Row], event: Recorded
    ) -> dict[EnrollmentKey, Row]:
        key = (event.season_id, event.payload["governor_id"])
        if event.event_type == "enrollment.joined":
            row: Row = {
                "team_id": event.payload["team_id"],
                "is_active": True,
                "joined_sequence": event.sequence_number,
                "left_sequence": None,
            }
        elif key in state:
            row = {**state[key], "is_active": False, "left_sequence": event.sequence_number}
        else:
            return {}
        return {key: row}


class Windows:
    """Governance windows: open or closed, and the rounds they span."""

    name = "governance_windows"
    event_types = frozenset({"window.opened", "window.closed"})

    def keys(self, event: Recorded) -> list[str]:
        return [event.payload["window_id"]]

    def apply(self, state: Mapping[str, Row], event: Recorded) -> dict[str, Row]:
        p = event.payload
        if event.event_type == "window.opened":
            row: Row = {
                "season_id": event.season_id,
                "status": "open",
                "opened_round": p["round_number"],
                "closes_after_round": p["closes_after_round"],
                "closed_round": None,
            }
        elif p["window_id"] in state:
            row = {**state[p["window_id"]], "status": "closed", "closed_round": p["round_number"]}
        else:
            return {}
        return {p["window_id"]: row}


_PROPOSAL_STATUS = {
    "proposal.confirmed": "confirmed",
    "proposal.flagged_for_review": "flagged",
    "proposal.review_cleared": "confirmed",
    "proposal.vetoed": "vetoed",
    "proposal.cancelled": "cancelled",
    "proposal.passed": "passed",
    "proposal.failed": "failed",
}


class Proposals:
    """Each proposal as it now stands: status, text and meaning (amended or not), tier,
    threshold and when voting on the current text opened."""

    name = "proposals"
    event_types = frozenset({"proposal.submitted", "proposal.amended"} | set(_PROPOSAL_STATUS))

    def keys(self, event: Recorded) -> list[str]:
        return [event.payload["proposal_id"]]

    def apply(self, state: Mapping[str, Row], event: Recorded) -> dict[str, Row]:
        p, kind, pid = event.payload, event.event_type, event.payload["proposal_id"]
        if kind == "proposal.submitted":
            row: Row = {
                "season_id": event.season_id,
                "governor_id": p["governor_id"],
                "team_id": p["team_id"],
                "window_id": p["window_id"],
                "status": "submitted",
                "raw_text": p["sanitized_text"],
                "interpretation": p["interpretation"],
                "tier": p["tier"],
                "token_cost": p["token_cost"],
                "threshold": p["threshold"],
                "amendment_count": 0,
                "opened_round": None,
                "opened_at": None,
            }
        elif pid not in state:
            return {}
        elif kind == "proposal.amended":
            row = {
                **state[pid],
                "status": "confirmed",
                "raw_text": p["amendment_text"],
                "interpretation": p["new_interpretation"],
                "tier": p["new_tier"],
                "threshold": p["new_threshold"],
                "amendment_count": state[pid]["amendment_count"] + 1,
                "opened_at": as_utc(p.get("opened_at") or event.created_at),
            }
        else:
            row = {**state[pid], "status": _PROPOSAL_STATUS[kind]}
            if kind == "proposal.confirmed":
                row["opened_round"] = p.get("opened_round")
                row["opened_at"] = as_utc(p.get("opened_at") or event.created_at)
        row["last_sequence"] = event.sequence_number
        return {pid: row}


VoteKey = tuple[str, str]  # (proposal_id, governor_id)


class Votes:
    """Each governor's current vote per proposal (the last one counts). An amendment marks the
    votes cast on the old text as cleared; they no longer count."""

    name = "votes"
    event_types = frozenset({"vote.cast", "proposal.amended"})

    def keys(self, event: Recorded) -> list[VoteKey]:
        # The rows whose current state `apply` reads. A cast vote replaces its row outright, so
        # it reads none, and the inline projection of a vote (the hottest write) loads nothing.
        p = event.payload
        if event.event_type == "vote.cast":
            return []
        return [(p["proposal_id"], g) for g in p["cleared_voter_ids"]]

    def apply(self, state: Mapping[VoteKey, Row], event: Recorded) -> dict[VoteKey, Row]:
        p = event.payload
        if event.event_type == "vote.cast":
            row = {
                "team_id": p["team_id"],
                "vote": p["vote"],
                "boost_used": p["boost_used"],
                "cleared": False,
            }
            return {(p["proposal_id"], p["governor_id"]): row}
        return {key: {**state[key], "cleared": True} for key in self.keys(event) if key in state}


class VoteTallies:
    """Counts and weights of each tallied proposal, written when its votes are revealed (votes
    stay hidden until then, so there is nothing to count in public before)."""

    name = "vote_tallies"
    event_types = frozenset({"vote.revealed"})

    def keys(self, event: Recorded) -> list[str]:
        return [event.payload["proposal_id"]]

    def apply(self, state: Mapping[str, Row], event: Recorded) -> dict[str, Row]:
        votes = event.payload["votes"]
        yes = [v for v in votes if v["vote"] == "yes"]
        no = [v for v in votes if v["vote"] == "no"]
        row = {
            "yes_count": len(yes),
            "no_count": len(no),
            "weighted_yes": float(sum(v["weight"] for v in yes)),
            "weighted_no": float(sum(v["weight"] for v in no)),
            "revealed": True,
        }
        return {event.payload["proposal_id"]: row}


# --- Levers: trade offers, hooper trades, strategies, bios, effects ------------------------------

_OFFER_ENDS = {
    "trade.accepted": "accepted",
    "trade.rejected": "rejected",
    "trade.cancelled": "cancelled",
    "trade.expired": "expired",
}


class TradeOffers:
    """Each token offer and its escrow: the offered amount while open, nothing once it ends."""

    name = "trade_offers"
    event_types = frozenset({"trade.offered"} | set(_OFFER_ENDS))

    def keys(self, event: Recorded) -> list[str]:
        return [event.payload["trade_id"]]

    def apply(self, state: Mapping[str, Row], event: Recorded) -> dict[str, Row]:
        p, tid = event.payload, event.payload["trade_id"]
        if event.event_type == "trade.offered":
            row: Row = {
                "season_id": event.season_id,
                "from_governor_id": p["from_governor_id"],
                "to_governor_id": p["to_governor_id"],
                "offer_type": p["offer_type"],
                "offer_amount": p["offer_amount"],
                "request_type": p["request_type"],
                "request_amount": p["request_amount"],
                "status": "open",
                "escrow": p["offer_amount"],
                "expires_at": as_utc(p["expires_at"]),
                "offered_sequence": event.sequence_number,
                "resolved_sequence": None,
            }
            return {tid: row}
        if tid not in state:
            return {}
        ended = _OFFER_ENDS[event.event_type]
        return {
            tid: {
                **state[tid],
                "status": ended,
                "escrow": 0,
                "resolved_sequence": event.sequence_number,
            }
        }


_HOOPER_TRADE_ENDS = {
    "hooper_trade.executed": "executed",
    "hooper_trade.rejected": "rejected",
    "hooper_trade.expired": "expired",
}


class HooperTrades:
    """Each proposed hooper swap and where it stands."""

    name = "hooper_trades"
    event_types = frozenset({"hooper_trade.proposed"} | set(_HOOPER_TRADE_ENDS))

    def keys(self, event: Recorded) -> list[str]:
        return [event.payload["trade_id"]]

    def apply(self, state: Mapping[str, Row], event: Recorded) -> dict[str, Row]:
        p, tid = event.payload, event.payload["trade_id"]
        if event.event_type == "hooper_trade.proposed":
            row: Row = {
                "season_id": event.season_id,
                "proposer_governor_id": p["proposer_governor_id"],
                "proposer_team_id": p["proposer_team_id"],
                "offer_hooper_id": p["offer_hooper_id"],
                "target_team_id": p["target_team_id"],
                "request_hooper_id": p["request_hooper_id"],
                "status": "open",
                "expires_at": as_utc(p["expires_at"]),
                "last_sequence": event.sequence_number,
            }
            return {tid: row}
        if tid not in state:
            return {}
        ended = _HOOPER_TRADE_ENDS[event.event_type]
        return {tid: {**state[tid], "status": ended, "last_sequence": event.sequence_number}}


class HooperTradeVotes:
    """Each governor's current vote on a hooper trade (the last one counts)."""

    name = "hooper_trade_votes"
    event_types = frozenset({"hooper_trade.voted"})

    def keys(self, event: Recorded) -> list[tuple[str, str]]:
        return []  # a vote replaces its row outright

    def apply(
        self, state: Mapping[tuple[str, str], Row], event: Recorded
    ) -> dict[tuple[str, str], Row]:
        p = event.payload
        return {
            (p["trade_id"], p["governor_id"]): {"team_id": p["team_id"], "approve": p["approve"]}
        }


class HooperMoves:
    """Hoopers moved by executed trades: (trade, hooper) -> new team from a round on."""

    name = "hooper_moves"
    event_types = frozenset({"hooper_trade.executed"})

    def keys(self, event: Recorded) -> list[tuple[str, str]]:
        return []

    def apply(
        self, state: Mapping[tuple[str, str], Row], event: Recorded
    ) -> dict[tuple[str, str], Row]:
        p = event.payload
        effective = p.get("effective_round") or event.round_number or 0
        common = {
            "season_id": event.season_id,
            "effective_round": effective,
            "sequence": event.sequence_number,
        }
        return {
            (p["trade_id"], p["offer_hooper_id"]): {
                **common,
                "from_team_id": p["offer_team_id"],
                "to_team_id": p["request_team_id"],
            },
            (p["trade_id"], p["request_hooper_id"]): {
                **common,
                "from_team_id": p["request_team_id"],
                "to_team_id": p["offer_team_id"],
            },
        }


class TeamStrategies:
    """Each team's interpreted strategy by the round it takes effect from (a later setting for
    the same round replaces an earlier one)."""

    name = "team_strategies"
    event_types = frozenset({"strategy.interpreted"})

    def keys(self, event: Recorded) -> list[tuple[str, int]]:
        return []

    def apply(
        self, state: Mapping[tuple[str, int], Row], event: Recorded
    ) -> dict[tuple[str, int], Row]:
        p = event.payload
        effective = p.get("effective_round") or 0
        row: Row = {
            "season_id": event.season_id,
            "governor_id": p["governor_id"],
            "raw_text": p["strategy"].get("raw_text", ""),
            "strategy": {k: v for k, v in p["strategy"].items() if k != "raw_text"},
            "confidence": float(p["confidence"]),
            "last_sequence": event.sequence_number,
        }
        return {(p["team_id"], effective): row}


class HooperBios:
    """Each hooper's latest backstory written by a governor."""

    name = "hooper_bios"
    event_types = frozenset({"hooper.bio_updated"})

    def keys(self, event: Recorded) -> list[str]:
        return []

    def apply(self, state: Mapping[str, Row], event: Recorded) -> dict[str, Row]:
        p = event.payload
        row: Row = {
            "season_id": event.season_id,
            "governor_id": p["governor_id"],
            "bio": p["bio"],
            "last_sequence": event.sequence_number,
        }
        return {p["hooper_id"]: row}


def effect_last_round(duration: str, registered_round: int, rounds: int | None) -> int | None:
    """The last round an effect acts in; it first acts in the round after it was registered.
    None: permanent."""
    if duration == "permanent":
        return None
    if duration == "one_game":
        return registered_round + 1
    assert rounds is not None
    return registered_round + rounds


class Effects:
    """Registered effects: the rounds they span, and whether they expired or were repealed.

    Whether an effect acts in a round follows from `registered_round` and `last_round` alone (a
    repeal moves `last_round` back); `status` records the expiry and repeal events."""

    name = "effects"
    event_types = frozenset({"effect.registered", "effect.expired", "effect.repealed"})

    def keys(self, event: Recorded) -> list[str]:
        return [event.payload["effect_id"]]

    def apply(self, state: Mapping[str, Row], event: Recorded) -> dict[str, Row]:
        p, eid = event.payload, event.payload["effect_id"]
        if event.event_type == "effect.registered":
            row: Row = {
                "season_id": event.season_id,
                "proposal_id": p["proposal_id"],
                "hook_point": p["hook_point"],
                "definition": p["definition"],
                "registered_round": p["registered_at_round"],
                "last_round": effect_last_round(
                    p["duration"], p["registered_at_round"], p.get("duration_rounds")
                ),
                "status": "active",
            }
            return {eid: row}
        if eid not in state or state[eid]["status"] != "active":
            return {}
        if event.event_type == "effect.expired":
            return {eid: {**state[eid], "status": "expired"}}
        # A repeal ends the effect after the round it passed in; earlier rounds keep it.
        last, repealed = state[eid]["last_round"], p["repealed_at_round"]
        ends = repealed if last is None else min(last, repealed)
        return {eid: {**state[eid], "status": "repealed", "last_round": ends}}
