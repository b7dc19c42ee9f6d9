"""Strategy, bio and effect decisions, pure: given what a command reads, the events or an error."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from bot.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from bot.domain.events import (
    EffectExpired,
    EffectRegistered,
    EffectRepealed,
    EventPayload,
    HooperBioUpdated,
    StrategyInterpreted,
    StrategySet,
)
from bot.domain.governance import Enrollment
from bot.domain.interpretation import Interpretation
from bot.domain.strategy_interpreter import interpret_strategy
from bot.domain.text import sanitize_text
from bot.domain.trades import Hooper

MAX_STRATEGY_CHARS = 500
MAX_BIO_CHARS = 500


def _governing(enrollment: Enrollment | None, what: str) -> Enrollment:
    if enrollment is None or not enrollment.is_active:
        raise PermissionDeniedError(f"Join a team this season before {what}.")
    return enrollment


def decide_strategy(
    enrollment: Enrollment | None, *, text: str, effective_round: int
) -> list[EventPayload]:
    """Set the governor's team strategy from plain text, used from `effective_round` on."""
    governor = _governing(enrollment, "setting a strategy")
    clean = sanitize_text(text, max_length=MAX_STRATEGY_CHARS)
    reading = interpret_strategy(clean)
    if reading.confidence == 0:
        raise ValidationError(
            "No strategy was understood. Try words like 'push the pace', 'shoot threes', "
            "'attack the rim', 'full-court press' or 'rest the starters'."
        )
    strategy: dict[str, Any] = {**reading.strategy.model_dump(), "raw_text": clean}
    return [
        StrategySet(team_id=governor.team_id, governor_id=governor.governor_id, raw_text=clean),
        StrategyInterpreted(
            team_id=governor.team_id,
            governor_id=governor.governor_id,
            strategy=strategy,
            confidence=reading.confidence,
            effective_round=effective_round,
        ),
    ]


def decide_bio(
    enrollment: Enrollment | None, hooper: Hooper | None, *, text: str
) -> list[EventPayload]:
    """Write a hooper's backstory: only a governor of the hooper's team may."""
    governor = _governing(enrollment, "writing a hooper's bio")
    if hooper is None:
        raise NotFoundError("There is no such hooper this season.")
    if hooper.team_id != governor.team_id:
        raise PermissionDeniedError("You can only write bios for your own team's hoopers.")
    bio = sanitize_text(text, max_length=MAX_BIO_CHARS)
    return [
        HooperBioUpdated(
            hooper_id=hooper.hooper_id,
            team_id=governor.team_id,
            governor_id=governor.governor_id,
            bio=bio,
        )
    ]


_EFFECT_IDS = uuid.UUID("5d9c1c8e-6f57-4a44-9d36-3f1f1b0f6e11")


def effect_id_for(proposal_id: str, index: int) -> str:
    """A stable id for the `index`th effect of a proposal (a UUID, derived, not random)."""
    return str(uuid.uuid5(_EFFECT_IDS, f"{proposal_id}:{index}"))


def decide_effects_for_passed(
    proposal_id: str,
    interpretation: Interpretation,
    *,
    round_number: int,
    active: Sequence[Mapping[str, Any]],
) -> list[EventPayload]:
    """The effects a passed proposal registers and the active effects it repeals.

    `active`: effect rows still acting after `round_number` (effect_id, definition)."""
    events: list[EventPayload] = []
    for effect_id in sorted(
        row["effect_id"]
        for row in active
        if row["effect_id"] in interpretation.repeals
        or row["definition"].get("parameter") in interpretation.repeals
    ):
        events.append(
            EffectRepealed(
                effect_id=effect_id, proposal_id=proposal_id, repealed_at_round=round_number
            )
        )
    for i, spec in enumerate(interpretation.effects):
        effect_id = effect_id_for(proposal_id, i)
        events.append(
            EffectRegistered(
                effect_id=effect_id,
                proposal_id=proposal_id,
                hook_point=spec.hook_point,
                description=spec.description,
                duration=spec.duration,
                duration_rounds=spec.duration_rounds,
                registered_at_round=round_number,
                definition=spec.effect(effect_id, proposal_id).model_dump(mode="json"),
            )
        )
    return events


def decide_expire_effects(lapsed: Sequence[str], *, round_number: int) -> list[EventPayload]:
    """Record the expiry of effects whose last round is over (bookkeeping: whether an effect
    acts in a round never depends on this having run)."""
    return [EffectExpired(effect_id=e, expired_at_round=round_number) for e in lapsed]
