"""Effect phrasings the built-in interpreter knows: a rule change for a while, and repeals.

- "for the next 3 rounds, the home team's threes are worth 4" (or the clause at the end:
  "... for the next 3 rounds"; "for one game" / "for the next game") reads the change with the
  ordinary parser and registers it as a declarative effect lasting that long, instead of a
  permanent rule change. Only rules the simulation's hook points can change become effects.
- "repeal <rule words>" ends the active effects on the rules named.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.domain.effects import EFFECT_PARAMETERS
from bot.domain.interpretation import EffectSpec, Interpretation, format_value, rule_name
from bot.domain.rules import PARAMS, RuleSet

_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "a": 1, "an": 1,
}  # fmt: skip
_N = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)"
_ROUNDS_FIRST = re.compile(rf"^\s*for (?:the )?next {_N} rounds?\s*[,:-]?\s*(.+)$", re.I | re.S)
_ROUNDS_LAST = re.compile(rf"^(.+?)[\s,]*for (?:the )?next {_N} rounds?\s*[.!]?\s*$", re.I | re.S)
_GAME_FIRST = re.compile(r"^\s*for (?:one|a|the next) game\s*[,:-]?\s*(.+)$", re.I | re.S)
_GAME_LAST = re.compile(r"^(.+?)[\s,]*for (?:one|a|the next) game\s*[.!]?\s*$", re.I | re.S)
_REPEAL = re.compile(r"^\s*(?:repeal|end|cancel the effect)\s+(.+)$", re.I | re.S)
_HOME = re.compile(r"\bhome(?: team)?(?:'s)?\b", re.I)
_AWAY = re.compile(r"\b(?:away|visiting|road)(?: team)?(?:'s)?\b", re.I)
_TEAM = re.compile(r"\b(?:for )?(?:the )?(?:home|away|visiting|road)(?: team)?(?:'s)?", re.I)

Parse = Callable[[str, RuleSet], Interpretation]
Mentioned = Callable[[str], set[str]]


def _duration(text: str) -> tuple[str, int | None, str] | None:
    """(duration, rounds, the rest of the text) when `text` limits its change in time."""
    for pattern in (_ROUNDS_FIRST, _ROUNDS_LAST):
        m = pattern.match(text)
        if m:
            n_text, rest = (m.group(1), m.group(2)) if pattern is _ROUNDS_FIRST else m.group(2, 1)
            n = int(n_text) if n_text.isdigit() else _NUMBERS[n_text.lower()]
            return ("rounds", n, rest) if n >= 1 else None
    for pattern in (_GAME_FIRST, _GAME_LAST):
        m = pattern.match(text)
        if m:
            return "one_game", None, m.group(1)
    return None


def _target(text: str) -> str:
    home, away = bool(_HOME.search(text)), bool(_AWAY.search(text))
    if home == away:
        return "all"
    return "home" if home else "away"


def read_effect_phrasing(
    text: str, rules: RuleSet, parse: Parse, mentioned: Mentioned
) -> Interpretation | None:
    """An effect or repeal interpretation of `text`, or None when it is a plain proposal.

    `parse` reads rule changes; `mentioned` names the rules a text mentions."""
    repeal = _REPEAL.match(text)
    if repeal:
        names = tuple(sorted(mentioned(repeal.group(1)) & set(EFFECT_PARAMETERS)))
        if not names:
            return None
        return Interpretation(
            confidence=0.9,
            summary="Repeal the active effects on " + _listed(names) + ".",
            is_wild=False,
            repeals=names,
        )
    timed = _duration(text)
    if timed is None:
        return None
    duration, rounds, rest = timed
    inner = parse(_TEAM.sub(" ", rest), rules)
    usable = [c for c in inner.changes if c.parameter in EFFECT_PARAMETERS]
    if not usable or len(usable) != len(inner.changes):
        return None  # not every change can be an effect: read it as an ordinary proposal
    target = _target(rest)
    if duration == "rounds":
        span = f"for {rounds} round{'' if rounds == 1 else 's'}"
    else:
        span = "for one game"
    who = {"all": "", "home": " for the home team", "away": " for the away team"}[target]
    specs = tuple(
        EffectSpec(
            hook_point=EFFECT_PARAMETERS[c.parameter].hook_point,
            parameter=c.parameter,
            operation="set",
            value=float(c.new_value),
            target=target,
            description=f"{_in_words(c.parameter, c.new_value)}{who}, {span}",
            duration=duration,
            duration_rounds=rounds,
        )
        for c in usable
    )
    return Interpretation(
        confidence=inner.confidence,
        summary="; ".join(s.description for s in specs),
        unsure_reasons=inner.unsure_reasons,
        is_wild=inner.is_wild,
        effects=specs,
    )


def _in_words(parameter: str, value: object) -> str:
    """'Three-pointers are worth 4 points' (the registry's sentence for the rule)."""
    if parameter in PARAMS:
        return PARAMS[parameter].sentence(value)
    return f"{parameter.replace('_', ' ')} {format_value(value)}"


def _listed(names: tuple[str, ...]) -> str:
    """'the three-point value and the free-throw value'."""
    words = [rule_name(n) for n in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
