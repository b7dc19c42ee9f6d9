"""Read models as pure folds over the event log.

A projection names the event types it reads, the keys (rows) an event touches, and a pure
`apply(state, event) -> changed entries`. The same fold keeps the projection tables current inside
the append transaction and, in `pinwheel verify`, rebuilds them from the whole log for comparison.
`state` passed to `apply` needs to hold only the keys that `keys(event)` names.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from bot.domain.errors import InsufficientTokensError
from bot.domain.events import StoredEvent

K = TypeVar("K", bound=Hashable)
S = TypeVar("S")


class Projection(Protocol, Generic[K, S]):
    name: str
    event_types: frozenset[str]

    def keys(self, event: StoredEvent) -> Iterable[K]: ...

    def apply(self, state: Mapping[K, S], event: StoredEvent) -> dict[K, S]: ...


def fold(projection: Projection[K, S], events: Iterable[StoredEvent]) -> dict[K, S]:
    """Replay `events` through `projection` from empty state."""
    state: dict[K, S] = {}
    types = projection.event_types
    apply = projection.apply
    for event in events:
        if event.event_type in types:
            state.update(apply(state, event))
    return state


# --- Token balances -----------------------------------------------------------------------------------

BalanceKey = tuple[str, str, str]  # (season_id, governor_id, token_type)

_CREDITS = frozenset({"token.granted", "token.regenerated", "token.refunded"})
_ESCROW_RETURNS = frozenset({"trade.rejected", "trade.cancelled", "trade.expired"})


class TokenBalances:
    """Spendable tokens per governor, season and type. Offered trade tokens sit in escrow (off
    the balance) from the offer until the trade settles, is rejected, cancelled or expires."""

    name = "token_balances"
    event_types = frozenset({"token.spent", "trade.offered", "trade.accepted"}) | _CREDITS | (
        _ESCROW_RETURNS
    )

    def keys(self, event: StoredEvent) -> list[BalanceKey]:
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

    def apply(self, state: Mapping[BalanceKey, int], event: StoredEvent) -> dict[BalanceKey, int]:
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


def balances_of(state: Mapping[BalanceKey, int], season_id: str, governor_id: str) -> dict[str, Any]:
    """A governor's balances by token type (0 where they have none)."""
    return {t: state.get((season_id, governor_id, t), 0) for t in ("propose", "amend", "boost")}
