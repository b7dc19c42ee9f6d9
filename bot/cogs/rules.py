"""Reading the game: the current rule set with who changed what, and help."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.rules import PARAMS, TIER_NAMES
from bot.ui.embeds import pages
from bot.ui.pagination import send_pages
from db import discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot


def _value(value: object, unit: str) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value} {unit}".strip()


class Rules(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    @app_commands.command(name="rules")
    @app_commands.guild_only()
    async def rules(self, interaction: discord.Interaction[Any]) -> None:
        """Show the current rules and the proposals that changed them."""
        _, season_id = await self.bot.season(interaction)
        db = self.bot.app.db
        current = await discord_repo.current_rules(db, season_id)
        passed = await discord_repo.passed_proposals(db, season_id)
        names = await discord_repo.governor_names(db, [p["governor_id"] for p in passed])
        lines: list[str] = []
        for tier in sorted({p.tier for p in PARAMS.values()}):
            lines.append(f"__**{TIER_NAMES.get(tier, str(tier)).capitalize()}**__")
            for p in PARAMS.values():
                if p.tier != tier:
                    continue
                now = getattr(current, p.name)
                mark = " *(changed)*" if now != p.default else ""
                lines.append(f"`{p.name}` = **{_value(now, p.unit)}**{mark} — {p.description}")
        if passed:
            lines.append("__**Changes passed this season**__")
        for change in passed:
            who = names.get(change["governor_id"], "a governor")
            summary = (change["interpretation"] or {}).get("summary") or change["text"]
            lines.append(f"• {summary} — proposed by {who}")
        await send_pages(interaction, pages("The rules", lines))

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        """How Pinwheel works and what each command does."""
        intro = (
            "Pinwheel is a 3v3 basketball league whose rules you write. Join a team with /join, "
            "propose rule changes with /propose, vote with /vote, and watch the games change."
        )
        lines = [intro, ""]
        for command in sorted(self.bot.tree.get_commands(), key=lambda c: c.name):
            if not isinstance(command, app_commands.Command):
                continue  # the admin group is only listed to those who can see it
            lines.append(f"**/{command.name}** — {command.description}")
        await send_pages(interaction, pages("Pinwheel help", lines))


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Rules(bot))
