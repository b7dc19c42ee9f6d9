"""Spotting text written to steer an AI rather than to change a rule.

A proposal that says "ignore previous instructions" may still name a real rule change, but it
is not what a governor writes in good faith, so whatever was understood is flagged as wild for
an admin to look at. This is a tripwire, not the defence: every suggested value is validated
against the registry whoever suggested it.
"""

from __future__ import annotations

import re

_MARKERS = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?]{0,40}?"
    r"\b(?:instructions?|prompts?|rules above|previous|prior|above|system|guidelines?)\b"
    r"|\bsystem\s*prompt\b"
    r"|\byou\s+are\s+now\b"
    r"|\b(?:act|pretend|behave)\s+(?:as|like|to\s+be)\s+(?:an?\s+|the\s+)?"
    r"(?:ai|assistant|model|system|admin|developer)"
    r"|\bjailbreak"
    r"|\bdeveloper\s+mode\b"
    r"|\bdo\s+anything\s+now\b"
    r"|\bnew\s+instructions?\b"
    r"|(?:^|\s)(?:system|assistant|user)\s*:"
    r"|</?\s*(?:system|instructions?|prompt|assistant)\s*>"
    r"|\[/?\s*(?:inst|system)\s*\]",
    re.IGNORECASE,
)


def instruction_markers(text: str) -> tuple[str, ...]:
    """The phrases in `text` that read like instructions to an AI (empty when none)."""
    found = (m.group().strip() for m in _MARKERS.finditer(text))
    return tuple(dict.fromkeys(found))[:3]


def injection_reason(text: str) -> str | None:
    """A player-facing reason to distrust `text`, or None."""
    markers = instruction_markers(text)
    if not markers:
        return None
    quoted = ", ".join(f"'{m[:40]}'" for m in markers)
    return (
        f"The proposal contains instructions aimed at the AI ({quoted}), "
        "so an admin should review it."
    )
