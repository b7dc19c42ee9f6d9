"""SimCord harness: the real bot over a real (SQLite) league, in a simulated Discord server
with a governor-to-be, a bystander and an admin. Commands are synced once, deliberately, the
way an operator would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest
import simcord
from simcord.results import ResponseMessage
from sqlalchemy import update

from bot.discord_app import PinwheelBot, build_bot
from db.engine import Database, create_database
from db.tables import LeagueRow
from tests.app.kit import FakeInterpreter, League, start_league
from tests.conftest import fresh_url

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The bot is an AutoShardedBot which, left to itself, asks Discord how many shards it
    needs; SimCord has no Discord to ask. A test here that does not say otherwise (with its own
    `simcord` marker) is told what Discord recommends a small bot: one shard."""
    for item in items:
        if HERE in item.path.parents and item.get_closest_marker("simcord") is None:
            item.add_marker(pytest.mark.simcord(shard_count=1))


@pytest.fixture
async def bot_db(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    # Discord glue is engine-agnostic; the engines themselves are tested under tests/db.
    db = create_database(await fresh_url("sqlite", tmp_path, sqlite_template, None, None))
    yield db
    await db.dispose()


@pytest.fixture
def interpreter() -> FakeInterpreter:
    return FakeInterpreter()


@pytest.fixture
async def league(bot_db: Database, interpreter: FakeInterpreter) -> League:
    return await start_league(bot_db, governors=1, teams=2, join=False, interpreter=interpreter)


@pytest.fixture
def simcord_bot(league: League) -> PinwheelBot:
    return build_bot(league.app)


@dataclass
class World:
    env: simcord.Env
    league: League
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    alice: simcord.MemberActor
    bob: simcord.MemberActor
    admin: simcord.MemberActor
    synced: list[discord.app_commands.AppCommand]

    def refused(self, *expected: type[BaseException]) -> list[BaseException]:
        """The errors the bot answered since the last call (SimCord records each one the tree
        handled); fails unless each is one of `expected`."""
        found = [getattr(e, "original", e) for e in self.env.errors]
        assert found and all(isinstance(e, expected) for e in found), found
        return found

    def last_post(self) -> ResponseMessage:
        """The channel's newest message (where a command whose answer is private, like /trade,
        posts its public part), as SimCord's clickable message."""
        posted = self.channel.last_message
        assert posted is not None
        return ResponseMessage(self.env, self.env.backend.get_message(posted.channel.id, posted.id))

    async def restart(self) -> None:
        """A fresh bot process over the same database and the same Discord."""
        await self.env.restart_bot(build_bot(self.league.app))


@pytest.fixture
async def world(simcord_env: simcord.Env, league: League) -> World:
    guild = simcord_env.create_guild("Pinwheel Fates")
    async with league.db.sessions() as s, s.begin():
        await s.execute(
            update(LeagueRow)
            .where(LeagueRow.id == league.seeded.league_id)
            .values(guild_id=str(guild.id))
        )
    channel = guild.create_text_channel("general")
    admins = guild.create_role("Commissioners", permissions=discord.Permissions(manage_guild=True))
    synced = await simcord_env.bot.tree.sync()
    return World(
        simcord_env,
        league,
        guild,
        channel,
        alice=guild.add_member(simcord_env.create_user("alice")),
        bob=guild.add_member(simcord_env.create_user("bob")),
        admin=guild.add_member(simcord_env.create_user("admin"), roles=[admins]),
        synced=synced,
    )
