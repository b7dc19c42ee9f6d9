"""Governors' slash commands, driven through SimCord against a real league."""

from __future__ import annotations

from tests.bot.conftest import World


def team_ids(world: World) -> list[str]:
    return world.league.seeded.team_ids


async def join(world: World, who: str = "alice", team: int = 0) -> None:
    actor = getattr(world, who)
    result = await actor.slash(world.channel, "join", team=team_ids(world)[team])
    assert result.ephemeral, result


async def test_join_welcomes_a_new_governor_and_is_idempotent(world: World) -> None:
    first = await world.alice.slash(world.channel, "join", team=team_ids(world)[0])
    again = await world.alice.slash(world.channel, "join", team=team_ids(world)[0])

    assert first.ephemeral and "Welcome, governor of **Team 0**" in first.response.content
    assert "already govern **Team 0**" in again.response.content
