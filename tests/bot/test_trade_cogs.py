"""Token trades through SimCord: the offer, its persistent Accept / Reject buttons, /trades."""

from __future__ import annotations

from typing import Any

import discord

from bot.domain.errors import NotFoundError
from bot.ui.trades import trade_view
from tests.bot.conftest import World
from tests.bot.test_governance_cogs import governor, join


async def offer(world: World) -> Any:
    """Alice offers Bob 1 boost for 1 amend; returns the public offer message (the command's
    own answer is private: a refusal never shows in the channel)."""
    await join(world)
    await join(world, "bob", team=1)
    result = await world.alice.slash(
        world.channel,
        "trade",
        member=world.bob,
        give="boost",
        give_amount=1,
        want="amend",
        want_amount=1,
    )
    assert result.ephemeral and "is posted" in result.response.content
    return world.last_post()


def pinged(world: World, message: Any) -> list[int]:
    """Who Discord notified for a message (a rendered mention may notify nobody)."""
    stored = world.env.backend.get_message(message.channel_id, message.id)
    return list(stored.ping_user_ids)


async def balances(world: World, who: str) -> dict[str, int]:
    return await world.league.app.balances(world.league.season, await governor(world, who))


async def test_trade_posts_an_offer_with_accept_and_reject_that_pings_only_the_target(
    world: World,
) -> None:
    await join(world, "bob", team=1)
    await notifications(world, "bob", mention_on_results=True)  # mentions are opt-in

    message = await offer(world)

    assert message.content == f"{world.bob.mention}, you have a trade offer."
    assert "offers **bob** 1 boost for 1 amend" in message.embeds[0].description
    labels = [c["label"] for row in message.components for c in row["components"]]
    assert labels == ["Accept", "Reject", "Withdraw"]
    assert [m.id for m in message.message.mentions] == [world.bob.id]
    assert pinged(world, message) == [world.bob.id]


async def test_an_offer_pings_nobody_until_its_target_asks_for_mentions(world: World) -> None:
    message = await offer(world)

    assert message.content == f"{world.bob.mention}, you have a trade offer."
    assert pinged(world, message) == []
    assert world.bob.user.dm_channel.history() != []  # told by DM instead


async def test_only_the_target_can_accept_a_trade(world: World) -> None:
    message = await offer(world)
    before = await balances(world, "alice")

    pressed = await world.alice.click(message, label="Accept")

    assert pressed.ephemeral and "Only the governor this offer was made to" in (
        pressed.response.content
    )
    assert (await world.league.app.trade_offer(_trade_id(message)))["status"] == "open"
    assert await balances(world, "alice") == before


async def test_the_target_accepts_and_the_tokens_move(world: World) -> None:
    message = await offer(world)
    alice_before, bob_before = await balances(world, "alice"), await balances(world, "bob")

    pressed = await world.bob.click(message, label="Accept")

    assert pressed.ephemeral and "You accepted the trade" in pressed.response.content
    assert (await balances(world, "bob"))["boost"] == bob_before["boost"] + 1
    assert (await balances(world, "alice"))["amend"] == alice_before["amend"] + 1


async def test_a_trade_button_pressed_after_a_restart_still_works(world: World) -> None:
    message = await offer(world)

    await world.restart()
    pressed = await world.bob.click(message, label="Reject")

    assert "You declined the trade" in pressed.response.content


async def test_a_double_click_on_accept_settles_once(world: World) -> None:
    message = await offer(world)
    trade_id = _trade_id(message)
    bob_before = await balances(world, "bob")

    await world.bob.click(message, label="Accept")
    # The offer's own buttons are gone once it settled; a copy of them (a client that had not
    # caught up) pressed again settles nothing twice.
    edited = world.env.backend.get_message(message.channel_id, message.id)
    channel = world.env.bot.get_channel(message.channel_id)
    assert edited.components == [] and isinstance(channel, discord.TextChannel)
    stale = await channel.send("an old copy", view=trade_view(trade_id))
    second = await world.bob.click(stale, label="Accept")

    assert second.ephemeral and "already accepted" in second.response.content
    assert (await balances(world, "bob"))["boost"] == bob_before["boost"] + 1


async def test_trade_refuses_someone_who_is_not_a_governor(world: World) -> None:
    await join(world)

    result = await world.alice.slash(
        world.channel,
        "trade",
        member=world.admin,
        give="boost",
        give_amount=1,
        want="amend",
        want_amount=1,
    )

    assert "admin is not a governor" in result.response.content
    world.refused(NotFoundError)


