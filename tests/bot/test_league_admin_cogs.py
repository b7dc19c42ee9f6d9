"""`/admin setup` and `/admin season ...` in a server that has no league yet, through SimCord."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import discord
import pytest
import simcord
from discord import app_commands

from bot.app.league.runner import Runner
from bot.cogs.background import POLL_SECONDS
from bot.discord_app import BACKGROUND, EXTENSIONS, build_bot
from bot.domain.errors import ConflictError, NotFoundError
from bot.ui.errors import NOT_ALLOWED
from db import discord_repo
from tests.bot.conftest import World


@dataclass
class NewServer:
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    admin: simcord.MemberActor


def new_server(world: World) -> NewServer:
    guild = world.env.create_guild("Fresh Court")
    role = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(world.env.create_user("mod"), roles=[role])
    return NewServer(guild, guild.create_text_channel("general"), admin)


async def cards_at_once(server: NewServer) -> None:
    """Turn the league's live shows off (`presentation.round_seconds` 0): a round's final
    cards, then its results, go out as soon as it is played."""
    await server.admin.slash(
        server.channel, "admin settings set", key="presentation.round_seconds", value="0"
    )


def channel_names(server: NewServer) -> Counter[str]:
    return Counter(c.name for c in server.guild.channels.values())


async def test_setup_creates_the_league_and_its_channels_once(world: World) -> None:
    server = new_server(world)

    first = await server.admin.slash(server.channel, "admin setup")
    after_first = channel_names(server)
    second = await server.admin.slash(server.channel, "admin setup")

    assert "Created: Pinwheel, announcements" in first.response.content
    assert "nothing (everything was already in place)" in second.response.content
    assert channel_names(server) == after_first
    assert all(count == 1 for count in after_first.values())
    league = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert league is not None and league.season_id is not None
    teams = await discord_repo.teams(world.league.db, league.season_id)
    assert len(after_first) == 1 + 1 + 5 + len(teams)  # general, category, league, teams


async def test_season_advance_plays_a_round_and_posts_the_results(world: World) -> None:
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")
    await cards_at_once(server)

    result = await server.admin.slash(server.channel, "admin season advance")

    assert result.response.content.startswith("Round 1 played")
    (results,) = [c for c in server.guild.channels.values() if c.name == "results"]
    assert results.last_message is not None
    assert results.last_message.embeds[0].title == "Round 1 results"


async def test_a_new_season_needs_the_current_one_finished_or_an_explicit_choice(
    world: World,
) -> None:
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")

    refused = await server.admin.slash(server.channel, "admin season new")
    replaced = await server.admin.slash(server.channel, "admin season new", replace_unfinished=True)

    assert "has not finished" in refused.response.content
    world.refused(ConflictError)
    assert "A new season has begun" in replaced.response.content


async def test_the_background_loop_plays_due_rounds_and_posts_them(world: World) -> None:
    await world.env.restart_bot(build_bot(world.league.app, extensions=(*EXTENSIONS, BACKGROUND)))
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")
    await cards_at_once(server)

    world.league.clock.advance(24 * 3600)  # the first round is due
    await world.env.advance_time(POLL_SECONDS + 1)

    (results,) = [c for c in server.guild.channels.values() if c.name == "results"]
    assert results.last_message is not None
    assert results.last_message.embeds[0].title == "Round 1 results"


async def test_stopping_the_background_loop_while_it_sleeps_ends_it_at_once(world: World) -> None:
    await world.env.restart_bot(build_bot(world.league.app, extensions=(*EXTENSIONS, BACKGROUND)))
    background = world.env.bot.get_cog("Background")

    await background.stop()

    assert background.task is not None and background.task.done()


async def test_standings_schedule_and_a_box_score_after_a_round(world: World) -> None:
    server = new_server(world)
    fan = server.guild.add_member(world.env.create_user("fan"))
    await server.admin.slash(server.channel, "admin setup")
    await cards_at_once(server)
    await server.admin.slash(server.channel, "admin season advance")

    standings = await fan.slash(server.channel, "standings")
    schedule = await fan.slash(server.channel, "schedule", rounds=1)
    (game,) = (await fan.autocomplete(server.channel, "game", "game", "round 1"))[:1]
    box = await fan.slash(server.channel, "game", game=game["value"])

    assert standings.response.embeds[0].description.startswith("**1. ")
    assert schedule.response.embeds[0].description.startswith("Round 2: ")
    shown = box.response.embeds[0]
    assert len(shown.fields) == 2 and " pts, " in shown.fields[0].value


async def test_game_refuses_a_game_that_does_not_exist(world: World) -> None:
    result = await world.bob.slash(world.channel, "game", game="nope")

    assert "no such game" in result.response.content
    world.refused(NotFoundError)


async def test_team_mirrors_and_profile_after_a_round(world: World) -> None:
    server = new_server(world)
    fan = server.guild.add_member(world.env.create_user("fan"))
    await server.admin.slash(server.channel, "admin setup")
    (team,) = (await fan.autocomplete(server.channel, "join", "team", ""))[:1]
    await fan.slash(server.channel, "join", team=team["value"])
    await server.admin.slash(server.channel, "admin season advance")

    shown = await fan.slash(server.channel, "team", team=team["value"])
    mirrors = await fan.slash(server.channel, "mirrors")
    profile = await fan.slash(server.channel, "profile")

    fields = {f.name: f.value for f in shown.response.embeds[0].fields}
    assert fields["Governors"] == "fan" and fields["Hoopers"] != "—"
    assert mirrors.response.embeds[0].title == "Mirrors"
    assert profile.response.embeds[0].title == "fan, governor"


async def test_profile_refuses_someone_who_is_not_a_governor(world: World) -> None:
    result = await world.bob.slash(world.channel, "profile")

    assert "bob is not a governor" in result.response.content
    world.refused(NotFoundError)


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("standings", {}),
        ("schedule", {}),
        ("team", {"team": "Team 0"}),
        ("mirrors", {}),
        ("proposals", {}),
        ("trades", {}),
        ("trade-hooper", {"give": "a", "get": "b"}),
        ("admin season advance", {}),
        ("admin season new", {}),
    ],
)
async def test_commands_in_a_server_without_a_league_say_how_to_get_one(
    world: World, command: str, options: dict[str, str]
) -> None:
    server = new_server(world)

    result = await server.admin.slash(server.channel, command, **options)

    assert "no Pinwheel league yet" in result.response.content
    world.refused(NotFoundError)


async def test_season_pause_stops_rounds_being_due_and_resume_restarts_them(world: World) -> None:
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")
    await cards_at_once(server)
    league = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert league is not None and league.season_id is not None
    runner = Runner(
        world.league.db, clock=lambda: datetime.now(UTC) + timedelta(days=30), instant=True
    )

    paused = await server.admin.slash(server.channel, "admin season pause")
    due_while_paused = [p.season_id for p in await runner.due()]
    again = await server.admin.slash(server.channel, "admin season pause")
    await server.admin.slash(server.channel, "admin season advance")  # by hand still plays
    due_after_a_manual_round = [p.season_id for p in await runner.due()]
    resumed = await server.admin.slash(server.channel, "admin season resume")

    assert "The season is paused" in paused.response.content
    assert league.season_id not in due_while_paused
    assert "already paused" in again.response.content
    assert league.season_id not in due_after_a_manual_round
    assert "running again" in resumed.response.content
    assert league.season_id in [p.season_id for p in await runner.due()]
    world.refused(ConflictError)


async def test_season_start_ensures_the_season_is_running(world: World) -> None:
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")

    running = await server.admin.slash(server.channel, "admin season start")
    await server.admin.slash(server.channel, "admin season pause")
    started = await server.admin.slash(server.channel, "admin season start")
    resume = await server.admin.slash(server.channel, "admin season resume")

    assert "is already running" in running.response.content
    assert "was paused and is running again" in started.response.content
    assert "not paused" in resume.response.content
    world.refused(ConflictError)


async def test_season_pause_refuses_a_non_admin(world: World) -> None:
    (admin_group,) = [c for c in world.synced if c.name == "admin"]
    world.guild.set_command_permissions(admin_group, {world.bob: True})

    result = await world.bob.slash(world.channel, "admin season pause")

    assert result.ephemeral and result.response.content == NOT_ALLOWED
    world.refused(app_commands.CheckFailure)
