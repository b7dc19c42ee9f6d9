"""PINWHEEL_SHARD_COUNT and PINWHEEL_SHARD_IDS through SimCord: the bot is an AutoShardedBot;
left to itself it is one process holding every shard (the rest of tests/bot runs it so), and
given a count and a slice it answers the servers on its shards, and only those (Discord
delivers a server's interactions on its own shard alone). Its error lines say the shard, the
server and the league."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord
from sqlalchemy import update

import bot.discord_app as discord_app
from bot.config import Settings
from bot.discord_app import EXTENSIONS, PinwheelBot, build_bot, run_discord
from bot.shards import WhereLog, shard_of
from bot.ui.replies import GENERIC_ERROR
from db.tables import LeagueRow
from tests.app.kit import FakeInterpreter, League
from tests.bot.test_governance_cogs import BrokenInterpreter
from tests.conftest import fresh_url

# Each test builds its bot with its own shard settings: not the harness's one shard.
pytestmark = pytest.mark.simcord()


@pytest.fixture
def shards(request: pytest.FixtureRequest) -> tuple[int | None, list[int] | None]:
    """(PINWHEEL_SHARD_COUNT, PINWHEEL_SHARD_IDS); two shards, both here, unless a test says."""
    return getattr(request, "param", (2, None))


@pytest.fixture
def simcord_bot(league: League, shards: tuple[int | None, list[int] | None]) -> PinwheelBot:
    count, ids = shards
    return build_bot(league.app, shard_count=count, shard_ids=ids)


@dataclass
class Server:
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    admin: simcord.MemberActor
    alice: simcord.MemberActor


async def server_on(
    env: simcord.Env, shard: int, league: League | None = None, *, sync: bool = True
) -> Server:
    """A server whose id puts it on `shard`; with `league`, that league's home."""
    guild = env.create_guild(f"Court on shard {shard}", shard_id=shard)
    if league is not None:
        async with league.db.sessions() as s, s.begin():
            await s.execute(
                update(LeagueRow)
                .where(LeagueRow.id == league.seeded.league_id)
                .values(guild_id=str(guild.id))
            )
    role = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    server = Server(
        guild,
        guild.create_text_channel("general"),
        admin=guild.add_member(env.create_user(f"mod{shard}"), roles=[role]),
        alice=guild.add_member(env.create_user(f"alice{shard}")),
    )
    if sync:
        await env.bot.tree.sync()
    return server


def bot(env: simcord.Env) -> PinwheelBot:
    assert isinstance(env.bot, PinwheelBot)
    return env.bot


def test_with_no_settings_the_bot_leaves_the_shards_to_discord(league: League) -> None:
    plain = build_bot(league.app)
    assert isinstance(plain, discord.AutoShardedClient)
    assert (plain.shard_count, plain.shard_ids) == (None, None)
    assert plain.shards_held() == []  # nothing known until Discord says how many


@pytest.mark.simcord(shard_count=1)  # what Discord recommends a small bot
@pytest.mark.parametrize("shards", [(None, None)], indirect=True)
async def test_with_no_settings_one_process_holds_every_shard_discord_recommends(
    simcord_env: simcord.Env, league: League
) -> None:
    server = await server_on(simcord_env, 0, league)

    joined = await server.alice.slash(server.channel, "join", team=league.seeded.team_ids[0])

    held = bot(simcord_env)
    assert held.shard_count == 1 and held.shards_held() == [0]
    assert held.holds(server.guild.id)
    assert "Welcome, governor of **Team 0**" in joined.response.content


@pytest.mark.parametrize("home", [0, 1], ids=["league-on-shard-0", "league-on-shard-1"])
async def test_two_shards_in_one_process_answer_a_server_on_each(
    simcord_env: simcord.Env, league: League, home: int
) -> None:
    league_server = await server_on(simcord_env, home, league)
    other = await server_on(simcord_env, 1 - home)

    joined = await league_server.alice.slash(
        league_server.channel, "join", team=league.seeded.team_ids[0]
    )
    standings = await league_server.alice.slash(league_server.channel, "standings")
    set_up = await other.admin.slash(other.channel, "admin setup")

    assert bot(simcord_env).shards_held() == [0, 1] and bot(simcord_env).shard_count == 2
    for server, shard in ((league_server, home), (other, 1 - home)):
        assert bot(simcord_env).shard_for(server.guild.id) == shard
        guild = bot(simcord_env).get_guild(server.guild.id)
        assert guild is not None and guild.shard_id == shard  # discord.py agrees
    assert "Welcome, governor of **Team 0**" in joined.response.content
    assert standings.response.embeds[0].title.startswith("Standings")
    assert "Created: Pinwheel, announcements" in set_up.response.content


