"""What every persistent button needs: the bot behind the interaction and who is pressing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
NOT_A_GOVERNOR = "not-a-governor"  # never a governor id, so the handler refuses the press


def is_admin(interaction: discord.Interaction[Any]) -> bool:
    """The server-side check behind every admin command and button: Manage Server."""
    member = interaction.user
    return isinstance(member, discord.Member) and member.guild_permissions.manage_guild


def bot_of(interaction: discord.Interaction[Any]) -> PinwheelBot:
    return cast("PinwheelBot", interaction.client)


async def presser_governor_id(interaction: discord.Interaction[Any]) -> str:
    """The presser's governor id, or an id no handler will accept."""
    bot = bot_of(interaction)
    league = await bot.league(interaction)
    found = await bot.app.governor_id(league.league_id, str(interaction.user.id))
    return found or NOT_A_GOVERNOR


def post_soon(bot: PinwheelBot, league_id: str) -> None:
    """Post the league's outbox now (a press changed what a card or an offer shows)."""
    from bot.cogs.poster import post_soon as start  # the Discord poster lives with the cogs

    start(bot, league_id)
