"""The shape every persistent button shares: a `DynamicItem` whose custom id is
`pw:<kind>:<action>:<id>`, so it carries only what to do and to what, and each press runs
through `guarded` (friendly errors, no internals). Subclasses give the template, the labels and
styles of their actions, and `_press`."""

from __future__ import annotations

from typing import Any, ClassVar, Self

import discord

from bot.ui.errors import guarded


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    # The base's template matches nothing; each subclass's template names the groups
    # `action` and `id`.
    KIND: ClassVar[str]
    LABELS: ClassVar[dict[str, str]]
    STYLES: ClassVar[dict[str, discord.ButtonStyle]]

    def __init__(self, action: str, target_id: str) -> None:
        self.action, self.target_id = action, target_id
        super().__init__(
            discord.ui.Button(
                label=self.LABELS[action],
                style=self.STYLES[action],
                custom_id=f"pw:{self.KIND}:{action}:{target_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> Self:
        return cls(match["action"], match["id"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._press(interaction))

    async def _press(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError
