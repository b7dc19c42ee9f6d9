"""Turning the operations aimed at one parameter into the value the governor asked for.

The value is *not* range-checked here: `build_interpretation` does that with the registry, so
an out-of-range request is reported with the allowed range instead of being clamped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.ai.lexer import UNITS, Number
from bot.ai.operations import Op
from bot.domain.interpretation import allowed_in_words, quantity, rule_name
from bot.domain.rules import PARAMS, RuleParam, RuleSet

_NUMERIC_KINDS = frozenset({"abs", "bare", "add", "by", "mul", "extreme"})
_NICE_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What was asked of one parameter: a value, nothing (None), or a failure reason."""

    parameter: str
    value: float | int | bool | None = None
    confidence: float = 1.0
    notes: tuple[str, ...] = ()
    failure: str | None = None


def resolve(name: str, ops: Sequence[Op], rules: RuleSet) -> Outcome:
    """The value `ops` ask `name` to take, given the current `rules`."""
    p = PARAMS[name]
    if p.type is bool:
        return _resolve_switch(p, ops, rules)
    return _resolve_number(p, ops, rules)


def default_step(p: RuleParam) -> float:
    """The step for "longer", "more", "raise" without an amount: about a tenth of the range."""
    if p.minimum is None or p.maximum is None:
        return 1.0
    span = (p.maximum - p.minimum) / 10
    if p.type is int:
        return float(max(1, round(span)))
    return min(_NICE_STEPS, key=lambda step: (max(step / span, span / step), step))


def _resolve_switch(p: RuleParam, ops: Sequence[Op], rules: RuleSet) -> Outcome:
    switches = {op.verb.switch for op in ops if op.verb is not None and op.verb.switch is not None}
    if len(switches) > 1:
        return Outcome(p.name, failure=f"The proposal asks for {_name(p)} to be both on and off.")
    if switches:
        return Outcome(p.name, switches.pop())
    if any(op.kind == "reset" for op in ops):
        return Outcome(p.name, p.default, 0.9, (_back_to_default(p),))
    if any(op.kind in _NUMERIC_KINDS or _is_direction(op) for op in ops):
        sibling = _numeric_sibling(p)
        if sibling is None:
            return Outcome(p.name, failure=f"{_name(p, True)} can only be switched on or off.")
        outcome = _resolve_number(sibling, ops, rules)
        return replace(outcome, confidence=outcome.confidence * 0.9)
    return Outcome(p.name)


def _resolve_number(p: RuleParam, ops: Sequence[Op], rules: RuleSet) -> Outcome:
    old = float(getattr(rules, p.name))
    has_number = any(op.kind in _NUMERIC_KINDS for op in ops)
    signs = _directions(p, ops, has_number)
    if len(signs) > 1:
        return Outcome(p.name, failure=f"The proposal asks to both raise and lower {_name(p)}.")
    direction = signs.pop() if signs else 0
    notes: list[str] = []
    confidence = 1.0
    exact = True  # the governor named the value; never round it for them

    absolutes, failure = _absolute_values(p, ops, direction, notes)
    if failure:
        return Outcome(p.name, failure=failure)
    muls = [op.factor for op in ops if op.kind == "mul"] + [
        op.number.value for op in ops if op.kind == "abs" and op.number and _is_factor(p, op)
    ]
    adds = [op.number for op in ops if op.kind == "add" and op.number is not None]
    bys = [op.number for op in ops if op.kind == "by" and op.number is not None]
    bares = [op.number for op in ops if op.kind == "bare" and op.number is not None]
    value: float
    if absolutes:
        distinct = sorted(set(absolutes))
        if len(distinct) > 1:
            shown = " and ".join(p.show(v) for v in distinct[:2])
            return Outcome(
                p.name, failure=f"Two different values were asked for {_name(p)} ({shown})."
            )
        value = distinct[0]
        if direction and value != old and (value > old) != (direction > 0):
            said, actual = ("raise", "lower") if direction > 0 else ("lower", "raise")
            notes.append(
                f"The proposal says to {said} {_name(p)}, but {p.show(value)} would {actual} "
                f"it (it is {p.show(old)} now)."
            )
            confidence *= 0.5
    elif muls:
        value, exact = old * math.prod(muls), False
    elif adds:
        value, exact = old, False
        for amount in adds:
            value, note = _shift(p, value, amount, 1)
            notes.extend(note)
    elif bys or bares:
        if not direction:
            return Outcome(
                p.name,
                failure=f"The proposal does not say whether to raise or lower {_name(p)}.",
            )
        amount = (bys or bares)[0]
        value, note = _shift(p, old, amount, direction)
        notes.extend(note)
        exact = False
    elif direction:
        step = default_step(p)
        value, exact = old + direction * step, False
        notes.append(f"No amount was given, so {_name(p)} moves by {quantity(p, step)}.")
        confidence *= 0.8
    elif any(op.kind == "reset" or (op.verb and op.verb.restore) for op in ops):
        value = float(p.default)
        notes.append(_back_to_default(p))
        confidence *= 0.9
    elif any(op.verb and op.verb.switch is False for op in ops):
        if p.minimum != 0:
            return Outcome(
                p.name,
                failure=(
                    f"{_name(p, True)} must be {allowed_in_words(p)}, so it cannot be switched off."
                ),
            )
        value = 0.0
        notes.append(f"Read 'off' as setting {_name(p)} to {p.show(0)}.")
        confidence *= 0.85
    else:
        return Outcome(p.name)

    confidence *= _check_claims(p, ops, old, notes)
    final, rounded = _as_parameter_type(p, value, exact)
    if rounded:
        notes.append(
            f"{_name(p, True)} is a whole number, so {_show(value)} was rounded to {final}."
        )
        confidence *= 0.9
    return Outcome(p.name, final, confidence, tuple(notes))


