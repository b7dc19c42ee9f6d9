"""The governance event catalogue: typed payloads, their registry, envelopes and upcasters.

Every event type is a frozen pydantic model (`extra="forbid"`) registered under its dotted name
with the aggregate it belongs to and a `schema_version`. When a payload's shape changes, the old
version stays readable through an upcaster registered next to it (`upcast_<type>_v1_v2`). Every
proposal-related payload carries `proposal_id` at top level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal, NamedTuple, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from bot.domain.errors import ValidationError

TokenType = Literal["propose", "amend", "boost"]
TOKEN_TYPES: tuple[TokenType, ...] = ("propose", "amend", "boost")
VoteChoice = Literal["yes", "no"]
JsonDict = dict[str, Any]


class EventPayload(BaseModel):
    """Base of every event payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    aggregate_type: ClassVar[str]
    aggregate_key: ClassVar[str]
    schema_version: ClassVar[int] = 1

    def aggregate_id(self) -> str:
        return str(getattr(self, self.aggregate_key))


P = TypeVar("P", bound=type[EventPayload])

EVENT_TYPES: dict[str, type[EventPayload]] = {}
Upcaster = Callable[[JsonDict], JsonDict]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def event(name: str, aggregate: str, key: str, version: int = 1) -> Callable[[P], P]:
    """Register a payload model under its dotted event name."""

    def register(cls: P) -> P:
        if name in EVENT_TYPES:
            raise RuntimeError(f"event type {name} registered twice")
        if key not in cls.__pydantic_fields__:
            raise RuntimeError(f"{name}: aggregate key {key!r} is not a field")
        cls.event_type = name
        cls.aggregate_type = aggregate
        cls.aggregate_key = key
        cls.schema_version = version
        EVENT_TYPES[name] = cls
        return cls

    return register


