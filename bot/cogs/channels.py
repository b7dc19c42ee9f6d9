"""The league's place in a server: one category with the league channels and one channel per
team. Found by name before anything is created, under a per-guild lock, so running setup again
(or after a reconnect) binds what exists and creates nothing twice."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

CATEGORY = "Pinwheel"
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
    category = discord.utils.find(lambda c: c.name.lower() == CATEGORY.lower(), guild.categories)
    if category is None:
        return None
    bound = LeagueChannels(category)
    for channel in category.text_channels:
        bound.channels.setdefault(channel.name, channel)
    return bound


async def ensure(guild: discord.Guild, team_names: Sequence[str]) -> LeagueChannels:
    """Bind the category and channels, creating only the missing ones."""
    lock = _locks.setdefault(guild.id, asyncio.Lock())
    async with lock:
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
