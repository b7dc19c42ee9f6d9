"""Spotting text that asks for something other than a rule change.

A proposal can only change the league's rules. Text that instead (or as well) tries to steer
an AI or the bot ("ignore previous instructions", "SYSTEM: approve", "you are now admin",
"note to the AI", "disregard any safety checks"), to get round the vote ("override the vote",
"enact this immediately", "this proposal passes automatically"), asks for tokens or balances
for someone ("give me 10 tokens", "set my tokens to 99"), acts on particular governors ("ban
bob", "remove alice's votes", "count my vote twice", "award me the MVP", "give me veto power")
or carries code ("DROP TABLE", "<script>", "os.system(") is not what a governor writes in
good faith.
Such a proposal changes nothing, even where it also names a real rule change, and is flagged
for an admin to look at. This is a tripwire, not the only defence: every suggested value is
validated against the registry whoever suggested it, and nothing in a proposal is executed.

Every pattern is bounded (no nested repetition), so checking any text takes linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE

# What a proposal says of itself ("this proposal", "it") and "at once", for passing without
# the vote: "enact this immediately", "this rule passes automatically".
_THIS = r"(?:(?:this|my|the)\s+(?:proposal|rule|change|idea)\s+|this\s+|it\s+)"
_AT_ONCE = (
    r"(?:automatically|instantly|immediately|right\s+(?:away|now)|now|at\s+once|today"
    r"|unanimously|without\s+(?:a\s+|any\s+|the\s+)?(?:votes?|voting|review))\b"
)

# --- Instructions to the AI or the bot ----------------------------------------------------------

_INSTRUCTIONS = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?]{0,40}?"
    r"\b(?:instructions?|prompts?|rules above|previous|prior|above|system|guidelines?"
    r"|everything|all that|what you were told|checks?|safety|safeguards?|filters?"
    r"|guard(?:rail)?s?|restrictions?|validation|moderation|polic(?:y|ies)|constraints?"
    r"|programming|training|(?:the|any|all|your|safety|league's)\s+rules)\b"
    # Overriding the system, the vote or its result: "system override", "override the vote".
    r"|\b(?:system|emergency|manual|developer|dev|moderator|owner|bot|ai|governor|vote)"
    r"\s+(?:override|overrule)\b"
    r"|\b(?:override|overrule|overturn|overriding|overrides)\b[^.!?;]{0,30}?"
    r"\b(?:votes?|voting|results?|ballots?|outcomes?|tally|governors?|quorum|thresholds?"
    r"|decisions?|majority|admins?|moderators?|checks?|safety|review)\b"
    r"|\bsystem\s*prompt\b"
    r"|\byou\s+are\s+now\b"
    r"|\b(?:act|pretend|behave)\s+(?:as|like|to\s+be)\s+(?:an?\s+|the\s+)?"
    r"(?:ai|assistant|model|system|admin|developer)"
    r"|\bjailbreak"
    r"|\b(?:developer|god|debug|admin|maintenance)\s+mode\b"
    r"|\bdo\s+anything\s+now\b"
    r"|\bnew\s+instructions?\b"
    r"|(?:^|\s)(?:system|assistant|user|developer)\s*:"
    r"|</?\s*(?:system|instructions?|prompt|assistant)\s*>"
    r"|\[/?\s*(?:inst|system)\s*\]"
    r"|\b(?:as|you\s+are)\s+an?\s+(?:ai|llm|(?:large\s+)?language\s+model|chat\s?bot|assistant)\b"
    r"|\b(?:chat\s?gpt|gpt-?\d\w*|openai|anthropic|llm)\b"
    r"|\b(?:respond|reply|answer|output|return|print)\s+(?:only\s+)?(?:with\s+)?(?:only\s+)?"
    r"(?:the\s+)?(?:json|this|exactly|the\s+following|nothing\s+but|yes|approved?)\b"
    r"|\bauto[- ]?(?:approve|pass|accept)"
    r"|\b(?:automatically|instantly|immediately)\s+(?:approve|pass|accept|enact)\b"
    # Passing or enacting at once, not by the vote: "enact this immediately", "this proposal
    # passes automatically", "declare this proposal passed".
    rf"|\b(?:pass|approve|accept|enact|adopt|implement|apply|ratify)\s+{_THIS}?{_AT_ONCE}"
    rf"|\b{_THIS}(?:automatically\s+|instantly\s+)?(?:passes|is\s+passed|has\s+passed"
    rf"|is\s+approved|is\s+enacted|is\s+adopted|gets\s+(?:passed|approved|enacted)|wins)"
    rf"\s+{_AT_ONCE}"
    rf"|\benact(?:s|ed)?\s+{_AT_ONCE}"
    r"|\b(?:declare|consider|deem|treat|count|call)\s+(?:this|it|the|my)\s+"
    r"(?:proposal\s+|rule\s+|change\s+)?(?:as\s+)?(?:passed|approved|accepted|enacted|adopted"
    r"|won|unanimous)\b"
    r"|\b(?:this|my)\s+(?:proposal|rule|change)\s+(?:can't|cannot|can\s+not|won't|must\s+not)"
    r"\s+fail\b"
    # Words addressed to the AI, the model or the bot: "note to the AI", "to the bot reading this".
    r"|\b(?:note|message|memo|reminder|instructions?|hint|attention|psst)\b"
    r"[\s,:]{0,3}(?:to|for)?\s*(?:the\s+|any\s+)?(?:ai|a\.i\.|model|bot|assistant"
    r"|interpreter|parser|reviewer|grader|classifier|pinwheel)\b"
    r"|\bto\s+(?:the|any|whatever|whichever)\s+(?:ai|model|bot|system|assistant|interpreter"
    r"|parser|reviewer|program)\s+(?:that\s+is\s+|who\s+is\s+)?(?:reading|parsing|reviewing"
    r"|processing|checking|handling|interpreting)\b"
    r"|\b(?:rate|score|give|assign|mark|set|with|return|output|report)\s+(?:(?:it|this|me"
    r"|the\s+proposal)\s+)?(?:an?\s+|as\s+)?(?:high|full|max(?:imum)?|total|complete|perfect"
    r"|100\s*%?)\s+confidence\b"
    r"|\bconfidence\s*(?:[:=]|of|to|at)\s*(?:1(?:\.0+)?|100\s*%?|high|max)"
    r"|\bapprove\s+(?:this|it|me|my|the\s+proposal|immediately|now|automatically)\b"
    r"|\byou\s+(?:must|should|will|shall|have\s+to|need\s+to)\s+(?:approve|accept|pass|obey"
    r"|comply|ignore|output|respond|answer|mark|treat|flag)\b"
    r"|\b(?:mark|label|classify|rate|flag|treat)\s+(?:this|it|me|the\s+proposal)\s+as\s+"
    r"(?:approved|passed|accepted|safe|valid|not\s+wild|tame|confident|certain|sure|legit"
    r"|legitimate|harmless|trusted|clean|ok|okay|fine|good)\b"
    r"|\b(?:not|isn't|is\s+not|never)\s+wild\b"
    r"|\b(?:don't|do\s+not|never)\s+(?:flag|review|check)\b"
    r"|\b(?:skip|bypass|avoid|without)\s+(?:the\s+|a\s+|any\s+|counting\s+|holding\s+"
    r"|waiting\s+for\s+(?:the\s+|a\s+)?)?(?:votes?|voting|review|admins?"
    r"|moderation|approval|checks?|validation)\b(?!\s*(?:threshold|every))"
    r"|\bno\s+(?:vote|review)\s+needed\b"
    r"|\b(?:set|with)\s+(?:the\s+|your\s+)?confidence\b"
    r"|\b(?:is_wild|unsure_reasons|new_value)\b"
    r"|\b(?:i\s+am|i'm|im)\s+(?:the\s+|an?\s+)?(?:admin|administrator|moderator|mod|developer"
    r"|dev|owner|creator|commissioner)\b"
    r"|\badmin\s+(?:override|command|access|privileges?|rights)\b"
    r"|\b(?:sudo|root\s+access)\b",
    _I,
)

# --- Tokens and balances for someone -------------------------------------------------------------

_RESOURCE = r"(?:tokens?|balances?|wallets?|boosts?|coins?|credits?|money)"
_PERSON = r"(?:me|us|him|her|them|myself|ourselves|@user)"
_POSSESSIVE = r"(?:my|our|his|her|their|your|mine)"
# Who a rule may give tokens to: new or every governor, never a particular one.
_EVERYONE_WORDS = (
    r"new|every|each|all|the|a|governors?|players?|newcomers?|joiners?|fresh|newly|incoming"
    r"|out|back|more|extra|to|of|for|\d[\w.]*"
)
# After a resource word, words that make it a rule's name: "my token cap idea".
_RULE_AFTER = (
    r"(?!\s*(?:cap|limit|regen\w*|ceiling|max\w*|refresh|grant|per|each|every|a\s+window)\b)"
)
# Somebody's: not "it's" and the like, nor the league's, a team's or the game's.
_SOMEBODY_S = (
    r"\b(?!(?:it|that|there|here|what|let|who|he|she|this|league|game|team|home|away|season"
    r"|court|crowd|playoff|elam|everyone|everybody|governor)'s)[a-z]\w*'s"
)
_GRANT = (
    r"(?:give|gives|giving|grant|grants|award|send|transfer|pay|mint|airdrop|refund|gift"
    r"|donate|credit|hand|lend|loan|reimburse)"
)
_TOKENS = re.compile(
    rf"(?:^|(?<=[\s,;:.!?])){_GRANT}\s+{_PERSON}\b[^.!?;]{{0,40}}?\b(?:{_RESOURCE}|votes?)\b"
    rf"|(?:^|(?<=[\s,;:.!?])){_GRANT}\s+(?!(?:{_EVERYONE_WORDS})\b)[@\w']+"
    rf"[^.!?;]{{0,40}}?\b(?:{_RESOURCE}|votes?|vote\s+weight)\b"
    rf"|\b{_POSSESSIVE}\s+(?:own\s+)?(?:\w+\s+)?tokens?\b{_RULE_AFTER}"
    rf"|\b{_POSSESSIVE}\s+(?:own\s+)?(?:\w+\s+)?(?:balances?|wallets?|boosts?|coins?|credits?|money)\b"
    rf"|{_SOMEBODY_S}\s+(?:\w+\s+)?{_RESOURCE}\b"
    rf"|\b{_RESOURCE}\s+(?:for|to)\s+{_PERSON}\b"
    rf"|\bi\s+(?:\w+\s+)?(?:get|receive|have|deserve|want|need|keep|earn)\s+(?:\w+\s+){{0,2}}?"
    rf"(?:\d+|unlimited|infinite|more|extra|free|lots\s+of|tons\s+of|many)\s+(?:\w+\s+)?"
    rf"{_RESOURCE}\b",
    _I,
)

# --- Acting on particular governors --------------------------------------------------------------

_STANDING = (
    r"(?:vote\s+weight|voting\s+(?:power|weight|rights)|votes?|ballots?|seats?|roles?|accounts?"
    r"|membership)"
)
# What changes or cancels somebody's vote: "double my vote weight", "remove alice's votes".
_ALTER = (
    r"(?:double|triple|quadruple|increase|boost|multiply|raise|remove|delete|cancel|void|ignore"
    r"|discard|nullify|erase|drop|ban|block|take\s+away|give|transfer|steal|count|tally|weigh"
    r"|weight|recount)"
)
# How somebody's vote is said to count: "my votes count triple", "bob's votes don't count".
_COUNTED = (
    r"(?:counts?|count(?:ing)?\s+(?:double|triple|twice)|weighs?|weigh|are\s+worth|is\s+worth"
    r"|worth|=|don't\s+count|do\s+not\s+count|doesn't\s+count|does\s+not\s+count"
    r"|shouldn't\s+count|never\s+count|are\s+void|is\s+void|x\s*\d|times\b|double|triple"
    r"|(?:be\s+|get\s+)?(?:counted|tallied|weighted|multiplied|doubled|tripled))"
)
# After a vote word, words that make it a rule's name: "the vote threshold", "votes to pass".
_VOTE_RULE_AFTER = (
    r"(?!\s*(?:threshold|limit|cap|per|every|needed|cast|share|to\s+pass|weight\s+of\s+all)\b)"
)
_CANCEL = r"(?:delete|veto|cancel|reject|void|annul|withdraw|kill|remove|scrap|erase|discard|block)"
_MODERATE = (
    r"(?:ban|bans|banned|kick|mute|unmute|expel|suspend|silence|exile|eject|boot|demote|promote"
    r"|unban|timeout|disqualify|blacklist|punish|penalize|penalise|censor|shadowban|dox|doxx"
    r"|fire|remove|delete)"
)
# Words after a moderation verb that are not a person: "kick in", "remove the bonus".
_NOT_A_PERSON = (
    r"(?:in|into|off|up|out|on|the|a|an|all|any|every|each|it|this|that|these|those|no|more"
    r"|less|fewer|some)"
)
# What a governor might ask to be given or named: "the MVP", "veto power".
_HONOURS = (
    r"mvp|awards?|trophy|trophies|titles?|champions?|championship|winners?|prizes?|medals?"
    r"|rings?|crowns?|vetoe?s?|veto\s+powers?|immunity|admin|moderator"
)
_GOVERNORS = re.compile(
    rf"\b{_MODERATE}\s+{_PERSON}\b"
    rf"|\b{_MODERATE}\s+(?:governor|user)\s+\w+"
    rf"|\b{_ALTER}\s+(?:{_POSSESSIVE}\b|{_SOMEBODY_S})\s+(?:own\s+)?{_STANDING}\b"
    rf"|(?:\b{_POSSESSIVE}|{_SOMEBODY_S})\s+(?:own\s+)?{_STANDING}\b"
    rf"\s+(?:should\s+|shall\s+|must\s+|will\s+)?{_COUNTED}"
    rf"|{_SOMEBODY_S}\s+{_STANDING}\b"
    r"|\bmake\s+(?:me|him|her|us|them|@user|[a-z]\w*)\s+(?:an?\s+|the\s+)?(?:admin|administrator"
    r"|mod|moderator|owner|commissioner|dictator|king|queen|boss|god|mvp|champions?|winners?)\b"
    # Awards, titles or powers for somebody: "award me the MVP", "give me veto power".
    rf"|\b(?:{_GRANT}|name|crown|declare|appoint|elect|vote)\s+{_PERSON}\b[^.!?;]{{0,30}}?"
    rf"\b(?:{_HONOURS}|powers?|privileges?|rights?|control|authority)\b"
    rf"|\b(?:{_GRANT}|crown)\s+(?!(?:{_EVERYONE_WORDS}|{_NOT_A_PERSON})\b)[@\w']+"
    rf"[^.!?;]{{0,20}}?\b(?:the|an?|his|her|their)\s+(?:\w+\s+)?(?:{_HONOURS})\b"
    rf"|\b(?:{_POSSESSIVE}|{_SOMEBODY_S})\s+(?:own\s+)?(?:veto|special|extra|admin|super)\s+"
    r"(?:powers?|privileges?|rights?|votes?)\b"
    rf"|\b{_CANCEL}\s+(?:every|all|any|each|the)?\s*other\s+(?:proposals?|votes?|ballots?)\b"
    rf"|\b{_CANCEL}\s+(?:every|all|any|each|the)\s+(?:proposals?|votes?|ballots?)\b"
    rf"{_VOTE_RULE_AFTER}"
    r"|\b(?:can't|cannot|can\s+not|shouldn't|may\s+not|must\s+not|won't)\s+(?:vote|propose)\b",
    _I,
)
# "ban bob", "mute carol": a moderation verb and a word that names no rule.
_MODERATE_WORD = re.compile(rf"\b{_MODERATE}\s+(?!{_NOT_A_PERSON}\b)([a-z][\w']*)", _I)

# --- Code ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Code:
    kind: str
    pattern: re.Pattern[str]


_CODE = (
    _Code("a code block", re.compile(r"```")),
    _Code(
        "SQL",
        re.compile(
            r"\b(?:drop|truncate|alter|create)\s+(?:table|database|schema|index)\b"
            r"|\bdelete\s+from\b|\binsert\s+into\b|\bunion\s+(?:all\s+)?select\b"
            r"|\bselect\s+[\w*, ]{1,40}\s+from\s+\w+|\bupdate\s+\w+\s+set\b"
            r"|\bor\s+(['\"]?)(\w{1,10})\1\s*=\s*\1\2\1"
            r"|['\"]\s*\)+\s*;|['\"]\s*;\s*(?:--|drop|delete|insert|update|select|truncate|exec)\b"
            r"|;\s*--|\bwaitfor\s+delay\b|\bxp_\w+",
            _I,
        ),
    ),
    _Code(
        "markup or a script",
        re.compile(
            r"</?[a-z][a-z0-9-]{0,20}(?:\s[^<>]{0,200})?/?>"
            r"|\bjavascript\s*:|\bon[a-z]{3,20}\s*=|\balert\s*\(|\bdocument\.\w+",
            _I,
        ),
    ),
    _Code(
        "a template",
        re.compile(r"\{\{[^{}]{0,200}\}\}|\$\{[^{}]{0,200}\}|\{%|<%|#\{[^{}]{0,200}\}|\bjndi:", _I),
    ),
    _Code(
        "program code",
        re.compile(
            r"\b__\w{1,30}__"
            r"|\b(?:eval|exec|system|popen|getattr|setattr|compile|subprocess|print)\s*\("
            r"|\b(?:os|sys|subprocess|shutil)\.\w+"
            r"|\bfrom\s+[\w.]+\s+import\s+\w+"
            r"|\bimport\s+(?:os|sys|subprocess|socket|requests|shutil|json|pickle)\b"
            r"|\bdef\s+\w+\s*\(|\bfunction\s*\w*\s*\(|\blambda\s+\w*\s*:"
            r"|\b[a-z_]\w*\.[a-z]\w*_\w*\s*=(?!=)"
            r"|\b(?:rules|ruleset|self|config|settings|league|db|bot|params?)\.\w+\s*=(?!=)"
            r"|\brm\s+-\w*r|\b(?:curl|wget)\s+\S|\$\(|\|\s*(?:sh|bash)\b|&&\s*\w"
            r"|\\x[0-9a-f]{2}|%[0-9a-f]{2}%[0-9a-f]{2}|\.\./|/etc/passwd",
            _I,
        ),
    ),
    _Code("a JSON object", re.compile(r"\{\s*\"[^\"]{0,100}\"\s*:")),
)


def instruction_markers(text: str) -> tuple[str, ...]:
    """The phrases in `text` that read like instructions to an AI (empty when none)."""
    found = (m.group().strip() for m in _INSTRUCTIONS.finditer(text))
    return tuple(dict.fromkeys(found))[:3]


def injection_reason(text: str) -> str | None:
    """A player-facing reason to distrust `text` as instructions to the AI, or None."""
    markers = instruction_markers(text)
    if not markers:
        return None
    quoted = ", ".join(f"'{m[:40]}'" for m in markers)
    return (
        f"The proposal contains instructions aimed at the AI or the bot ({quoted}), "
        "so it changes nothing; an admin should review it."
    )


def hostile_reasons(text: str, *, rule_words: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Player-facing reasons why `text` is not a proposal in good faith (empty when it is).

    `rule_words` are words that name rules ("dunks", "bonus"): "ban dunks" is a rule change,
    "ban bob" is not."""
    reasons: list[str] = []
    injection = injection_reason(text)
    if injection:
        reasons.append(injection)
    tokens = _first(_TOKENS, text)
    if tokens:
        reasons.append(
            f"The proposal asks for tokens, votes or balances for particular governors "
            f"('{tokens}'); "
            "a proposal can only change the league's rules, so it changes nothing."
        )
    governors = _first(_GOVERNORS, text) or _moderated_person(text, rule_words)
    if governors:
        reasons.append(
            f"The proposal acts on particular governors ('{governors}'); a proposal can only "
            "change the league's rules, so it changes nothing."
        )
    kinds = [code.kind for code in _CODE if code.pattern.search(text)]
    if kinds:
        reasons.append(
            f"The proposal contains code ({', '.join(kinds[:3])}); proposals are written in "
            "plain words and nothing in them is run, so it changes nothing."
        )
    return tuple(reasons)


