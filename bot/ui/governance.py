"""Embeds for governance: a proposal draft and a line of the proposals list (an open
proposal's public card is bot/app/governance/cards.py's, posted through the outbox)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord

from bot.app.governance.cards import changes_in_words
from bot.ui.embeds import add_field, clip, embed

SUCCESS = discord.Colour.green()
DANGER = discord.Colour.red()


def percent(threshold: float) -> str:
    return f"{threshold * 100:.0f}%"


def draft_embed(outcome: Mapping[str, Any], forecast: Sequence[str] | None = None) -> discord.Embed:
    """What /propose shows its author before anything is spent: the meaning in words, tier
    and cost, what it takes to pass and, where one was asked for, the forecast."""
    result = embed("Your proposal (not yet submitted)", str(outcome.get("text", "")))
    said = changes_in_words(outcome)
    meaning = "\n".join(f"• {c}" for c in said) or str(outcome.get("explanation") or "")
    add_field(result, "How the league reads it", meaning or "No change recognised.")
    tier = f"{outcome.get('tier')} · {outcome.get('tier_name', '')}"
    add_field(result, "Tier", tier, inline=True)
    cost = int(outcome.get("token_cost") or 0)
    add_field(result, "Cost", f"{cost} propose token{'s' if cost != 1 else ''}", inline=True)
    add_field(
        result,
        "To pass",
        f"More than {percent(float(outcome.get('threshold', 0)))} of weighted yes votes",
        inline=True,
    )
    if forecast:
        add_field(result, "Forecast", "\n".join(forecast))
    unsure = outcome.get("unsure_reasons") or []
    if unsure:
        add_field(result, "Not sure about", "\n".join(f"• {r}" for r in unsure))
    if outcome.get("is_wild"):
        add_field(result, "Review", "An admin will review this proposal before it can pass.")
    result.set_footer(text="Confirm to open it for votes, Revise to reword it, Cancel to drop it.")
    return result


def proposal_line(p: Mapping[str, Any]) -> str:
    flag = " (awaiting review)" if p.get("status") == "flagged" else ""
    return f"**{clip(str(p['text']), 200)}**{flag} · tier {p['tier']}"
