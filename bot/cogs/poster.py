"""Posting the outbox to Discord: one poster per league, sending each message to its bound
channel, or a private mirror by DM to its governor unless they opted out. Mentions are off:
outbox text quotes players; a result post pings only the governors of the teams that played
who have not opted out. A channel that is not there yet raises `NotDelivered`, so the row
stays unsent and is posted once `/admin setup` binds it."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.app.league.outbox import NotDelivered
from bot.cogs import channels
from bot.ui.embeds import clip
from bot.ui.replies import NO_MENTIONS
from db import discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot

log = logging.getLogger(__name__)

MESSAGE_MAX = 2000  # characters in one Discord message
DM_PREFIX = "dm:"
RECENT_MESSAGES = 25  # a retry looks this far back in its channel for its own earlier post


def nonce(key: str) -> str:
    """A message nonce (at most 25 characters) derived from the outbox key."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


class DiscordPoster:
    """Implements the app's `Poster` port for one league's server."""

    def __init__(self, bot: PinwheelBot, league_id: str) -> None:
        self.bot, self.league_id = bot, league_id

    async def post(
        self, key: str, kind: str, target: str, payload: dict[str, Any], *, retry: bool = False
    ) -> None:
        text = clip(str(payload.get("text", "")), MESSAGE_MAX)
        if not text:
            return
        if target.startswith(DM_PREFIX):
            await self._direct(target.removeprefix(DM_PREFIX), text, key, retry)
            return
        channel = await self._channel(target)
        mentions = NO_MENTIONS
        if kind == "results" and payload.get("team_ids"):
            # Ping the governors of the teams that played, unless they opted out; only those
            # users, whatever the text says.
            users = await discord_repo.result_mentions(
                self.bot.app.db, str(payload.get("season_id")), list(payload["team_ids"])
            )
            if users:
                pings = " ".join(f"<@{u}>" for u in users)
                text = clip(text, MESSAGE_MAX - len(pings) - 1) + "\n" + pings
                mentions = discord.AllowedMentions(
                    everyone=False, roles=False, users=[discord.Object(u) for u in users]
                )
        if retry and await self._already_sent(channel, text):
            return
        # discord.py 2.7 sends a nonce with enforce_nonce: Discord drops a repeat of this key
        # within its deduplication window (a retry after a crash between post and mark).
        await channel.send(text, allowed_mentions=mentions, nonce=nonce(key))

    async def _already_sent(self, channel: discord.abc.Messageable, text: str) -> bool:
        """For a retry (an earlier hand-over may have gone out before a crash or a lost reply):
        is the message among the channel's latest by this bot? Discord's nonce deduplication
        lasts minutes; a restart can take longer."""
        me = self.bot.user
        async for message in channel.history(limit=RECENT_MESSAGES):
            if me is not None and message.author.id == me.id and message.content == text:
                log.info("outbox message already in %s; not posted again", channel)
                return True
        return False

    async def _channel(self, target: str) -> discord.TextChannel:
        """The bound channel; `NotDelivered` (the outbox keeps the row and retries) when the
        guild is not in the cache or no channel is bound for the target yet."""
        guild_id = await discord_repo.league_guild(self.bot.app.db, self.league_id)
        guild = self.bot.get_guild(guild_id) if guild_id else None
        if guild is None:
            raise NotDelivered(f"league {self.league_id}: its guild is not in the cache")
        bound = channels.find(guild)
        channel = bound.for_target(target) if bound else None
        if channel is None:
            raise NotDelivered(f"league {self.league_id}: no channel bound for {target}")
        return channel

    async def _direct(self, governor_id: str, text: str, key: str, retry: bool) -> None:
        user_id = await discord_repo.private_mirror_recipient(self.bot.app.db, governor_id)
        if user_id is None:
            return  # opted out of private mirrors, or no longer known
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            if retry and await self._already_sent(user.dm_channel or await user.create_dm(), text):
                return
            await user.send(text, allowed_mentions=NO_MENTIONS, nonce=nonce(key))
        except discord.Forbidden:
            log.info("Governor %s does not accept DMs; %s skipped", governor_id, key)
