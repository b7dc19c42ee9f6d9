"""The vote buttons on a proposal's card: Yes, No, Yes + Boost, No + Boost. They outlive a
restart (their custom id carries the proposal id and the choice), go through the same handler
as /vote, and answer only the presser; the card itself never shows how anyone voted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import discord

from bot.app.governance.commands import CastVote
from bot.domain.errors import NotFoundError
from bot.ui.buttons import ActionButton
from bot.ui.presses import UUID, bot_of, post_soon, presser_governor_id
from bot.ui.replies import command_id, reply, working
from db import discord_repo

CHOICES = {
    "yes": ("yes", False),
    "no": ("no", False),
    "yesboost": ("yes", True),
    "noboost": ("no", True),
}


def vote_reply(out: Mapping[str, Any]) -> str:
    """What a voter is told, by /vote or by a button."""
    verb = "changed to" if out["changed"] else "recorded:"
    boosted = " (boosted)" if out["boost_used"] else ""
    return f"Your vote is {verb} **{out['vote']}**{boosted}. It stays secret until the close."


class VoteButton(
    ActionButton, template=rf"pw:vote:(?P<action>yes|no|yesboost|noboost):(?P<id>{UUID})"
):
    KIND = "vote"
    LABELS: ClassVar[dict[str, str]] = {
        "yes": "Yes",
        "no": "No",
        "yesboost": "Yes + Boost",
        "noboost": "No + Boost",
    }
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {
        "yes": discord.ButtonStyle.success,
        "no": discord.ButtonStyle.danger,
        "yesboost": discord.ButtonStyle.success,
        "noboost": discord.ButtonStyle.danger,
    }

    async def _press(self, interaction: discord.Interaction[Any]) -> None:
        await working(interaction)  # a vote that is recorded is always told so
        bot = bot_of(interaction)
        league = await bot.league(interaction)
        if await discord_repo.proposal_league(bot.app.db, self.target_id) != league.league_id:
            raise NotFoundError("That proposal is not part of this server's league.")
        choice, boost = CHOICES[self.action]
        out = await bot.app.handle(
            CastVote(self.target_id, await presser_governor_id(interaction), choice, boost),  # type: ignore[arg-type]
            command_id=command_id(interaction),
        )
        await reply(interaction, vote_reply(out))
        post_soon(bot, league.league_id)  # the card's count moves now, not at the next pass


def vote_buttons(proposal_id: str) -> list[VoteButton]:
    return [VoteButton(action, proposal_id) for action in CHOICES]
