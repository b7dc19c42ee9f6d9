"""Which shard a server is on, and log lines that say where an interaction came from.

Discord delivers a server's events and interactions on shard `(guild_id >> 22) % shard_count`
(discord.py's `Guild.shard_id`); DMs arrive on shard 0. A process of a cluster holds some of
the shards (PINWHEEL_SHARD_IDS) and answers only the interactions that arrive on them.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import discord

# Where `PinwheelBot.league` leaves the league it found, for the log lines of that interaction.
LEAGUE_EXTRA = "pinwheel_league_id"


def shard_of(guild_id: int, shard_count: int | None) -> int:
    """The shard a server's events arrive on; 0 for a bot that is not sharded (yet)."""
    return (guild_id >> 22) % shard_count if shard_count else 0


def interaction_shard(interaction: discord.Interaction[Any]) -> int:
    """The shard an interaction arrived on: its server's (as discord.py computes it), 0 in DMs."""
    if interaction.guild is not None:
        return interaction.guild.shard_id
    if interaction.guild_id is None:
        return 0
    return shard_of(interaction.guild_id, interaction.client.shard_count)


def where(interaction: discord.Interaction[Any]) -> dict[str, Any]:
    """The shard, server and (once a command has looked it up) league of an interaction."""
    return {
        "shard": interaction_shard(interaction),
        "guild_id": interaction.guild_id,
        "league_id": interaction.extras.get(LEAGUE_EXTRA),
    }


class WhereLog(logging.LoggerAdapter[logging.Logger]):
    """A logger whose lines start with where they happened: `[shard 1 guild 123 league L]`,
    with the same values as the record's `shard`, `guild_id` and `league_id` attributes."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        extra = dict(self.extra or {})
        parts = [f"shard {extra.get('shard', 0)}"]
        guild_id = extra.get("guild_id")
        parts.append(f"guild {guild_id}" if guild_id is not None else "DM")
        if extra.get("league_id") is not None:
            parts.append(f"league {extra['league_id']}")
        kwargs["extra"] = {**extra, **kwargs.get("extra", {})}
        return f"[{' '.join(parts)}] {msg}", kwargs


def log_for(logger: logging.Logger, interaction: discord.Interaction[Any]) -> WhereLog:
    """`logger`, its lines saying which shard, server and league `interaction` came from."""
    return WhereLog(logger, where(interaction))