def _absolute_values(
    p: RuleParam, ops: Sequence[Op], direction: int, notes: list[str]
) -> tuple[list[float], str | None]:
    # "add 2 teams": after a verb that counts, a number before the rule is an amount.
    counting = any(op.verb is not None and op.verb.counts for op in ops)
    values: list[float] = []
    for op in ops:
        if op.kind == "extreme":
            bound = p.maximum if op.extreme == "max" else p.minimum
            if bound is not None:
                values.append(float(bound))
        elif op.number is not None and (
            (op.kind == "abs" and not _is_factor(p, op))
            or (
                op.kind == "bare"
                and ((op.adjectival and not counting) or op.stated or not direction)
            )
        ):
            value, failure = _absolute(p, op.number, notes)
            if failure:
                return [], failure
            values.append(value)
    return values, None


def _absolute(p: RuleParam, number: Number, notes: list[str]) -> tuple[float, str | None]:
    value = number.value
    if number.percent:
        if p.type is not float:
            return 0.0, f"{_name(p, True)} must be {allowed_in_words(p)}, not a percentage."
        return round(value / 100, 6), None
    if _is_share(p) and not number.fraction and 1 < value <= 100:
        notes.append(f"Read {_show(value)} as {_show(value)}% for {_name(p)}.")
        return round(value / 100, 6), None
    return value, None


def _shift(p: RuleParam, old: float, number: Number, sign: int) -> tuple[float, list[str]]:
    amount = sign * number.value
    if number.percent and _is_share(p):
        note = f"Read {_show(abs(number.value))}% as percentage points of {_name(p)}."
        return old + amount / 100, [note]
    if number.percent:
        return old * (1 + amount / 100), []
    if number.fraction:
        return old * (1 + amount), []
    if number.times:
        return old * abs(number.value), []
    return old + amount, []


def _check_claims(p: RuleParam, ops: Sequence[Op], old: float, notes: list[str]) -> float:
    """Lower confidence when the governor's "from 3" or units do not fit the parameter."""
    factor = 1.0
    for op in ops:
        number = op.number
        if number is None:
            continue
        if op.kind == "from":
            claimed, _ = _absolute(p, number, [])
            if not math.isclose(claimed, old, rel_tol=1e-6):
                notes.append(f"{_name(p, True)} is {p.show(old)} now, not {p.show(claimed)}.")
                factor *= 0.7
        unit = _unit_of(p)
        if number.unit and unit and number.unit != unit:
            notes.append(f"{_name(p, True)} is measured in {p.unit}, not {number.unit}.")
            factor *= 0.5
    return factor


def _as_parameter_type(p: RuleParam, value: float, exact: bool) -> tuple[float | int, bool]:
    if not math.isfinite(value):
        return value, False
    if p.type is int:
        if float(value).is_integer():
            return int(value), False
        if exact:
            return value, False  # the registry check will say it must be a whole number
        return math.floor(value + 0.5), True
    return round(value, 4), False


def _directions(p: RuleParam, ops: Sequence[Op], has_number: bool) -> set[int]:
    signs: set[int] = set()
    for op in ops:
        verb = op.verb
        if verb is None:
            continue
        if verb.speed:
            signs.add(-verb.speed if _unit_of(p) in ("seconds", "minutes") else verb.speed)
        elif verb.direction and (has_number or not verb.needs_number):
            signs.add(verb.direction)
    return signs


def _is_direction(op: Op) -> bool:
    return op.verb is not None and bool(op.verb.direction or op.verb.speed)


def _is_factor(p: RuleParam, op: Op) -> bool:
    """'to 2x' multiplies, unless the rule itself is a multiplier ('turnovers to 1.5x')."""
    return op.number is not None and op.number.times and p.unit != "x"


def _is_share(p: RuleParam) -> bool:
    return p.type is float and p.maximum is not None and p.maximum <= 1


def _unit_of(p: RuleParam) -> str | None:
    first = p.unit.split()[0] if p.unit.split() else ""
    return UNITS.get(first)


def _numeric_sibling(p: RuleParam) -> RuleParam | None:
    """'home_court_enabled' -> 'home_court_strength': the number behind an on/off rule."""
    stem = p.name.removesuffix("_enabled")
    if stem == p.name:
        return None
    found = [q for q in PARAMS.values() if q.name.startswith(stem + "_") and q.type is not bool]
    return found[0] if len(found) == 1 else None


def _back_to_default(p: RuleParam) -> str:
    said = p.sentence(p.default)
    return f"Back to the default: {said[:1].lower()}{said[1:]}."


def _name(p: RuleParam, capital: bool = False) -> str:
    return rule_name(p.name, capital=capital)


def _show(value: float) -> str:
    """A number as written: whole numbers without '.0', four decimals at most."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")
