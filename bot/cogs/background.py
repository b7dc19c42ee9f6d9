"""The bot's background work: play the rounds that are due, move their shows along and post
the outbox of every league this bot serves (about every second while a round is being shown,
every half minute otherwise). Loaded by `run_discord` only; stopping lets the current step
finish first."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.app.heartbeat import beat
from bot.app.league.outbox import drain
from bot.app.league.runner import Runner
from bot.cogs.poster import DiscordPoster
from db import discord_repo

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot

log = logging.getLogger(__name__)

POLL_SECONDS = 30.0  # between looks for due rounds and unsent messages
SHOW_POLL_SECONDS = 1.0  # while a round is being shown: its frames go out about every second


class Background(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot
        self.stopping = False
        self.busy = False  # inside a step, which must be allowed to finish
        self.task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.task = asyncio.create_task(self.run(), name="pinwheel-background")

    async def stop(self) -> None:
        """Stop the loop: at once while it sleeps, after the current step while it works."""
        self.stopping = True
        if self.task is None:
            return
        if not self.busy:
            self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task

    async def run(self) -> None:
        await self.bot.wait_until_ready()
        runner = Runner(self.bot.app.db, clock=self.bot.app.clock)
        while not self.stopping:
            self.busy = True
            try:
                await runner.tick()
                await self.post_outbox()
                beat(self.bot.heartbeat_file)  # alive, and this step went through
            except Exception:
                # Every step is idempotent: the next wake finishes what this one could not.
                log.exception("Background step failed; retrying in %s s", POLL_SECONDS)
            finally:
                self.busy = False
            if self.stopping:
                return
            await asyncio.sleep(await self._pause(runner))

    async def _pause(self, runner: Runner) -> float:
        try:
            showing = await runner.presenter.running()
        except Exception:
            log.exception("Could not tell whether a show is on; waiting the usual time")
            showing = False
        return SHOW_POLL_SECONDS if showing else POLL_SECONDS

    async def post_outbox(self) -> int:
        """Drain each served league's outbox; one league's failure never stops the others
        (a failing row is retried or parked by the drain itself)."""
        posted = 0
        for guild in self.bot.guilds:
            try:
                league = await discord_repo.guild_league(self.bot.app.db, guild.id)
                if league is None:
                    continue
                poster = DiscordPoster(self.bot, league.league_id)
                posted += await drain(
                    self.bot.app.db, poster, league_id=league.league_id, clock=self.bot.app.clock
                )
            except Exception:
                log.exception("Posting the outbox of guild %s failed; retried next wake", guild.id)
        return posted


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Background(bot))
