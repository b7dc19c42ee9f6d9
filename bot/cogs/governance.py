"""Governors' commands: join a team, propose, amend, cancel, vote, and see their tokens and
the open proposals. Each callback: find the seat → build the command → handle → render."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.governance.commands import (
    AmendProposal,
    CancelProposal,
    CastVote,
    JoinTeam,
    LeaveTeam,
    SetNotifications,
    SubmitProposal,
)
from bot.domain.errors import ConflictError, NotFoundError
from bot.ui.choices import season_choices
from bot.ui.embeds import embed, pages
from bot.ui.governance import draft_embed, proposal_line
from bot.ui.items import draft_view
from bot.ui.pagination import Confirm, send_pages, send_view
from bot.ui.replies import command_id, reply, working
from bot.ui.votes import vote_reply
from db import browse_repo, discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot


DRAFT_FORECAST_WAIT = 1.5  # seconds /propose waits for the forecast before showing the draft
FORECAST_LATE_WAIT = 60.0  # seconds it watches for a slower one, to show it on the draft
log = logging.getLogger(__name__)

NOTIFICATION_LABELS = {
    "dm_private_mirrors": "Private mirrors by DM",
    "mention_on_results": "Pings in my team's results and trade offers",
    "dm_trade_offers": "Trade offers by DM",
}


class Governance(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    # --- autocomplete -------------------------------------------------------------------------

    async def team_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        db = self.bot.app.db
        return await season_choices(
            self.bot, interaction, current, lambda season: discord_repo.teams(db, season)
        )

    async def open_proposal_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        async def proposals(season: str) -> list[tuple[str, str]]:
            found = await self.bot.app.open_proposals(season)
            return [(p["proposal_id"], p["text"]) for p in found]

        return await season_choices(self.bot, interaction, current, proposals)

    # --- commands -----------------------------------------------------------------------------

    @app_commands.command(name="join")
    @app_commands.guild_only()
    @app_commands.describe(team="The team you will govern")
    @app_commands.autocomplete(team=team_choices)
    async def join(self, interaction: discord.Interaction[Any], team: str) -> None:
        """Join a team as one of its governors."""
        await working(interaction)
        _, season_id = await self.bot.season(interaction)
        team_id = await self._team_id(season_id, team)
        out = await self.bot.app.handle(
            JoinTeam(season_id, team_id, str(interaction.user.id), interaction.user.name),
            command_id=command_id(interaction),
        )
        if out["already_joined"]:
            await reply(interaction, f"You already govern **{out['team_name']}**.")
            return
        await reply(
            interaction,
            f"Welcome, governor of **{out['team_name']}**! "
            f"You received {out['tokens_granted']} tokens: see /tokens.",
        )

    async def _team_id(self, season_id: str, typed: str) -> str:
        found = await discord_repo.teams(self.bot.app.db, season_id)
        for team_id, name in found:
            if typed in (team_id, name) or typed.lower() == name.lower():
                return team_id
        raise NotFoundError("There is no team by that name; pick one from the list.")

    @app_commands.command(name="propose")
    @app_commands.guild_only()
    @app_commands.describe(text="Your rule change in plain words, e.g. 'make threes worth 4'")
    async def propose(
        self, interaction: discord.Interaction[Any], text: app_commands.Range[str, 1, 500]
    ) -> None:
        """Propose a rule change; you confirm it before any token is spent."""
        # Interpretation may be slow (an LLM): acknowledge within Discord's 3 seconds first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        seat = await self.bot.seat(interaction)
        out = await self.bot.app.handle(
            SubmitProposal(seat.season_id, seat.governor_id, text),
            command_id=command_id(interaction),
        )
        changes = {c["parameter"]: c["new_value"] for c in out.get("changes", [])}
        outlook = await self.bot.app.forecast(seat.season_id, changes, wait=DRAFT_FORECAST_WAIT)
        forecast = outlook.words() if outlook is not None else None
        await reply(interaction, embed=draft_embed(out, forecast), view=draft_view(out["draft_id"]))
        if outlook is not None and outlook.key and outlook.forecast is None:
            # It lands later: the draft is shown again with it (the card will have it too).
            self.bot.loop.create_task(self._forecast_later(interaction, out, outlook.key))

    async def _forecast_later(
        self, interaction: discord.Interaction[Any], out: dict[str, Any], key: str
    ) -> None:
        forecaster = self.bot.app.forecaster
        found = await forecaster.wait(key, FORECAST_LATE_WAIT) if forecaster else None
        if found is None:
            return
        try:
            await interaction.edit_original_response(
                embed=draft_embed(out, found.words()), view=draft_view(out["draft_id"])
            )
        except discord.HTTPException:
            log.info("Could not show a late forecast on a draft (it may be gone)")

    @app_commands.command(name="amend")
    @app_commands.guild_only()
    @app_commands.describe(
        proposal="The open proposal to amend", text="The new wording of the rule change"
    )
    @app_commands.autocomplete(proposal=open_proposal_choices)
    async def amend(
        self,
        interaction: discord.Interaction[Any],
        proposal: str,
        text: app_commands.Range[str, 1, 500],
    ) -> None:
        """Amend an open proposal (costs an amend token; votes cast so far are cleared)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        seat = await self.bot.seat(interaction)
        out = await self.bot.app.handle(
            AmendProposal(proposal, seat.governor_id, text), command_id=command_id(interaction)
        )
        # The same words whether or not anyone has voted: how many votes an amendment cleared
        # would tell the amender who took part before the reveal. The voters are told by DM.
        note = " Any votes already cast on it are cleared; those voters are told privately."
        review = " An admin will review the new wording." if out["flagged_for_review"] else ""
        await reply(
            interaction, f"Amendment {out['amendment_number']} is in: {out['text']}.{note}{review}"
        )

    @app_commands.command(name="cancel")
    @app_commands.guild_only()
    @app_commands.describe(proposal="Your open proposal to withdraw")
    @app_commands.autocomplete(proposal=open_proposal_choices)
    async def cancel(self, interaction: discord.Interaction[Any], proposal: str) -> None:
        """Withdraw one of your own open proposals; its tokens are refunded."""
        await working(interaction)
        seat = await self.bot.seat(interaction)
        out = await self.bot.app.handle(
            CancelProposal(proposal, seat.governor_id), command_id=command_id(interaction)
        )
        await reply(interaction, f"Proposal withdrawn; {out['refunded']} token(s) refunded.")

    @app_commands.command(name="vote")
    @app_commands.guild_only()
    @app_commands.describe(
        proposal="The open proposal to vote on",
        choice="Your vote",
        boost="Spend a boost token to double your vote's weight",
    )
    @app_commands.autocomplete(proposal=open_proposal_choices)
    async def vote(
        self,
        interaction: discord.Interaction[Any],
        proposal: str,
        choice: Literal["yes", "no"],
        boost: bool = False,
    ) -> None:
        """Vote yes or no on an open proposal (secret until the window closes)."""
        await working(interaction)
        seat = await self.bot.seat(interaction)
        out = await self.bot.app.handle(
            CastVote(proposal, seat.governor_id, choice, boost), command_id=command_id(interaction)
        )
        await reply(interaction, vote_reply(out))

    @app_commands.command(name="tokens")
    @app_commands.guild_only()
    async def tokens(self, interaction: discord.Interaction[Any]) -> None:
        """Show your propose, amend and boost tokens."""
        seat = await self.bot.seat(interaction)
        balances = await self.bot.app.balances(seat.season_id, seat.governor_id)
        lines = [f"**{kind}**: {count}" for kind, count in balances.items()]
        await reply(interaction, embed=embed("Your tokens", "\n".join(lines)))

    @app_commands.command(name="notifications")
    @app_commands.guild_only()
    @app_commands.describe(
        dm_private_mirrors="DM me my team's private reports",
        mention_on_results="Ping me in my team's round results and when I am offered a trade "
        "(off until you turn it on)",
        dm_trade_offers="DM me when someone offers me a trade",
    )
    async def notifications(
        self,
        interaction: discord.Interaction[Any],
        dm_private_mirrors: bool | None = None,
        mention_on_results: bool | None = None,
        dm_trade_offers: bool | None = None,
    ) -> None:
        """Choose which DMs and mentions you get; with no options, show your choices."""
        await working(interaction)
        seat = await self.bot.seat(interaction)
        out = await self.bot.app.handle(
            SetNotifications(
                seat.governor_id, dm_private_mirrors, mention_on_results, dm_trade_offers
            ),
            command_id=command_id(interaction),
        )
        lines = [
            f"{NOTIFICATION_LABELS.get(name, name)}: **{'on' if on else 'off'}**"
            for name, on in out["preferences"].items()
        ]
        title = "Notifications updated" if out["changed"] else "Your notifications"
        await reply(interaction, embed=embed(title, "\n".join(lines)))

    @app_commands.command(name="proposals")
    @app_commands.guild_only()
    async def proposals(self, interaction: discord.Interaction[Any]) -> None:
        """List the proposals open for votes."""
        _, season_id = await self.bot.season(interaction)
        found = await self.bot.app.open_proposals(season_id)
        lines = [proposal_line(p) for p in found]
        await send_pages(
            interaction, pages("Open proposals", lines, empty="No proposals are open right now.")
        )

    @app_commands.command(name="leave")
    @app_commands.guild_only()
    async def leave(self, interaction: discord.Interaction[Any]) -> None:
        """Leave your team (you are asked to confirm first)."""
        seat = await self.bot.seat(interaction)
        db = self.bot.app.db
        team = await browse_repo.governor_team(db, seat.season_id, seat.governor_id)
        if team is None:
            raise ConflictError("You are not on a team this season, so there is nothing to leave.")

        async def leave_now(press: discord.Interaction[Any]) -> str:
            await self.bot.app.handle(
                LeaveTeam(seat.season_id, seat.governor_id), command_id=command_id(press)
            )
            return f"You have left **{team}**. You can come back to it this season with /join."

        await send_view(
            interaction,
            Confirm(interaction.user.id, leave_now, yes=f"Leave {team}", no="Stay"),
            content=(
                f"Leave **{team}**? You will no longer vote or propose for it. A governor joins "
                f"one team a season, so until next season you could only come back to {team}."
            ),
        )


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Governance(bot))
