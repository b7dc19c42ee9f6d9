"""What an interpreter understood a proposal to mean, validated against the rule registry.

Every interpreter (the built-in parser or an LLM) only *proposes* parameter values; they all
pass through `build_interpretation`, which checks each value with the registry and the whole
change with `RuleSet.with_changes`. An out-of-range request is never clamped: it yields no
change and a reason that names the allowed range.

Summaries and reasons are shown to players, so they name rules in words from the registry
("The shot clock must be 10 to 60 seconds; got 99."), never by their snake_case names;
`rule_name`, `quantity` and `in_words` are the helpers the interpreters word them with.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.effects import Effect, HookPoint, Operation
from bot.domain.errors import RuleValidationError
from bot.domain.rules import PARAMS, SHARE_UNITS, RuleParam, RuleSet

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
        if parts and self.unsure_reasons and not parts[0].endswith((".", "!", "?")):
            parts[0] += "."
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
        p = PARAMS[name]
        if name in conflicted:
            continue
        if name in chosen:
            earlier = chosen[name][0]
            if not _same(earlier, value):
                notes.append(
                    f"Two different values were asked for {rule_name(name)} "
                    f"({p.show(earlier)} and {p.show(value)})."
                )
                hard_failure = True
                conflicted.add(name)
                del chosen[name]
            continue
        if _same(getattr(rules, name), value):
            notes.append(f"{p.sentence(value)} already.")
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
    """Plain English of the changes, e.g. 'Three-pointers are worth 5 points (now 3)'."""
    if not changes:
        return "No rule change understood."
    return "; ".join(_change_in_words(c) for c in changes)


def _change_in_words(c: ParameterChange) -> str:
    if c.parameter in PARAMS:
        return PARAMS[c.parameter].change(c.old_value, c.new_value)
    return in_words(f"{c.parameter}: {format_value(c.old_value)} → {format_value(c.new_value)}")


# --- Rules in words -------------------------------------------------------------------------------


def rule_name(name: str, *, capital: bool = False) -> str:
    """How a sentence names a rule: 'the shot clock', 'the Elam margin', 'the number of playoff
    teams' (labels that count something)."""
    p = PARAMS.get(name)
    if p is None or not p.label:
        words = name.replace("_", " ")
    else:
        words = _lowered(p.label)
        words = f"the number of {words}" if _counts(p.label) else f"the {words}"
    return words[:1].upper() + words[1:] if capital else words


def quantity(p: RuleParam, value: float | int) -> str:
    """A quantity of a rule's unit: '5 seconds', '1 point', '5 percentage points', '0.25×'."""
    if p.unit in SHARE_UNITS:
        points = _plain(value * 100)
        return f"{points} percentage point{'' if points == '1' else 's'}"
    if p.unit in ("x", "on/off"):
        return p.show(value)
    shown = _plain(value)
    return f"{shown} {_singular(p.unit) if shown in ('1', '-1') else p.unit}"


def allowed_in_words(p: RuleParam, value: object = None) -> str:
    """The values a rule allows, as a player reads them: '10 to 60 seconds', '50% to 95%',
    '2, 4 or 8'; 'a whole number from 1 to 10 points' when `value` is a fraction."""
    if p.type is bool:
        return "on or off"
    unit = "" if _counts(p.label) or p.unit == "x" or p.unit in SHARE_UNITS else f" {p.unit}"
    if p.choices:
        *head, last = (str(c) for c in p.choices)
        return f"{', '.join(head)} or {last}{unit}" if head else f"{last}{unit}"
    assert p.minimum is not None and p.maximum is not None
    span = f"{p.show(p.minimum)} to {p.show(p.maximum)}{unit}"
    fractional = isinstance(value, float) and math.isfinite(value) and not value.is_integer()
    if p.type is int and fractional:
        return f"a whole number from {span}"
    return span


def refusal(name: str, value: object) -> str:
    """Why `value` is refused for the rule `name`: 'The shot clock must be 10 to 60 seconds;
    got 99.'"""
    p = PARAMS[name]
    if _in_range(p, value):
        # In range on its own, refused by a rule across parameters ("best of N" is odd).
        try:
            RuleSet().with_changes({name: value})
        except RuleValidationError as exc:
            said, got = in_words(str(exc)).rstrip("."), _got(p, value)
            return f"{said}." if f"({got})" in said else f"{said}; got {got}."
    allowed = allowed_in_words(p, value)
    return f"{rule_name(name, capital=True)} must be {allowed}; got {_got(p, value)}."


