"""Cleaning player text: no pings, nothing invisible, one Unicode form, a friendly limit."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import ValidationError
from bot.domain.text import clean_text, sanitize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<@123456789> make threes worth 5", "@user make threes worth 5"),
        ("<@!123456789> hi", "@user hi"),
        ("<@&987654321> vote yes", "@role vote yes"),
        ("see <#555> please", "see #channel please"),
        ("@everyone vote now", "everyone vote now"),
        ("@here vote now", "here vote now"),
        ("@@everyone twice", "everyone twice"),
        ("use </propose:123>", "use /propose"),
        ("nice <:hoop:42> and <a:spin:43>", "nice :hoop: and :spin:"),
    ],
)
def test_mentions_are_neutralised(raw: str, expected: str) -> None:
    assert sanitize_text(raw) == expected


def test_mention_hidden_by_zero_width_space_is_still_neutralised() -> None:
    assert sanitize_text("@\u200beveryone and <@\u200b123>") == "everyone and @user"


def test_fullwidth_at_sign_cannot_smuggle_a_mass_mention() -> None:
    assert sanitize_text("＠ｅｖｅｒｙｏｎｅ") == "everyone"


def test_nested_mentions_leave_no_live_mention() -> None:
    cleaned = sanitize_text("<@<@123>123> <@&<@&1>1>")
    assert not re.search(r"<@[!&]?\d+>", cleaned)


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
     "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u2060", "\u00ad", "\x00",
     "\x07", "\x1b", "\x7f", "\U000e0041"],
)  # fmt: skip
def test_invisible_and_direction_characters_are_removed(invisible: str) -> None:
    assert sanitize_text(f"three{invisible}s worth 5") == "threes worth 5"


def test_right_to_left_override_cannot_reverse_displayed_text() -> None:
    assert sanitize_text("make threes worth \u202e01 \u202cplease") == "make threes worth 01 please"


def test_whitespace_of_every_kind_collapses_to_single_spaces() -> None:
    assert sanitize_text("  make\tthrees\n\nworth\u00a05\u2028now\u3000 ") == (
        "make threes worth 5 now"
    )


def test_text_is_nfkc_normalised() -> None:
    assert sanitize_text("ｍａｋｅ ﬁve ①") == "make five 1"


def test_stacked_combining_marks_are_trimmed() -> None:
    cleaned = sanitize_text("z" + "\u0301\u0302\u0303\u0304\u0305\u0306" * 10 + " ok")
    assert len(cleaned) < 10
    assert cleaned.endswith(" ok")


def test_empty_after_cleaning_is_refused_with_a_friendly_message() -> None:
    with pytest.raises(ValidationError, match="empty"):
        sanitize_text(" \u200b\u202e\t ")


def test_too_long_text_names_its_length_and_the_limit() -> None:
    with pytest.raises(ValidationError, match=r"501 characters long; the limit is 500"):
        sanitize_text("a" * 501)


def test_exactly_the_limit_is_accepted() -> None:
    assert sanitize_text("a" * 20, max_length=20) == "a" * 20


def test_length_is_counted_after_cleaning() -> None:
    assert sanitize_text("\u200b" * 30 + "short", max_length=10) == "short"


def test_enormous_input_is_refused_before_cleaning() -> None:
    with pytest.raises(ValidationError, match=r"1,000,000 characters long; the limit is 500"):
        sanitize_text("x" * 1_000_000)


def test_markdown_and_sql_are_kept_as_plain_text() -> None:
    raw = "**bold** `code` '; DROP TABLE proposals; --"
    assert sanitize_text(raw) == raw


@given(st.text())
def test_cleaning_is_idempotent_and_leaves_nothing_invisible(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert unicodedata.normalize("NFKC", once) == once
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in once)
    assert not re.search(r"@(everyone|here)\b|<@[!&]?\d+>|<#\d+>", once, re.IGNORECASE)


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_sanitize_either_returns_fitting_text_or_raises_validation_error(
    raw: str, limit: int
) -> None:
    try:
        cleaned = sanitize_text(raw, max_length=limit)
    except ValidationError as exc:
        assert str(exc)
    else:
        assert 1 <= len(cleaned) <= limit
