"""Cleaning player-written text before it is stored, interpreted or shown again.

Player text (proposals, amendments, strategies) ends up in channel posts, AI prompts and the
event log, so it is cleaned once, at the edge: no pings, no invisible or direction-changing
characters, one canonical Unicode form, single spaces.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.errors import ValidationError

# Categories removed outright: control (Cc), format (Cf: zero-width, bidi overrides and
# isolates, BOM, soft hyphen, tag characters), surrogates (Cs) and private use (Co).
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
# Whitespace that is not category Z* or Cc but still reads as a gap.
_EXTRA_SPACES = frozenset({"\u180e", "\u2800", "\u3164", "\uffa0", "\u115f", "\u1160"})
# More stacked combining marks than this per character is "zalgo" text, not a language.
_MAX_COMBINING = 3

_USER_MENTION = re.compile(r"<@!?\s*\d+\s*>")
_ROLE_MENTION = re.compile(r"<@&\s*\d+\s*>")
_CHANNEL_MENTION = re.compile(r"<#\s*\d+\s*>")
_SLASH_MENTION = re.compile(r"</([\w\- ]{1,64}):\d+>")
_CUSTOM_EMOJI = re.compile(r"<a?:(\w{1,64}):\d+>")
_MASS_MENTION = re.compile(r"@+\s*(everyone|here)\b", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")

# Inputs this many times the limit are refused before any cleaning work is spent on them.
_EARLY_REJECT_FACTOR = 10


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(raw: str) -> str:
    """`raw` without the characters no database here can store: NUL (PostgreSQL refuses it in
    text and JSON) and lone surrogates (not UTF-8 at all). Applied to every text a command or
    an interaction carries, ids included, so both engines see the same, valid text."""
    return _UNSTORABLE.sub("", raw)


def storable_value(value: object) -> object:
    """`storable` applied to every string inside `value` (lists, tuples and dicts, as an
    interaction's options nest them)."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        return [storable_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(storable_value(v) for v in value)
    if isinstance(value, dict):
        return {k: storable_value(v) for k, v in value.items()}
    return value


def clean_text(raw: str) -> str:
    """Return `raw` cleaned for storage and display; never raises, may return ''."""
    text = _strip_invisible(unicodedata.normalize("NFKC", _strip_invisible(raw)))
    text = _WHITESPACE.sub(" ", _neutralise_mentions(text))
    # Once more: a replacement can meet a combining mark and compose with it.
    return unicodedata.normalize("NFKC", text).strip()


def sanitize_text(raw: str, *, max_length: int = 500) -> str:
    """Clean `raw` (see `clean_text`) and require 1..max_length characters of it.

    Raises `ValidationError` with a message written for the player.
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    if len(raw) > max_length * _EARLY_REJECT_FACTOR:
        raise _too_long(len(raw), max_length)
    text = clean_text(raw)
    if not text:
        raise ValidationError(
            "That text is empty once mentions and invisible characters are removed. "
            "Please write it out in words."
        )
    if len(text) > max_length:
        raise _too_long(len(text), max_length)
    return text


def _too_long(length: int, max_length: int) -> ValidationError:
    return ValidationError(
        f"That text is {length:,} characters long; the limit is {max_length:,}. Please shorten it."
    )


def _strip_invisible(text: str) -> str:
    kept: list[str] = []
    combining = 0
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\t\n\r\f\v" or category in ("Zl", "Zp") or ch in _EXTRA_SPACES:
            kept.append(" ")
            combining = 0
        elif category in _REMOVED_CATEGORIES:
            continue
        elif category.startswith("M"):
            combining += 1
            if combining <= _MAX_COMBINING:
                kept.append(ch)
        else:
            kept.append(ch)
            combining = 0
    return "".join(kept)


def _neutralise_mentions(text: str) -> str:
    # Repeat until stable so nested tricks like "<@<@1>1>" cannot leave a live mention behind.
    while True:
        before = text
        text = _USER_MENTION.sub("@user", text)
        text = _ROLE_MENTION.sub("@role", text)
        text = _CHANNEL_MENTION.sub("#channel", text)
        text = _SLASH_MENTION.sub(r"/\1", text)
        text = _CUSTOM_EMOJI.sub(r":\1:", text)
        text = _MASS_MENTION.sub(r"\1", text)
        if text == before:
            return text
