"""`/admin setup` without the permissions the league needs says which are missing, in words,
privately, and changes nothing; given them, the same command sets the league up."""

from __future__ import annotations

import discord

from bot.cogs.channels import MissingPermissionsError
from db import discord_repo
from tests.bot.conftest import World
from tests.bot.test_league_admin_cogs import channel_names, new_server


def _bot_role(world: World, guild_id: int) -> int:
    guild = world.env.backend.get_guild(guild_id)
    name = world.env.backend.bot_user.name
    [role_id] = [r.id for r in guild.roles.values() if r.managed and r.name == name]
    return role_id


async def test_setup_without_manage_channels_names_it_and_changes_nothing(world: World) -> None:
    server = new_server(world)
    role_id = _bot_role(world, server.guild.id)
    lacking = discord.Permissions.all()
    lacking.administrator = False
    lacking.manage_channels = False
    world.env.backend.edit_role(server.guild.id, role_id, {"permissions": lacking.value})
    await world.env.settle()

    refused = await server.admin.slash(server.channel, "admin setup")

    text = refused.response.content
    assert refused.response.ephemeral
    assert "my role is missing Manage Channels" in text
    assert "Nothing was changed" in text and "Something went wrong" not in text
    assert await discord_repo.guild_league(world.league.db, server.guild.id) is None
    assert set(channel_names(server)) == {"general"}
    world.refused(MissingPermissionsError)  # a refusal the player reads, not a crash

    lacking.manage_channels = True
    world.env.backend.edit_role(server.guild.id, role_id, {"permissions": lacking.value})
    await world.env.settle()
    done = await server.admin.slash(server.channel, "admin setup")
    assert "The league is set up" in done.response.content
    assert await discord_repo.guild_league(world.league.db, server.guild.id) is not None


def test_the_readme_invite_asks_for_exactly_the_permissions_setup_checks() -> None:
    from pathlib import Path

    from bot.cogs.channels import NEEDED_PERMISSIONS

    value = discord.Permissions(**dict.fromkeys(NEEDED_PERMISSIONS, True)).value
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"permissions={value}" in readme and f"integer `{value}`" in readme
    assert "scope=bot+applications.commands" in readme
