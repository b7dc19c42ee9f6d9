"""The built-in strategy interpreter: plain text to bounded `TeamStrategy` biases, deterministic.

Each phrase in `PHRASES` names the biases it pushes; phrases found in the text add up and the
sums are clamped to each field's range. "not"/"don't"/"less"/"fewer"/"avoid"/"stop" just before
a phrase turn its push around. Confidence grows with the share of the text's words that
matched something, so a strategy the interpreter mostly did not understand says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.strategy import TeamStrategy

Push = dict[str, float]

PHRASES: tuple[tuple[str, Push], ...] = (
    # Shot mix.
    (
        r"threes?|three[- ]pointers?|3s|3-pointers?|from deep|from downtown|the arc|outside shots?",
        {"three_point_bias": 0.5},
    ),
    (r"(?:bomb|launch|let it fly)", {"three_point_bias": 0.3}),
    (r"mid[- ]?range|jumpers?|pull[- ]?ups?|elbows?", {"mid_range_bias": 0.5}),
    (
        r"(?:at|to|attack) the rim|the rim|drives?|driving|attack the basket|in the paint|paint|"
        r"layups?|dunks?|post(?:ing)? up|inside",
        {"at_rim_bias": 0.5},
    ),
    # Pace: negative pace_modifier is faster.
    (
        r"push the pace|run and gun|fast[- ]?breaks?|run(?:ning)?|up[- ]?tempo|fast|quick(?:ly)?|"
        r"transition",
        {"pace_modifier": -0.4},
    ),
    (
        r"slow (?:it )?down|slow|patient|grind|half[- ]?court|milk the clock|deliberate",
        {"pace_modifier": 0.4},
    ),
    # Defence.
    (
        r"full[- ]court press|press(?:ure)?|aggressive (?:defen[cs]e|d)|lockdown(?: defen[cs]e)?|"
        r"tough defen[cs]e|defen[cs]e|defend|hustle|intens(?:e|ity)",
        {"defensive_intensity": 0.5},
    ),
    (
        r"conserve energy(?: on defen[cs]e)?|sag off|relax(?:ed)?|easy on defen[cs]e|"
        r"save (?:our )?legs|rest",
        {"defensive_intensity": -0.4, "substitution_threshold_modifier": 0.1},
    ),
    # Substitutions.
    (
        r"fresh legs|rotate|sub(?:stitute)? (?:early|often|more)|deep bench|bench",
        {"substitution_threshold_modifier": 0.2},
    ),
    (
        r"ride the starters|starters|iron ?man|play through fatigue|no subs",
        {"substitution_threshold_modifier": -0.2},
    ),
)

_NEGATION = re.compile(
    r"\b(?:not|no|don'?t|do not|less|fewer|avoid|stop|never|without)\s+(?:\w+\s+){0,2}$"
)
_INTENSIFIER = re.compile(
    r"\b(?:lots of|more|always|very|really|all|every|only)\s+(?:\w+\s+){0,1}$"
)
_COMPILED = tuple((re.compile(rf"\b(?:{p})\b"), push) for p, push in PHRASES)
_WORD = re.compile(r"[a-z0-9']+")
_FILLER = frozenset(
    re.findall(
        r"\S+",
        "a an and the to of our we us let's lets let be more lots on in at with team play it is "
        "go get for from up down by as but or so their them they i you shoot shots take",
    )
)


@dataclass(frozen=True, slots=True)
class StrategyReading:
    strategy: TeamStrategy
    confidence: float
    matched: tuple[str, ...]


def _bounds(name: str) -> tuple[float, float]:
    return (-0.5, 0.5) if name == "substitution_threshold_modifier" else (-1.0, 1.0)


def interpret_strategy(text: str) -> StrategyReading:
    """Read a strategy from plain text. Unknown words lower the confidence; nothing is guessed."""
    lowered = text.lower()
    sums: dict[str, float] = {}
    matched: list[str] = []
    covered: set[int] = set()
    found = [(m, push) for pattern, push in _COMPILED for m in pattern.finditer(lowered)]
    # Longest phrases first, so "conserve energy on defense" is not also read as "defense".
    found.sort(key=lambda f: (f[0].start() - f[0].end(), f[0].start()))
    for m, push in found:
        if any(i in covered for i in range(m.start(), m.end())):
            continue
        covered.update(range(m.start(), m.end()))
        before = lowered[: m.start()]
        sign = -1.0 if _NEGATION.search(before) else 1.0
        scale = 1.5 if _INTENSIFIER.search(before) else 1.0
        for field, amount in push.items():
            sums[field] = sums.get(field, 0.0) + sign * scale * amount
        matched.append(m.group(0))
    values = {}
    for field, total in sums.items():
        lo, hi = _bounds(field)
        values[field] = round(min(hi, max(lo, total)), 3)
    words = [w for w in _WORD.findall(lowered) if w not in _FILLER]
    matched_words = sum(len(_WORD.findall(m)) for m in matched)
    if not matched:
        confidence = 0.0
    else:
        confidence = round(min(0.95, 0.5 + 0.45 * min(1.0, matched_words / max(1, len(words)))), 2)
    return StrategyReading(TeamStrategy(**values), confidence, tuple(matched))
