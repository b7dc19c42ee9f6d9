"""Token trade offers: the offer message and its Accept / Reject buttons (for the governor the
offer was made to) and Withdraw (for the one who made it); all outlive a restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import discord

from bot.app.levers.commands import AcceptTrade, CancelTrade, RejectTrade
from bot.ui.buttons import ActionButton
from bot.ui.embeds import embed
from bot.ui.presses import UUID, bot_of, post_soon, presser_governor_id
from bot.ui.replies import command_id, reply, working


def terms(offer: Mapping[str, Any]) -> str:
    return (
        f"{offer['offer_amount']} {offer['offer_type']} for "
        f"{offer['request_amount']} {offer['request_type']}"
    )


def offer_embed(offer: Mapping[str, Any], offerer: str, target: str) -> discord.Embed:
    result = embed("Token trade offer", f"**{offerer}** offers **{target}** {terms(offer)}.")
    result.set_footer(text=f"Open until {offer['expires_at'][:16].replace('T', ' ')} UTC")
    return result


def offer_notice(offer: Mapping[str, Any], offerer: str, server: str, link: str | None) -> str:
    """The short DM telling a governor about an offer made to them (sent with mentions off)."""
    where = f"on the offer: {link}" if link else "with /trades in the server"
    return (
        f"**{offerer}** offered you a token trade in **{server}**: {terms(offer)}. "
        f"Accept or reject it {where}"
    )


class TradeButton(
    ActionButton, template=rf"pw:trade:(?P<action>accept|reject|cancel):(?P<id>{UUID})"
):
    KIND = "trade"
    LABELS: ClassVar[dict[str, str]] = {
        "accept": "Accept",
        "reject": "Reject",
        "cancel": "Withdraw",
    }
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {
        "accept": discord.ButtonStyle.success,
        "reject": discord.ButtonStyle.danger,
        "cancel": discord.ButtonStyle.secondary,
    }
    COMMANDS: ClassVar[dict[str, type[AcceptTrade | RejectTrade | CancelTrade]]] = {
        "accept": AcceptTrade,
        "reject": RejectTrade,
        "cancel": CancelTrade,
    }
    VERBS: ClassVar[dict[str, str]] = {
        "accepted": "accepted",
        "rejected": "declined",
        "cancelled": "withdrew",
    }

    async def _press(self, interaction: discord.Interaction[Any]) -> None:
        await working(interaction)
        app = bot_of(interaction).app
        governor_id = await presser_governor_id(interaction)
        offer_league = (await bot_of(interaction).league(interaction)).league_id
        command = self.COMMANDS[self.action](self.target_id, governor_id)
        out = await app.handle(command, command_id=command_id(interaction))
        offer = await app.trade_offer(self.target_id)
        verb = self.VERBS.get(out["outcome"], out["outcome"])
        await reply(interaction, f"You {verb} the trade: {terms(offer)}. The offer now shows it.")
        post_soon(bot_of(interaction), offer_league)


def trade_view(trade_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ("accept", "reject", "cancel"):
        view.add_item(TradeButton(action, trade_id))
    return view
