"""Reading the league: standings, schedule, box scores, teams, mirrors and profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.errors import ConflictError, NotFoundError
from bot.ui.choices import league_season_choices, shown_season_choices
from bot.ui.embeds import add_field, clip, embed, pages
from bot.ui.pagination import send_pages
from bot.ui.replies import reply
from db import browse_repo, discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot


def game_title(g: discord_repo.GameLine) -> str:
    return f"Round {g.round_number}: {g.home} {g.home_score}, {g.away} {g.away_score}"


class League(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    async def season_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await league_season_choices(self.bot, interaction, current)

    @app_commands.command(name="standings")
    @app_commands.guild_only()
    @app_commands.describe(season="A season of the league (default: the current or latest one)")
    @app_commands.autocomplete(season=season_choices)
    async def standings(
        self, interaction: discord.Interaction[Any], season: str | None = None
    ) -> None:
        """Show the regular-season standings, this season or a past one."""
        _, shown = await self.bot.shown_season(interaction, season)
        db = self.bot.app.db
        rows = await discord_repo.standings(db, shown.season_id)
        lines = [
            f"**{r.rank}. {clip(name, 60)}** {r.wins}-{r.losses} "
            f"({r.points_for - r.points_against:+d})"
            for name, r in rows
        ]
        story = await browse_repo.season_story(db, shown)
        if story.champion and lines:
            lines.append(f"\nChampions: **{story.champion}**")
        await send_pages(
            interaction, pages(f"Standings · {shown.name}", lines, empty="No teams yet.")
        )

    @app_commands.command(name="schedule")
    @app_commands.guild_only()
    @app_commands.describe(rounds="How many upcoming rounds to show")
    async def schedule(
        self, interaction: discord.Interaction[Any], rounds: app_commands.Range[int, 1, 10] = 3
    ) -> None:
        """Show the games of the next rounds."""
        _, season = await self.bot.shown_season(interaction)
        season_id = season.season_id
        live = await discord_repo.on_screen(self.bot.app.db, season_id)
        found = await discord_repo.upcoming(self.bot.app.db, season_id, rounds)
        lines = [
            f"Round {n}: {home} vs {away} · live now in #play-by-play" for n, home, away in live
        ]
        lines += [f"Round {n}: {home} vs {away}" for n, home, away in found]
        await send_pages(
            interaction, pages("Schedule", lines, empty="No games are scheduled ahead.")
        )

    async def game_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        async def games(season: str) -> list[tuple[str, str]]:
            found = await discord_repo.played_games(self.bot.app.db, season)
            return [(g.game_id, game_title(g)) for g in found]

        return await shown_season_choices(self.bot, interaction, current, games)

    @app_commands.command(name="game")
    @app_commands.guild_only()
    @app_commands.describe(game="A played game (newest first)")
    @app_commands.autocomplete(game=game_choices)
    async def game(self, interaction: discord.Interaction[Any], game: str) -> None:
        """Show a game's box score."""
        league = await self.bot.league(interaction)
        found = await discord_repo.box_score(self.bot.app.db, league.league_id, game)
        if found is None:
            raise NotFoundError("There is no such game; pick one from the list.")
        if await discord_repo.game_on_screen(self.bot.app.db, game):
            raise ConflictError(
                "That game is being played right now in #play-by-play; "
                "its box score comes with the final whistle."
            )
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

    async def team_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        db = self.bot.app.db
        return await shown_season_choices(
            self.bot, interaction, current, lambda season: discord_repo.teams(db, season)
        )

    @app_commands.command(name="team")
    @app_commands.guild_only()
    @app_commands.describe(team="The team to show")
    @app_commands.autocomplete(team=team_choices)
    async def team(self, interaction: discord.Interaction[Any], team: str) -> None:
        """Show a team's hoopers and governors."""
        _, season = await self.bot.shown_season(interaction)
        season_id = season.season_id
        db = self.bot.app.db
        named = {team_id: name for team_id, name in await discord_repo.teams(db, season_id)}
        found = team if team in named else next((t for t, n in named.items() if n == team), None)
        if found is None:
            raise NotFoundError("There is no team by that name; pick one from the list.")
        hoopers, governors = await discord_repo.team_roster(db, season_id, found)
        result = embed(named[found])
        add_field(result, "Hoopers", "\n".join(hoopers) or "—", inline=True)
        add_field(result, "Governors", "\n".join(governors) or "None yet", inline=True)
        await reply(interaction, embed=result)

    @app_commands.command(name="mirrors")
    @app_commands.guild_only()
    async def mirrors(self, interaction: discord.Interaction[Any]) -> None:
        """Show the latest public mirrors on play and governance."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        _, season = await self.bot.shown_season(interaction)
        found = await discord_repo.public_mirrors(self.bot.app.db, season.season_id)
        lines = [f"**{kind.capitalize()}**: {content}" for kind, content in found]
        await send_pages(interaction, pages("Mirrors", lines, empty="No mirrors yet."))

    @app_commands.command(name="profile")
    @app_commands.guild_only()
    @app_commands.describe(member="Whose profile to show (yours if empty)")
    async def profile(
        self, interaction: discord.Interaction[Any], member: discord.Member | None = None
    ) -> None:
        """Show a governor's lifetime stats and achievements."""
        league = await self.bot.league(interaction)
        who = member or interaction.user
        governor_id = await self.bot.app.governor_id(league.league_id, str(who.id))
        if governor_id is None:
            raise NotFoundError(f"{who.display_name} is not a governor in this league.")
        stats, achievements = await discord_repo.governor_profile(self.bot.app.db, governor_id)
        result = embed(f"{who.display_name}, governor")
        lines = [f"{k.replace('_', ' ').capitalize()}: **{v}**" for k, v in (stats or {}).items()]
        add_field(result, "Lifetime", "\n".join(lines) or "Nothing counted yet.")
        add_field(result, "Achievements", "\n".join(achievements) or "None yet.")
        await reply(interaction, embed=result)


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(League(bot))
