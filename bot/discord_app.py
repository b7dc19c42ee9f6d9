"""The Discord bot: a `commands.AutoShardedBot` around the app facade, its extensions and
persistent buttons, and `run_discord(settings)` which `pinwheel run` calls when DISCORD_TOKEN is
set.

Sharding: with no PINWHEEL_SHARD_COUNT one process connects every shard Discord recommends (one,
for a small bot), as an unsharded bot would. With PINWHEEL_SHARD_COUNT
and PINWHEEL_SHARD_IDS a cluster of processes each connects its slice of the shards, and each
answers the interactions of the servers on its shards (Discord delivers them nowhere else).

Commands are never synced on start: `pinwheel sync-commands` or the owner's `sync` command
does it deliberately.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.governance.forecast import Forecaster
from bot.app.league.leases import DEFAULT_TTL_SECONDS
from bot.app.service import Pinwheel
from bot.config import Settings, describe_database
from bot.domain.errors import DomainError, NotFoundError
from bot.domain.text import storable_value
from bot.shards import LEAGUE_EXTRA, WhereLog, shard_of
from bot.ui.errors import send_error
from bot.ui.items import DYNAMIC_ITEMS
from bot.wiring import wire_ai
from db import browse_repo, discord_repo
from db.browse_repo import SeasonEntry
from db.discord_repo import GuildLeague

log = logging.getLogger(__name__)

# One extension per feature, each with `async def setup(bot)`.
EXTENSIONS: tuple[str, ...] = (
    "bot.cogs.governance",
    "bot.cogs.trades",
    "bot.cogs.levers",
    "bot.cogs.league",
    "bot.cogs.browse",
    "bot.cogs.rules",
    "bot.cogs.admin",
    "bot.cogs.owner",
)
# Rounds and the outbox: only a real run loads it (tests drive rounds themselves).
BACKGROUND = "bot.cogs.background"


@dataclass(frozen=True, slots=True)
class Seat:
    """Who is acting, in which league and season."""

    league_id: str
    season_id: str
    governor_id: str


class PinwheelBot(commands.AutoShardedBot):
    def __init__(
        self,
        app: Pinwheel,
        *,
        extensions: Sequence[str] = EXTENSIONS,
        owner_ids: set[int] | None = None,
        shard_count: int | None = None,
        shard_ids: Sequence[int] | None = None,
    ) -> None:
        # No privileged intents: slash commands and buttons need none; the owner's text
        # command is reached by mentioning the bot, which Discord delivers with content.
        # The bot never joins a voice channel: no warning that voice libraries are missing.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        # No count and no ids: discord.py asks Discord how many shards and connects them all.
        slice_: dict[str, Any] = {} if shard_ids is None else {"shard_ids": list(shard_ids)}
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=owner_ids or set(),
            help_command=None,
            tree_cls=PinwheelTree,
            shard_count=shard_count,
            **slice_,
        )
        self.app = app
        self.heartbeat_file: Path | None = None  # touched by the background loop (health)
        self.public_url: str | None = None  # the web companion's address, for links
        # How long this process's hold on a league lasts (bot/app/league/leases.py).
        self.lease_seconds = DEFAULT_TTL_SECONDS
        self.extension_names = tuple(extensions)
        self.tree.on_error = send_error  # type: ignore[method-assign]

    async def on_ready(self) -> None:
        user = self.user
        log.info(
            "connected to Discord as %s on shard(s) %s of %s, in %d server(s); stop with Ctrl-C",
            user.name if user else "the bot",
            ",".join(str(shard) for shard in self.shards_held()) or "-",
            self.shard_count or "?",
            len(self.guilds),
        )

    def shards_held(self) -> list[int]:
        """The shards this process connects: those it has connected, else those it will (all of
        them without PINWHEEL_SHARD_IDS); empty before Discord has said how many there are."""
        if self.shards:
            return sorted(self.shards)
        if self.shard_ids is not None:
            return sorted(self.shard_ids)
        return list(range(self.shard_count)) if self.shard_count else []

    def shard_for(self, guild_id: int) -> int:
        """The shard a server's events and interactions arrive on."""
        return shard_of(guild_id, self.shard_count)

    def holds(self, guild_id: int) -> bool:
        """Whether this process is the one Discord delivers that server's interactions to."""
        return self.shard_for(guild_id) in self.shards_held()

    async def on_command_error(
        self, context: commands.Context[Any], exception: commands.CommandError, /
    ) -> None:
        """A failed text command (the owner's `sync`), logged with where it happened; an unknown
        command or a refused check (not the owner) is nobody's error."""
        if isinstance(exception, commands.CommandNotFound | commands.CheckFailure):
            return
        guild = context.guild
        here = WhereLog(
            log, {"shard": guild.shard_id if guild else 0, "guild_id": guild.id if guild else None}
        )
        name = context.command.qualified_name if context.command else "a text command"
        here.error("Unexpected error in %s", name, exc_info=exception)

    async def setup_hook(self) -> None:
        for name in self.extension_names:
            await self.load_extension(name)
        # Buttons that outlive a restart: their custom ids carry an id; the state is re-read.
        self.add_dynamic_items(*DYNAMIC_ITEMS)

    # --- The core's public API for cogs ---------------------------------------------------

    async def league(self, interaction: discord.Interaction[Any]) -> GuildLeague:
        if interaction.guild_id is None:
            raise DomainError("Pinwheel commands work inside a server that runs a league.")
        found = await discord_repo.guild_league(self.app.db, interaction.guild_id)
        if found is None:
            raise NotFoundError("This server has no Pinwheel league yet; an admin can set one up.")
        interaction.extras[LEAGUE_EXTRA] = found.league_id  # for the interaction's log lines
        return found

    async def season(self, interaction: discord.Interaction[Any]) -> tuple[GuildLeague, str]:
        league = await self.league(interaction)
        if league.season_id is None:
            raise NotFoundError("No season is running in this league right now.")
        return league, league.season_id

    async def shown_season(
        self, interaction: discord.Interaction[Any], season: str | None = None
    ) -> tuple[GuildLeague, SeasonEntry]:
        """The season to read: the one named (by its name, e.g. "Season 1", or number), else
        the live one, else the league's latest, so that a finished season stays browsable
        between seasons. Acting (joining, proposing) still needs a live season: `season`."""
        league = await self.league(interaction)
        found = await browse_repo.league_seasons(self.app.db, league.league_id)
        if season is not None and season.strip():
            typed = season.strip().lower()
            number = typed.removeprefix("season").strip()
            for entry in found:
                if season == entry.season_id or typed == entry.name.lower():
                    return league, entry
                if number == str(entry.number):
                    return league, entry
            raise NotFoundError("This league has no season by that name; pick one from the list.")
        live = [entry for entry in found if entry.season_id == league.season_id]
        if live:
            return league, live[0]
        if not found:
            raise NotFoundError("This league has no season yet.")
        return league, found[0]

    async def seat(self, interaction: discord.Interaction[Any]) -> Seat:
        """The acting governor, or a `DomainError` telling them to /join first."""
        league, season_id = await self.season(interaction)
        governor_id = await self.app.governor_id(league.league_id, str(interaction.user.id))
        if governor_id is None:
            raise NotFoundError("You are not a governor yet: join a team with /join first.")
        return Seat(league.league_id, season_id, governor_id)


