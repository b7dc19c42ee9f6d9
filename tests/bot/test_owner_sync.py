"""The owner syncs the command tree deliberately; nobody else can."""

from __future__ import annotations

from discord.ext import commands

from bot.discord_app import build_bot
from tests.bot.conftest import World


async def test_only_the_owner_can_sync_the_command_tree(world: World) -> None:
    await world.env.restart_bot(build_bot(world.league.app, owner_ids={world.admin.id}))
    bot_mention = f"<@{world.env.bot.user.id}>"
    syncs_before = sum(1 for r in world.env.http_requests if r.method == "PUT")

    await world.bob.send(world.channel, f"{bot_mention} sync")
    await world.admin.send(world.channel, f"{bot_mention} sync")

    puts = [r for r in world.env.http_requests if r.method == "PUT"]
    assert len(puts) == syncs_before + 1
    assert world.channel.last_message.content.startswith("Synced ")
    world.refused(commands.NotOwner)  # bob's attempt, answered with silence
