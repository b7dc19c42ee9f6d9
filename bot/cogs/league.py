"""Reading the league: standings, the schedule ahead and a game's box score."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.errors import DomainError, NotFoundError
from bot.ui.embeds import add_field, clip, embed, pages
from bot.ui.pagination import send_pages
from bot.ui.replies import reply
from db import discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot

MAX_CHOICES = 25


def game_title(g: discord_repo.GameLine) -> str:
    return f"Round {g.round_number}: {g.home} {g.home_score}, {g.away} {g.away_score}"


class League(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    @app_commands.command(name="standings")
    @app_commands.guild_only()
    async def standings(self, interaction: discord.Interaction[Any]) -> None:
        """Show the regular-season standings."""
        _, season_id = await self.bot.season(interaction)
        rows = await discord_repo.standings(self.bot.app.db, season_id)
        lines = [
            f"**{r.rank}. {clip(name, 60)}** {r.wins}-{r.losses} "
            f"({r.points_for - r.points_against:+d})"
            for name, r in rows
        ]
        await send_pages(interaction, pages("Standings", lines, empty="No teams yet."))

    @app_commands.command(name="schedule")
    @app_commands.guild_only()
    @app_commands.describe(rounds="How many upcoming rounds to show")
    async def schedule(
        self, interaction: discord.Interaction[Any], rounds: app_commands.Range[int, 1, 10] = 3
    ) -> None:
        """Show the games of the next rounds."""
        _, season_id = await self.bot.season(interaction)
        found = await discord_repo.upcoming(self.bot.app.db, season_id, rounds)
        lines = [f"Round {n}: {home} vs {away}" for n, home, away in found]
        await send_pages(
            interaction, pages("Schedule", lines, empty="No games are scheduled ahead.")
        )

    async def game_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            _, season_id = await self.bot.season(interaction)
        except DomainError:
            return []
        found = await discord_repo.played_games(self.bot.app.db, season_id)
        return [
            app_commands.Choice(name=clip(game_title(g), 100), value=g.game_id)
            for g in found
            if current.lower() in game_title(g).lower()
        ][:MAX_CHOICES]

    @app_commands.command(name="game")
    @app_commands.guild_only()
    @app_commands.describe(game="A played game (newest first)")
    @app_commands.autocomplete(game=game_choices)
    async def game(self, interaction: discord.Interaction[Any], game: str) -> None:
        """Show a game's box score."""
        found = await discord_repo.box_score(self.bot.app.db, game)
        if found is None:
            raise NotFoundError("There is no such game; pick one from the list.")
        row, lines = found
        result = embed(
            f"{row['home']} {row['home_score']}, {row['away']} {row['away_score']}",
            f"Round {row['round_number']}",
        )
        for team in (row["home"], row["away"]):
            body = "\n".join(
                f"{line['hooper']}: {line['points']} pts, {line['rebounds']} reb, "
                f"{line['assists']} ast"
                for line in sorted(lines, key=lambda line: -int(line["points"]))
                if line["team"] == team
            )
            add_field(result, team, body or "—")
        await reply(interaction, embed=result)


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(League(bot))
