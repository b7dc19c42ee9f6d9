"""The built-in proposal interpreter: plain English in, validated rule changes out.

Deterministic and offline. The steps, each small:

1. clean the text (`clean_text`) and split it into tokens;
2. find parameter mentions by the longest registry phrase at each position;
3. cut the text into clauses at punctuation and "and"/"also"/"then", dropping the reasons
   ("because ...", "so ...") that follow a request;
4. in each clause, read the operations ("to 5", "double", "turn off", "+2") and attach each
   to the nearest mention (verbs to the rule after them, values to the rule before them);
5. resolve each parameter's operations to a value and let `build_interpretation` validate it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.ai.effect_phrases import read_effect_phrasing
from bot.ai.guard import injection_reason
from bot.ai.lexer import UNITS, Token, read_number, tokenize
from bot.ai.operations import Op, read_ops
from bot.ai.resolve import resolve
from bot.ai.vocabulary import Vocabulary, content_words, singular, vocabulary
from bot.domain.interpretation import Interpretation, ProposedChange, build_interpretation
from bot.domain.rules import PARAMS, RuleSet
from bot.domain.text import clean_text

# Longer text is cut here and flagged: no proposal needs more, and work stays bounded.
MAX_INTERPRETED_CHARS = 1000
# How sure the parser is of a change read from an explicit rule name and value.
BASE_CONFIDENCE = 0.95

_JOINERS = frozenset({"and", "also", "then", "plus", "but", "while", "additionally", "&"})
_SENTENCE_ENDS = frozenset({".", ";", "!", "?"})
_REASONS = frozenset({"because", "since", "cause", "cuz", "so"})
_PRONOUNS = frozenset({"it", "them", "they", "its", "this", "that", "these", "those"})
_NEGATIONS = frozenset(
    {"don't", "dont", "never", "shouldn't", "mustn't", "cannot", "can't", "won't", "doesn't"}
)
_NEGATION_PAIRS = frozenset({("do", "not"), ("should", "not"), ("must", "not"), ("does", "not")})
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_COMPOUND_GAP = 4  # tokens between two mentions that may name one rule together


@dataclass(slots=True)
class Mention:
    """Where the text names a parameter (or, if ambiguous, several)."""

    params: tuple[str, ...]
    spans: list[tuple[int, int]]  # token ranges; two when a compound joined two mentions
    words: tuple[str, ...]
    confidence: float = 1.0
    ops: list[Op] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


@dataclass(slots=True)
class Clause:
    """A stretch of text asking for one thing or a few: tokens[start:end]."""

    start: int
    end: int
    joined: bool  # joined to the previous clause by "and" or a comma, not a full stop
    mentions: list[Mention]
    loose_ops: list[Op]  # operations with no mention in the clause
    negated: bool
    pronoun: bool


def interpret_proposal(text: str, rules: RuleSet) -> Interpretation:
    """Understand `text` as changes to `rules` (or as a timed effect or a repeal, see
    `effect_phrases`); never raises for any input text."""
    cleaned = clean_text(text)[:MAX_INTERPRETED_CHARS]
    timed = read_effect_phrasing(cleaned, rules, _interpret_rules, _mentioned)
    return timed if timed is not None else _interpret_rules(text, rules)


def _mentioned(text: str) -> set[str]:
    """The rules `text` names (every reading of an ambiguous mention)."""
    return {p for m in _find_mentions(tokenize(text), vocabulary()) for p in m.params}


def _interpret_rules(text: str, rules: RuleSet) -> Interpretation:
    cleaned = clean_text(text)
    reasons: list[str] = []
    failed = False
    if not cleaned:
        return build_interpretation((), rules, reasons=("The proposal is empty.",), failed=True)
    if len(cleaned) > MAX_INTERPRETED_CHARS:
        reasons.append(
            f"The proposal is {len(cleaned):,} characters long; only the first "
            f"{MAX_INTERPRETED_CHARS:,} were read."
        )
        cleaned, failed = cleaned[:MAX_INTERPRETED_CHARS], True
    confidence = BASE_CONFIDENCE
    injection = injection_reason(cleaned)
    if injection:
        reasons.append(injection)
        confidence = min(confidence, 0.3)

    # Links are blanked, not removed, so token offsets still point into `cleaned`.
    tokens = tokenize(_LINK.sub(lambda m: " " * len(m.group()), cleaned))
    vocab = vocabulary()
    mentions = _find_mentions(tokens, vocab)
    clauses = _split_clauses(tokens, mentions, vocab)
    _inherit_across_clauses(clauses)

    proposed: list[ProposedChange] = []
    idle: dict[str, str] = {}  # parameters mentioned with nothing asked of them
    last_mention: Mention | None = None
    for clause in clauses:
        phrase = cleaned[tokens[clause.start].start : tokens[clause.end - 1].end]
        if clause.negated:
            reasons.append(
                f"'{_quote(phrase)}' says what not to do; please write the change you want."
            )
            failed = True
            continue  # the change written there is the one the governor does not want
        targets = _targets_for_loose_ops(clause, last_mention, tokens, reasons)
        for mention in [*clause.mentions, *targets]:
            change, failure = _change_for(mention, rules, phrase, reasons)
            failed = failed or failure
            if change is not None:
                proposed.append(change)
            elif not failure:
                idle.setdefault(" or ".join(mention.params), " ".join(mention.words))
        if clause.mentions:
            last_mention = clause.mentions[-1]

    asked = {c.parameter for c in proposed}
    reasons.extend(
        f"'{words}' is mentioned, but no change to it was understood."
        for name, words in idle.items()
        if name not in asked
    )
    if not mentions and not proposed:
        reasons.insert(0, "No rule in the proposal was recognised; try naming a rule and a value.")
    return build_interpretation(
        proposed, rules, confidence=confidence, reasons=reasons, failed=failed
    )


def _change_for(
    mention: Mention, rules: RuleSet, phrase: str, reasons: list[str]
) -> tuple[ProposedChange | None, bool]:
    """The proposed change for one mention, or None; True when something failed."""
    words = " ".join(mention.words)
    if len(mention.params) > 1:
        if mention.ops:
            reasons.append(f"'{words}' could mean {' or '.join(mention.params)}.")
            return None, True
        return None, False
    outcome = resolve(mention.params[0], mention.ops, rules)
    reasons.extend(outcome.notes)
    if outcome.failure:
        reasons.append(outcome.failure)
        return None, True
    if outcome.value is None:
        return None, False
    confidence = BASE_CONFIDENCE * mention.confidence * outcome.confidence
    return ProposedChange(outcome.parameter, outcome.value, phrase, confidence), False


# --- Mentions ---------------------------------------------------------------------------------


def _find_mentions(tokens: Sequence[Token], vocab: Vocabulary) -> list[Mention]:
    """Longest registry phrase at each position, left to right, never across punctuation."""
    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        found = None
        for size in range(min(vocab.longest, len(tokens) - i), 0, -1):
            window = tokens[i : i + size]
            if any(t.kind == "sep" for t in window):
                continue
            params = vocab.match(tuple(t.text for t in window))
            if params:
                found = Mention(params, [(i, i + size)], tuple(t.text for t in window))
                break
        if found is None:
            i += 1
        else:
            mentions.append(found)
            i = found.end
    return mentions


def _as_units(
    mentions: list[Mention], tokens: Sequence[Token], start: int, end: int
) -> list[Mention]:
    """'8 teams make the playoffs': 'teams' after a number is the unit of another mention."""
    units = {_unit_word(PARAMS[p].unit): m for m in mentions for p in m.params if p in PARAMS}
    kept: list[Mention] = []
    for m in mentions:
        owner = units.get(singular(m.words[-1])) if len(m.words) == 1 else None
        after_number = m.start > start and _is_number_at(tokens, m.start - 1, end)
        if owner is not None and owner is not m and after_number:
            continue
        kept.append(m)
    return kept


def _unit_word(unit: str) -> str:
    first = unit.split()[0] if unit.split() else ""
    return singular(first)


def _is_number_at(tokens: Sequence[Token], i: int, end: int) -> bool:
    if tokens[i].kind == "num":
        return True
    j = i
    while j > 0 and tokens[j - 1].kind == "word" and read_number(tokens, j - 1, end):
        j -= 1  # walk back over "twenty" in "twenty four"
    number = read_number(tokens, j, end)
    return number is not None and number.end >= i + 1


def _merge_compounds(mentions: list[Mention], vocab: Vocabulary) -> list[Mention]:
    """'start the elam after the second quarter': 'elam' + 'quarter' name one rule together."""
    merged: list[Mention] = []
    for m in mentions:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and len(prev.params) == len(m.params) == 1
            and prev.params != m.params
            and m.start - prev.end <= _COMPOUND_GAP
        ):
            joint = _compound(prev, m, vocab)
            if joint is not None:
                merged[-1] = Mention(
                    (joint,), [*prev.spans, *m.spans], (*prev.words, *m.words), 0.9
                )
                continue
        merged.append(m)
    return merged


def _compound(a: Mention, b: Mention, vocab: Vocabulary) -> str | None:
    wa, wb = content_words(a.words), content_words(b.words)
    found = [
        name
        for name, words in vocab.name_words.items()
        if words & wa and words & wb and (words & wa) != (words & wb)
    ]
    return found[0] if len(found) == 1 else None


# --- Clauses ----------------------------------------------------------------------------------


def _split_clauses(
    tokens: Sequence[Token], mentions: list[Mention], vocab: Vocabulary
) -> list[Clause]:
    in_mention = {i for m in mentions for s, e in m.spans for i in range(s, e)}
    clauses: list[Clause] = []
    start, joined, skipping = 0, False, False
    for i, tok in enumerate([*tokens, Token(".", 0, 0, "sep")]):
        if i < len(tokens) and i in in_mention:
            continue
        boundary = tok.text in _SENTENCE_ENDS or tok.kind == "sep" or tok.text in _JOINERS
        reason = tok.text in _REASONS and tok.kind == "word"
        if not (boundary or reason):
            continue
        if start < i and not skipping:
            clauses.append(_clause(tokens, mentions, vocab, start, i, joined))
        if reason:
            skipping = True
        elif tok.text in _SENTENCE_ENDS:
            skipping = False
        joined = tok.text not in _SENTENCE_ENDS
        start = i + 1
    return clauses


def _clause(
    tokens: Sequence[Token],
    mentions: list[Mention],
    vocab: Vocabulary,
    start: int,
    end: int,
    joined: bool,
) -> Clause:
    mine = [m for m in mentions if start <= m.start < end]
    mine = _merge_compounds(_as_units(mine, tokens, start, end), vocab)
    mention_tokens = {i for m in mine for s, e in m.spans for i in range(s, e)}
    ops = read_ops(tokens, start, end, mention_tokens)
    loose: list[Op] = []
    for op in ops:
        target = _nearest(op, mine)
        (target.ops if target is not None else loose).append(op)
    words = [t.text for t in tokens[start:end]]
    negated = any(w in _NEGATIONS for w in words) or any(
        pair in _NEGATION_PAIRS for pair in itertools.pairwise(words)
    )
    pronoun = any(w in _PRONOUNS for w in words)
    return Clause(start, end, joined, _pool(mine), loose, negated, pronoun)


def _nearest(op: Op, mentions: Sequence[Mention]) -> Mention | None:
    """The mention an operation acts on: the closest, then the side its kind prefers."""
    best: tuple[int, int] | None = None
    chosen = None
    for m in mentions:
        if any(s <= op.start < e for s, e in m.spans) or m.start <= op.start < m.end:
            gap, following = 0, True
        elif op.end <= m.start:
            gap, following = m.start - op.end, True
        else:
            gap, following = op.start - m.end, False
        rank = (gap, 0 if following == op.prefers_following else 1)
        if best is None or rank < best:
            best, chosen = rank, m
    return chosen


def _pool(mentions: list[Mention]) -> list[Mention]:
    """One mention per parameter in a clause, with all of its operations."""
    pooled: dict[tuple[str, ...], Mention] = {}
    for m in mentions:
        if m.params in pooled:
            pooled[m.params].ops.extend(m.ops)
        else:
            pooled[m.params] = m
    return list(pooled.values())


def _inherit_across_clauses(clauses: list[Clause]) -> None:
    """'make threes and twos worth 4', 'double the shot clock and the elam margin'."""
    for k, clause in enumerate(clauses):
        if clause.loose_ops or not clause.mentions or any(m.ops for m in clause.mentions):
            continue
        nxt = clauses[k + 1] if k + 1 < len(clauses) else None
        prev = clauses[k - 1] if k > 0 else None
        source: list[Op] = []
        if nxt is not None and nxt.joined and len(nxt.mentions) == 1:
            ops = nxt.mentions[0].ops
            if ops and all(op.start >= nxt.mentions[0].end for op in ops):
                source = ops
        if not source and prev is not None and clause.joined and len(prev.mentions) == 1:
            ops = prev.mentions[0].ops
            if ops and all(op.end <= prev.mentions[0].start for op in ops):
                source = ops
        for m in clause.mentions:
            m.ops.extend(source)
            if source:
                m.confidence *= 0.9


def _targets_for_loose_ops(
    clause: Clause, last: Mention | None, tokens: Sequence[Token], reasons: list[str]
) -> list[Mention]:
    """Operations with no rule in their clause: 'make it 5' or '20 seconds' (by its unit)."""
    if not clause.loose_ops:
        return []
    if not clause.mentions:
        by_unit = _mention_by_unit(clause.loose_ops)
        if by_unit is not None:
            name = by_unit.params[0]
            reasons.append(f"No rule was named; {name} is the only rule measured in those units.")
            return [by_unit]
        if clause.pronoun and last is not None:
            return [Mention(last.params, last.spans, last.words, 0.85, list(clause.loose_ops))]
    shown = ", ".join(
        f"'{_quote(' '.join(t.text for t in tokens[op.start : op.end]))}'"
        for op in clause.loose_ops[:3]
    )
    reasons.append(f"Could not tell which rule {shown} is about.")
    return []


def _mention_by_unit(ops: Iterable[Op]) -> Mention | None:
    units = {op.number.unit for op in ops if op.number is not None and op.number.unit}
    if len(units) != 1:
        return None
    unit = units.pop()
    owners = [p.name for p in PARAMS.values() if UNITS.get(p.unit.split()[0]) == unit]
    if len(owners) != 1:
        return None
    return Mention((owners[0],), [(0, 0)], (unit,), 0.7, list(ops))


def _quote(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
