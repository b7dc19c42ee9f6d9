"""Every admin action is in `admin_log` with before and after snapshots: setting a league up,
starting a new season and playing a round by hand included; refusals write nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain.errors import ConflictError
from db import discord_repo
from db.engine import Database, create_database
from db.tables import AdminLogRow
from tests.bot.conftest import World
from tests.bot.test_league_admin_cogs import NewServer, new_server


@pytest.fixture
async def bot_db(db_url: str) -> AsyncIterator[Database]:
    """This module runs on both engines (the `db_url` fixture is parametrised over them)."""
    db = create_database(db_url)
    yield db
    await db.dispose()


async def logged(world: World, server: NewServer) -> list[dict[str, Any]]:
    league = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert league is not None
    async with world.league.db.read_sessions() as s:
        rows = (
            await s.execute(
                select(AdminLogRow)
                .where(AdminLogRow.league_id == league.league_id)
                .order_by(AdminLogRow.created_at, AdminLogRow.action_type)
            )
        ).scalars()
        return [
            {
                "action": r.action_type,
                "actor": r.actor_id,
                "target": r.target_id,
                "before": r.before_snapshot,
                "after": r.after_snapshot,
            }
            for r in rows
        ]


async def test_setup_is_logged_once_with_the_league_it_created(world: World) -> None:
    server = new_server(world)

    await server.admin.slash(server.channel, "admin setup")
    await server.admin.slash(server.channel, "admin setup")  # binds channels, creates nothing

    (entry,) = await logged(world, server)
    league = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert league is not None
    assert entry["action"] == "league.setup" and entry["actor"] == str(server.admin.id)
    assert entry["target"] == league.league_id and entry["before"] is None
    assert entry["after"]["season_id"] == league.season_id and entry["after"]["teams"] > 0


async def test_a_round_played_by_hand_is_logged_with_the_progress_it_was_asked_in(
    world: World,
) -> None:
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")

    await server.admin.slash(server.channel, "admin season advance")

    entry = (await logged(world, server))[-1]
    assert entry["action"] == "season.advance"
    assert entry["before"] == {"phase": "regular", "next_round": 1}
    # Logged as it is asked for, in the transaction that records the command (so a
    # redelivery never plays a second round): the round it plays.
    assert entry["after"] == {"round_played": 1}


async def test_a_new_season_is_logged_and_a_refused_one_is_not(world: World) -> None:
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")
    first = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert first is not None

    await server.admin.slash(server.channel, "admin season new")  # refused: not finished
    world.refused(ConflictError)
    assert [e["action"] for e in await logged(world, server)] == ["league.setup"]
    await server.admin.slash(server.channel, "admin season new", replace_unfinished=True)

    entry = (await logged(world, server))[-1]
    second = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert second is not None and second.season_id != first.season_id
    assert entry["action"] == "season.new" and entry["target"] == second.season_id
    assert entry["before"] == {"season_id": first.season_id, "number": 1, "phase": "regular"}
    assert entry["after"]["number"] == 2 and entry["after"]["replaced_unfinished"] is True
    audit = await server.admin.slash(server.channel, "admin audit")
    page = audit.response.embeds[0].description
    assert "started a new season" in page and "set the league up" in page
