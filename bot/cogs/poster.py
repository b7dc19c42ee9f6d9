"""Posting the outbox to Discord: one poster per league, sending each message to its bound
channel (a team's copy of a card to that team's channel, if it has one), or a private mirror
by DM to its governor unless they opted out. A revised message is edited where it landed (a
live scoreboard moving on, or becoming its final card with the chart attached); one deleted
meanwhile is posted anew, once. Mentions are off: outbox text quotes players; a result post
pings only the governors of the teams that played who asked for it. A channel that is not
there yet raises `NotDelivered`, so the row stays unsent and is posted once `/admin setup`
binds it; a 429 that discord.py could not wait out raises `RateLimited`."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.app.league import show
from bot.app.league.outbox import (
    CHANNEL_PREFIX,
    DM_PREFIX,
    TEAM_PREFIX,
    NotDelivered,
    RateLimited,
    drain,
)
from bot.cogs import channels
from bot.ui import cards
from bot.ui.embeds import clip
from bot.ui.replies import NO_MENTIONS
from db import discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot

log = logging.getLogger(__name__)

MESSAGE_MAX = 2000  # characters in one Discord message
RECENT_MESSAGES = 25  # a retry looks this far back in its channel for its own earlier post
RATE_LIMIT_WAIT = 5.0  # seconds to wait after a 429 that named no wait
OPTIONAL_CHANNELS = ("play-by-play",)  # posted there or nowhere (no fallback channel)


def nonce(key: str) -> str:
    """A message nonce (at most 25 characters) derived from the outbox key."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


