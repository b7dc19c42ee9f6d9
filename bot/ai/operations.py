"""Reading what a clause asks to *do*: set, raise, lower, double, switch off, reset.

An `Op` is one requested operation found between the parameter mentions of a clause, with its
token span so that the interpreter can attach it to the nearest mention.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

from bot.ai.lexer import Number, Token, read_number

# Words that put an absolute value after them: "to 5", "worth 5", "= 5", "best of 7".
MARKERS = frozenset(
    {"to", "=", ":", "at", "worth", "be", "is", "are", "of", "equals", "equal", "becomes", "become",
     "into"}
)  # fmt: skip
EXTREMES = {
    "max": "max", "maximum": "max", "highest": "max",
    "min": "min", "minimum": "min", "lowest": "min",
}  # fmt: skip
RESET_WORDS = frozenset({"reset", "default", "defaults", "normal", "original", "standard"})
MULTIPLIERS = {
    "double": 2.0, "doubled": 2.0, "doubling": 2.0, "twice": 2.0,
    "triple": 3.0, "tripled": 3.0, "tripling": 3.0, "quadruple": 4.0, "quadrupled": 4.0,
    "halve": 0.5, "halved": 0.5, "halving": 0.5, "half": 0.5,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Verb:
    """A word's possible meanings: a direction (+1 up, -1 down), a speed, a switch."""

    direction: int = 0
    speed: int = 0  # +1 "faster", -1 "slower": the direction depends on the parameter
    switch: bool | None = None  # True switches on, False switches off (for on/off rules)
    restore: bool = False  # "bring back": on for a switch, the default for a number
    needs_number: bool = False  # only a direction when a number comes with it ("4 off")
    counts: bool = False  # "add 2 teams": a number before the rule is an amount, not a value


_UP = Verb(direction=1)
_DOWN = Verb(direction=-1)
_OFF = Verb(switch=False)
_ON = Verb(switch=True)
_RESTORE = Verb(switch=True, restore=True)
_UP_WORDS = (
    "increase", "increased", "increasing", "raise", "raised", "raising", "up", "higher",
    "bigger", "larger", "longer", "lengthen", "lengthened", "extend", "extended", "boost",
    "boosted", "bump", "grow", "expand", "greater", "stronger", "strengthen", "deeper",
    "further", "farther", "back", "more", "heighten", "widen", "buff",
)  # fmt: skip
_DOWN_WORDS = (
    "decrease", "decreased", "decreasing", "lower", "lowered", "lowering", "reduce", "reduced",
    "reducing", "down", "smaller", "shorter", "shorten", "shortened", "less", "fewer",
    "shrink", "trim", "weaker", "weaken", "closer", "slash", "lessen", "nerf",
)  # fmt: skip
_OFF_WORDS = (
    "disable", "disabled", "eliminate", "abolish", "ban", "scrap", "kill", "without", "no",
    "stop", "false", "deactivate", "nix",
)  # fmt: skip
_ON_WORDS = ("on", "enable", "enabled", "allow", "activate", "true", "yes")
_RESTORE_WORDS = ("restore", "restored", "reinstate", "reintroduce")
VERBS: dict[tuple[str, ...], Verb] = {
    **{(w,): _UP for w in _UP_WORDS},
    **{(w,): _DOWN for w in _DOWN_WORDS},
    **{(w,): _OFF for w in _OFF_WORDS},
    **{(w,): _ON for w in _ON_WORDS},
    **{(w,): _RESTORE for w in _RESTORE_WORDS},
    ("off",): Verb(direction=-1, switch=False, needs_number=True),
    ("remove",): Verb(direction=-1, switch=False, needs_number=True, counts=True),
    ("cut",): Verb(direction=-1, switch=False, counts=True),
    ("drop",): Verb(direction=-1, switch=False, counts=True),
    ("add",): Verb(direction=1, switch=True, counts=True),
    ("subtract",): Verb(direction=-1, counts=True),
    ("faster",): Verb(speed=1),
    ("quicker",): Verb(speed=1),
    ("slower",): Verb(speed=-1),
    ("speed", "up"): Verb(speed=1),
    ("slow", "down"): Verb(speed=-1),
    ("turn", "off"): _OFF,
    ("switch", "off"): _OFF,
    ("shut", "off"): _OFF,
    ("turn", "it", "off"): _OFF,
    ("get", "rid", "of"): _OFF,
    ("do", "away", "with"): _OFF,
    ("no", "more"): _OFF,
    ("no", "longer"): _OFF,
    ("take", "away"): _OFF,
    ("turn", "on"): _ON,
    ("switch", "on"): _ON,
    ("turn", "it", "on"): _ON,
    ("bring", "back"): _RESTORE,
    ("put", "back"): _RESTORE,
    ("add", "back"): _RESTORE,
    ("re", "enable"): _ON,
    ("reenable",): _ON,
}
_LONGEST_VERB = max(len(k) for k in VERBS)
MORE_WORDS = frozenset({"more", "extra", "additional"})
FEWER_WORDS = frozenset({"fewer", "less"})
_SKIPPABLE_AFTER_MARKER = frozenset({"the", "its", "their"})


