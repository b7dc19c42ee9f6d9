"""The built-in proposal interpreter: plain English in, validated rule changes out.

Deterministic and offline. The steps, each small:

1. clean the text (`reading_text`: no pings, no invisible characters, NFKC) and refuse, with
   no change at all, text that asks for something other than a rule change (`guard`);
2. split it into tokens and find parameter mentions by the longest registry phrase at each
   position;
3. cut the text into clauses at punctuation and "and"/"also"/"then", dropping the reasons
   ("because ...", "so ...") that follow a request;
4. in each clause, read the operations ("to 5", "double", "turn off", "+2") and attach each
   to the nearest mention (verbs to the rule after them, values to the rule before them);
   rules joined by "and" share a value ("twos and threes worth 3") or take one each ("free
   throws and threes worth 2 and 4");
5. resolve each parameter's operations to a value and let `build_interpretation` validate it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from bot.ai.effect_phrases import read_effect_phrasing
from bot.ai.guard import hostile_reasons
from bot.ai.lexer import UNITS, Token, and_a_half_at, read_number, reading_text, tokenize
from bot.ai.operations import Op, read_ops
from bot.ai.resolve import resolve
from bot.ai.vocabulary import Vocabulary, content_words, singular, vocabulary
from bot.domain.interpretation import (
    Interpretation,
    ProposedChange,
    build_interpretation,
    rule_name,
)
from bot.domain.rules import PARAMS, SHARE_UNITS, RuleSet

# Longer text is cut here and flagged: no proposal needs more, and work stays bounded.
MAX_INTERPRETED_CHARS = 1000
# Hostile text is looked for this far (ten times what is read), so it cannot hide at the end.
MAX_GUARDED_CHARS = 10 * MAX_INTERPRETED_CHARS
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
_VALUE_KINDS = frozenset({"abs", "bare"})
_VERB_KINDS = frozenset({"verb", "mul", "reset"})
# Words before "quarter(s)" that make it a fraction where a share is meant ("three quarters").
_QUARTER_COUNTS = frozenset({"a", "an", "one", "two", "three", "1", "2", "3"})


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
    `effect_phrases`); never raises for any input text.

    Text that asks for anything but a rule change (see `guard`) changes nothing at all, even
    where it also names a real rule change: it is wild, for an admin to review."""
    cleaned = reading_text(text)
    hostile = hostile_reasons(cleaned[:MAX_GUARDED_CHARS], rule_words=vocabulary().words)
    if hostile:
        return _refused(cleaned[:MAX_INTERPRETED_CHARS], hostile, rules)
    head = cleaned[:MAX_INTERPRETED_CHARS]
    timed = read_effect_phrasing(head, rules, _interpret_rules, _mentioned)
    return timed if timed is not None else _interpret_rules(cleaned, rules)


def _refused(text: str, reasons: Sequence[str], rules: RuleSet) -> Interpretation:
    named = sorted(_mentioned(text), key=list(PARAMS).index)
    notes = list(reasons)
    if named:
        shown = ", ".join(rule_name(n) for n in named[:3])
        notes.append(
            f"It also mentions a rule ({shown}); to change a rule, propose the change on its own."
        )
    return build_interpretation((), rules, reasons=notes, failed=True)


def _mentioned(text: str) -> set[str]:
    """The rules `text` names (every reading of an ambiguous mention)."""
    return {p for m in _find_mentions(tokenize(text), vocabulary()) for p in m.params}


