"""Lever commands: token trades, hooper trades, strategies, bios and effect upkeep.

Frozen dataclasses like the governance commands; `request()` is what a command id is bound to.
Background steps use deterministic ids (`expire:trade:<id>`, `expire:hooper_trade:<id>`,
`expire:effects:<season>:<round>`), so two processes running the same step apply it once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.governance.commands import Command


@dataclass(frozen=True)
class OfferTrade(Command):
    """Offer some of one's tokens for some of another governor's; the offer goes into escrow."""

    season_id: str
    governor_id: str
    to_governor_id: str
    offer_type: str
    offer_amount: int
    request_type: str
    request_amount: int


@dataclass(frozen=True)
class AcceptTrade(Command):
    trade_id: str
    governor_id: str


@dataclass(frozen=True)
class RejectTrade(Command):
    trade_id: str
    governor_id: str


@dataclass(frozen=True)
class CancelTrade(Command):
    trade_id: str
    governor_id: str


@dataclass(frozen=True)
class ExpireTrade(Command):
    trade_id: str


@dataclass(frozen=True)
class ProposeHooperTrade(Command):
    season_id: str
    governor_id: str
    offer_hooper_id: str
    request_hooper_id: str


@dataclass(frozen=True)
class VoteHooperTrade(Command):
    trade_id: str
    governor_id: str
    approve: bool


@dataclass(frozen=True)
class ExpireHooperTrade(Command):
    trade_id: str


@dataclass(frozen=True)
class SetStrategy(Command):
    season_id: str
    governor_id: str
    text: str


@dataclass(frozen=True)
class UpdateBio(Command):
    season_id: str
    governor_id: str
    hooper_id: str
    text: str


@dataclass(frozen=True)
class ExpireEffects(Command):
    """Record `effect.expired` for effects whose last round is before `round_number`."""

    season_id: str
    round_number: int


def expire_trade_id(trade_id: str) -> str:
    return f"expire:trade:{trade_id}"


def expire_hooper_trade_id(trade_id: str) -> str:
    return f"expire:hooper_trade:{trade_id}"


def expire_effects_id(season_id: str, round_number: int) -> str:
    return f"expire:effects:{season_id}:{round_number}"
