"""Autocomplete: the options of the interaction's season that match what the user typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.domain.errors import DomainError
from bot.ui.embeds import clip

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices

Options = Callable[[str], Awaitable[Iterable[tuple[str, str]]]]  # season id -> (value, label)s


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
    """Matching options of the interaction's season; none where the server has no league."""
    try:
        _, season_id = await bot.season(interaction)
    except DomainError:
        return []
    return matching(await options(season_id), current)