def _interpret_rules(text: str, rules: RuleSet) -> Interpretation:
    cleaned = reading_text(text)
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

    # Links are blanked, not removed, so token offsets still point into `cleaned`.
    tokens = tokenize(_LINK.sub(lambda m: " " * len(m.group()), cleaned))
    vocab = vocabulary()
    mentions = _find_mentions(tokens, vocab)
    clauses = _split_clauses(tokens, mentions, vocab)
    _share_out_respectively(clauses)
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
            meanings = " or ".join(rule_name(p) for p in mention.params)
            reasons.append(f"'{words}' could mean {meanings}.")
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
        joiner = tok.text in _JOINERS and not and_a_half_at(tokens, i)
        boundary = tok.text in _SENTENCE_ENDS or tok.kind == "sep" or joiner
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
    mine, quarters = _quarters_of_a_share(mine, tokens)
    mention_tokens = {i for m in mine for s, e in m.spans for i in range(s, e)}
    ops = read_ops(tokens, start, end, mention_tokens, quarters=quarters)
    loose: list[Op] = []
    for op in ops:
        target = _nearest(op, mine)
        (target.ops if target is not None else loose).append(op)
    words = [t.text for t in tokens[start:end]]
    negated = any(w in _NEGATIONS for w in words) or any(
        pair in _NEGATION_PAIRS for pair in itertools.pairwise(words)
    )
    pronoun = any(w in _PRONOUNS for w in words)
    return Clause(start, end, joined, _pool(mine, tokens), loose, negated, pronoun)


def _quarters_of_a_share(
    mentions: list[Mention], tokens: Sequence[Token]
) -> tuple[list[Mention], bool]:
    """'a three-quarters majority': next to a share rule, 'quarters' is a fraction, not a
    quarter of a game. Returns the mentions left and whether quarters are fractions here."""
    if not any(PARAMS[p].unit in SHARE_UNITS for m in mentions for p in m.params):
        return mentions, False
    kept = [
        m
        for m in mentions
        if not (
            len(m.words) == 1
            and singular(m.words[0]) == "quarter"
            and m.start > 0
            and tokens[m.start - 1].text in _QUARTER_COUNTS
        )
    ]
    return kept, len(kept) < len(mentions)


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


def _pool(mentions: list[Mention], tokens: Sequence[Token]) -> list[Mention]:
    """One mention per parameter in a clause, with all of its operations.

    Where one mention of a rule carries the verb and another the number right after it
    ("more physical defence: foul rate 1.5"), the number is the value asked for, not an
    amount. A rule named with a number in it and asked nothing else ("a 24-second clock")
    asks for that number."""
    groups: dict[tuple[str, ...], list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.params, []).append(m)
    pooled: list[Mention] = []
    for group in groups.values():
        first = group[0]
        if len(group) > 1 and any(op.kind in _VERB_KINDS for m in group for op in m.ops):
            for m in group:
                if not any(op.kind in _VERB_KINDS for op in m.ops):
                    m.ops[:] = [_stated(op, m) for op in m.ops]
        first.ops[:] = [op for m in group for op in m.ops]
        if not first.ops:
            first.ops.extend(_number_in_name(group, tokens))
        pooled.append(first)
    return pooled


def _stated(op: Op, mention: Mention) -> Op:
    if op.kind == "bare" and op.start == mention.end:
        return replace(op, stated=True)
    return op


def _number_in_name(group: Sequence[Mention], tokens: Sequence[Token]) -> list[Op]:
    for m in group:
        if tokens[m.start].kind == "num":
            number = read_number(tokens, m.start, m.start + 1)
            if number is not None:
                return [Op("bare", m.start, m.start + 1, number=number, adjectival=True)]
    return []


def _share_out_respectively(clauses: list[Clause]) -> None:
    """'free throws and threes worth 2 and 4': n rules joined by "and", the last with a value,
    then n - 1 more values; each rule takes the value in its place."""
    k = 0
    while k < len(clauses):
        n = _respective_run(clauses, k)
        if n < 2:
            k += 1
            continue
        subjects = [c.mentions[0] for c in clauses[k : k + n]]
        values = [subjects[-1].ops[0], *(c.loose_ops[0] for c in clauses[k + n : k + 2 * n - 1])]
        for mention, value in zip(subjects, values, strict=True):
            mention.ops[:] = [value]
            mention.confidence *= 0.9
        for c in clauses[k + n : k + 2 * n - 1]:
            c.loose_ops.clear()
        k += 2 * n - 1


