"""Buttons that outlive a restart: `DynamicItem`s whose custom id carries only an id and an
action. Each press re-reads the state through the app layer, so a pressed-twice or stale
button answers from the truth (\"already settled\"), and the handler decides who may press."""

from __future__ import annotations

from typing import Any, ClassVar

import discord

from bot.app.governance.commands import (
    ConfirmProposal,
    DiscardDraft,
    SubmitProposal,
)
from bot.ui.buttons import ActionButton
from bot.ui.cards import BoxScoreButton
from bot.ui.errors import guarded
from bot.ui.governance import draft_embed
from bot.ui.hooper_trades import HooperTradeVoteButton
from bot.ui.presses import UUID, bot_of, presser_governor_id
from bot.ui.replies import command_id, reply, working
from bot.ui.review import ReviewButton, ReviewPageButton
from bot.ui.trades import TradeButton
from bot.ui.votes import VoteButton
from db import discord_repo

ALREADY_CONFIRMED = (
    "That proposal is already confirmed and open for votes; change its wording with /amend instead."
)


class ProposalDraftButton(
    ActionButton, template=rf"pw:draft:(?P<action>confirm|revise|discard):(?P<id>{UUID})"
):
    """Confirm / Revise / Cancel under a proposal draft; only its author may press."""

    KIND = "draft"
    LABELS: ClassVar[dict[str, str]] = {
        "confirm": "Confirm",
        "revise": "Revise",
        "discard": "Cancel",
    }
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {
        "confirm": discord.ButtonStyle.success,
        "revise": discord.ButtonStyle.secondary,
        "discard": discord.ButtonStyle.danger,
    }

    async def _press(self, interaction: discord.Interaction[Any]) -> None:
        app = bot_of(interaction).app
        if self.action == "revise":
            if await discord_repo.draft_status(app.db, self.target_id) == "confirmed":
                await reply(interaction, ALREADY_CONFIRMED)
                return
            # The old draft is dismissed only when the new wording is submitted.
            old = interaction.message.embeds[0].description if interaction.message else ""
            await interaction.response.send_modal(ReviseModal(self.target_id, old or ""))
            return
        await working(interaction)  # confirming can take a moment (the card, the forecast)
        governor_id = await presser_governor_id(interaction)
        if self.action == "discard":
            out = await app.handle(
                DiscardDraft(self.target_id, governor_id), command_id=command_id(interaction)
            )
            if out["discarded"]:
                await reply(interaction, "Proposal dropped. Nothing was spent.")
            else:
                await reply(interaction, f"That draft is already settled ({out['draft_status']}).")
            return
        out = await app.handle(
            ConfirmProposal(self.target_id, governor_id), command_id=command_id(interaction)
        )
        if out["already_confirmed"]:
            await reply(interaction, "That proposal is already open for votes.")
            return
        review = " An admin reviews it before it can pass." if out["flagged_for_review"] else ""
        await reply(
            interaction,
            f"Your proposal is open for votes: its card, with the vote buttons, is in "
            f"#governance.{review}",
        )


def draft_view(draft_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ("confirm", "revise", "discard"):
        view.add_item(ProposalDraftButton(action, draft_id))
    return view


class ReviseModal(discord.ui.Modal, title="Revise your proposal"):
    text: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Proposal", custom_id="text", style=discord.TextStyle.paragraph, max_length=500
    )

    def __init__(self, draft_id: str, old_text: str) -> None:
        super().__init__()
        self.draft_id = draft_id
        self.text.default = old_text[:500]

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._submit(interaction))

    async def _submit(self, interaction: discord.Interaction[Any]) -> None:
        bot = bot_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        seat = await bot.seat(interaction)
        dropped = await bot.app.handle(
            DiscardDraft(self.draft_id, seat.governor_id),
            command_id=f"{command_id(interaction)}:discard",
        )
        if dropped.get("draft_status") == "confirmed":  # confirmed while the form was open
            await reply(interaction, ALREADY_CONFIRMED)
            return
        out = await bot.app.handle(
            SubmitProposal(seat.season_id, seat.governor_id, self.text.value),
            command_id=command_id(interaction),
        )
        await reply(interaction, embed=draft_embed(out), view=draft_view(out["draft_id"]))


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ProposalDraftButton,
    ReviewButton,
    ReviewPageButton,
    TradeButton,
    HooperTradeVoteButton,
    BoxScoreButton,
    VoteButton,
)
