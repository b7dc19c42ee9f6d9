"""The bot's background loop runs only the leagues its process holds, through SimCord: while
another live process holds a server's league, a due round is left to it; once that process
stops, this one claims the league and plays the round. On stop the bot gives its leagues back
and leaves the process table."""

from __future__ import annotations

from typing import Any

from bot.app.league.leases import Keeper
from db import league_repo as repo
from db import lease_repo
from tests.bot.conftest import World
from tests.bot.test_presentation_cogs import set_up


async def _next_round(world: World, season_id: str) -> int:
    async with world.league.db.read_sessions() as s:
        progress = await repo.get_progress(s, season_id)
    assert progress is not None
    return progress.next_round


async def test_the_background_loop_leaves_a_league_another_process_holds(world: World) -> None:
    from bot.cogs.background import POLL_SECONDS
    from bot.discord_app import BACKGROUND, EXTENSIONS, build_bot

    show = await set_up(world)
    other = Keeper(world.league.db, process_id="other-process")
    assert show.league_id in await other.renew()  # another bot process holds the league
    await world.env.restart_bot(build_bot(world.league.app, extensions=(*EXTENSIONS, BACKGROUND)))
    world.league.clock.advance(24 * 3600)  # the first round is due
    await world.env.advance_time(POLL_SECONDS + 1)
    assert await _next_round(world, show.season_id) == 1  # not played here: not ours

    async with world.league.db.read_sessions() as s:
        [mine] = [p for p in await lease_repo.all_processes(s) if p.id != other.id]
    assert mine.shards == [0] and mine.shard_count == 1  # this bot, on its one shard

    await other.release()  # the other process stops cleanly
    await world.env.advance_time(POLL_SECONDS + 1)  # a renewal claims it; the loop plays it
    assert await _next_round(world, show.season_id) == 2

    cog: Any = world.env.bot.get_cog("Background")
    await cog.stop()
    async with world.league.db.read_sessions() as s:
        assert await lease_repo.all_processes(s) == []
        assert all(x.holder is None for x in await lease_repo.all_leases(s))


async def test_the_background_loop_expires_offers_of_the_leagues_it_holds(world: World) -> None:
    from bot.cogs.background import POLL_SECONDS
    from bot.discord_app import BACKGROUND, EXTENSIONS, build_bot
    from tests.app.kit import start_league
    from tests.app.levers_kit import offer

    league = await start_league(world.league.db)  # a second league, with governors on teams
    before = await league.balances(0)
    trade = (await league.run(offer(league, 0, 1, offer_amount=2)))["trade_id"]
    assert await league.balances(0) != before  # two tokens in escrow
    other = Keeper(league.db, process_id="other-process")
    await other.renew()  # another process holds the league
    bot = build_bot(world.league.app, extensions=(*EXTENSIONS, BACKGROUND))
    await world.env.restart_bot(bot)
    world.league.clock.advance(2 * 24 * 3600)  # the offer's time is up (the bot's clock)
    await world.env.advance_time(POLL_SECONDS + 1)
    assert (await league.app.trade_offer(trade))["status"] == "open"  # the holder's to expire

    await other.release()
    await world.env.advance_time(POLL_SECONDS + 1)  # this process claims it and expires it
    assert (await league.app.trade_offer(trade))["status"] == "expired"
    assert await league.balances(0) == before  # the escrow went back
    await world.env.bot.get_cog("Background").stop()  # type: ignore[union-attr]
