"""The event catalogue: every type registered, frozen and strict; upcasting old payloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError as PydanticValidationError

from bot.domain.errors import ValidationError
from bot.domain.events import (
    EVENT_TYPES,
    ProposalSubmitted,
    TokenSpent,
    parse_payload,
    upcast,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "events"

# The original presenter's catalogue, its additions, and the gaps docs/design.md fills.
REQUIRED = {
    "proposal.submitted",
    "proposal.confirmed",
    "proposal.flagged_for_review",
    "proposal.review_cleared",
    "proposal.vetoed",
    "proposal.cancelled",
    "proposal.amended",
    "proposal.passed",
    "proposal.failed",
    "vote.cast",
    "vote.revealed",
    "rule.enacted",
    "rule.rolled_back",
    "token.spent",
    "token.regenerated",
    "token.granted",
    "token.refunded",
    "trade.offered",
    "trade.accepted",
    "trade.rejected",
    "trade.expired",
    "hooper_trade.proposed",
    "hooper_trade.executed",
    "hooper_trade.voted",
    "hooper_trade.rejected",
    "hooper_trade.expired",
    "strategy.set",
    "strategy.interpreted",
    "effect.registered",
    "effect.expired",
    "effect.repealed",
    "window.opened",
    "window.closed",
    "enrollment.joined",
    "enrollment.left",
    "season.created",
    "hooper.bio_updated",
}


def test_every_catalogued_event_type_is_registered() -> None:
    assert set(EVENT_TYPES) >= REQUIRED


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_payloads_are_frozen_and_refuse_unknown_fields(name: str) -> None:
    cls = EVENT_TYPES[name]
    assert cls.model_config.get("frozen") is True
    assert cls.model_config.get("extra") == "forbid"
    assert cls.event_type == name
    assert name.split(".")[0] in cls.aggregate_type or cls.aggregate_type in {
        "proposal",
        "rule_change",
        "governance_window",
        "token",
    }


@pytest.mark.parametrize(
    "name",
    sorted(n for n, c in EVENT_TYPES.items() if n.startswith(("proposal.", "vote.", "rule."))),
)
def test_proposal_related_payloads_carry_proposal_id_at_top_level(name: str) -> None:
    assert "proposal_id" in EVENT_TYPES[name].model_fields


def test_unknown_field_is_refused() -> None:
    with pytest.raises(PydanticValidationError):
        TokenSpent.model_validate(
            {"governor_id": "g", "token_type": "propose", "amount": 1, "reason": "r", "x": 1}
        )


def test_zero_or_negative_token_amounts_are_refused() -> None:
    for amount in (0, -1):
        with pytest.raises(PydanticValidationError):
            TokenSpent(governor_id="g", token_type="propose", amount=amount, reason="r")


def test_seed_era_proposal_submitted_upcasts_to_the_golden_v2_payload() -> None:
    v1 = json.loads((DATA / "proposal.submitted.v1.json").read_text())
    expected = json.loads((DATA / "proposal.submitted.v2.expected.json").read_text())
    assert ProposalSubmitted.schema_version == 2
    assert upcast("proposal.submitted", 1, v1) == expected
    typed = parse_payload("proposal.submitted", 1, v1)
    assert isinstance(typed, ProposalSubmitted)
    assert typed.proposal_id == v1["id"]
    assert typed.aggregate_id() == v1["id"]


def test_current_version_payload_passes_through_upcast_unchanged() -> None:
    expected = json.loads((DATA / "proposal.submitted.v2.expected.json").read_text())
    assert upcast("proposal.submitted", 2, expected) == expected


def test_unknown_event_type_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="unknown event type"):
        parse_payload("proposal.exploded", 1, {})
