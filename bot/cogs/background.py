"""The bot's background work: play the rounds that are due, move their shows along, expire
the trade offers whose time is up and post the outbox of every league this bot serves (about
every second while a round is being shown, every half minute otherwise). Loaded by
`run_discord` only; stopping lets the current step finish first.

Several processes on one PostgreSQL share the work: rounds, governance windows and shows are
run only for the leagues whose lease this process holds (bot/app/league/leases.py), renewed in
a task of their own and given back on a clean stop. Posting follows the shards: a process posts
for the servers on the shards it connects (their channels are in its cache) and, for a league it
holds whose server's shard no live process connects, over REST (bot/cogs/poster.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.app.heartbeat import beat
from bot.app.league.leases import Keeper
from bot.app.league.outbox import drain
from bot.app.league.runner import Runner
from bot.cogs.poster import DiscordPoster
from bot.shards import shard_of
from db import discord_repo, lease_repo

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
        self.stop_leasing = asyncio.Event()  # set on stop: the keeper gives its leagues back
        self.leasing: asyncio.Task[None] | None = None
        self.keeper: Keeper | None = None  # this process's leases, once the loop has started

    async def cog_load(self) -> None:
        self.task = asyncio.create_task(self.run(), name="pinwheel-background")

    async def stop(self) -> None:
        """Stop the loop: at once while it sleeps, after the current step while it works."""
        self.stopping = True
        if self.task is not None:
            if not self.busy:
                self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        self.stop_leasing.set()
        if self.leasing is not None:
            self.leasing.cancel()  # it gives its leases back: another process takes over at once
            with contextlib.suppress(asyncio.CancelledError):
                await self.leasing

    async def run(self) -> None:
        await self.bot.wait_until_ready()
        keeper = self.keeper = Keeper(
            self.bot.app.db,
            ttl_seconds=self.bot.lease_seconds,
            shards=self.bot.shards_held(),
            shard_count=self.bot.shard_count,
        )
        with contextlib.suppress(Exception):  # if not now, the keeper's own loop retries
            await keeper.renew()
        self.leasing = asyncio.create_task(keeper.run(self.stop_leasing), name="pinwheel-leases")
        runner = Runner(self.bot.app.db, clock=self.bot.app.clock, owns=keeper.owns)
        while not self.stopping:
            self.busy = True
            try:
                await runner.tick()
                # Offers and hooper trades whose time is up: their escrow goes back.
                await self.bot.app.expire_due(owns=keeper.owns)
                await self.post_outbox(keeper)
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

    async def post_outbox(self, keeper: Keeper | None = None) -> int:
        """Drain the outbox of each league whose server is on this process's shards, and of
        each league it holds (`keeper`) whose server's shard no live process connects (a
        process of the cluster is down: its servers' posts go over REST from here until it is
        back). One league's failure never stops the others (a failing row is retried or parked
        by the drain itself)."""
        db = self.bot.app.db
        targets: dict[str, int] = {}  # league -> its server
        for guild in self.bot.guilds:
            league = await discord_repo.guild_league(db, guild.id)
            if league is not None:
                targets[league.league_id] = guild.id
        if keeper is not None:
            targets.update(await self._orphans(keeper, set(targets)))
        posted = 0
        for league_id, guild_id in targets.items():
            try:
                poster = DiscordPoster(self.bot, league_id)
                posted += await drain(db, poster, league_id=league_id, clock=self.bot.app.clock)
            except Exception:
                log.exception("Posting the outbox of guild %s failed; retried next wake", guild_id)
        return posted

    async def _orphans(self, keeper: Keeper, served: set[str]) -> dict[str, int]:
        """The leagues `keeper` holds whose server is on a shard no live process connects
        (nothing, in one query, while every shard is connected: the usual case)."""
        held = keeper.held() - served
        count = self.bot.shard_count
        if not held or count is None:
            return {}
        db, now = self.bot.app.db, keeper.clock()
        async with db.read_sessions() as s:
            live = [p for p in await lease_repo.all_processes(s) if p.alive_at(now, keeper.ttl)]
        connected = {shard for p in live for shard in (p.shards or [])}
        connected.update(self.bot.shards_held())
        if connected >= set(range(count)):
            return {}
        guilds = await discord_repo.league_guilds(db, held)
        return {
            league_id: guild_id
            for league_id, guild_id in sorted(guilds.items())
            if shard_of(guild_id, count) not in connected
        }


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Background(bot))
