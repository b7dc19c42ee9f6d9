"""Embeds for governance: a proposal draft, an opened proposal, a list of proposals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from bot.ui.embeds import add_field, clip, embed

SUCCESS = discord.Colour.green()
DANGER = discord.Colour.red()


def percent(threshold: float) -> str:
    return f"{threshold * 100:.0f}%"


def draft_embed(outcome: Mapping[str, Any]) -> discord.Embed:
    """What /propose shows its author before anything is spent."""
    result = embed("Your proposal (not yet submitted)", str(outcome.get("text", "")))
    meaning = str(outcome.get("explanation") or outcome.get("summary") or "")
    add_field(result, "How the league reads it", meaning or "No change recognised.")
    tier = f"{outcome.get('tier_name', '')} (tier {outcome.get('tier')})"
    add_field(result, "Tier", tier, inline=True)
    add_field(result, "Cost", f"{outcome.get('token_cost')} propose token(s)", inline=True)
    add_field(result, "Passes with", percent(float(outcome.get("threshold", 0))), inline=True)
    unsure = outcome.get("unsure_reasons") or []
    if unsure:
        add_field(result, "Not sure about", "\n".join(f"• {r}" for r in unsure))
    if outcome.get("is_wild"):
        add_field(result, "Review", "An admin will review this proposal before it can pass.")
    result.set_footer(text="Confirm to open it for votes, Revise to reword it, Cancel to drop it.")
    return result


def proposal_embed(proposal: Mapping[str, Any], author: str) -> discord.Embed:
    result = embed(f"Proposal by {author}", str(proposal.get("text", "")), colour=SUCCESS)
    interp = proposal.get("interpretation") or {}
    add_field(result, "Meaning", str(interp.get("summary") or "—"))
    add_field(result, "Status", str(proposal.get("status")), inline=True)
    add_field(result, "Passes with", percent(float(proposal.get("threshold", 0))), inline=True)
    result.set_footer(text=f"Vote with /vote · id {proposal.get('proposal_id')}")
    return result


def proposal_line(p: Mapping[str, Any]) -> str:
    flag = " (awaiting review)" if p.get("status") == "flagged" else ""
    return f"**{clip(str(p['text']), 200)}**{flag}\n`{p['proposal_id']}` · tier {p['tier']}"
