"""Hooper trade votes: Approve / Reject buttons that outlive a restart; the handler decides
who may vote (governors of the two teams) and settles the trade once majorities are in."""

from __future__ import annotations

from typing import Any, ClassVar

import discord

from bot.app.levers.commands import VoteHooperTrade
from bot.ui.buttons import ActionButton
from bot.ui.embeds import embed
from bot.ui.presses import UUID, bot_of, post_soon, presser_governor_id
from bot.ui.replies import command_id, reply, working

OUTCOMES = {
    "open": "Vote recorded; the trade is still open.",
    "executed": "That vote settled it: the trade is done.",
    "rejected": "That vote settled it: the trade is off.",
}


def hooper_trade_embed(proposer: str, give: str, get: str) -> discord.Embed:
    return embed(
        "Hooper trade proposed",
        f"**{proposer}** proposes trading **{give}** for **{get}**.\n"
        # On its own line: once the trade is settled, this line is taken out of the message.
        "Governors of both teams: approve or reject. A majority of each team decides.",
    )


class HooperTradeVoteButton(
    ActionButton, template=rf"pw:htrade:(?P<action>approve|reject):(?P<id>{UUID})"
):
    KIND = "htrade"
    LABELS: ClassVar[dict[str, str]] = {"approve": "Approve", "reject": "Reject"}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {
        "approve": discord.ButtonStyle.success,
        "reject": discord.ButtonStyle.danger,
    }

    async def _press(self, interaction: discord.Interaction[Any]) -> None:
        await working(interaction)
        governor_id = await presser_governor_id(interaction)
        out = await bot_of(interaction).app.handle(
            VoteHooperTrade(self.target_id, governor_id, approve=self.action == "approve"),
            command_id=command_id(interaction),
        )
        await reply(interaction, OUTCOMES[out["outcome"]])
        if out["outcome"] != "open":  # the trade's message shows how it ended, now
            post_soon(
                bot_of(interaction), (await bot_of(interaction).league(interaction)).league_id
            )


def hooper_trade_view(trade_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for vote in ("approve", "reject"):
        view.add_item(HooperTradeVoteButton(vote, trade_id))
    return view