def build_bot(
    app: Pinwheel,
    *,
    extensions: Sequence[str] = EXTENSIONS,
    owner_ids: set[int] | None = None,
    shard_count: int | None = None,
    shard_ids: Sequence[int] | None = None,
) -> PinwheelBot:
    return PinwheelBot(
        app,
        extensions=extensions,
        owner_ids=owner_ids,
        shard_count=shard_count,
        shard_ids=shard_ids,
    )


async def command_payload(bot: PinwheelBot) -> list[dict[str, Any]]:
    """The command tree as Discord receives it on sync, sorted by name."""
    if not bot.cogs:
        for name in bot.extension_names:
            await bot.load_extension(name)
    payload = [c.to_dict(bot.tree) for c in bot.tree.get_commands()]
    return sorted(payload, key=lambda c: (c.get("type", 1), c["name"]))


SyncScope = Literal["global", "guild", "clear"]


class PinwheelTree(app_commands.CommandTree["PinwheelBot"]):
    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Before any option is read: NUL characters and lone surrogates out of every text a
        slash command or autocomplete carries (a typed id, a name, a reason), so that nothing
        a player types reaches either database as text it cannot store."""
        data: Any = interaction.data
        if isinstance(data, dict) and "options" in data:
            data["options"] = storable_value(data["options"])
        return True


class SyncRefusedError(DomainError):
    """A sync that would make a server show every command twice."""


async def sync_commands(
    bot: PinwheelBot, scope: SyncScope, guild: discord.abc.Snowflake | None = None
) -> int:
    """Sync the command tree deliberately, so that no server shows a command twice (Discord
    lists a server's own copy and the global set side by side). Returns how many commands the
    scope now serves.

    - `global`: publish everywhere (takes effect within the hour); the server copy of `guild`,
      if given, is removed, since that server gets the global set.
    - `guild`: copy the tree to that one server (immediate; for trying a change out). Refused
      while the global set is published, which that server already shows.
    - `clear`: remove that server's copy.
    """
    if scope == "global":
        synced = await bot.tree.sync()
        if guild is not None:
            bot.tree.clear_commands(guild=guild)
            await bot.tree.sync(guild=guild)
        return len(synced)
    if guild is None:
        raise SyncRefusedError("Name the server to sync: this one, or --guild ID.")
    if scope == "guild":
        if await bot.tree.fetch_commands():
            raise SyncRefusedError(
                "The commands are published globally, so this server already has them; a "
                "server copy would show each twice. Sync globally to update them instead."
            )
        bot.tree.copy_global_to(guild=guild)
    else:
        bot.tree.clear_commands(guild=guild)
    return len(await bot.tree.sync(guild=guild))


def describe_shards(shard_count: int | None, shard_ids: Sequence[int] | None) -> str:
    """The shards a process connects, as its start-up line says them."""
    if shard_count is None:
        return "every shard Discord recommends"
    if shard_ids is None:
        return f"all {shard_count} shard(s)"
    return f"shard(s) {','.join(str(s) for s in shard_ids)} of {shard_count}"


async def run_discord(settings: Settings) -> int:
    """Connect to Discord and serve until SIGTERM or SIGINT; returns an exit code.

    Commands are not synced here: use `pinwheel sync-commands` or the owner's `sync`.
    """
    from db.engine import create_database
    from db.migrate import upgrade_and_catch_up

    if not settings.discord_token:
        log.error("DISCORD_TOKEN is not set")
        return 2
    # A fresh machine gets its tables, and projections catch up, as offline does.
    await upgrade_and_catch_up(settings.database_url)
    log.info(
        "Pinwheel: connecting to Discord (%s); database %s",
        describe_shards(settings.shard_count, settings.shard_ids),
        describe_database(settings.database_url),
    )
    db = create_database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        wait_s=settings.db_wait_s,
    )
    ai = wire_ai(db, settings)  # PINWHEEL_AI_*: the interpreter; with an LLM, mirror polish
    forecaster = Forecaster(db)  # proposal forecasts, in worker processes
    bot = build_bot(
        Pinwheel(db, ai.interpreter, forecaster=forecaster),
        extensions=(*EXTENSIONS, BACKGROUND),
        shard_count=settings.shard_count,  # PINWHEEL_SHARD_*: this process's slice, if set
        shard_ids=settings.shard_ids,
    )
    bot.heartbeat_file = settings.heartbeat_file
    bot.public_url = settings.public_url
    bot.lease_seconds = settings.lease_seconds
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # Windows has no signal handlers
            loop.add_signal_handler(sig, stopping.set)
    from bot.web.server import serving_beside

    try:
        async with bot, serving_beside(db, settings.web_host, settings.web_port):
            runner = asyncio.create_task(bot.start(settings.discord_token))
            stopper = asyncio.create_task(stopping.wait())
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if runner in done:
                runner.result()  # a login failure surfaces here
            log.info("Shutting down: finishing the current step")
            background = bot.get_cog("Background")
            if background is not None:
                await background.stop()  # type: ignore[attr-defined]
            await bot.close()
            await asyncio.gather(runner, return_exceptions=True)
            stopper.cancel()
    finally:
        await forecaster.close()
        await ai.close()
        await db.dispose()
    print("stopped", file=sys.stderr)
    return 0
