"""The league's channels are bound idempotently, and the outbox poster delivers to them and
to private DMs (respecting opt-outs), through SimCord."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
import pytest
from sqlalchemy import insert, select, update

from bot.app.league.offline import JumpClock
from bot.app.league.outbox import NOT_DELIVERED_RETRY, NotDelivered, drain
from bot.cogs import channels
from bot.cogs.poster import DiscordPoster, nonce
from db import league_repo
from db.tables import GovernorPreferencesRow, LeagueRow, OutboxRow
from tests.bot.conftest import World
from tests.bot.test_governance_cogs import governor, join

TEAMS = ["Team 0", "Team 1"]


def bot_guild(world: World) -> discord.Guild:
    guild = world.env.bot.get_guild(world.guild.id)
    assert guild is not None
    return guild


def names(world: World) -> list[str]:
    return sorted(c.name for c in bot_guild(world).channels)


async def test_binding_channels_twice_creates_nothing_twice(world: World) -> None:
    first = await channels.ensure(bot_guild(world), TEAMS)
    before = names(world)

    second = await channels.ensure(bot_guild(world), TEAMS)

    assert "Pinwheel" in first.created and "team-0" in first.created
    assert second.created == [] and names(world) == before
    assert before.count("announcements") == 1 and before.count("Pinwheel") == 1


async def test_binding_after_a_restart_reuses_the_existing_channels(world: World) -> None:
    await channels.ensure(bot_guild(world), TEAMS)

    await world.restart()
    again = await channels.ensure(bot_guild(world), [*TEAMS, "Team 2"])

    assert again.created == ["team-2"]


async def test_results_go_to_their_channel_with_mentions_off(world: World) -> None:
    await channels.ensure(bot_guild(world), TEAMS)
    poster = DiscordPoster(world.env.bot, world.league.seeded.league_id)

    await poster.post("round:1:results", "results", "results", {"text": "@everyone Team 0 won"})

    (results,) = [c for c in world.guild.channels.values() if c.name == "results"]
    message = results.last_message
    assert message is not None and message.content == "@everyone Team 0 won"
    assert not message.mention_everyone


async def test_a_result_post_pings_only_the_governors_of_its_teams_who_asked_for_it(
    world: World,
) -> None:
    from tests.bot.test_governance_cogs import team_ids

    await channels.ensure(bot_guild(world), TEAMS)
    await join(world)
    await join(world, "bob", team=1)
    await join(world, "admin", team=1)
    async with world.league.db.sessions() as s, s.begin():
        for who, wants in (("alice", True), ("admin", False)):
            await s.execute(
                insert(GovernorPreferencesRow).values(
                    governor_id=await governor(world, who), mention_on_results=wants
                )
            )  # bob never chose: mentions are opt-in
    poster = DiscordPoster(world.env.bot, world.league.seeded.league_id)
    payload = {
        "text": "@everyone Round 1: Team 0 51, Team 1 48",
        "season_id": world.league.season,
        "team_ids": team_ids(world),
    }

    await poster.post("round:1:results", "results", "results", payload)

    (results,) = [c for c in world.guild.channels.values() if c.name == "results"]
    message = results.last_message
    assert message is not None and message.content.startswith(payload["text"])
    stored = world.env.backend.get_message(results.id, message.id)
    assert list(stored.ping_user_ids) == [world.alice.id]
    assert not message.mention_everyone


async def test_a_retry_of_a_post_that_went_out_is_not_posted_again(world: World) -> None:
    # A crash between posting and marking sent (or a reply lost on the way back) hands the row
    # over again as a retry: the poster finds its own earlier message and sends nothing, in a
    # channel and in a DM; a retry whose first try never arrived is posted.
    await channels.ensure(bot_guild(world), TEAMS)
    await join(world)
    alice = await governor(world)
    poster = DiscordPoster(world.env.bot, world.league.seeded.league_id)
    (results,) = [c for c in world.guild.channels.values() if c.name == "results"]

    await poster.post("r:1", "results", "results", {"text": "Round 1: Team 0 51, Team 1 48"})
    await poster.post(
        "r:1", "results", "results", {"text": "Round 1: Team 0 51, Team 1 48"}, retry=True
    )
    await poster.post(
        "r:2", "results", "results", {"text": "Round 2: Team 1 50, Team 0 44"}, retry=True
    )
    await poster.post("m:1", "mirror.private", f"dm:{alice}", {"text": "You voted yes."})
    await poster.post(
        "m:1", "mirror.private", f"dm:{alice}", {"text": "You voted yes."}, retry=True
    )

    posted = [m.content for m in results.history()]
    assert sorted(posted) == ["Round 1: Team 0 51, Team 1 48", "Round 2: Team 1 50, Team 0 44"]
    assert [m.content for m in world.alice.user.dm_channel.history()] == ["You voted yes."]


async def test_private_mirrors_reach_only_their_governor_and_not_those_who_opted_out(
    world: World,
) -> None:
    await join(world)
    await join(world, "bob", team=1)
    alice, bob = await governor(world), await governor(world, "bob")
    async with world.league.db.sessions() as s, s.begin():
        await s.execute(
            insert(GovernorPreferencesRow).values(governor_id=bob, dm_private_mirrors=False)
        )
    poster = DiscordPoster(world.env.bot, world.league.seeded.league_id)

    await poster.post("m:alice", "mirror.private", f"dm:{alice}", {"text": "You voted yes 3x."})
    await poster.post("m:bob", "mirror.private", f"dm:{bob}", {"text": "You proposed twice."})

    assert [m.content for m in world.alice.user.dm_channel.history()] == ["You voted yes 3x."]
    assert world.bob.user.dm_channel.history() == []
    assert world.admin.user.dm_channel.history() == []


async def test_a_post_with_no_channel_bound_stays_unsent_and_goes_out_once_bound(
    world: World,
) -> None:
    db, league_id = world.league.db, world.league.seeded.league_id
    clock = JumpClock(datetime.now(UTC))
    async with db.sessions() as s, s.begin():
        await league_repo.enqueue(
            s,
            league_id=league_id,
            key="round:1:results",
            kind="results",
            target="results",
            payload={"text": "Team 0 won"},
            at=clock(),
        )
    poster = DiscordPoster(world.env.bot, league_id)

    assert await drain(db, poster, league_id=league_id, clock=clock) == 0
    async with db.read_sessions() as s:
        row = (
            await s.execute(select(OutboxRow).where(OutboxRow.key == "round:1:results"))
        ).scalar_one()
    assert row.sent_at is None and row.failed_at is None and "no channel" in (row.last_error or "")

    await channels.ensure(bot_guild(world), TEAMS)  # /admin setup binds the channels
    clock.jump_to(clock() + NOT_DELIVERED_RETRY)
    assert await drain(db, poster, league_id=league_id, clock=clock) >= 1
    (results,) = [c for c in world.guild.channels.values() if c.name == "results"]
    assert [m.content for m in results.history()] == ["Team 0 won"]


async def test_a_league_whose_guild_is_neither_cached_nor_reachable_is_not_delivered(
    world: World,
) -> None:
    # Not in the cache (not on this process's shards), and Discord does not know it either.
    await channels.ensure(bot_guild(world), TEAMS)
    async with world.league.db.sessions() as s, s.begin():
        await s.execute(
            update(LeagueRow)
            .where(LeagueRow.id == world.league.seeded.league_id)
            .values(guild_id="424242")
        )
    poster = DiscordPoster(world.env.bot, world.league.seeded.league_id)

    with pytest.raises(NotDelivered, match="its server is out of reach"):
        await poster.post("round:1:results", "results", "results", {"text": "Team 0 won"})


async def test_a_repeated_post_of_one_key_carries_the_same_enforced_nonce(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Discord drops a second message with the same enforced nonce (within its dedup window),
    # so a retry after a crash between post and mark is not shown twice. SimCord ignores
    # nonces: check what discord.py puts on the wire instead.
    real = discord.abc.handle_message_parameters
    sent: list[dict[str, Any]] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        params = real(*args, **kwargs)
        sent.append(dict(params.payload or {}))
        return params

    monkeypatch.setattr(discord.abc, "handle_message_parameters", spy)
    await channels.ensure(bot_guild(world), TEAMS)
    poster = DiscordPoster(world.env.bot, world.league.seeded.league_id)

    for _ in range(2):
        await poster.post("round:1:results", "results", "results", {"text": "Team 0 won"})

    assert [(p["nonce"], p["enforce_nonce"]) for p in sent] == [
        (nonce("round:1:results"), True)
    ] * 2
    assert nonce("round:1:results") != nonce("round:2:results")
    assert len(nonce("round:1:results")) <= 25