@dataclass(frozen=True, slots=True)
class Op:
    """One operation a clause asks for.

    kind: "abs" (a value after a marker), "bare" (a number on its own), "add" (a signed
    amount), "by" (an amount after "by"), "mul" (a factor), "verb" (a `Verb`), "reset",
    "extreme" (the maximum or minimum) or "from" (the value the governor thinks it has now).
    """

    kind: str
    start: int
    end: int
    number: Number | None = None
    factor: float = 1.0
    verb: Verb | None = None
    extreme: str = ""
    adjectival: bool = False  # "a 20 second shot clock": the number sits right before the rule
    stated: bool = False  # "more physical: foul rate 1.5": the value right after a rule's name

    @property
    def prefers_following(self) -> bool:
        """Verbs and adjectives come before the rule they act on; values come after."""
        return self.kind in ("verb", "mul", "reset") or self.adjectival


def read_ops(
    tokens: Sequence[Token],
    start: int,
    end: int,
    mention_tokens: Container[int],
    *,
    quarters: bool = False,
) -> list[Op]:
    """All operations in tokens[start:end], skipping tokens that belong to mentions.

    `quarters` reads "three quarters" as 3/4 (see `read_number`)."""
    ops: list[Op] = []
    i = start
    while i < end:
        if i in mention_tokens or tokens[i].kind == "sep":
            i += 1
            continue
        limit = _free_until(i, end, mention_tokens)
        op = _read_op(tokens, i, limit, mention_tokens, quarters)
        if op is None:
            i += 1
            continue
        ops.append(op)
        i = max(op.end, i + 1)
    return ops


def _free_until(i: int, end: int, mention_tokens: Container[int]) -> int:
    j = i
    while j < end and j not in mention_tokens:
        j += 1
    return j


def _read_op(
    tokens: Sequence[Token], i: int, limit: int, mention_tokens: Container[int], quarters: bool
) -> Op | None:
    word = tokens[i].text
    words = tuple(t.text for t in tokens[i : min(limit, i + _LONGEST_VERB)])
    if word in MARKERS or words[:2] in (("up", "to"), ("back", "to"), ("down", "to")):
        after = i + (1 if word in MARKERS else 2)
        op = _read_value_after(tokens, i, after, limit, "abs", quarters)
        if op is not None:
            return op
    if word == "by":
        return _read_value_after(tokens, i, i + 1, limit, "by", quarters)
    if word == "from" or words[:2] == ("instead", "of"):
        after = i + (1 if word == "from" else 2)
        return _read_value_after(tokens, i, after, limit, "from", quarters)
    if words[:3] == ("cut", "in", "half") or words[:2] == ("in", "half"):
        length = 3 if word == "cut" else 2
        return Op("mul", i, i + length, factor=0.5)
    if word in MULTIPLIERS:
        return Op("mul", i, i + 1, factor=MULTIPLIERS[word])
    if word in RESET_WORDS:
        return Op("reset", i, i + 1)
    for size in range(min(_LONGEST_VERB, len(words)), 0, -1):
        verb = VERBS.get(words[:size])
        if verb is not None:
            return Op("verb", i, i + size, verb=verb)
    return _read_number_op(tokens, i, limit, mention_tokens, quarters)


def _read_value_after(
    tokens: Sequence[Token], marker: int, j: int, limit: int, kind: str, quarters: bool
) -> Op | None:
    while j < limit and tokens[j].text in _SKIPPABLE_AFTER_MARKER:
        j += 1
    if j >= limit:
        return None
    word = tokens[j].text
    if kind == "abs" and word in EXTREMES:
        return Op("extreme", marker, j + 1, extreme=EXTREMES[word])
    if kind == "abs" and word in RESET_WORDS:
        return Op("reset", marker, j + 1)
    number = read_number(tokens, j, limit, quarters=quarters)
    if number is None:
        return None
    if number.times and kind == "abs":
        return Op("abs", marker, number.end, number=number)
    return Op(kind, marker, number.end, number=number)


def _read_number_op(
    tokens: Sequence[Token], i: int, limit: int, mention_tokens: Container[int], quarters: bool
) -> Op | None:
    number = read_number(tokens, i, limit, quarters=quarters)
    if number is None:
        return None
    after = tokens[number.end].text if number.end < limit else ""
    if after in MORE_WORDS:
        return Op("add", i, number.end + 1, number=number)
    if after in FEWER_WORDS:
        return Op("add", i, number.end + 1, number=_negated(number))
    if number.times:
        return Op("mul", i, number.end, factor=number.value)
    if number.sign:
        return Op("add", i, number.end, number=number)
    adjectival = number.end in mention_tokens
    return Op("bare", i, number.end, number=number, adjectival=adjectival)


def _negated(number: Number) -> Number:
    return Number(
        -number.value,
        number.start,
        number.end,
        number.percent,
        number.fraction,
        number.times,
        -1,
        number.unit,
    )
