"""Autocomplete: the options of the interaction's season that match what the user typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.domain.errors import DomainError
from bot.ui.embeds import clip
from db import browse_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices

Options = Callable[[str], Awaitable[Iterable[tuple[str, str]]]]  # season id -> (value, label)s

# How a season's status reads in a choice ("Season 1 (finished)").
SEASON_STATES = {
    "setup": "current",
    "active": "current",
    "playoffs": "playoffs",
    "championship": "playoffs",
    "offseason": "offseason",
    "complete": "finished",
}


def matching(options: Iterable[tuple[str, str]], current: str) -> list[app_commands.Choice[str]]:
    """(value, label) pairs whose label contains what was typed (or whose value it is)."""
    typed = current.lower()
    return [
        app_commands.Choice(name=clip(label, 100), value=value)
        for value, label in options
        if typed in label.lower() or current == value
    ][:MAX_CHOICES]


async def season_choices(
    bot: PinwheelBot, interaction: discord.Interaction[Any], current: str, options: Options
) -> list[app_commands.Choice[str]]:
    """Matching options of the interaction's live season; none where the server has no league
    or no season is running (for commands that act in the season)."""
    try:
        _, season_id = await bot.season(interaction)
    except DomainError:
        return []
    return matching(await options(season_id), current)


async def shown_season_choices(
    bot: PinwheelBot, interaction: discord.Interaction[Any], current: str, options: Options
) -> list[app_commands.Choice[str]]:
    """Matching options of the season a reading command shows: the one picked in its `season`
    option, else the live one, else the league's latest (for commands that only read)."""
    picked = getattr(interaction.namespace, "season", None)
    try:
        _, season = await bot.shown_season(interaction, picked if isinstance(picked, str) else None)
    except DomainError:
        return []
    return matching(await options(season.season_id), current)


async def league_season_choices(
    bot: PinwheelBot, interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """The league's seasons by name, newest first ("Season 2 (current)")."""
    try:
        league = await bot.league(interaction)
    except DomainError:
        return []
    found = await browse_repo.league_seasons(bot.app.db, league.league_id)
    return matching(
        ((s.name, f"{s.name} ({SEASON_STATES.get(s.status, s.status)})") for s in found),
        current,
    )


def hoopers_of(bot: PinwheelBot) -> Options:
    """A season's hoopers as choices, each with its team beside the name."""

    async def hoopers(season_id: str) -> list[tuple[str, str]]:
        found = await browse_repo.season_hoopers(bot.app.db, season_id)
        return [(hooper_id, f"{name} ({team})") for hooper_id, name, team in found]

    return hoopers
