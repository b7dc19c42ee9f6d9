"""Strategy, bios and hooper trades through SimCord."""

from __future__ import annotations

import uuid
from typing import Any

import discord
from sqlalchemy import insert

from bot.domain.errors import NotFoundError
from bot.ui.hooper_trades import hooper_trade_view
from db.tables import HooperRow
from tests.bot.conftest import World
from tests.bot.test_governance_cogs import join
from tests.bot.test_proposal_cards import post


async def add_hoopers(world: World) -> dict[str, str]:
    """Two hoopers per team; returns name -> id."""
    found: dict[str, str] = {}
    rows = []
    for team_index, team_id in enumerate(world.league.seeded.team_ids):
        for n in range(2):
            name = f"Hooper {team_index}{n}"
            found[name] = str(uuid.uuid4())
            rows.append(
                {
                    "id": found[name],
                    "team_id": team_id,
                    "season_id": world.league.season,
                    "name": name,
                    "archetype": "sharpshooter",
                    "attributes": {},
                }
            )
    async with world.league.db.sessions() as s, s.begin():
        await s.execute(insert(HooperRow), rows)
    return found


async def test_strategy_is_set_from_the_next_round(world: World) -> None:
    await join(world)

    result = await world.alice.slash(world.channel, "strategy", text="shoot more threes")

    assert result.ephemeral and "Strategy set from round 1" in result.response.content


async def test_strategy_refuses_someone_who_has_not_joined(world: World) -> None:
    result = await world.bob.slash(world.channel, "strategy", text="shoot more threes")

    assert "join a team with /join first" in result.response.content
    world.refused(NotFoundError)


async def test_bio_updates_a_hooper_on_your_team(world: World) -> None:
    hoopers = await add_hoopers(world)
    await join(world)

    result = await world.alice.slash(
        world.channel, "bio", hooper=hoopers["Hooper 00"], text="Never misses on Tuesdays."
    )

    assert "Hooper 00's bio is updated" in result.response.content
    assert await world.league.app.hooper_bio(hoopers["Hooper 00"]) == "Never misses on Tuesdays."


async def test_bio_refuses_an_unknown_hooper(world: World) -> None:
    await join(world)

    result = await world.alice.slash(world.channel, "bio", hooper="Nobody", text="x")

    assert "no hooper by that name" in result.response.content
    world.refused(NotFoundError)


async def test_hooper_trade_is_voted_on_by_both_teams_with_buttons_that_survive_a_restart(
    world: World,
) -> None:
    hoopers = await add_hoopers(world)
    await join(world)
    await join(world, "bob", team=1)
    choices = await world.alice.autocomplete(world.channel, "trade-hooper", "give", "hooper 0")
    assert [c["name"] for c in choices] == ["Hooper 00 (Team 0)", "Hooper 01 (Team 0)"]

    proposed = await world.alice.slash(
        world.channel, "trade-hooper", give=hoopers["Hooper 00"], get=hoopers["Hooper 10"]
    )
    assert proposed.ephemeral and "is posted" in proposed.response.content
    message = world.last_post()
    assert "trading **Hooper 00** for **Hooper 10**" in message.embeds[0].description

    outsider = await world.admin.click(message, label="Approve")
    assert outsider.ephemeral and "Only governors of the two teams" in outsider.response.content
    trade_id = message.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    await world.alice.click(message, label="Approve")
    await world.restart()
    settled = await world.bob.click(message, label="Approve")

    assert "the trade is done" in settled.response.content
    # The proposal's message now tells how it ended, and its buttons are gone; a stale copy
    # of them settles nothing twice.
    edited = world.env.backend.get_message(message.channel_id, message.id)
    assert edited.components == [] and "hoopers have swapped" in edited.embeds[0]["description"]
    channel = world.env.bot.get_channel(message.channel_id)
    assert isinstance(channel, discord.TextChannel)
    stale = await channel.send("an old copy", view=hooper_trade_view(trade_id))
    late = await world.bob.click(stale, label="Approve")
    assert "already executed" in late.response.content


async def proposed_hooper_trade(world: World) -> tuple[Any, str]:
    """Alice proposes Hooper 00 for Bob's Hooper 10; returns the public message and the trade."""
    hoopers = await add_hoopers(world)
    await join(world)
    await join(world, "bob", team=1)
    await world.alice.slash(
        world.channel, "trade-hooper", give=hoopers["Hooper 00"], get=hoopers["Hooper 10"]
    )
    message = world.last_post()
    trade_id = message.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    return message, trade_id


async def test_a_rejected_hooper_trade_edits_its_message_to_say_so(world: World) -> None:
    message, _ = await proposed_hooper_trade(world)

    pressed = await world.bob.click(message, label="Reject")

    assert "the trade is off" in pressed.response.content
    await post(world)
    edited = world.env.backend.get_message(message.channel_id, message.id)
    embed = edited.embeds[0]
    assert "declined" in embed["title"], embed
    assert "trading **Hooper 00** for **Hooper 10**" in embed["description"]
    assert "A team said no: the trade is off." in embed["description"]
    assert "Governors of both teams" not in embed["description"]
    assert edited.components == []


async def test_an_expired_hooper_trade_edits_its_message_to_say_so(world: World) -> None:
    from bot.app.levers.commands import ExpireHooperTrade

    message, trade_id = await proposed_hooper_trade(world)
    world.league.clock.advance(30 * 24 * 3600)  # well past the vote's time to live

    out = await world.league.app.handle(ExpireHooperTrade(trade_id), command_id="test:expire")
    await post(world)

    assert out["expired"] is True
    edited = world.env.backend.get_message(message.channel_id, message.id)
    embed = edited.embeds[0]
    assert "expired" in embed["title"], embed
    assert "The vote ran out of time: the trade is off." in embed["description"]
    assert "Governors of both teams" not in embed["description"]
    assert edited.components == []