def upcaster(name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function turning version `from_version` of a payload into the next one."""

    def register(fn: Upcaster) -> Upcaster:
        UPCASTERS[(name, from_version)] = fn
        return fn

    return register


def upcast(event_type: str, schema_version: int, payload: JsonDict) -> JsonDict:
    """Bring a stored payload up to the current schema version of its type."""
    cls = payload_class(event_type)
    while schema_version < cls.schema_version:
        step = UPCASTERS.get((event_type, schema_version))
        if step is None:
            raise ValidationError(f"no upcaster for {event_type} v{schema_version}")
        payload = step(payload)
        schema_version += 1
    return payload


def payload_class(event_type: str) -> type[EventPayload]:
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise ValidationError(f"unknown event type {event_type!r}") from None


def parse_payload(event_type: str, schema_version: int, payload: Mapping[str, Any]) -> EventPayload:
    """Upcast and validate a stored payload into its typed model."""
    data = upcast(event_type, schema_version, dict(payload))
    return payload_class(event_type).model_validate(data)


# --- Envelopes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event a handler decided on, before the store gives it a place in the log.

    `expected_version` is the aggregate's version the decision was based on (0: a new
    aggregate); None appends without a version check.
    """

    payload: EventPayload
    season_id: str
    round_number: int | None = None
    governance_window_id: str | None = None
    governor_id: str | None = None
    team_id: str | None = None
    expected_version: int | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def event_type(self) -> str:
        return self.payload.event_type

    @property
    def aggregate_type(self) -> str:
        return self.payload.aggregate_type

    @property
    def aggregate_id(self) -> str:
        return self.payload.aggregate_id()


class Recorded(Protocol):
    """What a projection's fold may read of an event. `pinwheel verify` replays the log
    reading only these columns (a `FoldEvent`), so a fold that reached for another field of
    `StoredEvent` would be caught by the type checker, not by a slower replay."""

    @property
    def sequence_number(self) -> int: ...
    @property
    def event_type(self) -> str: ...
    @property
    def season_id(self) -> str: ...
    @property
    def round_number(self) -> int | None: ...
    @property
    def payload(self) -> JsonDict: ...
    @property
    def created_at(self) -> datetime | None: ...


class FoldEvent(NamedTuple):
    """An event as a replay reads it: the `Recorded` fields only, payload upcast."""

    sequence_number: int
    event_type: str
    season_id: str
    round_number: int | None
    payload: JsonDict
    created_at: datetime | None


class StoredEvent(NamedTuple):
    """An event as the log holds it. `payload` is raw JSON already upcast to the current version.

    A NamedTuple: immutable like a frozen dataclass, and about five times cheaper to build, which
    matters when `pinwheel verify` replays a million of them.
    """

    id: str
    sequence_number: int
    event_type: str
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    season_id: str
    round_number: int | None
    governance_window_id: str | None
    governor_id: str | None
    team_id: str | None
    payload: JsonDict
    schema_version: int
    command_id: str | None
    metadata: JsonDict
    created_at: datetime | None
    league_id: str | None = None  # whose log `sequence_number` places it in

    def typed(self) -> EventPayload:
        return parse_payload(self.event_type, self.schema_version, self.payload)


# --- Season and enrollment ----------------------------------------------------------------------


@event("season.created", "season", "season_id")
class SeasonCreated(EventPayload):
    season_id: str
    league_id: str
    number: PositiveInt
    name: str
    starting_ruleset: JsonDict
    carried_over_from: str | None = None


@event("enrollment.joined", "enrollment", "governor_id")
class EnrollmentJoined(EventPayload):
    governor_id: str
    team_id: str


@event("enrollment.left", "enrollment", "governor_id")
class EnrollmentLeft(EventPayload):
    governor_id: str
    team_id: str
    removed_by: str | None = None  # an admin's Discord id when removed, None when they left
    reason: str = ""


@event("hooper.bio_updated", "hooper", "hooper_id")
class HooperBioUpdated(EventPayload):
    hooper_id: str
    team_id: str
    governor_id: str
    bio: str = Field(max_length=500)


# --- Proposals and votes --------------------------------------------------------------------------


@event("proposal.submitted", "proposal", "proposal_id", version=2)
class ProposalSubmitted(EventPayload):
    proposal_id: str
    governor_id: str
    team_id: str | None
    window_id: str | None
    raw_text: str
    sanitized_text: str
    interpretation: JsonDict
    tier: int = Field(ge=1, le=5)
    token_cost: int = Field(ge=0)
    threshold: float = Field(gt=0, lt=1)


def _default_threshold(tier: int) -> float:
    # Seed-era payloads had no threshold; this is the tier table they were tallied under.
    return {1: 0.5, 2: 0.5, 3: 0.6, 4: 0.6}.get(tier, 0.67)


@upcaster("proposal.submitted", 1)
def upcast_proposal_submitted_v1_v2(old: JsonDict) -> JsonDict:
    """v1 dumped the whole Proposal with `id` and `status`; v2 names `proposal_id`
    at top level, keeps the season in the envelope and records the pass threshold."""
    new = {k: v for k, v in old.items() if k not in ("id", "season_id", "status")}
    new["proposal_id"] = old.get("proposal_id", old["id"])
    new.setdefault("window_id", None)
    new.setdefault("team_id", None)
    new.setdefault("sanitized_text", old.get("raw_text", ""))
    new.setdefault("threshold", _default_threshold(int(old.get("tier", 1))))
    return new


@event("proposal.confirmed", "proposal", "proposal_id")
class ProposalConfirmed(EventPayload):
    proposal_id: str
    opened_round: int | None = None
    # When voting opened; the minimum voting period counts from here (None in older events:
    # the envelope's created_at stands in).
    opened_at: datetime | None = None


@event("proposal.flagged_for_review", "proposal", "proposal_id")
class ProposalFlaggedForReview(EventPayload):
    proposal_id: str
    reasons: tuple[str, ...] = ()


@event("proposal.review_cleared", "proposal", "proposal_id")
class ProposalReviewCleared(EventPayload):
    proposal_id: str
    admin_id: str


@event("proposal.vetoed", "proposal", "proposal_id")
class ProposalVetoed(EventPayload):
    proposal_id: str
    admin_id: str
    reason: str


@event("proposal.cancelled", "proposal", "proposal_id")
class ProposalCancelled(EventPayload):
    proposal_id: str
    cancelled_by: str
    by_admin: bool = False
    reason: str = ""


@event("proposal.amended", "proposal", "proposal_id")
class ProposalAmended(EventPayload):
    proposal_id: str
    amendment_id: str
    amending_governor_id: str
    amendment_text: str
    new_interpretation: JsonDict
    new_tier: int = Field(ge=1, le=5)
    new_threshold: float = Field(gt=0, lt=1)
    cleared_voter_ids: tuple[str, ...] = ()
    # Voting restarts on the amended text: the minimum voting period counts from here.
    opened_at: datetime | None = None


@event("vote.cast", "proposal", "proposal_id")
class VoteCast(EventPayload):
    proposal_id: str
    vote_id: str
    governor_id: str
    team_id: str | None
    vote: VoteChoice
    boost_used: bool = False


class RevealedVote(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    governor_id: str
    team_id: str | None
    vote: VoteChoice
    weight: float = Field(ge=0)
    boost_used: bool


@event("vote.revealed", "proposal", "proposal_id")
class VoteRevealed(EventPayload):
    proposal_id: str
    votes: tuple[RevealedVote, ...]


class _Outcome(EventPayload):
    proposal_id: str
    weighted_yes: float = Field(ge=0)
    weighted_no: float = Field(ge=0)
    total_weight: float = Field(ge=0)
    threshold: float
    quorum: float
    yes_count: int = Field(ge=0)
    no_count: int = Field(ge=0)


@event("proposal.passed", "proposal", "proposal_id")
class ProposalPassed(_Outcome):
    pass


@event("proposal.failed", "proposal", "proposal_id")
class ProposalFailed(_Outcome):
    reason: str


# --- Rules ----------------------------------------------------------------------------------------


@event("rule.enacted", "rule_change", "season_id")
class RuleEnacted(EventPayload):
    season_id: str
    proposal_id: str
    parameter: str
    old_value: int | float | bool
    new_value: int | float | bool
    round_enacted: int | None = None


@event("rule.rolled_back", "rule_change", "season_id")
class RuleRolledBack(EventPayload):
    season_id: str
    proposal_id: str
    parameter: str
    attempted_value: int | float | bool
    reason: str


# --- Tokens ---------------------------------------------------------------------------------------


class _TokenMove(EventPayload):
    governor_id: str
    token_type: TokenType
    amount: PositiveInt
    reason: str


@event("token.granted", "token", "governor_id")
class TokenGranted(_TokenMove):
    granted_by: str | None = None  # an admin's Discord id; None for the join grant


@event("token.spent", "token", "governor_id")
class TokenSpent(_TokenMove):
    proposal_id: str | None = None


@event("token.refunded", "token", "governor_id")
class TokenRefunded(_TokenMove):
    proposal_id: str | None = None


@event("token.regenerated", "token", "governor_id")
class TokenRegenerated(_TokenMove):
    pass


# --- Token trades ---------------------------------------------------------------------------------


class _TradeTerms(EventPayload):
    trade_id: str
    from_governor_id: str
    to_governor_id: str
    offer_type: TokenType
    offer_amount: PositiveInt
    request_type: TokenType
    request_amount: PositiveInt


@event("trade.offered", "trade", "trade_id")
class TradeOffered(_TradeTerms):
    from_team_id: str | None
    to_team_id: str | None
    expires_at: datetime


@event("trade.accepted", "trade", "trade_id")
class TradeAccepted(_TradeTerms):
    pass


@event("trade.rejected", "trade", "trade_id")
class TradeRejected(_TradeTerms):
    reason: str = "declined"


@event("trade.cancelled", "trade", "trade_id")
class TradeCancelled(_TradeTerms):
    pass


@event("trade.expired", "trade", "trade_id")
class TradeExpired(_TradeTerms):
    pass


# --- Hooper trades --------------------------------------------------------------------------------


@event("hooper_trade.proposed", "hooper_trade", "trade_id")
class HooperTradeProposed(EventPayload):
    trade_id: str
    proposer_governor_id: str
    proposer_team_id: str
    offer_hooper_id: str
    offer_hooper_name: str
    target_team_id: str
    request_hooper_id: str
    request_hooper_name: str
    expires_at: datetime


@event("hooper_trade.voted", "hooper_trade", "trade_id")
class HooperTradeVoted(EventPayload):
    trade_id: str
    governor_id: str
    team_id: str
    approve: bool


@event("hooper_trade.executed", "hooper_trade", "trade_id")
class HooperTradeExecuted(EventPayload):
    trade_id: str
    offer_hooper_id: str
    offer_hooper_name: str
    offer_team_id: str
    request_hooper_id: str
    request_hooper_name: str
    request_team_id: str
    effective_round: int | None = Field(None, ge=0)  # the first round played with the swap


@event("hooper_trade.rejected", "hooper_trade", "trade_id")
class HooperTradeRejected(EventPayload):
    trade_id: str
    reason: str


@event("hooper_trade.expired", "hooper_trade", "trade_id")
class HooperTradeExpired(EventPayload):
    trade_id: str


# --- Strategy -------------------------------------------------------------------------------------


@event("strategy.set", "strategy", "team_id")
class StrategySet(EventPayload):
    team_id: str
    governor_id: str
    raw_text: str = Field(max_length=500)


@event("strategy.interpreted", "strategy", "team_id")
class StrategyInterpreted(EventPayload):
    team_id: str
    governor_id: str
    strategy: JsonDict
    confidence: float = Field(ge=0, le=1)
    effective_round: int | None = Field(None, ge=0)  # the first round played with it


# --- Effects --------------------------------------------------------------------------------------


@event("effect.registered", "effect", "effect_id")
class EffectRegistered(EventPayload):
    effect_id: str
    proposal_id: str | None
    hook_point: str
    description: str
    duration: Literal["permanent", "rounds", "one_game"]
    duration_rounds: PositiveInt | None = None
    registered_at_round: int = Field(ge=0)
    definition: JsonDict


@event("effect.expired", "effect", "effect_id")
class EffectExpired(EventPayload):
    effect_id: str
    expired_at_round: int = Field(ge=0)


@event("effect.repealed", "effect", "effect_id")
class EffectRepealed(EventPayload):
    effect_id: str
    proposal_id: str
    repealed_at_round: int = Field(ge=0)


# --- Governance windows ---------------------------------------------------------------------------


@event("window.opened", "governance_window", "window_id")
class WindowOpened(EventPayload):
    window_id: str
    round_number: int = Field(ge=0)
    closes_after_round: int = Field(ge=0)


@event("window.closed", "governance_window", "window_id")
class WindowClosed(EventPayload):
    window_id: str
    round_number: int = Field(ge=0)
    proposals_resolved: tuple[str, ...] = ()
