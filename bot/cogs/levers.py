"""A governor's other levers: the team's strategy, hooper bios and hooper trades."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.levers.commands import ProposeHooperTrade, SetStrategy, UpdateBio
from bot.app.levers.hooper_trades import trade_key
from bot.domain.errors import NotFoundError
from bot.ui.cards import keep_post
from bot.ui.choices import hoopers_of, season_choices
from bot.ui.hooper_trades import hooper_trade_embed, hooper_trade_view
from bot.ui.replies import command_id, post_here, reply, working
from db import browse_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot


class Levers(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    async def hooper_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await season_choices(self.bot, interaction, current, hoopers_of(self.bot))

    async def _hooper(self, season_id: str, typed: str) -> tuple[str, str]:
        """A hooper of the season by id (a picked choice), name or "Name (Team)"."""
        wanted = typed.strip().lower()
        for hooper_id, name, team in await browse_repo.season_hoopers(self.bot.app.db, season_id):
            if typed == hooper_id or wanted in (name.lower(), f"{name} ({team})".lower()):
                return hooper_id, name
        raise NotFoundError("There is no hooper by that name this season; pick one from the list.")

    @app_commands.command(name="strategy")
    @app_commands.guild_only()
    @app_commands.describe(text="How your team should play, e.g. 'shoot more threes, press on D'")
    async def strategy(
        self, interaction: discord.Interaction[Any], text: app_commands.Range[str, 1, 500]
    ) -> None:
        """Set your team's strategy from the next round on."""
        await working(interaction)
        seat = await self.bot.seat(interaction)
        out = await self.bot.app.handle(
            SetStrategy(seat.season_id, seat.governor_id, text), command_id=command_id(interaction)
        )
        await reply(
            interaction,
            f"Strategy set from round {out['effective_round']} "
            f"(read with {out['confidence'] * 100:.0f}% confidence).",
        )

    @app_commands.command(name="bio")
    @app_commands.guild_only()
    @app_commands.describe(
        hooper="A hooper on your team (their team is beside each name)", text="The hooper's new bio"
    )
    @app_commands.autocomplete(hooper=hooper_choices)
    async def bio(
        self,
        interaction: discord.Interaction[Any],
        hooper: str,
        text: app_commands.Range[str, 1, 1000],
    ) -> None:
        """Write the bio of a hooper on your team."""
        await working(interaction)
        seat = await self.bot.seat(interaction)
        hooper_id, name = await self._hooper(seat.season_id, hooper)
        await self.bot.app.handle(
            UpdateBio(seat.season_id, seat.governor_id, hooper_id, text),
            command_id=command_id(interaction),
        )
        await reply(interaction, f"{name}'s bio is updated.")

    @app_commands.command(name="trade-hooper")
    @app_commands.guild_only()
    @app_commands.describe(
        give="A hooper on your team to trade away", get="A hooper on another team you want"
    )
    @app_commands.autocomplete(give=hooper_choices, get=hooper_choices)
    async def trade_hooper(
        self, interaction: discord.Interaction[Any], give: str, get: str
    ) -> None:
        """Propose a hooper swap; governors of both teams vote on it."""
        await working(interaction)
        seat = await self.bot.seat(interaction)
        give_id, give_name = await self._hooper(seat.season_id, give)
        get_id, get_name = await self._hooper(seat.season_id, get)
        out = await self.bot.app.handle(
            ProposeHooperTrade(seat.season_id, seat.governor_id, give_id, get_id),
            command_id=command_id(interaction),
        )
        shown = hooper_trade_embed(interaction.user.display_name, give_name, get_name)
        posted = await post_here(interaction, embed=shown, view=hooper_trade_view(out["trade_id"]))
        if posted is None:
            await reply(
                interaction,
                f"Your trade of {give_name} for {get_name} is proposed, but I cannot post in "
                "this channel for the governors to vote on it.",
            )
            return
        # Kept by the outbox, which edits it once the vote settles the trade (or it expires).
        await keep_post(interaction, seat.league_id, trade_key(out["trade_id"]), posted, shown)
        await reply(
            interaction,
            f"Your trade of {give_name} for {get_name} is posted for both teams' governors.",
        )


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Levers(bot))