async def test_trades_lists_open_offers_to_and_from_you(world: World) -> None:
    message = await offer(world)

    result = await world.bob.slash(world.channel, "trades")

    listed = result.response.embeds[0].description
    assert "1 boost for 1 amend" in listed and _trade_id(message) not in listed  # no ids


def _trade_id(message: Any) -> str:
    custom_id: str = message.components[0]["components"][0]["custom_id"]
    return custom_id.rsplit(":", 1)[1]


async def test_only_the_offerer_can_withdraw_an_offer(world: World) -> None:
    message = await offer(world)
    trade_id = _trade_id(message)

    refused = await world.bob.click(message, label="Withdraw")
    withdrawn = await world.alice.click(message, label="Withdraw")

    assert refused.ephemeral and "Only the governor who made this offer" in (
        refused.response.content
    )
    assert "You withdrew the trade" in withdrawn.response.content
    assert (await world.league.app.trade_offer(trade_id))["status"] == "cancelled"


async def notifications(world: World, who: str, **choices: bool) -> None:
    result = await getattr(world, who).slash(world.channel, "notifications", **choices)
    assert result.response.embeds[0].title == "Notifications updated"


async def test_the_target_of_an_offer_gets_a_short_dm_with_mentions_off(world: World) -> None:
    await join(world, "bob", team=1)
    carol = world.guild.add_member(world.env.create_user("carol"), nick="@everyone carol")
    await carol.slash(world.channel, "join", team=world.league.seeded.team_ids[0])

    await carol.slash(
        world.channel,
        "trade",
        member=world.bob,
        give="boost",
        give_amount=1,
        want="amend",
        want_amount=1,
    )
    posted = world.channel.last_message
    assert posted is not None

    (dm,) = world.bob.user.dm_channel.history()
    assert dm.content.startswith("**@everyone carol** offered you a token trade in **Pinwheel")
    assert "1 boost for 1 amend" in dm.content and str(posted.id) in dm.content  # links the offer
    assert not dm.mention_everyone and dm.mentions == []


async def test_no_dm_for_a_target_who_opted_out_of_trade_offer_dms(world: World) -> None:
    await join(world, "bob", team=1)
    await notifications(world, "bob", dm_trade_offers=False, mention_on_results=True)

    message = await offer(world)

    assert world.bob.user.dm_channel.history() == []
    assert pinged(world, message) == [world.bob.id]  # the ping is a separate choice


async def test_no_ping_for_a_target_who_opted_out_of_mentions(world: World) -> None:
    await join(world, "bob", team=1)
    await notifications(world, "bob", mention_on_results=False)

    message = await offer(world)

    assert message.content == f"{world.bob.mention}, you have a trade offer."
    assert pinged(world, message) == []
    assert len(world.bob.user.dm_channel.history()) == 1  # the DM is a separate choice


async def test_an_offer_is_made_even_when_the_target_accepts_no_dms(world: World) -> None:
    await join(world, "bob", team=1)
    dm_channel = world.bob.user.dm_channel.id
    world.env.inject_error(
        "POST",
        f"/channels/{dm_channel}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
    )

    message = await offer(world)

    assert "offers **bob** 1 boost for 1 amend" in message.embeds[0].description
    assert (await world.league.app.trade_offer(_trade_id(message)))["status"] == "open"
    assert world.bob.user.dm_channel.history() == []
    assert world.env.errors == []


async def settled(world: World, message: Any) -> Any:
    """The offer's message as Discord holds it once the outbox has been delivered."""
    from tests.bot.test_proposal_cards import post

    await post(world)
    return world.env.backend.get_message(message.channel_id, message.id)


async def test_a_rejected_offer_edits_its_message_to_say_so_without_buttons(
    world: World,
) -> None:
    message = await offer(world)

    await world.bob.click(message, label="Reject")
    edited = await settled(world, message)

    embed = edited.embeds[0]
    assert "declined" in embed["title"], embed
    assert "1 boost for 1 amend" in embed["description"]
    assert "bob declined" in embed["description"], embed["description"]
    assert edited.components == []


async def test_a_withdrawn_offer_edits_its_message_to_say_so_without_buttons(
    world: World,
) -> None:
    message = await offer(world)

    await world.alice.click(message, label="Withdraw")
    edited = await settled(world, message)

    embed = edited.embeds[0]
    assert "withdrawn" in embed["title"], embed
    assert "alice withdrew" in embed["description"], embed["description"]
    assert edited.components == []
