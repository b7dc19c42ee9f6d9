"""Short-lived views for the person who asked: Previous / Next buttons over a list of embeds,
and a confirm-or-not question. Short-lived on purpose: a page view is a reading aid, not
state that must outlive a restart. When one times out its buttons are disabled on the message
it was sent with, so nobody presses a button that no longer answers."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.ui.embeds import PAGE_BODY_MAX, clip, embed
from bot.ui.errors import guarded
from bot.ui.replies import NO_MENTIONS, reply

log = logging.getLogger(__name__)

PAGE_TIMEOUT = 300.0  # seconds of inactivity before the buttons stop answering
CONFIRM_TIMEOUT = 120.0  # seconds a confirmation waits for its answer

Message = discord.InteractionMessage | discord.WebhookMessage


class OwnedView(discord.ui.View):
    """Buttons only the person who asked may press, disabled on their message at timeout."""

    NOT_YOURS = "These buttons belong to someone else; run the command yourself."

    def __init__(self, owner_id: int, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message: Message | None = None  # set once sent (`send_view`)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.owner_id:
            await reply(interaction, self.NOT_YOURS)
            return False
        return True

    def disable(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True

    async def on_timeout(self) -> None:
        self.disable()
        if self.message is None:
            return
        # An ephemeral message the user dismissed, or an expired token: nothing to update.
        with contextlib.suppress(discord.HTTPException):
            await self.message.edit(view=self, allowed_mentions=NO_MENTIONS)


async def send_view(
    interaction: discord.Interaction[Any],
    view: OwnedView,
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    ephemeral: bool = True,
) -> None:
    """Send a message with `view` and keep the message on the view (to disable it later)."""
    kwargs: dict[str, Any] = {
        "content": content,
        "view": view,
        "ephemeral": ephemeral,
        "allowed_mentions": NO_MENTIONS,
    }
    if embed is not None:
        kwargs["embed"] = embed
    if interaction.response.is_done():
        view.message = await interaction.followup.send(wait=True, **kwargs)
        return
    sent = await interaction.response.send_message(**kwargs)
    resource = getattr(sent, "resource", None)
    if isinstance(resource, discord.InteractionMessage):
        view.message = resource
    else:
        view.message = await interaction.original_response()


class Paginator(OwnedView):
    NOT_YOURS = "These pages belong to someone else; run the command yourself."

    def __init__(self, pages: list[discord.Embed], owner_id: int) -> None:
        super().__init__(owner_id, timeout=PAGE_TIMEOUT)
        self.pages, self.index = pages, 0
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

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
    if len(pages) > 1:
        await send_view(
            interaction, Paginator(pages, interaction.user.id), embed=pages[0], ephemeral=ephemeral
        )
        return
    await reply(interaction, embed=pages[0], ephemeral=ephemeral)


def pages_of(
    title: str,
    lines: Sequence[str],
    *,
    per_page: int = 10,
    head: str = "",
    empty: str = "Nothing here yet.",
) -> list[discord.Embed]:
    """`per_page` lines to a page (fewer when they are long), each page opening with `head`
    and, when there is more than one, a 'page i/n' footer."""
    room = PAGE_BODY_MAX - len(head) - 2
    chunks: list[list[str]] = []
    size = 0
    for line in (clip(line, room) for line in lines):
        if not chunks or len(chunks[-1]) >= per_page or size + len(line) + 1 > room:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    bodies = ["\n".join(c) for c in chunks] or [empty]
    result = [embed(title, f"{head}\n\n{body}" if head else body) for body in bodies]
    if len(result) > 1:
        for i, page in enumerate(result, 1):
            page.set_footer(text=f"Page {i}/{len(result)}")
    return result


Action = Callable[[discord.Interaction[Any]], Awaitable[str]]


class Confirm(OwnedView):
    """Two buttons under a question: the first runs `action` (its answer replaces the
    question), the second leaves everything as it was."""

    def __init__(self, owner_id: int, action: Action, *, yes: str, no: str = "Never mind") -> None:
        super().__init__(owner_id, timeout=CONFIRM_TIMEOUT)
        self.action = action
        self.yes.label, self.no.label = clip(yes, 80), clip(no, 80)

    async def _settle(self, interaction: discord.Interaction[Any], text: str) -> None:
        self.disable()
        self.stop()
        await interaction.response.edit_message(
            content=text, view=self, allowed_mentions=NO_MENTIONS
        )

    async def _confirmed(self, interaction: discord.Interaction[Any]) -> None:
        await self._settle(interaction, await self.action(interaction))

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.danger)
    async def yes(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        # A refusal (say, already done elsewhere) is answered and the question stays open.
        await guarded(interaction, self._confirmed(interaction))

    @discord.ui.button(label="Never mind", style=discord.ButtonStyle.secondary)
    async def no(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        await self._settle(interaction, "Nothing changed.")
