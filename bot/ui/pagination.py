"""Previous / Next buttons over a list of embeds. Short-lived on purpose: a page view is a
reading aid for the person who asked, not state that must outlive a restart."""

from __future__ import annotations

from typing import Any

import discord

from bot.ui.replies import NO_MENTIONS, reply

PAGE_TIMEOUT = 300.0  # seconds of inactivity before the buttons stop answering


class Paginator(discord.ui.View):
    def __init__(self, pages: list[discord.Embed], owner_id: int) -> None:
        super().__init__(timeout=PAGE_TIMEOUT)
        self.pages, self.owner_id, self.index = pages, owner_id, 0
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.owner_id:
            await reply(
                interaction, "These pages belong to someone else; run the command yourself."
            )
            return False
        return True

    async def _show(self, interaction: discord.Interaction[Any], step: int) -> None:
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._sync()
        await interaction.response.edit_message(
            embed=self.pages[self.index], view=self, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]
    ) -> None:
        await self._show(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        await self._show(interaction, 1)


async def send_pages(
    interaction: discord.Interaction[Any], pages: list[discord.Embed], *, ephemeral: bool = True
) -> None:
    view = Paginator(pages, interaction.user.id) if len(pages) > 1 else None
    await reply(interaction, embed=pages[0], view=view, ephemeral=ephemeral)