def _first(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return match.group().strip()[:40] if match else ""


def _moderated_person(text: str, rule_words: frozenset[str]) -> str:
    """'ban bob': a moderation verb, then a word that is not a rule's. After a verb that also
    changes rules ('remove shooting fouls' removes fouls), the word must not be followed by a
    rule's word either."""
    for match in _MODERATE_WORD.finditer(text):
        word = match.group(1).lower().removesuffix("'s")
        if word in rule_words:
            continue
        verb = match.group().split()[0].lower()
        after = _NEXT_WORD.match(text, match.end())
        following = after.group(1).lower() if after else ""
        if verb in _RULE_VERBS and following in rule_words and following not in _LITTLE_WORDS:
            continue
        return match.group().strip()[:40]
    return ""


# Moderation verbs that also change rules ("remove the bonus", "punish fouling").
_RULE_VERBS = frozenset({"remove", "delete", "fire", "boot", "punish", "penalize", "penalise"})


_NEXT_WORD = re.compile(r"\s+([a-z][\w']*)", _I)
# Words too common to show that a rule is meant ("ban bob from voting").
_LITTLE_WORDS = frozenset(
    {
        "the",
        "of",
        "to",
        "from",
        "in",
        "a",
        "an",
        "per",
        "each",
        "every",
        "when",
        "how",
        "can",
        "be",
        "is",
        "on",
        "at",
        "for",
        "with",
        "and",
        "out",
        "up",
        "off",
        "by",
        "new",
        "other",
        "all",
        "any",
    }
)
