"""What an interpreter understood a proposal to mean, validated against the rule registry.

Every interpreter (the built-in parser or an LLM) only *proposes* parameter values; they all
pass through `build_interpretation`, which checks each value with the registry and the whole
change with `RuleSet.with_changes`. An out-of-range request is never clamped: it yields no
change and a reason that names the allowed range.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.effects import Effect, HookPoint, Operation
from bot.domain.errors import RuleValidationError
from bot.domain.rules import PARAMS, RuleSet

RuleValue = bool | int | float

# Below this confidence an interpretation is "wild": shown to the governor as a guess and
# flagged for review rather than treated as a clear rule change.
WILD_THRESHOLD = 0.6
# Reasons are shown to players; a flood of them helps nobody.
MAX_REASONS = 8
MAX_REASON_CHARS = 300
MAX_PHRASE_CHARS = 200


class ParameterChange(BaseModel):
    """One validated parameter change and the words it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parameter: str
    old_value: RuleValue
    new_value: RuleValue
    phrase: str = Field("", max_length=MAX_PHRASE_CHARS)


class EffectSpec(BaseModel):
    """A declarative effect a passed proposal registers (see `bot.domain.effects.Effect`), and
    how long it lasts: for good, for `duration_rounds` rounds, or for one game."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hook_point: HookPoint
    parameter: str
    operation: Operation
    value: float = Field(ge=-1000.0, le=1000.0, allow_inf_nan=False)
    target: str = Field("all", min_length=1, max_length=100)
    description: str = Field("", max_length=500)
    duration: Literal["permanent", "rounds", "one_game"] = "permanent"
    duration_rounds: int | None = Field(None, ge=1, le=100)

    @model_validator(mode="after")
    def _valid_effect(self) -> EffectSpec:
        self.effect("check")  # the parameter must exist and act at the hook point
        if (self.duration == "rounds") != (self.duration_rounds is not None):
            raise ValueError("duration_rounds is given exactly when duration is 'rounds'")
        return self

    def effect(self, effect_id: str, proposal_id: str | None = None) -> Effect:
        return Effect(
            effect_id=effect_id,
            hook_point=self.hook_point,
            parameter=self.parameter,
            operation=self.operation,
            value=self.value,
            target=self.target,
            description=self.description,
            proposal_id=proposal_id,
        )


class Interpretation(BaseModel):
    """The meaning of a proposal: validated changes, how sure, and why not surer.

    `effects` are declarative effects to register when it passes; `repeals` name effects (by
    effect id or effect parameter) to end when it passes. Both are optional and empty for a
    plain rule change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    changes: tuple[ParameterChange, ...] = ()
    confidence: float = Field(ge=0.0, le=1.0)
    summary: str
    unsure_reasons: tuple[str, ...] = ()
    is_wild: bool
    effects: tuple[EffectSpec, ...] = ()
    repeals: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _nothing_understood_is_wild(self) -> Interpretation:
        if not (self.changes or self.effects or self.repeals) and not self.is_wild:
            raise ValueError("an interpretation without changes, effects or repeals must be wild")
        return self

    def rule_changes(self) -> dict[str, RuleValue]:
        """The changes as `RuleSet.with_changes` takes them: parameter -> new value."""
        return {c.parameter: c.new_value for c in self.changes}

    def explain(self) -> str:
        """One player-facing sentence or two: what was understood and what was not."""
        parts = [self.summary] if (self.changes or self.effects or self.repeals) else []
        parts.extend(self.unsure_reasons)
        return " ".join(parts) if parts else self.summary


@dataclass(frozen=True, slots=True)
class ProposedChange:
    """An unvalidated suggestion from an interpreter: parameter name and value as given."""

    parameter: str
    new_value: object
    phrase: str = ""
    confidence: float = 1.0


def build_interpretation(
    proposed: Sequence[ProposedChange],
    rules: RuleSet,
    *,
    confidence: float = 1.0,
    reasons: Iterable[str] = (),
    failed: bool = False,
) -> Interpretation:
    """Validate `proposed` against the registry and `rules` and describe the result.

    `failed` marks the interpretation wild whatever else happens (the caller already knows
    something could not be understood; `reasons` should say what).
    """
    notes = list(reasons)
    hard_failure = failed
    chosen: dict[str, tuple[RuleValue, ProposedChange]] = {}
    conflicted: set[str] = set()
    for item in proposed:
        try:
            value = _validated(item.parameter, item.new_value)
        except RuleValidationError as exc:
            notes.append(str(exc))
            hard_failure = True
            continue
        name = item.parameter
        if name in conflicted:
            continue
        if name in chosen:
            earlier = chosen[name][0]
            if not _same(earlier, value):
                notes.append(
                    f"Two different values were asked for {name} "
                    f"({format_value(earlier)} and {format_value(value)})."
                )
                hard_failure = True
                conflicted.add(name)
                del chosen[name]
            continue
        if _same(getattr(rules, name), value):
            notes.append(f"{name} is already {format_value(value)}.")
            continue
        chosen[name] = (value, item)

    changes = tuple(
        ParameterChange(
            parameter=name,
            old_value=getattr(rules, name),
            new_value=value,
            phrase=item.phrase[:MAX_PHRASE_CHARS],
        )
        for name, (value, item) in chosen.items()
    )
    if changes:
        try:
            rules.with_changes({c.parameter: c.new_value for c in changes})
        except RuleValidationError as exc:
            notes.append(str(exc))
            hard_failure = True
        confidence = min([confidence, *(item.confidence for _, item in chosen.values())])
    else:
        confidence = 0.0
    confidence = round(min(1.0, max(0.0, confidence)), 2)
    return Interpretation(
        changes=changes,
        confidence=confidence,
        summary=summarize(changes),
        unsure_reasons=_tidy(notes),
        is_wild=hard_failure or not changes or confidence < WILD_THRESHOLD,
    )


def wild(reason: str) -> Interpretation:
    """An interpretation that understood nothing, for `reason`."""
    return build_interpretation((), RuleSet(), reasons=(reason,), failed=True)


def summarize(changes: Sequence[ParameterChange]) -> str:
    """Plain English of the changes, e.g. 'three_point_value: 3 → 5'."""
    if not changes:
        return "No rule change understood."
    return "; ".join(
        f"{c.parameter}: {format_value(c.old_value)} → {format_value(c.new_value)}" for c in changes
    )


def format_value(value: object) -> str:
    """A rule value as players read it: on/off, whole numbers without '.0', 4 decimals at most."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _validated(name: str, value: object) -> RuleValue:
    if name not in PARAMS:
        raise RuleValidationError(f"There is no rule called '{name}'.")
    param = PARAMS[name]
    # JSON and arithmetic give 5.0 for five; the registry wants the parameter's own type.
    if param.type is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    elif param.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    return param.check(value)


def _same(a: RuleValue, b: RuleValue) -> bool:
    return type(a) is type(b) and a == b


def _tidy(notes: Iterable[str]) -> tuple[str, ...]:
    unique = list(dict.fromkeys(n.strip()[:MAX_REASON_CHARS] for n in notes if n.strip()))
    if len(unique) > MAX_REASONS:
        hidden = len(unique) - (MAX_REASONS - 1)
        unique = [*unique[: MAX_REASONS - 1], f"...and {hidden} more."]
    return tuple(unique)
