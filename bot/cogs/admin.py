"""`/admin ...`: moderation for the server's managers. Hidden from members without Manage
Server (`default_permissions`) and checked again on the server side for every use, since a
server can override the default. Every action goes through an app-layer handler, which writes
the `admin_log`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.governance.commands import (
    AdminCancelProposal,
    ControlSeason,
    GrantTokens,
    RemoveGovernor,
    ReviewProposal,
    SetSetting,
)
from bot.app.governance.league_admin import (
    advance_season,
    run_logged_new_season,
    run_logged_setup,
)
from bot.app.league.outbox import drain
from bot.app.league.setup import SetupLeague, StartNewSeason
from bot.cogs import channels
from bot.cogs.poster import DiscordPoster
from bot.domain.errors import NotFoundError
from bot.domain.settings import SETTINGS
from bot.ui.choices import season_choices
from bot.ui.embeds import clip, pages
from bot.ui.errors import NOT_ALLOWED
from bot.ui.pagination import send_pages
from bot.ui.presses import is_admin
from bot.ui.replies import command_id, reply
from bot.ui.review import NOTHING_FLAGGED, review_page
from db import discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot


# The admin log's actions as an admin reads them (the log keeps its keys and full ids).
ADMIN_ACTIONS = {
    "governor.remove": "removed a governor",
    "league.setup": "set the league up",
    "proposal.cancel": "withdrew a proposal",
    "proposal.veto": "vetoed a proposal",
    "proposal.review": "reviewed a proposal",
    "season.advance": "played a round by hand",
    "season.new": "started a new season",
    "setting.set": "changed a setting",
    "token.grant": "granted tokens",
    "season.pause": "paused the season",
    "season.resume": "resumed the season",
    "season.start": "started the season",
}


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Admin(commands.GroupCog, group_name="admin", group_description="Moderate the league"):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if not is_admin(interaction):
            raise app_commands.CheckFailure(NOT_ALLOWED)
        return True

    @app_commands.command(name="review")
    async def review(self, interaction: discord.Interaction[Any]) -> None:
        """Show proposals flagged for review, with Clear and Veto buttons."""
        _, season_id = await self.bot.season(interaction)
        flagged = await discord_repo.flagged_proposals(self.bot.app.db, season_id)
        if not flagged:
            await reply(interaction, NOTHING_FLAGGED)
            return
        shown, view = review_page(flagged, 1)
        # Public in the channel it was asked in, so any admin there can settle it.
        await reply(interaction, embed=shown, view=view, ephemeral=False)

    async def flagged_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        async def flagged(season: str) -> list[tuple[str, str]]:
            found = await discord_repo.flagged_proposals(self.bot.app.db, season)
            return [(p["proposal_id"], p["text"]) for p in found]

        return await season_choices(self.bot, interaction, current, flagged)

    async def open_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        async def proposals(season: str) -> list[tuple[str, str]]:
            found = await self.bot.app.open_proposals(season)
            return [(p["proposal_id"], p["text"]) for p in found]

        return await season_choices(self.bot, interaction, current, proposals)

    @app_commands.command(name="veto")
    @app_commands.describe(
        proposal="The flagged proposal, by its text", reason="Why, shown to players"
    )
    @app_commands.autocomplete(proposal=flagged_choices)
    async def veto(
        self,
        interaction: discord.Interaction[Any],
        proposal: str,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        """Veto a flagged proposal; its author's tokens are refunded."""
        league = await self.bot.league(interaction)
        out = await self.bot.app.handle(
            ReviewProposal(
                proposal,
                str(interaction.user.id),
                veto=True,
                reason=reason,
                league_id=league.league_id,
            ),
            command_id=command_id(interaction),
        )
        await reply(interaction, f"Vetoed; {out['refunded']} token(s) refunded to the author.")

    @app_commands.command(name="cancel")
    @app_commands.describe(
        proposal="The open proposal, by its text", reason="Why, shown to players"
    )
    @app_commands.autocomplete(proposal=open_choices)
    async def cancel(
        self,
        interaction: discord.Interaction[Any],
        proposal: str,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        """Cancel any open proposal; its author's tokens are refunded."""
        league = await self.bot.league(interaction)
        out = await self.bot.app.handle(
            AdminCancelProposal(
                proposal, str(interaction.user.id), reason=reason, league_id=league.league_id
            ),
            command_id=command_id(interaction),
        )
        await reply(interaction, f"Cancelled; {out['refunded']} token(s) refunded to the author.")

    @app_commands.command(name="remove")
    @app_commands.describe(member="The governor to remove from their team", reason="Why")
    async def remove(
        self,
        interaction: discord.Interaction[Any],
        member: discord.Member,
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        """Remove a governor from their team."""
        league, season_id = await self.bot.season(interaction)
        governor_id = await self.bot.app.governor_id(league.league_id, str(member.id))
        if governor_id is None:
            raise NotFoundError(f"{member.display_name} is not a governor in this league.")
        out = await self.bot.app.handle(
            RemoveGovernor(season_id, governor_id, str(interaction.user.id), reason),
            command_id=command_id(interaction),
        )
        teams = dict(await discord_repo.teams(self.bot.app.db, season_id))
        team = teams.get(str(out["team_id"]), "their team")
        await reply(interaction, f"{member.display_name} no longer governs **{team}**.")

    @app_commands.command(name="grant")
    @app_commands.describe(
        member="The governor to grant tokens to",
        token_type="Which kind of token",
        amount="How many tokens (1 to 10)",
        reason="Why, kept in the admin log",
    )
    async def grant(
        self,
        interaction: discord.Interaction[Any],
        member: discord.Member,
        token_type: Literal["propose", "amend", "boost"],
        amount: app_commands.Range[int, 1, 10],
        reason: app_commands.Range[str, 1, 500],
    ) -> None:
        """Grant a governor tokens."""
        league, season_id = await self.bot.season(interaction)
        governor_id = await self.bot.app.governor_id(league.league_id, str(member.id))
        if governor_id is None:
            raise NotFoundError(f"{member.display_name} is not a governor in this league.")
        out = await self.bot.app.handle(
            GrantTokens(
                season_id, governor_id, token_type, amount, str(interaction.user.id), reason
            ),
            command_id=command_id(interaction),
        )
        await reply(
            interaction,
            f"Granted {member.display_name} {amount} {token_type} token(s); "
            f"they now have {out['balance']}.",
        )

    @app_commands.command(name="audit")
    @app_commands.describe(limit="How many recent actions to show")
    async def audit(
        self, interaction: discord.Interaction[Any], limit: app_commands.Range[int, 1, 100] = 25
    ) -> None:
        """Show recent admin actions from the audit log."""
        league = await self.bot.league(interaction)
        entries = await discord_repo.recent_admin_log(self.bot.app.db, league.league_id, limit)
        lines = [
            f"<t:{int(e.created_at.timestamp())}:f> <@{e.actor_id}> "
            f"**{ADMIN_ACTIONS.get(e.action_type, e.action_type.replace('.', ' '))}**"
            + (f" — {clip(e.reason, 200)}" if e.reason else "")
            for e in entries
        ]
        await send_pages(interaction, pages("Admin log", lines, empty="No admin actions yet."))

    @app_commands.command(name="setup")
    async def setup_league(self, interaction: discord.Interaction[Any]) -> None:
        """Create this server's league (once) and bind its category and channels."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild = interaction.guild
        assert guild is not None  # the group is guild-only
        channels.require_permissions(guild)  # before anything is created
        db = self.bot.app.db
        league = await discord_repo.guild_league(db, guild.id)
        if league is None:
            await run_logged_setup(
                db,
                SetupLeague(guild_id=str(guild.id), name=guild.name[:100], seed=str(guild.id)),
                admin_id=str(interaction.user.id),
                clock=self.bot.app.clock,
            )
            league = await discord_repo.guild_league(db, guild.id)
            assert league is not None
        teams = await discord_repo.teams(db, league.season_id) if league.season_id else []
        bound = await channels.ensure(guild, [name for _, name in teams])
        created = ", ".join(bound.created) or "nothing (everything was already in place)"
        await reply(interaction, f"The league is set up. Created: {created}.")

    season = app_commands.Group(name="season", description="Run the league's seasons")

    @season.command(name="new")
    @app_commands.describe(
        carry_rules="Keep the rules the league has voted in (default yes)",
        replace_unfinished="End the current season early if it has not finished",
    )
    async def season_new(
        self,
        interaction: discord.Interaction[Any],
        carry_rules: bool = True,
        replace_unfinished: bool = False,
    ) -> None:
        """Start the next season with the same teams and governors."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        league = await self.bot.league(interaction)
        out = await run_logged_new_season(
            self.bot.app.db,
            StartNewSeason(league.league_id, carry_rules, replace_unfinished),
            admin_id=str(interaction.user.id),
            clock=self.bot.app.clock,
            command_id=command_id(interaction),
        )
        await reply(
            interaction, f"A new season has begun; {out['governors_carried']} governor(s) carried."
        )

    @season.command(name="advance")
    async def season_advance(self, interaction: discord.Interaction[Any]) -> None:
        """Play the season's next round now and post its results."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        league, season_id = await self.bot.season(interaction)
        report = await advance_season(
            self.bot.app.db,
            season_id,
            admin_id=str(interaction.user.id),
            clock=self.bot.app.clock,
            command_id=command_id(interaction),
        )
        if report is None:
            await reply(interaction, "There is no round to play: the season is over or busy.")
            return
        await drain(
            self.bot.app.db,
            DiscordPoster(self.bot, league.league_id),
            league_id=league.league_id,
            clock=self.bot.app.clock,
        )
        await reply(interaction, f"Round {report.round_number} played: watch it in #play-by-play.")

    async def _control(
        self, interaction: discord.Interaction[Any], action: Literal["pause", "resume", "start"]
    ) -> dict[str, Any]:
        _, season_id = await self.bot.season(interaction)
        return await self.bot.app.handle(
            ControlSeason(season_id, action, str(interaction.user.id)),
            command_id=command_id(interaction),
        )

    @staticmethod
    def _due(out: dict[str, Any]) -> str:
        due = out["next_due_at"]
        if due is None:
            return "rounds are played by hand (/admin season advance)"
        return f"the next round is due <t:{int(due.timestamp())}:R>"

    @season.command(name="pause")
    async def season_pause(self, interaction: discord.Interaction[Any]) -> None:
        """Pause the season: no round is due until it is resumed."""
        await self._control(interaction, "pause")
        await reply(interaction, "The season is paused; no rounds will be played until resumed.")

    @season.command(name="resume")
    async def season_resume(self, interaction: discord.Interaction[Any]) -> None:
        """Resume a paused season on its usual cadence."""
        out = await self._control(interaction, "resume")
        await reply(interaction, f"The season is running again; {self._due(out)}.")

    @season.command(name="start")
    async def season_start(self, interaction: discord.Interaction[Any]) -> None:
        """Make sure the current season is running (seasons start when they are set up)."""
        out = await self._control(interaction, "start")
        verb = "was paused and is running again" if out["was_paused"] else "is already running"
        await reply(interaction, f"The season {verb}; {self._due(out)}.")

    settings = app_commands.Group(name="settings", description="League settings")

    @settings.command(name="get")
    @app_commands.describe(key="The setting to show; leave empty for all")
    async def settings_get(
        self, interaction: discord.Interaction[Any], key: str | None = None
    ) -> None:
        """Show league settings and their allowed ranges."""
        league = await self.bot.league(interaction)
        current = await discord_repo.league_settings(self.bot.app.db, league.league_id)
        if key is not None and key not in SETTINGS:
            raise NotFoundError(f"There is no setting called {clip(key, 100)}.")
        specs = [SETTINGS[key]] if key else list(SETTINGS.values())
        lines = [
            f"`{s.key}` = **{current.get(s.key)}** (default {s.default}, "
            f"{s.minimum}–{s.maximum}) — {s.description}"
            for s in specs
        ]
        await send_pages(interaction, pages("League settings", lines))

    @settings.command(name="set")
    @app_commands.describe(key="The setting to change", value="Its new value, e.g. 1800 or true")
    async def settings_set(
        self,
        interaction: discord.Interaction[Any],
        key: app_commands.Range[str, 1, 100],
        value: app_commands.Range[str, 1, 100],
    ) -> None:
        """Change a league setting within its allowed range."""
        league = await self.bot.league(interaction)
        out = await self.bot.app.handle(
            SetSetting(league.league_id, key, value, str(interaction.user.id)),
            command_id=command_id(interaction),
        )
        await reply(interaction, f"`{out['key']}` is now **{out['value']}** (was {out['before']}).")

    @settings_set.autocomplete("key")
    @settings_get.autocomplete("key")
    async def setting_keys(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=k, value=k) for k in SETTINGS if current in k][:25]


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Admin(bot))