def is_range_refusal(reason: str) -> bool:
    """Whether `reason` refuses a value as out of range (`refusal`'s wording, the registry's
    label wording, or the old snake_case wording)."""
    return reason.startswith(_REFUSAL_PREFIXES)


def in_words(text: str) -> str:
    """`text` with every snake_case registry name ('shot_clock_seconds') replaced by the rule
    in words ('the shot clock'): the last guard that nothing shown to players reads like code."""

    def label(match: re.Match[str]) -> str:
        name = match.group()
        if text[: match.start()].lower().endswith(("the ", "a ")):
            return _lowered(PARAMS[name].label or name.replace("_", " "))
        return rule_name(name, capital=match.start() == 0)

    return _NAMES.sub(label, text)


def _refusal_prefixes() -> tuple[str, ...]:
    prefixes: list[str] = []
    for name, p in PARAMS.items():
        prefixes += [f"{rule_name(name, capital=True)} must be ", f"{name} must be "]
        if p.label:
            prefixes.append(f"{p.label} must be ")
    return tuple(prefixes)


def _lowered(label: str) -> str:
    """'Shot clock' -> 'shot clock'; 'Elam margin' keeps its capital (Elam is a name)."""
    if label.startswith("Elam"):
        return label
    return label[:1].lower() + label[1:]


def _counts(label: str) -> bool:
    """Whether a label names a count of things ('Playoff teams', 'Rounds per window')."""
    return any(
        w.endswith("s") and not w.endswith(("ss", "us")) for w in label.replace("-", " ").split()
    )


def _singular(unit: str) -> str:
    """'seconds' -> 'second', 'round robins' -> 'round robin', 'feet' -> 'foot'."""
    words = unit.split()
    for k, w in enumerate(words):
        if w == "feet":
            words[k] = "foot"
            break
        if w.endswith("s"):
            words[k] = w[:-1]
            break
    return " ".join(words)


def _plain(value: float | int) -> str:
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:g}"


def _got(p: RuleParam, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "on" if value is True else "off" if value is False else repr(value)[:40]
    if math.isnan(value):
        return "something that is not a number"
    if math.isinf(value):
        return "infinity" if value > 0 else "minus infinity"
    if p.unit in SHARE_UNITS and abs(value) > 10:
        return _plain(value)  # no percentage was meant: 150 is not 15000%
    if p.type is int and not float(value).is_integer():
        return f"{value:.12g}"  # every digit: "24.0000000001" is no whole number
    return p.show(value)


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
    try:
        return param.check(value)
    except RuleValidationError:
        raise RuleValidationError(refusal(name, value)) from None


def _in_range(p: RuleParam, value: object) -> bool:
    """Whether `value` has the rule's type and lies in its range (and choices)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or p.type is bool:
        return False
    if not math.isfinite(value) or (p.type is int and not float(value).is_integer()):
        return False
    if p.choices and value not in p.choices:
        return False
    return p.minimum is not None and p.maximum is not None and p.minimum <= value <= p.maximum


def _same(a: RuleValue, b: RuleValue) -> bool:
    return type(a) is type(b) and a == b


def _tidy(notes: Iterable[str]) -> tuple[str, ...]:
    worded = (in_words(n.strip()) for n in notes if n.strip())
    unique = list(dict.fromkeys(n[:MAX_REASON_CHARS] for n in worded))
    if len(unique) > MAX_REASONS:
        hidden = len(unique) - (MAX_REASONS - 1)
        unique = [*unique[: MAX_REASONS - 1], f"...and {hidden} more."]
    return tuple(unique)


# Only snake_case names: "quorum" is a name and an English word, and stays as written.
_SNAKE_NAMES = sorted((n for n in PARAMS if "_" in n), key=len, reverse=True)
_NAMES = re.compile(r"\b(?:" + "|".join(map(re.escape, _SNAKE_NAMES)) + r")\b")
_REFUSAL_PREFIXES = _refusal_prefixes()
