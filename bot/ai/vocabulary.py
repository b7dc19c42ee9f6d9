"""The words that name each rule parameter, built from the registry on demand.

Every parameter is known by its name ("three_point_value", "three point value"), by each
synonym in the registry, and by a few mechanical variants of those (singular and plural of the
last word, digits for small number words), unless a variant would steal an ordinary number or
operator word ("three", "triple", "half"). Explicit names and synonyms always beat variants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from bot.ai.lexer import FRACTIONS, NUMBER_WORDS, ORDINALS, phrase_words
from bot.domain.rules import PARAMS, RuleParam

# Words a generated variant may not end in or consist of: they mean something else here.
RESERVED = frozenset(
    {
        *NUMBER_WORDS,
        *FRACTIONS,
        *ORDINALS,
        "point",
        "double",
        "triple",
        "quadruple",
        "halve",
        "twice",
        "more",
        "less",
        "off",
        "on",
        "max",
        "min",
        "the",
        "of",
        "to",
        "in",
        "per",
    }
)
_NAME_SUFFIXES = ("value", "enabled", "modifier", "ft", "seconds", "minutes")
_DIGITS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
STOP_WORDS = frozenset({"the", "a", "an", "of", "in", "to", "per", "from", "when", "starts"})


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Phrase (as a tuple of words) -> the parameters it names, longest phrases first."""

    phrases: Mapping[tuple[str, ...], tuple[str, ...]]
    longest: int
    name_words: Mapping[str, frozenset[str]]  # parameter -> singular words of its name
    words: frozenset[str] = frozenset()  # every word of every phrase

    def match(self, words: tuple[str, ...]) -> tuple[str, ...]:
        return self.phrases.get(words, ())


def vocabulary() -> Vocabulary:
    """The vocabulary for the registry as it is now (cached per registry contents)."""
    return _build(tuple(PARAMS.values()))


def singular(word: str) -> str:
    """A crude singular good enough for rule words: 'threes' -> 'three', 'bonus' stays."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(words: tuple[str, ...]) -> frozenset[str]:
    """Singular words of a phrase without the little words."""
    return frozenset(singular(w) for w in words if w not in STOP_WORDS)


@cache
def _build(params: tuple[RuleParam, ...]) -> Vocabulary:
    explicit: dict[tuple[str, ...], list[str]] = {}
    derived: dict[tuple[str, ...], list[str]] = {}
    for p in params:
        names = [p.name.replace("_", " "), *p.synonyms]
        for phrase in names:
            _claim(explicit, phrase_words(phrase), p.name)
        for phrase in names:
            for variant in _variants(phrase_words(phrase)):
                _claim(derived, variant, p.name)
        stem = _name_stem(p.name)
        if stem:
            _claim(derived, stem, p.name)
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {
        words: tuple(owners) for words, owners in explicit.items()
    }
    for words, owners in derived.items():
        if words not in phrases and words:
            phrases[words] = tuple(owners)
    longest = max((len(w) for w in phrases), default=1)
    name_words = {p.name: content_words(tuple(p.name.split("_"))) for p in params}
    every_word = frozenset(w for phrase in phrases for w in phrase)
    return Vocabulary(phrases=phrases, longest=longest, name_words=name_words, words=every_word)


def _claim(table: dict[tuple[str, ...], list[str]], words: tuple[str, ...], name: str) -> None:
    if not words:
        return
    owners = table.setdefault(words, [])
    if name not in owners:
        owners.append(name)


def _variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Singular/plural of the last word and digit spellings of small number words."""
    out: list[tuple[str, ...]] = []
    *head, last = words
    one = singular(last)
    if one != last:
        out.append((*head, one))
    elif not last.endswith("s"):
        out.append((*head, last + "s"))
    if len(words) > 1:
        digits = tuple(_DIGITS.get(w, w) for w in words)
        if digits != words:
            out.append(digits)
    return [v for v in out if _usable(v)]


def _name_stem(name: str) -> tuple[str, ...]:
    """'shot_clock_seconds' -> ('shot', 'clock'): the name without a unit-like last word."""
    words = tuple(name.split("_"))
    if len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        stem = words[:-1]
        if _usable(stem):
            return stem
    return ()


def _usable(words: tuple[str, ...]) -> bool:
    if words[-1] in RESERVED:
        return False
    return any(w.isalpha() and w not in RESERVED for w in words)