def _respective_run(clauses: Sequence[Clause], k: int) -> int:
    """How many rules start a "respectively" pattern at clause `k` (0 when none does)."""
    n = 0
    while (
        k + n < len(clauses) and _bare_subject(clauses[k + n]) and (n == 0 or clauses[k + n].joined)
    ):
        n += 1
    n += 1  # the rule that carries the first value
    if n < 2 or k + n - 1 >= len(clauses):
        return 0
    valued = clauses[k + n - 1]
    if not (valued.joined and _single_value_after(valued)):
        return 0
    values = clauses[k + n : k + 2 * n - 1]
    if len(values) != n - 1 or not all(c.joined and _lone_value(c) for c in values):
        return 0
    return n


def _bare_subject(clause: Clause) -> bool:
    return (
        len(clause.mentions) == 1
        and not clause.mentions[0].ops
        and not clause.loose_ops
        and not clause.negated
    )


def _single_value_after(clause: Clause) -> bool:
    if len(clause.mentions) != 1 or clause.loose_ops or clause.negated:
        return False
    ops = clause.mentions[0].ops
    return (
        len(ops) == 1
        and ops[0].kind in _VALUE_KINDS
        and ops[0].number is not None
        and ops[0].start >= clause.mentions[0].end
    )


def _lone_value(clause: Clause) -> bool:
    ops = clause.loose_ops
    return (
        not clause.mentions
        and not clause.negated
        and len(ops) == 1
        and ops[0].kind in _VALUE_KINDS
        and ops[0].number is not None
    )


def _inherit_across_clauses(clauses: list[Clause]) -> None:
    """'make threes and twos worth 4', 'twos, threes and free throws all worth 5', 'double
    the shot clock and the elam margin': rules joined by "and" share the operations written
    once for all of them."""
    for k, clause in enumerate(clauses):
        if clause.loose_ops or not clause.mentions or any(m.ops for m in clause.mentions):
            continue
        source = _shared_after(clauses, k) or _shared_before(clauses, k)
        for m in clause.mentions:
            m.ops.extend(source)
            if source:
                m.confidence *= 0.9


def _shared_after(clauses: Sequence[Clause], k: int) -> list[Op]:
    """The operations after the rule of the next joined clause that has any, when the
    clauses in between only name rules."""
    j = k + 1
    while j < len(clauses) and clauses[j].joined:
        nxt = clauses[j]
        if nxt.loose_ops or not nxt.mentions:
            return []
        if any(m.ops for m in nxt.mentions):
            if len(nxt.mentions) != 1:
                return []
            ops = nxt.mentions[0].ops
            return ops if all(op.start >= nxt.mentions[0].end for op in ops) else []
        j += 1
    return []


def _shared_before(clauses: Sequence[Clause], k: int) -> list[Op]:
    """The operations before the rule of the previous joined clause that has any, when the
    clauses in between only name rules."""
    j = k
    while j > 0 and clauses[j].joined:
        prev = clauses[j - 1]
        if prev.loose_ops or not prev.mentions:
            return []
        if any(m.ops for m in prev.mentions):
            if len(prev.mentions) != 1:
                return []
            ops = prev.mentions[0].ops
            return ops if all(op.end <= prev.mentions[0].start for op in ops) else []
        j -= 1
    return []


def _targets_for_loose_ops(
    clause: Clause, last: Mention | None, tokens: Sequence[Token], reasons: list[str]
) -> list[Mention]:
    """Operations with no rule in their clause: 'make it 5' or '20 seconds' (by its unit)."""
    if not clause.loose_ops:
        return []
    if not clause.mentions:
        by_unit = _mention_by_unit(clause.loose_ops)
        if by_unit is not None:
            name = rule_name(by_unit.params[0])
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
