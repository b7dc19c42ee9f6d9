"""Refusals through SimCord: each bad request gets a friendly ephemeral answer and changes
nothing; and the reading commands show what is really stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from discord import app_commands
from sqlalchemy import insert

from bot.domain.errors import ConflictError, DomainError, NotFoundError
from bot.ui.errors import NOT_ALLOWED
from db import discord_repo, league_repo
from db.tables import MirrorRow
from tests.bot.conftest import World
from tests.bot.test_governance_cogs import join
from tests.bot.test_league_admin_cogs import NewServer, channel_names, new_server
from tests.bot.test_lever_cogs import add_hoopers


async def test_trades_refuses_someone_who_has_not_joined(world: World) -> None:
    result = await world.bob.slash(world.channel, "trades")

    assert result.ephemeral and "join a team with /join first" in result.response.content
    world.refused(NotFoundError)


async def test_trade_hooper_refuses_someone_who_has_not_joined(world: World) -> None:
    hoopers = await add_hoopers(world)

    result = await world.bob.slash(
        world.channel, "trade-hooper", give=hoopers["Hooper 00"], get=hoopers["Hooper 10"]
    )

    assert result.ephemeral and "join a team with /join first" in result.response.content
    world.refused(NotFoundError)
    assert await world.league.app.open_hooper_trades(world.league.season) == []


async def test_trade_hooper_refuses_an_unknown_hooper(world: World) -> None:
    hoopers = await add_hoopers(world)
    await join(world)

    result = await world.alice.slash(
        world.channel, "trade-hooper", give=hoopers["Hooper 00"], get="Nobody"
    )

    assert result.ephemeral and "no hooper by that name" in result.response.content
    world.refused(NotFoundError)
    assert await world.league.app.open_hooper_trades(world.league.season) == []


async def test_trade_hooper_refuses_giving_away_another_teams_hooper(world: World) -> None:
    hoopers = await add_hoopers(world)
    await join(world)
    await join(world, "bob", team=1)

    result = await world.alice.slash(
        world.channel, "trade-hooper", give=hoopers["Hooper 10"], get=hoopers["Hooper 00"]
    )

    assert result.ephemeral and not result.response.embeds
    (error,) = world.refused(DomainError)
    assert result.response.content == str(error)
    assert await world.league.app.open_hooper_trades(world.league.season) == []


async def test_team_refuses_a_team_that_is_not_in_the_season(world: World) -> None:
    result = await world.bob.slash(world.channel, "team", team="Nobody's Team")

    assert result.ephemeral and "no team by that name" in result.response.content
    world.refused(NotFoundError)


async def test_mirrors_says_so_when_there_are_none(world: World) -> None:
    result = await world.bob.slash(world.channel, "mirrors")

    assert result.response.embeds[0].description == "No mirrors yet."


async def test_mirrors_shows_the_public_mirrors_and_never_a_private_one(world: World) -> None:
    async with world.league.db.sessions() as s, s.begin():
        await s.execute(
            insert(MirrorRow),
            [
                {
                    "id": str(uuid.uuid4()),
                    "season_id": world.league.season,
                    "round_number": 1,
                    "mirror_type": kind,
                    "content": content,
                    "created_at": datetime(2026, 3, 1, minute=n, tzinfo=UTC),
                }
                for n, (kind, content) in enumerate(
                    [
                        ("governance", "Three proposals, one passed: threes are worth 4."),
                        ("private", "SECRET: you voted yes every time."),
                        ("simulation", "Round 1 is in the books. Team 0 beat Team 1 70-60."),
                    ]
                )
            ],
        )

    result = await world.bob.slash(world.channel, "mirrors")

    assert result.ephemeral
    assert result.response.embeds[0].description == (
        "**Simulation**: Round 1 is in the books. Team 0 beat Team 1 70-60.\n"
        "**Governance**: Three proposals, one passed: threes are worth 4."
    )


async def test_mirrors_shows_what_a_played_round_wrote(world: World) -> None:
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")
    await server.admin.slash(server.channel, "admin season advance")
    league = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert league is not None and league.season_id is not None
    ((kind, content),) = await discord_repo.public_mirrors(world.league.db, league.season_id)

    result = await server.admin.slash(server.channel, "mirrors")

    assert kind == "simulation" and content.startswith("Round 1 is in the books.")
    assert result.response.embeds[0].description == f"**Simulation**: {content}"


def allow_admin_group(world: World, server: NewServer, member: object) -> None:
    (admin_group,) = [c for c in world.synced if c.name == "admin"]
    server.guild.set_command_permissions(admin_group, {member: True})  # type: ignore[dict-item]


async def test_setup_is_refused_on_the_server_side_without_manage_server(world: World) -> None:
    server = new_server(world)
    member = server.guild.add_member(world.env.create_user("eager"))
    allow_admin_group(world, server, member)
    before = channel_names(server)

    result = await member.slash(server.channel, "admin setup")

    assert result.ephemeral and result.response.content == NOT_ALLOWED
    world.refused(app_commands.CheckFailure)
    assert await discord_repo.guild_league(world.league.db, server.guild.id) is None
    assert channel_names(server) == before


async def test_season_start_refuses_in_a_server_without_a_league(world: World) -> None:
    server = new_server(world)

    result = await server.admin.slash(server.channel, "admin season start")

    assert result.ephemeral and "no Pinwheel league yet" in result.response.content
    world.refused(NotFoundError)


async def finish_season(world: World, server: NewServer) -> str:
    await server.admin.slash(server.channel, "admin setup")
    league = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert league is not None and league.season_id is not None
    async with world.league.db.sessions() as s, s.begin():
        await league_repo.update_progress(s, league.season_id, {"phase": "complete"})
    return league.season_id


async def test_season_start_refuses_a_season_that_is_over(world: World) -> None:
    server = new_server(world)
    await finish_season(world, server)

    result = await server.admin.slash(server.channel, "admin season start")

    assert result.ephemeral and "The season is over" in result.response.content
    world.refused(ConflictError)


async def test_season_advance_says_when_there_is_no_round_to_play(world: World) -> None:
    server = new_server(world)
    season_id = await finish_season(world, server)

    result = await server.admin.slash(server.channel, "admin season advance")

    assert result.response.content == "There is no round to play: the season is over or busy."
    assert await discord_repo.played_games(world.league.db, season_id) == []
    league = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert league is not None
    logged = await discord_repo.recent_admin_log(world.league.db, league.league_id)
    assert [e.action_type for e in logged] == ["league.setup"]  # nothing played, nothing logged
