"""Embeds that stay inside Discord's limits (title 256, description 4096, field name 256,
field value 1024, 25 fields, 6000 characters in all) and pages for long lists."""

from __future__ import annotations

from collections.abc import Sequence

import discord

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
TOTAL_MAX = 6000
# Room left on each page for the title and footer, well under the 6000-character total.
PAGE_BODY_MAX = 3500

COLOUR = discord.Colour.orange()


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def embed(title: str, description: str = "", *, colour: discord.Colour = COLOUR) -> discord.Embed:
    return discord.Embed(
        title=clip(title, TITLE_MAX),
        description=clip(description, DESCRIPTION_MAX) or None,
        colour=colour,
    )


def add_field(target: discord.Embed, name: str, value: str, *, inline: bool = False) -> bool:
    """Add a field if the embed has room for it; returns whether it was added."""
    name, value = clip(name, FIELD_NAME_MAX) or "\u200b", clip(value, FIELD_VALUE_MAX) or "\u200b"
    if len(target.fields) >= FIELDS_MAX or len(target) + len(name) + len(value) > TOTAL_MAX:
        return False
    target.add_field(name=name, value=value, inline=inline)
    return True


def pages(
    title: str, lines: Sequence[str], *, empty: str = "Nothing here yet."
) -> list[discord.Embed]:
    """Lines spread over as many embeds as needed, each with a 'page i/n' footer."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        line = clip(line, PAGE_BODY_MAX)
        if chunks[-1] and size + len(line) + 1 > PAGE_BODY_MAX:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    bodies = ["\n".join(c) for c in chunks] if lines else [empty]
    result = [embed(title, body) for body in bodies]
    if len(result) > 1:
        for i, page in enumerate(result, 1):
            page.set_footer(text=f"Page {i}/{len(result)}")
    return result
