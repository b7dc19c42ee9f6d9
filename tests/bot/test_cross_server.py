"""One server's members and admins never reach another server's league by id: proposals,
games, trades and hooper trades of another league are answered like unknown ids, and nothing
changes (no event, no admin_log row)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from sqlalchemy import func, select

from bot.domain.errors import DomainError, NotFoundError
from bot.ui.hooper_trades import hooper_trade_view
from bot.ui.review import ReviewButton
from bot.ui.trades import trade_view
from db.engine import Database, create_database
from db.tables import AdminLogRow, GovernanceEventRow
from tests.bot.conftest import World
from tests.bot.test_admin_and_reading_cogs import flagged
from tests.bot.test_governance_cogs import join, open_proposal
from tests.bot.test_league_admin_cogs import NewServer, cards_at_once, new_server
from tests.bot.test_lever_cogs import add_hoopers
from tests.bot.test_trade_cogs import offer


@pytest.fixture
async def bot_db(db_url: str) -> AsyncIterator[Database]:
    """This module runs on both engines (the `db_url` fixture is parametrised over them)."""
    db = create_database(db_url)
    yield db
    await db.dispose()


async def counts(world: World) -> tuple[int, int]:
    """(admin_log rows, governance events) in the whole database."""
    async with world.league.db.read_sessions() as s:
        logged = (await s.execute(select(func.count()).select_from(AdminLogRow))).scalar_one()
        events = (
            await s.execute(select(func.count()).select_from(GovernanceEventRow))
        ).scalar_one()
    return logged, events


async def other_server(world: World, *, league: bool) -> NewServer:
    server = new_server(world)
    if league:
        await server.admin.slash(server.channel, "admin setup")
    return server


@pytest.mark.parametrize("has_league", [False, True], ids=["no-league", "own-league"])
@pytest.mark.parametrize(
    ("command", "status", "make"),
    [
        ("admin cancel", "confirmed", open_proposal),
        ("admin veto", "flagged", flagged),
    ],
)
async def test_an_admin_of_another_server_cannot_moderate_this_leagues_proposals(
    world: World, has_league: bool, command: str, status: str, make: Any
) -> None:
    proposal_id = await make(world)
    server = await other_server(world, league=has_league)
    before = await counts(world)

    result = await server.admin.slash(
        server.channel, command, proposal=proposal_id, reason="not yours"
    )

    assert result.ephemeral
    expected = "no such proposal" if has_league else "no Pinwheel league yet"
    assert expected in result.response.content
    world.refused(NotFoundError)
    assert (await world.league.app.proposal(proposal_id))["status"] == status
    assert await counts(world) == before


async def test_a_review_button_pressed_in_another_server_changes_nothing(world: World) -> None:
    proposal_id = await flagged(world)
    server = await other_server(world, league=True)
    # A review button carrying this league's proposal id, shown in the other server (a crafted
    # or copied custom id): the press must be judged by the presser's server.
    channel = world.env.bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("Review", view=review_view(proposal_id))
    before = await counts(world)

    pressed = await server.admin.click(message, label="Veto")

    assert pressed.ephemeral and "no such proposal" in pressed.response.content
    assert (await world.league.app.proposal(proposal_id))["status"] == "flagged"
    assert await counts(world) == before


def review_view(proposal_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton("veto", proposal_id))
    return view


async def a_played_game(world: World) -> tuple[NewServer, str]:
    """A server whose league has played round 1; returns it and one of its game ids."""
    server = await other_server(world, league=True)
    await cards_at_once(server)
    await server.admin.slash(server.channel, "admin season advance")
    (game,) = (await server.admin.autocomplete(server.channel, "game", "game", "round 1"))[:1]
    return server, str(game["value"])


async def test_game_shows_a_box_score_of_this_servers_league(world: World) -> None:
    server, game_id = await a_played_game(world)

    result = await server.admin.slash(server.channel, "game", game=game_id)

    assert " pts, " in result.response.embeds[0].fields[0].value


@pytest.mark.parametrize("has_league", [False, True], ids=["no-league", "own-league"])
async def test_game_refuses_a_game_of_another_servers_league(
    world: World, has_league: bool
) -> None:
    _, game_id = await a_played_game(world)
    elsewhere = await other_server(world, league=has_league)

    result = await elsewhere.admin.slash(elsewhere.channel, "game", game=game_id)

    assert result.ephemeral and not result.response.embeds
    expected = "no such game" if has_league else "no Pinwheel league yet"
    assert expected in result.response.content
    world.refused(NotFoundError)


async def outsider(world: World) -> tuple[NewServer, Any]:
    """A governor of another server's league, on its first team."""
    server = await other_server(world, league=True)
    member = server.guild.add_member(world.env.create_user("outsider"))
    (team,) = (await member.autocomplete(server.channel, "join", "team", ""))[:1]
    await member.slash(server.channel, "join", team=team["value"])
    return server, member


async def test_a_governor_of_another_league_cannot_vote_amend_or_cancel_here(
    world: World,
) -> None:
    proposal_id = await open_proposal(world)
    server, member = await outsider(world)
    before = await counts(world)

    voted = await member.slash(server.channel, "vote", proposal=proposal_id, choice="no")
    amended = await member.slash(server.channel, "amend", proposal=proposal_id, text="x=1")
    cancelled = await member.slash(server.channel, "cancel", proposal=proposal_id)

    assert all(r.ephemeral for r in (voted, amended, cancelled))
    world.refused(DomainError)
    shown = await world.league.app.proposal(proposal_id)
    assert shown["status"] == "confirmed" and shown["amendment_count"] == 0
    assert await counts(world) == before


async def test_trade_buttons_pressed_from_another_league_change_nothing(world: World) -> None:
    message = await offer(world)
    server, member = await outsider(world)
    channel = world.env.bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    trade_id = message.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    copied = await channel.send("Offer", view=trade_view(trade_id))
    before = await counts(world)

    pressed = await member.click(copied, label="Accept")

    assert pressed.ephemeral
    assert (await world.league.app.trade_offer(trade_id))["status"] == "open"
    assert await counts(world) == before


async def test_hooper_trade_buttons_pressed_from_another_league_change_nothing(
    world: World,
) -> None:
    hoopers = await add_hoopers(world)
    await join(world)
    await join(world, "bob", team=1)
    await world.alice.slash(
        world.channel, "trade-hooper", give=hoopers["Hooper 00"], get=hoopers["Hooper 10"]
    )
    trade_id = world.last_post().components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    server, member = await outsider(world)
    channel = world.env.bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    copied = await channel.send("Swap", view=hooper_trade_view(trade_id))
    before = await counts(world)
    votes = (await world.league.app.hooper_trade(trade_id))["votes"]

    pressed = await member.click(copied, label="Approve")

    assert pressed.ephemeral and "Only governors of the two teams" in pressed.response.content
    assert (await world.league.app.hooper_trade(trade_id))["votes"] == votes
    assert await counts(world) == before


async def test_hooper_names_of_another_league_are_not_offered_or_accepted(world: World) -> None:
    hoopers = await add_hoopers(world)
    server, member = await outsider(world)

    offered = await member.autocomplete(server.channel, "bio", "hooper", "Hooper 0")
    result = await member.slash(server.channel, "bio", hooper=hoopers["Hooper 00"], text="mine")

    assert offered == []
    assert "no hooper by that name" in result.response.content
    world.refused(NotFoundError)
    assert await world.league.app.hooper_bio(hoopers["Hooper 00"]) is None
