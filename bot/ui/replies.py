"""Sending replies the same way everywhere: mentions off, ephemeral by default, a follow-up
when the interaction was already answered or deferred."""

from __future__ import annotations

import logging
from typing import Any

import discord

log = logging.getLogger(__name__)

# Player text may contain @everyone or role mentions; nothing the bot posts pings anyone.
NO_MENTIONS = discord.AllowedMentions.none()

GENERIC_ERROR = "Something went wrong on our side. It has been logged; please try again later."


def command_id(interaction: discord.Interaction[Any]) -> str:
    """The idempotency key of one interaction (a retried delivery carries the same id)."""
    return f"discord:{interaction.id}"


async def working(interaction: discord.Interaction[Any], *, ephemeral: bool = True) -> None:
    """Acknowledge now ("thinking"), so work that is slow under load never runs into Discord's
    three seconds; `reply` then follows up. Nothing if already acknowledged."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)


async def post_here(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embed: discord.Embed,
    view: discord.ui.View,
    allowed_mentions: discord.AllowedMentions = NO_MENTIONS,
) -> discord.Message | None:
    """Post a public message in the interaction's channel, for a command whose own answer stays
    private (so a refusal never shows in the channel). None, logged, when the bot cannot post
    there: what the command did stands and its answer says so."""
    channel = interaction.channel
    if not isinstance(channel, discord.abc.Messageable):
        return None
    try:
        return await channel.send(
            content, embed=embed, view=view, allowed_mentions=allowed_mentions
        )
    except discord.HTTPException as error:
        log.warning("Could not post in channel %s: %s", getattr(channel, "id", "?"), error)
        return None


async def reply(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = True,
) -> None:
    """Answer an interaction, or follow up if it was already answered or deferred."""
    kwargs: dict[str, Any] = {
        "content": content,
        "ephemeral": ephemeral,
        "allowed_mentions": NO_MENTIONS,
    }
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def send_dm(user: discord.User | discord.Member, content: str) -> bool:
    """DM a user with mentions off; False (logged, never raised) when the DM cannot be sent,
    e.g. they do not accept DMs from server members."""
    try:
        await user.send(content, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as error:
        log.info("Could not DM user %s: %s", user.id, error)
        return False
    return True
