"""Splitting proposal text into tokens and reading the numbers in it.

Tokens keep their character offsets in the cleaned text so that each understood change can
quote the words it came from. Numbers come as digits ("24", "0.6", "1,000", "2/3", "50%",
"2x", "20s") or words ("twenty-four", "a third", "two thirds", "zero point six", "one and a
half", "a couple", "a simple majority").

`reading_text` is the text the interpreter reads: `clean_text` (no pings, no zero-width or
direction characters, NFKC so full-width digits are digits) after removing the invisible marks
`clean_text` keeps, so "thr\u200bees worth \uff15" reads as "threes worth 5".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.text import clean_text

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣－"), "-")
_QUOTES = {ord("‘"): "'", ord("’"): "'", ord("ʼ"): "'", ord("×"): "x", ord("⁄"): "/"}
_JOINING_HYPHEN = re.compile(r"(?<=[a-z0-9])-(?=[a-z0-9])")
# Invisible marks `clean_text` keeps (they are combining marks or letters, not format
# characters): the combining grapheme joiner, variation selectors, Mongolian free variation
# selectors, the Khmer inherent vowels; and blank "letters" that pass for spaces.
_INVISIBLE_MARKS = re.compile(
    "[\u034f\u17b4\u17b5\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)
_BLANK_LETTERS = "\u115f\u1160\u3164\uffa0\u2800"
_BLANK_INSIDE_WORD = re.compile(f"(?<=\\w)[{_BLANK_LETTERS}]+(?=\\w)")
_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<frac>/\d+)?"
    r"(?P<suffix>%|'s\b|[a-z]+)?"
    r"|(?P<word>[a-z]+(?:'[a-z]+)?)"
    r"|(?P<sym>[+\-=%&:])"
    r"|(?P<sep>[,;.!?()\[\]{}\"|])"
)
# Longer whole numbers are not a rule value anyone means; reading them as infinity keeps the
# arithmetic bounded and the registry's range check names the limits.
_MAX_DIGITS = 30
# The longest spelled-out number read: "one hundred twenty three thousand four hundred...".
_MAX_WORDS = 12


@dataclass(frozen=True, slots=True)
class Token:
    """One word, number, symbol or separator, with its span in the text it came from."""

    text: str
    start: int
    end: int
    kind: str  # "num", "word", "sym" or "sep"


def reading_text(raw: str) -> str:
    """`raw` cleaned for reading: `clean_text` without the invisible marks it keeps."""
    text = _INVISIBLE_MARKS.sub("", unicodedata.normalize("NFKC", raw))
    return clean_text(_BLANK_INSIDE_WORD.sub("", text))


def tokenize(text: str) -> list[Token]:
    """Lower-cased tokens of `text` with offsets into `text` itself."""
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    lowered = lowered.translate(_DASHES).translate(_QUOTES)
    lowered = _JOINING_HYPHEN.sub(" ", lowered)
    tokens: list[Token] = []
    for match in _TOKEN.finditer(lowered):
        kind = match.lastgroup or "sep"
        if kind in ("frac", "suffix"):
            kind = "num"
        word = match.group()
        if kind == "word" and word.endswith("'s"):
            word = word[:-2]  # possessive: "the league's" reads as "the league"
        elif kind == "num" and word.endswith("'s"):
            word = word.replace("'", "")  # "3's" are "3s", i.e. threes
        tokens.append(Token(word, match.start(), match.end(), kind))
    return tokens


def phrase_words(phrase: str) -> tuple[str, ...]:
    """The token texts of a registry phrase, normalised the way proposal text is."""
    return tuple(t.text for t in tokenize(phrase) if t.kind != "sep")


UNITS: dict[str, str] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "seconds"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("ft", "foot", "feet"), "feet"),
    **dict.fromkeys(("pt", "pts", "point", "points"), "points"),
    **dict.fromkeys(("foul", "fouls"), "fouls"),
    **dict.fromkeys(("team", "teams"), "teams"),
    **dict.fromkeys(("game", "games"), "games"),
    **dict.fromkeys(("round", "rounds"), "rounds"),
    **dict.fromkeys(("token", "tokens"), "tokens"),
    **dict.fromkeys(("proposal", "proposals"), "proposals"),
    **dict.fromkeys(("amendment", "amendments"), "amendments"),
    **dict.fromkeys(("quarter", "quarters", "period", "periods"), "quarters"),
}
PERCENT_WORDS = frozenset({"percent", "pct", "percentage"})
MULTIPLY_WORDS = frozenset({"x", "times"})

ONES = {
    "zero": 0, "none": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "dozen": 12,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# Denominators of spoken fractions; "quarter" is left out because it is a basketball word.
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "fourth": 4, "fourths": 4}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6,
}  # fmt: skip
INFINITE_WORDS = frozenset({"infinite", "infinity", "unlimited", "endless"})
UNANIMOUS_WORDS = frozenset({"unanimous", "unanimity", "unanimously"})
QUARTER_WORDS = frozenset({"quarter", "quarters"})
NUMBER_WORDS = frozenset(
    {*ONES, *TENS, *SCALES, *FRACTIONS, *INFINITE_WORDS, *UNANIMOUS_WORDS, "a", "an", "couple"}
)


@dataclass(frozen=True, slots=True)
class Number:
    """A number read from the text, with what was written around it."""

    value: float
    start: int  # token index of the first token
    end: int  # token index after the last token (unit words included)
    percent: bool = False
    fraction: bool = False
    times: bool = False  # "2x", "x2", "3 times": a multiplier
    sign: int = 0  # +1 / -1 when written with an explicit sign
    unit: str | None = None  # canonical unit written after it ("seconds", "feet"...)


def read_number(
    tokens: Sequence[Token], i: int, limit: int, *, quarters: bool = False
) -> Number | None:
    """Read a number starting at token `i` (not past `limit`), or None.

    `quarters` reads "a quarter" and "three quarters" as fractions; the interpreter asks for
    that only where a share is meant ("a three-quarters majority"), since a quarter is
    otherwise part of a game."""
    if i >= limit:
        return None
    tok = tokens[i]
    sign = 0
    if tok.kind == "sym" and tok.text in "+-" and i + 1 < limit:
        nxt = tokens[i + 1]
        if nxt.kind == "num" and nxt.start == tok.end:
            sign = 1 if tok.text == "+" else -1
            tok, i = nxt, i + 1
    number: Number | None
    if tok.kind == "num":
        number = _read_digits(tokens, i, limit)
    elif tok.kind == "word" and tok.text == "x" and i + 1 < limit and tokens[i + 1].kind == "num":
        inner = _read_digits(tokens, i + 1, limit)
        number = Number(inner.value, i, inner.end, times=True)
    elif tok.kind == "word":
        number = _read_words(tokens, i, limit)
        a_quarter = tok.text in ("a", "an") and _text(tokens, i + 1) == "quarter"
        if number is None and quarters and a_quarter and i + 1 < limit:
            number = Number(0.25, i, i + 2, fraction=True)
    else:
        number = None
    if number is None:
        return None
    number = _read_and_a_half(tokens, number, limit)
    if quarters:
        number = _read_quarters(tokens, number, limit)
    if sign:
        number = Number(
            number.value * sign,
            number.start - 1,
            number.end,
            number.percent,
            number.fraction,
            number.times,
            sign,
            number.unit,
        )
    return _read_trailer(tokens, number, limit)


def _read_digits(tokens: Sequence[Token], i: int, limit: int) -> Number:
    match = _TOKEN.fullmatch(tokens[i].text)
    assert match is not None and match.group("num") is not None
    digits = match.group("num").replace(",", "")
    whole = digits.split(".")[0]
    value = float(digits) if len(whole) <= _MAX_DIGITS else float("inf")
    fraction = False
    if match.group("frac"):
        denominator = float(match.group("frac")[1:])
        value, fraction = (value / denominator if denominator else float("inf")), True
    suffix = match.group("suffix") or ""
    percent = suffix == "%"
    times = suffix == "x"
    unit = UNITS.get(suffix)
    return Number(value, i, i + 1, percent=percent, fraction=fraction, times=times, unit=unit)


def _read_words(tokens: Sequence[Token], i: int, limit: int) -> Number | None:
    words = [t.text if t.kind == "word" else "" for t in tokens[i : min(limit, i + _MAX_WORDS)]]
    first = words[0]
    if first in INFINITE_WORDS:
        return Number(float("inf"), i, i + 1)
    if first in ORDINALS:
        # Only "the second quarter" and the like; "for a second" is no number.
        follows = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if UNITS.get(follows) == "quarters":
            return Number(float(ORDINALS[first]), i, i + 1)
        return None
    if first in UNANIMOUS_WORDS:
        return Number(1.0, i, i + 1, fraction=True)
    if first == "simple" or (first in ("a", "an") and words[1:2] == ["simple"]):
        # "a simple majority" is one half; "majority" itself names the rule.
        simple = i + (0 if first == "simple" else 1)
        if _text(tokens, simple + 1) == "majority":
            return Number(0.5, i, simple + 1, fraction=True)
        return None
    if first in ("a", "an"):
        # "a half", "a third", "a dozen", "a hundred": the article stands for one.
        if len(words) > 1 and words[1] in FRACTIONS:
            return Number(1 / FRACTIONS[words[1]], i, i + 2, fraction=True)
        if len(words) > 1 and (words[1] in SCALES or words[1] == "dozen"):
            scale = SCALES.get(words[1], 12)
            return Number(float(scale), i, i + 2)
        if len(words) > 1 and words[1] in ("couple", "pair"):
            return Number(2.0, i, i + 3 if words[2:3] == ["of"] else i + 2)
        return None
    if first in ("half", "halves"):
        return Number(0.5, i, i + 1, fraction=True)
    total, current, j = 0, 0, 0
    seen = False
    while j < len(words):
        w = words[j]
        if w in ONES:
            current += ONES[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred" and seen:
            current = max(current, 1) * 100
        elif w in SCALES and seen:
            total += max(current, 1) * SCALES[w]
            current = 0
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None
    value = float(total + current)
    if j < len(words) and words[j] == "point" and j + 1 < len(words) and words[j + 1] in ONES:
        decimals = ""
        j += 1
        while j < len(words) and words[j] in ONES and ONES[words[j]] < 10:
            decimals += str(ONES[words[j]])
            j += 1
        value = float(f"{int(value)}.{decimals}")
    if j < len(words) and words[j] in FRACTIONS and value:
        return Number(value / FRACTIONS[words[j]], i, i + j + 1, fraction=True)
    return Number(value, i, i + j)


def _text(tokens: Sequence[Token], i: int) -> str:
    return tokens[i].text if 0 <= i < len(tokens) else ""


def _read_and_a_half(tokens: Sequence[Token], number: Number, limit: int) -> Number:
    """'one and a half', '2 and a half': a whole number and a half."""
    j = number.end
    if number.fraction or number.percent or number.times or j + 3 > limit:
        return number
    if [t.text for t in tokens[j : j + 3]] != ["and", "a", "half"]:
        return number
    return Number(number.value + 0.5, number.start, j + 3, sign=number.sign)


def _read_quarters(tokens: Sequence[Token], number: Number, limit: int) -> Number:
    """'three quarters' (of a vote) is 3/4; 'a quarter' is 1/4."""
    j = number.end
    if number.fraction or number.percent or number.times or number.unit or j >= limit:
        return number
    if tokens[j].text not in QUARTER_WORDS or not 0 < number.value < 4:
        return number
    return Number(number.value / 4, number.start, j + 1, fraction=True, sign=number.sign)


def and_a_half_at(tokens: Sequence[Token], i: int) -> bool:
    """Whether the "and" at token `i` is inside a number ("one and a half")."""
    if i == 0 or [t.text for t in tokens[i : i + 3]] != ["and", "a", "half"]:
        return False
    before = tokens[i - 1]
    return before.kind == "num" or before.text in ONES or before.text in TENS


def _read_trailer(tokens: Sequence[Token], number: Number, limit: int) -> Number:
    """Absorb what follows a number: %, 'percent', 'x', 'times' or a unit word."""
    j = number.end
    percent, times, unit = number.percent, number.times, number.unit
    if j < limit:
        nxt = tokens[j]
        if (nxt.kind == "sym" and nxt.text == "%") or nxt.text in PERCENT_WORDS:
            percent, j = True, j + 1
        elif nxt.kind == "word" and nxt.text == "per" and j + 1 < limit:
            if tokens[j + 1].text == "cent":
                percent, j = True, j + 2
        elif nxt.kind == "word" and nxt.text in MULTIPLY_WORDS:
            times, j = True, j + 1
        elif nxt.kind == "word" and nxt.text in UNITS and unit is None:
            unit, j = UNITS[nxt.text], j + 1
    return Number(
        number.value,
        number.start,
        j,
        percent,
        number.fraction,
        times,
        number.sign,
        unit,
    )
