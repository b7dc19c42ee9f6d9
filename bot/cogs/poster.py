"""Posting the outbox to Discord: one poster per league, sending each message to its bound
channel, or a private mirror by DM to its governor unless they opted out. Mentions are off:
outbox text quotes players."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.cogs import channels
from bot.ui.embeds import clip
from bot.ui.replies import NO_MENTIONS
from db import discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot

log = logging.getLogger(__name__)

MESSAGE_MAX = 2000  # characters in one Discord message
DM_PREFIX = "dm:"


def nonce(key: str) -> str:
    """A message nonce (at most 25 characters) derived from the outbox key."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


class DiscordPoster:
    """Implements the app's `Poster` port for one league's server."""

    def __init__(self, bot: PinwheelBot, league_id: str) -> None:
        self.bot, self.league_id = bot, league_id

    async def post(self, key: str, kind: str, target: str, payload: dict[str, Any]) -> None:
        text = clip(str(payload.get("text", "")), MESSAGE_MAX)
        if not text:
            return
        if target.startswith(DM_PREFIX):
            await self._direct(target.removeprefix(DM_PREFIX), text, key)
            return
        channel = await self._channel(target)
        if channel is None:
            log.warning(
                "No channel for %s in league %s; %s not posted", target, self.league_id, key
            )
            return
        await channel.send(text, allowed_mentions=NO_MENTIONS, nonce=nonce(key))

    async def _channel(self, target: str) -> discord.TextChannel | None:
        guild_id = await discord_repo.league_guild(self.bot.app.db, self.league_id)
        guild = self.bot.get_guild(guild_id) if guild_id else None
        bound = channels.find(guild) if guild else None
        return bound.for_target(target) if bound else None

    async def _direct(self, governor_id: str, text: str, key: str) -> None:
        user_id = await discord_repo.private_mirror_recipient(self.bot.app.db, governor_id)
        if user_id is None:
            return  # opted out of private mirrors, or no longer known
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(text, allowed_mentions=NO_MENTIONS, nonce=nonce(key))
        except discord.Forbidden:
            log.info("Governor %s does not accept DMs; %s skipped", governor_id, key)