class DiscordPoster:
    """Implements the app's `Poster` port for one league's server."""

    def __init__(self, bot: PinwheelBot, league_id: str) -> None:
        self.bot, self.league_id = bot, league_id

    async def post(
        self,
        key: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        *,
        retry: bool = False,
        ref: str | None = None,
    ) -> str | None:
        text = clip(str(payload.get("text", "")), MESSAGE_MAX)
        card = cards.embed_from(payload, self.bot.public_url)
        if not text and card is None:
            return None
        try:
            if target.startswith(DM_PREFIX):
                return await self._direct(target.removeprefix(DM_PREFIX), text, key, retry)
            found = await self._channel(target)
            if found is None:
                return None  # a channel the server chose not to have: nothing to post
            channel = found
            content, mentions = await self._content(kind, payload, text, card)
            return await self._send(channel, key, payload, content, card, mentions, retry, ref)
        except discord.RateLimited as err:
            raise RateLimited(err.retry_after, f"Discord: retry after {err.retry_after} s") from err
        except discord.HTTPException as err:
            if err.status == 429:  # discord.py retries these itself; one that still fails waits
                wait = float(getattr(err, "retry_after", 0) or RATE_LIMIT_WAIT)
                raise RateLimited(wait, f"Discord: 429, retry after {wait} s") from err
            raise

    async def _content(
        self, kind: str, payload: dict[str, Any], text: str, card: discord.Embed | None
    ) -> tuple[str | None, discord.AllowedMentions]:
        """The message's text (none beside an embed but the pings) and whom it may ping."""
        content: str | None = None if card is not None else text
        if kind != "results" or not payload.get("team_ids"):
            return content, NO_MENTIONS
        # Ping the governors of the teams that played who asked for it; only those users,
        # whatever the text says.
        users = await discord_repo.result_mentions(
            self.bot.app.db, str(payload.get("season_id")), list(payload["team_ids"])
        )
        if not users:
            return content, NO_MENTIONS
        pings = " ".join(f"<@{u}>" for u in users)
        content = (
            pings if content is None else clip(content, MESSAGE_MAX - len(pings) - 1) + "\n" + pings
        )
        allowed = discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(u) for u in users]
        )
        return content, allowed

    async def _send(
        self,
        channel: discord.TextChannel,
        key: str,
        payload: dict[str, Any],
        content: str | None,
        card: discord.Embed | None,
        mentions: discord.AllowedMentions,
        retry: bool,
        ref: str | None,
    ) -> str:
        files = await self._files(payload)
        view = cards.view_from(payload)
        target = _message_id(ref, channel)
        if target is None and retry:
            # An earlier hand-over may have gone out (a crash before it was marked): find it.
            target = await self._already_sent(channel, content, payload)
        if target is not None:
            try:
                message = await channel.get_partial_message(target).edit(
                    content=content,
                    embed=card,
                    attachments=files,
                    view=view,
                    allowed_mentions=mentions,
                )
                return _ref(message)
            except discord.NotFound:
                log.info("outbox %s: its message is gone (deleted?); posting it anew", key)
                files = await self._files(payload)  # a File is read once
        kwargs: dict[str, Any] = {"allowed_mentions": mentions, "nonce": nonce(key)}
        if card is not None:
            kwargs["embed"] = card
        if files:
            kwargs["files"] = files
        if view is not None:
            kwargs["view"] = view
        # discord.py 2.7 sends a nonce with enforce_nonce: Discord drops a repeat of this key
        # within its deduplication window (a retry after a crash between post and mark).
        message = await channel.send(content, **kwargs)
        return _ref(message)

    async def _files(self, payload: dict[str, Any]) -> list[discord.File]:
        """The payload's attachments, rendered from the stored game (off the event loop)."""
        files = []
        for spec in payload.get("files") or []:
            found = await show.attachment(self.bot.app.db, spec)
            if found is not None:
                name, data = found
                files.append(discord.File(io.BytesIO(data), filename=name))
        return files

    async def _already_sent(
        self, channel: discord.abc.Messageable, content: str | None, payload: dict[str, Any]
    ) -> int | None:
        """For a retry (an earlier hand-over may have gone out before a crash or a lost reply):
        the id of this message among the channel's latest by this bot, if it is there. A card
        is recognised by its footer (`signature`), text by its content. Discord's nonce
        deduplication lasts minutes; a restart can take longer."""
        me = self.bot.user
        signature = payload.get("signature")
        async for message in channel.history(limit=RECENT_MESSAGES):
            if me is None or message.author.id != me.id:
                continue
            footers = [e.footer.text for e in message.embeds if e.footer]
            if (signature and signature in footers) or (
                not signature and content and message.content == content
            ):
                log.info("outbox message already in %s; not posted again", channel)
                return message.id
        return None

    async def _cached(self) -> bool:
        guild_id = await discord_repo.league_guild(self.bot.app.db, self.league_id)
        return guild_id is not None and self.bot.get_guild(guild_id) is not None

    async def _bound(self) -> channels.LeagueChannels | None:
        """The league's channels: from the cache for a server on this process's shards; over
        REST for one on a shard no live process connects (bot/cogs/background.py posts for
        such a server's league when this process holds its lease)."""
        guild_id = await discord_repo.league_guild(self.bot.app.db, self.league_id)
        if not guild_id:
            raise NotDelivered(f"league {self.league_id}: it has no server")
        guild = self.bot.get_guild(guild_id)
        if guild is not None:
            return channels.find(guild)
        try:
            fetched = await self.bot.fetch_guild(guild_id)
            return channels.find_among(await fetched.fetch_channels())
        except (discord.NotFound, discord.Forbidden) as err:
            raise NotDelivered(f"league {self.league_id}: its server is out of reach") from err

    async def _channel(self, target: str) -> discord.TextChannel | None:
        """The bound channel; `NotDelivered` (the outbox keeps the row and retries) when the
        guild is not in the cache or the league's channels are not set up yet. A team's own
        channel and #play-by-play have no stand-in: a server without them (a team channel
        deleted, the live show not wanted) gets None, and the post goes nowhere."""
        if target.startswith(CHANNEL_PREFIX):
            channel_id = int(target.removeprefix(CHANNEL_PREFIX) or 0)
            found: Any = self.bot.get_channel(channel_id)
            if found is None and not await self._cached():  # a server not on our shards
                with contextlib.suppress(discord.NotFound, discord.Forbidden):
                    found = await self.bot.fetch_channel(channel_id)
            return found if isinstance(found, discord.TextChannel) else None
        bound = await self._bound()
        if bound is None:
            raise NotDelivered(f"league {self.league_id}: no channels bound for {target}")
        if target.startswith(TEAM_PREFIX):
            return bound.channels.get(channels.slug(target.removeprefix(TEAM_PREFIX)))
        if target in OPTIONAL_CHANNELS:
            return bound.channels.get(target)
        channel = bound.for_target(target)
        if channel is None:
            raise NotDelivered(f"league {self.league_id}: no channel bound for {target}")
        return channel

    async def _direct(self, governor_id: str, text: str, key: str, retry: bool) -> str | None:
        user_id = await discord_repo.private_mirror_recipient(self.bot.app.db, governor_id)
        if user_id is None:
            return None  # opted out of private mirrors, or no longer known
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            dm = user.dm_channel or await user.create_dm()
            if retry and await self._already_sent(dm, text, {}):
                return None
            message = await user.send(text, allowed_mentions=NO_MENTIONS, nonce=nonce(key))
            return _ref(message)
        except discord.Forbidden:
            log.info("Governor %s does not accept DMs; %s skipped", governor_id, key)
            return None


def _ref(message: discord.Message | discord.PartialMessage) -> str:
    """Where a message landed, as the outbox stores it: `<channel id>:<message id>`."""
    return f"{message.channel.id}:{message.id}"


def _message_id(ref: str | None, channel: discord.abc.Snowflake) -> int | None:
    """The message id in `ref` if it is in `channel` (a channel made anew has none of ours)."""
    if not ref or ":" not in ref:
        return None
    channel_id, _, message_id = ref.partition(":")
    if not (channel_id.isdigit() and message_id.isdigit()) or int(channel_id) != channel.id:
        return None
    return int(message_id)


_soon: dict[str, asyncio.Task[None]] = {}  # league -> its drain started by a press


def post_soon(bot: PinwheelBot, league_id: str) -> None:
    """Drain the league's outbox now, in the background (after a press changed what a card
    or an offer shows), rather than at the loop's next pass; one such drain per league at
    a time, and its failure only logged (the loop retries the rows)."""
    running = _soon.get(league_id)
    if running is not None and not running.done():
        return

    async def run() -> None:
        try:
            await drain(
                bot.app.db, DiscordPoster(bot, league_id), league_id=league_id, clock=bot.app.clock
            )
        except Exception:
            log.exception("Posting league %s's outbox after a press failed", league_id)

    _soon[league_id] = asyncio.create_task(run(), name=f"pinwheel-post-soon:{league_id}")
