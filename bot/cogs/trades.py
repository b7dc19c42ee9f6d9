"""Token trades between governors: `/trade` offers, `/trades` lists what is pending."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.league.outbox import CHANNEL_PREFIX
from bot.app.levers.commands import OfferTrade
from bot.app.levers.trades import offer_key
from bot.domain.errors import NotFoundError, ValidationError
from bot.ui.embeds import pages
from bot.ui.pagination import send_pages
from bot.ui.replies import NO_MENTIONS, command_id, send_dm
from bot.ui.trades import offer_embed, offer_notice, terms, trade_view
from db import discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot

TokenType = Literal["propose", "amend", "boost"]


class Trades(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    @app_commands.command(name="trade")
    @app_commands.guild_only()
    @app_commands.describe(
        member="The governor you offer the trade to",
        give="The kind of token you give",
        give_amount="How many you give",
        want="The kind of token you want back",
        want_amount="How many you want",
    )
    async def trade(
        self,
        interaction: discord.Interaction[Any],
        member: discord.Member,
        give: TokenType,
        give_amount: app_commands.Range[int, 1, 1000],
        want: TokenType,
        want_amount: app_commands.Range[int, 1, 1000],
    ) -> None:
        """Offer some of your tokens for some of another governor's."""
        seat = await self.bot.seat(interaction)
        if member.id == interaction.user.id:
            raise ValidationError("You cannot trade with yourself.")
        target = await self.bot.app.governor_id(seat.league_id, str(member.id))
        if target is None:
            raise NotFoundError(f"{member.display_name} is not a governor in this league.")
        out = await self.bot.app.handle(
            OfferTrade(
                seat.season_id, seat.governor_id, target, give, give_amount, want, want_amount
            ),
            command_id=command_id(interaction),
        )
        offer = await self.bot.app.trade_offer(out["trade_id"])
        choices = await discord_repo.notification_choices(self.bot.app.db, target)
        shown = offer_embed(offer, interaction.user.display_name, member.display_name)
        await interaction.response.send_message(
            f"{member.mention}, you have a trade offer.",
            embed=shown,
            view=trade_view(out["trade_id"]),
            # Ping the one person the offer is for, nobody else, unless they opted out.
            allowed_mentions=(
                discord.AllowedMentions(users=[member], everyone=False, roles=False)
                if choices["mention_on_results"]
                else NO_MENTIONS
            ),
        )
        await self._keep(seat.league_id, out["trade_id"], interaction, shown)
        if choices["dm_trade_offers"]:
            # After the reply: a slow or refused DM never delays or fails the command.
            try:
                link = (await interaction.original_response()).jump_url
            except discord.HTTPException:
                link = None  # the offer stands; the notice just cannot link to it
            server = interaction.guild.name if interaction.guild else "Pinwheel"
            await send_dm(member, offer_notice(offer, interaction.user.display_name, server, link))

    async def _keep(
        self,
        league_id: str,
        trade_id: str,
        interaction: discord.Interaction[Any],
        shown: discord.Embed,
    ) -> None:
        """The offer's message is kept by the outbox, which edits it once the offer settles
        (accepted, declined, withdrawn or expired): no live buttons on a settled offer."""
        try:
            message = await interaction.original_response()
        except discord.HTTPException:
            return  # the offer stands; its message just will not be updated
        await self.bot.app.adopt_post(
            league_id,
            offer_key(trade_id),
            target=f"{CHANNEL_PREFIX}{message.channel.id}",
            ref=f"{message.channel.id}:{message.id}",
            payload={"text": shown.description or "", "embed": shown.to_dict()},
        )

    @app_commands.command(name="trades")
    @app_commands.guild_only()
    async def trades(self, interaction: discord.Interaction[Any]) -> None:
        """List the trade offers made to you or by you that are still open."""
        seat = await self.bot.seat(interaction)
        offers = await self.bot.app.pending_offers(seat.season_id, seat.governor_id)
        ids = {o["from_governor_id"] for o in offers} | {o["to_governor_id"] for o in offers}
        names = await discord_repo.governor_names(self.bot.app.db, sorted(ids))
        lines = [
            f"**{names.get(o['from_governor_id'], '?')}** → "
            f"**{names.get(o['to_governor_id'], '?')}**: {terms(o)}"
            for o in offers
        ]
        await send_pages(interaction, pages("Open trade offers", lines, empty="No open offers."))


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Trades(bot))
