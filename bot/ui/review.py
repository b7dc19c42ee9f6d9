"""`/admin review`: flagged proposals a page at a time, each with its Clear and Veto buttons,
and Previous / Next to reach the rest. Every button is a persistent `DynamicItem` and every
press re-reads the flagged list of the presser's own server, so a page is never stale for long
and no button reaches another server's proposals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import discord

from bot.app.governance.commands import ReviewProposal
from bot.ui.buttons import ActionButton
from bot.ui.embeds import clip, embed
from bot.ui.errors import NOT_ALLOWED
from bot.ui.presses import UUID, bot_of, is_admin
from bot.ui.replies import NO_MENTIONS, command_id, reply
from db import discord_repo

PAGE_SIZE = 4  # proposals per page: one row of buttons each, the fifth row turns pages
TEXT_MAX = 300  # characters of a proposal's text shown in the list
NOTHING_FLAGGED = "No proposals are waiting for review."


async def _admins_only(interaction: discord.Interaction[Any]) -> bool:
    if is_admin(interaction):
        return True
    await reply(interaction, NOT_ALLOWED)
    return False


class ReviewButton(
    ActionButton,
    template=rf"pw:review:(?P<action>clear|veto):(?P<id>{UUID})",
):
    """Clear / Veto under a flagged proposal in `/admin review`; admins only."""

    KIND = "review"
    LABELS: ClassVar[dict[str, str]] = {"clear": "Clear", "veto": "Veto"}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {
        "clear": discord.ButtonStyle.success,
        "veto": discord.ButtonStyle.danger,
    }

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return await _admins_only(interaction)

    async def _press(self, interaction: discord.Interaction[Any]) -> None:
        bot = bot_of(interaction)
        league = await bot.league(interaction)
        veto = self.action == "veto"
        out = await bot.app.handle(
            ReviewProposal(
                self.target_id,
                str(interaction.user.id),
                veto=veto,
                reason="Vetoed in review" if veto else "",
                league_id=league.league_id,
            ),
            command_id=command_id(interaction),
        )
        done = "vetoed (its tokens refunded)" if veto else "cleared for voting"
        await interaction.response.send_message(
            f"Proposal `{out['proposal_id']}` {done}.", allowed_mentions=NO_MENTIONS
        )


class ReviewPageButton(
    ActionButton, template=r"pw:reviewpage:(?P<action>previous|next):(?P<id>[0-9]{1,6})"
):
    """Previous / Next over the flagged proposals; the id is the page it turns to (from 1)."""

    KIND = "reviewpage"
    LABELS: ClassVar[dict[str, str]] = {"previous": "Previous", "next": "Next"}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {
        "previous": discord.ButtonStyle.secondary,
        "next": discord.ButtonStyle.secondary,
    }

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return await _admins_only(interaction)

    async def _press(self, interaction: discord.Interaction[Any]) -> None:
        bot = bot_of(interaction)
        _, season_id = await bot.season(interaction)
        flagged = await discord_repo.flagged_proposals(bot.app.db, season_id)
        if not flagged:
            await interaction.response.edit_message(
                content=NOTHING_FLAGGED, embed=None, view=None, allowed_mentions=NO_MENTIONS
            )
            return
        shown, view = review_page(flagged, int(self.target_id))
        await interaction.response.edit_message(
            embed=shown, view=view, allowed_mentions=NO_MENTIONS
        )


def page_count(flagged: Sequence[object]) -> int:
    return max(1, -(-len(flagged) // PAGE_SIZE))


def review_page(
    flagged: Sequence[dict[str, Any]], page: int
) -> tuple[discord.Embed, discord.ui.View]:
    """Page `page` (from 1, clamped) of the flagged proposals and its buttons."""
    pages = page_count(flagged)
    page = max(1, min(pages, page))
    start = (page - 1) * PAGE_SIZE
    batch = flagged[start : start + PAGE_SIZE]
    lines = [
        f"**{n}.** {clip(p['text'], TEXT_MAX)}\n`{p['proposal_id']}`"
        for n, p in enumerate(batch, start + 1)
    ]
    shown = embed("Proposals awaiting review", "\n".join(lines))
    shown.set_footer(text=f"Page {page}/{pages} · {len(flagged)} flagged")
    view = discord.ui.View(timeout=None)
    for row, proposal in enumerate(batch):
        for action in ("clear", "veto"):
            item = ReviewButton(action, proposal["proposal_id"])
            item.item.row = row
            view.add_item(item)
    if pages > 1:
        for action, target, disabled in (
            ("previous", page - 1, page == 1),
            ("next", page + 1, page == pages),
        ):
            # A disabled button still needs a valid target in its custom id.
            turn = ReviewPageButton(action, str(max(1, min(pages, target))))
            turn.item.row, turn.item.disabled = PAGE_SIZE, disabled
            view.add_item(turn)
    return shown, view