@pytest.mark.parametrize("shards", [(2, [1])], indirect=True)
async def test_a_process_holding_shard_1_answers_its_servers_and_holds_nothing_else(
    simcord_env: simcord.Env, league: League
) -> None:
    mine = await server_on(simcord_env, 1, league)
    elsewhere = await server_on(simcord_env, 0)

    joined = await mine.alice.slash(mine.channel, "join", team=league.seeded.team_ids[0])

    held = bot(simcord_env)
    assert held.shards_held() == [1] and held.shard_count == 2
    assert held.holds(mine.guild.id) and not held.holds(elsewhere.guild.id)
    assert "Welcome, governor of **Team 0**" in joined.response.content
    # Discord delivers the other server's events to the process holding shard 0, not here.
    assert held.get_guild(mine.guild.id) is not None
    assert held.get_guild(elsewhere.guild.id) is None


@pytest.mark.parametrize("shards", [(2, [1])], indirect=True)
async def test_each_process_of_a_cluster_answers_the_servers_on_its_own_shards(
    simcord_env: simcord.Env, league: League
) -> None:
    """Two processes, shards 1 and 0 (SimCord runs one bot at a time: one, then the other)."""
    mine = await server_on(simcord_env, 1, league)
    theirs = await server_on(simcord_env, 0)

    not_here = await theirs.admin.slash(theirs.channel, "admin setup")
    here = await mine.alice.slash(mine.channel, "standings")
    await simcord_env.restart_bot(build_bot(league.app, shard_count=2, shard_ids=[0]))
    there = await theirs.admin.slash(theirs.channel, "admin setup")
    not_there = await mine.alice.slash(mine.channel, "standings")

    assert not not_here.acknowledged and not not_there.acknowledged
    assert here.response.embeds[0].title.startswith("Standings")
    assert "Created: Pinwheel, announcements" in there.response.content
    assert bot(simcord_env).shards_held() == [0]


@pytest.mark.parametrize("shards", [(4, [2, 3])], indirect=True)
async def test_a_slice_of_four_shards_holds_exactly_its_slice(simcord_env: simcord.Env) -> None:
    held = bot(simcord_env)
    assert held.shards_held() == [2, 3] and sorted(held.shards) == [2, 3]
    assert held.shard_count == 4


