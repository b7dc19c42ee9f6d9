"""Embeds stay inside Discord's limits however long the player text is."""

from __future__ import annotations

import discord

from bot.ui.embeds import FIELDS_MAX, TOTAL_MAX, add_field, embed, pages
from bot.ui.governance import draft_embed


def test_long_lists_are_split_into_pages_that_each_fit() -> None:
    lines = [f"line {i} " + "x" * 300 for i in range(100)]

    result = pages("Title", lines)

    assert len(result) > 1
    assert all(len(p) <= TOTAL_MAX and len(p.description or "") <= 4096 for p in result)
    assert result[-1].footer.text == f"Page {len(result)}/{len(result)}"
    assert sum(p.description.count("line ") for p in result if p.description) == 100


def test_an_empty_list_is_one_page_saying_so() -> None:
    (only,) = pages("Title", [], empty="Nothing.")

    assert only.description == "Nothing." and only.footer.text is None


def test_titles_and_fields_are_clipped_and_fields_stop_at_25() -> None:
    target = embed("t" * 1000, "d" * 10_000)
    added = [add_field(target, "n" * 500, "v" * 5000) for _ in range(30)]

    assert len(target.title or "") == 256 and len(target.description or "") == 4096
    assert added.count(True) <= FIELDS_MAX and len(target) <= TOTAL_MAX


def test_a_draft_of_maximum_length_fits() -> None:
    outcome = {
        "text": "w" * 500,
        "explanation": "e" * 3000,
        "tier": 5,
        "tier_name": "wild",
        "token_cost": 2,
        "threshold": 0.67,
        "unsure_reasons": ["r" * 400] * 10,
        "is_wild": True,
    }

    shown = draft_embed(outcome)

    assert isinstance(shown, discord.Embed) and len(shown) <= TOTAL_MAX
