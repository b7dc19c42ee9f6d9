"""Strategy, bios and hooper trades through SimCord."""

from __future__ import annotations

import uuid

import discord
from sqlalchemy import insert

from bot.domain.errors import NotFoundError
from bot.ui.hooper_trades import hooper_trade_view
from db.tables import HooperRow
from tests.bot.conftest import World
from tests.bot.test_governance_cogs import join


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
