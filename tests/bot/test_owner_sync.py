"""The owner syncs the command tree deliberately; nobody else can."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.discord_app import build_bot
from tests.bot.conftest import World


def global_syncs(world: World) -> list[object]:
    return [
        r
        for r in world.env.http_requests
        if r.method == "PUT" and r.path.endswith("/commands") and "/guilds/" not in r.path
    ]


async def test_only_the_owner_can_sync_the_command_tree(world: World) -> None:
    await world.env.restart_bot(build_bot(world.league.app, owner_ids={world.admin.id}))
    bot_mention = f"<@{world.env.bot.user.id}>"
    syncs_before = len(global_syncs(world))

    await world.bob.send(world.channel, f"{bot_mention} sync")
    await world.admin.send(world.channel, f"{bot_mention} sync")

    assert len(global_syncs(world)) == syncs_before + 1
    assert world.channel.last_message.content.startswith("Synced ")
    world.refused(commands.NotOwner)  # bob's attempt, answered with silence


async def as_owner(world: World) -> None:
    await world.env.restart_bot(build_bot(world.league.app, owner_ids={world.admin.id}))


async def say(world: World, text: str) -> str:
    await world.admin.send(world.channel, f"<@{world.env.bot.user.id}> {text}")
    return world.channel.last_message.content


async def served(world: World) -> tuple[int, int]:
    """(global commands, this server's own copies) as Discord has them."""
    tree = world.env.bot.tree
    guild = discord.Object(id=world.guild.id)
    return len(await tree.fetch_commands()), len(await tree.fetch_commands(guild=guild))


async def unpublish_global(world: World) -> None:
    bot = world.env.bot
    await bot.http.bulk_upsert_global_commands(bot.application_id, [])


async def test_a_server_copy_is_refused_while_the_global_set_is_published(world: World) -> None:
    await as_owner(world)
    published, _ = await served(world)

    answer = await say(world, "sync guild")

    assert "would show each twice" in answer
    assert await served(world) == (published, 0)


async def test_a_global_sync_removes_this_servers_copy_so_nothing_shows_twice(
    world: World,
) -> None:
    await as_owner(world)
    await unpublish_global(world)

    copied = await say(world, "sync guild")
    after_copy = await served(world)
    published = await say(world, "sync")

    assert copied.endswith("commands to this server only.")
    assert after_copy[0] == 0 and after_copy[1] > 0
    assert "globally; this server's copy, if any, is removed" in published
    assert await served(world) == (after_copy[1], 0)


async def test_sync_clear_removes_this_servers_copy(world: World) -> None:
    await as_owner(world)
    await unpublish_global(world)
    await say(world, "sync guild")

    answer = await say(world, "sync clear")

    assert answer == "Synced 0 commands to this server: its copy is removed."
    assert await served(world) == (0, 0)