async def test_an_unexpected_error_is_logged_with_its_shard_server_and_league(
    simcord_env: simcord.Env,
    league: League,
    interpreter: FakeInterpreter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = await server_on(simcord_env, 1, league)
    await server.alice.slash(server.channel, "join", team=league.seeded.team_ids[0])
    league.app.interpreter = BrokenInterpreter()

    with caplog.at_level(logging.ERROR, logger="bot.ui.errors"):
        result = await server.alice.slash(server.channel, "propose", text="three_point_value=4")

    assert result.response.content == GENERIC_ERROR
    answered = [getattr(e, "original", e) for e in simcord_env.errors]  # acknowledged
    assert answered and all(isinstance(e, RuntimeError) for e in answered)
    where = f"[shard 1 guild {server.guild.id} league {league.seeded.league_id}]"
    assert f"{where} Unexpected error in propose" in caplog.text
    record = next(r for r in caplog.records if "Unexpected error in propose" in r.getMessage())
    assert (record.shard, record.guild_id, record.league_id) == (  # type: ignore[attr-defined]
        1,
        server.guild.id,
        league.seeded.league_id,
    )


async def test_a_failed_text_command_is_logged_with_its_shard_and_server(
    simcord_env: simcord.Env,
    league: League,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = await server_on(simcord_env, 1)
    await simcord_env.restart_bot(build_bot(league.app, shard_count=2, owner_ids={server.admin.id}))

    async def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("Discord said no")

    monkeypatch.setattr(bot(simcord_env).tree, "sync", broken)
    with caplog.at_level(logging.ERROR, logger="bot.discord_app"):
        await server.admin.send(server.channel, f"<@{bot(simcord_env).user.id}> sync")
        await server.alice.send(server.channel, f"<@{bot(simcord_env).user.id}> sync")

    answered = [getattr(e, "original", e) for e in simcord_env.errors]  # acknowledged
    assert len(answered) == 2  # the owner's failure and alice's refusal (not the owner)
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.discord_app" and r.levelno >= logging.ERROR
    ]
    assert lines == [f"[shard 1 guild {server.guild.id}] Unexpected error in sync"]


def test_a_line_from_a_dm_or_a_server_without_a_league_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.shards")
    with caplog.at_level(logging.INFO, logger="tests.shards"):
        WhereLog(logger, {"shard": 0, "guild_id": None}).info("in a DM")
        WhereLog(logger, {"shard": 3, "guild_id": 42, "league_id": None}).info("no league")
    assert "[shard 0 DM] in a DM" in caplog.text
    assert "[shard 3 guild 42] no league" in caplog.text


@pytest.mark.parametrize(
    ("guild_id", "count", "shard"),
    [
        (81384788765712384, 17, 7),  # the example serenity's shard_id documents
        (81384788765712384, 1, 0),
        (81384788765712384, None, 0),  # not sharded (yet): everything is shard 0
        (1 << 22, 2, 1),
        (2 << 22, 2, 0),
    ],
)
def test_a_server_is_on_the_shard_discord_computes(
    guild_id: int, count: int | None, shard: int
) -> None:
    assert shard_of(guild_id, count) == shard


async def test_run_discord_connects_the_shards_its_settings_name(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PINWHEEL_SHARD_COUNT=4 PINWHEEL_SHARD_IDS=2-3 reach the bot `pinwheel run` starts
    (Discord is not contacted: `start` is faked, and no signal handler is installed)."""
    url = await fresh_url("sqlite", tmp_path, sqlite_template, None, None)
    settings = Settings(
        **{
            "PINWHEEL_DATABASE_URL": url,
            "DISCORD_TOKEN": "not-a-real-token",
            "PINWHEEL_SHARD_COUNT": "4",
            "PINWHEEL_SHARD_IDS": "2-3",
        }
    )
    started: list[PinwheelBot] = []
    real_build = discord_app.build_bot

    def build(app: Any, **kwargs: Any) -> PinwheelBot:
        kwargs["extensions"] = EXTENSIONS  # not the background loop: no rounds in this test
        return real_build(app, **kwargs)

    async def start(self: PinwheelBot, token: str, *, reconnect: bool = True) -> None:
        started.append(self)  # then return, as a bot whose connection ended

    monkeypatch.setattr(asyncio.get_running_loop(), "add_signal_handler", lambda *a: None)
    monkeypatch.setattr(discord_app, "build_bot", build)
    monkeypatch.setattr(PinwheelBot, "start", start)

    assert await run_discord(settings) == 0

    (started_bot,) = started
    assert (started_bot.shard_count, started_bot.shard_ids) == (4, [2, 3])
    assert started_bot.shards_held() == [2, 3]


async def _set_up_with_cards_at_once(server: Server) -> None:
    await server.admin.slash(server.channel, "admin setup")
    await server.admin.slash(
        server.channel, "admin settings set", key="presentation.round_seconds", value="0"
    )


def _results(server: Server) -> list[discord.Message]:
    (results,) = [c for c in server.guild.channels.values() if c.name == "results"]
    return list(results.history())


async def test_a_league_on_a_shard_nobody_connects_is_posted_by_its_lease_holder(
    simcord_env: simcord.Env, league: League
) -> None:
    """The process holding shard 0 is gone: this process, on shard 1, holds the lease of that
    server's league, plays its round and posts its results over REST."""
    from bot.cogs.background import POLL_SECONDS
    from bot.discord_app import BACKGROUND

    theirs = await server_on(simcord_env, 0)
    await _set_up_with_cards_at_once(theirs)  # while this process still held both shards
    cluster_member = build_bot(
        league.app, shard_count=2, shard_ids=[1], extensions=(*EXTENSIONS, BACKGROUND)
    )
    await simcord_env.restart_bot(cluster_member)
    assert bot(simcord_env).get_guild(theirs.guild.id) is None  # not on our shards
    league.clock.advance(24 * 3600)  # the round is due
    await simcord_env.advance_time(POLL_SECONDS + 1)
    assert "Round 1 results" in [m.embeds[0].title for m in _results(theirs) if m.embeds]
    await bot(simcord_env).get_cog("Background").stop()  # type: ignore[union-attr]


@pytest.mark.parametrize("shards", [(3, None)], indirect=True)
async def test_a_server_whose_shard_a_live_process_connects_is_left_to_it(
    simcord_env: simcord.Env, league: League
) -> None:
    """Which held leagues go over REST: only those whose server's shard no live process
    connects; while the process on shard 0 reports itself, its servers are its own (shard 2
    stays unconnected throughout: the cluster is not whole, yet this server is not orphaned)."""
    from datetime import UTC, datetime

    from bot.discord_app import BACKGROUND
    from db import discord_repo, lease_repo

    theirs = await server_on(simcord_env, 0)
    await _set_up_with_cards_at_once(theirs)
    their_league = await discord_repo.guild_league(league.db, theirs.guild.id)
    assert their_league is not None
    await simcord_env.restart_bot(
        build_bot(league.app, shard_count=3, shard_ids=[1], extensions=(*EXTENSIONS, BACKGROUND))
    )
    cog: Any = bot(simcord_env).get_cog("Background")
    mine = cog.keeper  # this process's leases: alone, it holds every league
    assert their_league.league_id in mine.held()
    assert await cog._orphans(mine, set()) == {their_league.league_id: theirs.guild.id}

    now = datetime.now(UTC)
    async with league.db.sessions() as s, s.begin():
        await s.execute(
            lease_repo.processes.insert().values(
                id="process-on-shard-0",
                host="elsewhere",
                pid=1,
                shards=[0],
                shard_count=3,
                started_at=now,
                seen_at=now,
                loop_lag_ms=0.0,
                outbox_backlog=0,
            )
        )
    assert await cog._orphans(mine, set()) == {}
    await cog.stop()
