"""The league's place in a server: one category with the league channels and one channel per
team. Found by name before anything is created, under a per-guild lock, so running setup again
(or after a reconnect) binds what exists and creates nothing twice."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

from bot.domain.errors import DomainError

CATEGORY = "Pinwheel"
# What the bot's role needs in a league's server, and why: the README's invite link asks for
# exactly these, and /admin setup names whichever the role lacks before it changes anything.
NEEDED_PERMISSIONS: dict[str, str] = {
    "manage_channels": "Manage Channels (to create the league's category and channels)",
    "view_channel": "View Channels",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links (result and proposal cards)",
    "attach_files": "Attach Files (score-flow charts)",
    "read_message_history": "Read Message History (to find and edit its live scoreboards)",
}
# Where outbox targets land; a target without its own channel goes to announcements.
LEAGUE_CHANNELS: tuple[str, ...] = (
    "announcements",
    "results",
    "play-by-play",
    "governance",
    "mirrors",
)
FALLBACK = "announcements"

_locks: dict[int, asyncio.Lock] = {}


class MissingPermissionsError(DomainError):
    """The bot's role lacks a permission the league needs in this server."""


def missing_permissions(guild: discord.Guild) -> list[str]:
    """The needed permissions the bot's role does not grant in `guild`, in words."""
    perms = guild.me.guild_permissions
    return [label for name, label in NEEDED_PERMISSIONS.items() if not getattr(perms, name)]


def require_permissions(guild: discord.Guild) -> None:
    missing = missing_permissions(guild)
    if missing:
        raise MissingPermissionsError(
            "I can't set up the league here: my role is missing "
            + "; ".join(missing)
            + ". Give my role those permissions (Server Settings > Roles), then run "
            "/admin setup again. Nothing was changed."
        )


def slug(name: str) -> str:
    """A team name as Discord spells a text channel: lower case, hyphens, at most 100."""
    words = re.sub(r"[^a-z0-9\s-]", "", name.lower()).split()
    return "-".join(words)[:100] or "team"


@dataclass
class LeagueChannels:
    category: discord.CategoryChannel
    channels: dict[str, discord.TextChannel] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)

    def for_target(self, target: str) -> discord.TextChannel | None:
        return self.channels.get(target) or self.channels.get(FALLBACK)


def find(guild: discord.Guild) -> LeagueChannels | None:
    """The league's channels as they exist now, without creating any."""
    return find_among(guild.channels)


def find_among(found: Sequence[discord.abc.GuildChannel]) -> LeagueChannels | None:
    """`find` over a server's channels as listed (the cache's, or fetched over REST for a
    server on a shard this process does not connect)."""
    category = next(
        (
            c
            for c in sorted(found, key=lambda c: (c.position, c.id))
            if isinstance(c, discord.CategoryChannel) and c.name.lower() == CATEGORY.lower()
        ),
        None,
    )
    if category is None:
        return None
    bound = LeagueChannels(category)
    inside = [
        c for c in found if isinstance(c, discord.TextChannel) and c.category_id == category.id
    ]
    for channel in sorted(inside, key=lambda c: (c.position, c.id)):
        bound.channels.setdefault(channel.name, channel)
    return bound


async def ensure(guild: discord.Guild, team_names: Sequence[str]) -> LeagueChannels:
    """Bind the category and channels, creating only the missing ones."""
    lock = _locks.setdefault(guild.id, asyncio.Lock())
    async with lock:
        try:
            return await _ensure(guild, team_names)
        except discord.Forbidden:
            # The role has the permissions, but an overwrite on the category denies them.
            raise MissingPermissionsError(
                "Discord refused to let me create the league's channels: a permission "
                f"overwrite on the {CATEGORY} category (or the server) denies me Manage Channels "
                "or View Channels there. Allow them, then run /admin setup again."
            ) from None


async def _ensure(guild: discord.Guild, team_names: Sequence[str]) -> LeagueChannels:
    bound = find(guild)
    if bound is None:
        category = await guild.create_category(CATEGORY, reason="Pinwheel league setup")
        bound = LeagueChannels(category, created=[CATEGORY])
    for name in (*LEAGUE_CHANNELS, *(slug(t) for t in team_names)):
        if name not in bound.channels:
            bound.channels[name] = await bound.category.create_text_channel(
                name, reason="Pinwheel league setup"
            )
            bound.created.append(name)
    return bound
