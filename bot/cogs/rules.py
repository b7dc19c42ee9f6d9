"""Reading the game: the rule set of a season in words with who changed what, and help."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.browse import interpretation_lines
from bot.domain.rules import PARAMS, TIER_NAMES
from bot.ui.choices import league_season_choices
from bot.ui.embeds import clip, pages
from bot.ui.pagination import send_pages
from db import browse_repo, discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot


class Rules(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    async def season_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await league_season_choices(self.bot, interaction, current)

    @app_commands.command(name="rules")
    @app_commands.guild_only()
    @app_commands.describe(season="A season of the league (default: the current or latest one)")
    @app_commands.autocomplete(season=season_choices)
    async def rules(self, interaction: discord.Interaction[Any], season: str | None = None) -> None:
        """Show the rules in words and the proposals that changed them."""
        league, shown = await self.bot.shown_season(interaction, season)
        db = self.bot.app.db
        current = await discord_repo.current_rules(db, shown.season_id)
        passed = await discord_repo.passed_proposals(db, shown.season_id)
        names = await discord_repo.governor_names(db, [p["governor_id"] for p in passed])
        lines: list[str] = []
        for tier in sorted({p.tier for p in PARAMS.values()}):
            lines.append(f"__**{TIER_NAMES.get(tier, str(tier)).capitalize()}**__")
            for p in PARAMS.values():
                if p.tier != tier:
                    continue
                now = getattr(current, p.name)
                mark = (
                    f" *(changed; the default is {p.show(p.default)})*" if now != p.default else ""
                )
                lines.append(f"**{p.label}**: {p.sentence(now, bold=True)}{mark}")
        if passed:
            lines.append(f"__**Changes passed in {shown.name}**__")
        targets = [
            str(e.get("target", ""))
            for change in passed
            for e in (change["interpretation"] or {}).get("effects") or []
        ]
        teams = await browse_repo.team_names(db, targets)
        for change in passed:
            who = names.get(change["governor_id"], "a governor")
            said = interpretation_lines(change["interpretation"], teams)
            summary = "; ".join(said) if said else f"“{clip(change['text'], 200)}”"
            lines.append(f"• {summary} — proposed by {who}")
        shown_pages = pages(f"The rules · {shown.name}", lines)
        if self.bot.public_url:  # the constitution, with each change's history, on the web
            for page in shown_pages:
                page.url = f"{self.bot.public_url}/leagues/{league.league_id}/rules"
        await send_pages(interaction, shown_pages)

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
