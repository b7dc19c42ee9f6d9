"""Token trades between governors: `/trade` offers, `/trades` lists what is pending."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.levers.commands import OfferTrade
from bot.app.levers.trades import offer_key
from bot.domain.errors import NotFoundError, ValidationError
from bot.ui.cards import keep_post
from bot.ui.embeds import pages
from bot.ui.pagination import send_pages
from bot.ui.replies import NO_MENTIONS, command_id, post_here, reply, send_dm, working
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
        await working(interaction)
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
        # Ping the one person the offer is for, nobody else, and only if they asked to be.
        pings = (
            discord.AllowedMentions(users=[member], everyone=False, roles=False)
            if choices["mention_on_results"]
            else NO_MENTIONS
        )
        posted = await post_here(
            interaction,
            f"{member.mention}, you have a trade offer.",
            embed=shown,
            view=trade_view(out["trade_id"]),
            allowed_mentions=pings,
        )
        if posted is None:
            await reply(
                interaction,
                f"Your offer to {member.display_name} stands ({terms(offer)}), but I cannot post "
                "in this channel: they can answer it with /trades.",
            )
        else:
            # Kept by the outbox, which edits it once the offer settles.
            await keep_post(interaction, seat.league_id, offer_key(out["trade_id"]), posted, shown)
            await reply(
                interaction, f"Your offer to {member.display_name} is posted: {terms(offer)}."
            )
        if choices["dm_trade_offers"]:
            # After the reply: a slow or refused DM never delays or fails the command.
            server = interaction.guild.name if interaction.guild else "Pinwheel"
            link = posted.jump_url if posted is not None else None
            await send_dm(member, offer_notice(offer, interaction.user.display_name, server, link))

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
