"""The browsing reads (db/browse_repo.py) over a played-out season and the next one, on both
engines: they agree with the lifetime stats the league keeps and with the season's record."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.league.offline import JumpClock
from bot.app.league.runner import Runner
from bot.app.league.setup import StartNewSeason, run_new_season
from db import browse_repo
from db.engine import Database
from db.tables import HooperStatsRow
from tests.app.league_kit import play_to_the_end, scripted, setup_short_league


async def test_browsing_reads_agree_with_the_lifetime_stats_across_seasons(
    database: Database,
) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    league_id, first = setup["league_id"], setup["season_id"]
    governors = await scripted(database, clock, first)
    await play_to_the_end(
        database, Runner(database, clock=clock, instant=True), clock, first, governors
    )
    second = (
        await run_new_season(database, StartNewSeason(league_id), clock=clock, command_id="next")
    )["season_id"]

    seasons = await browse_repo.league_seasons(database, league_id)
    story = await browse_repo.season_story(database, seasons[1])
    lifetime = await browse_repo.stat_totals(database, league_id, "points", None)
    in_first = await browse_repo.stat_totals(database, league_id, "points", first)
    in_second = await browse_repo.stat_totals(database, league_id, "points", second)
    (hooper_id, name, team), *_ = await browse_repo.season_hoopers(database, second)
    card = await browse_repo.hooper_card(database, league_id, hooper_id)
    assert card is not None
    stats = await browse_repo.hooper_stats(database, league_id, card)
    async with database.read_sessions() as s:
        kept = (await s.execute(select(HooperStatsRow))).scalars().all()

    assert [(s.name, s.finished) for s in seasons] == [("Season 2", False), ("Season 1", True)]
    assert story.champion is not None and story.awards and story.games >= 7
    assert sorted((x.games, x.total) for x in lifetime) == sorted(
        (k.games_played, k.points) for k in kept
    )
    assert sorted((x.name, x.games, x.total) for x in lifetime) == sorted(
        (x.name, x.games, x.total) for x in in_first
    )
    assert in_second == []
    assert (card.name, card.team, card.season_id) == (name, team, second)
    assert stats.season.games == 0 and stats.lifetime.games in (3, 4)
    assert stats.lifetime.totals["points"] == next(x.total for x in lifetime if x.name == name)
    assert [g.season for g in stats.recent] == ["Season 1"] * len(stats.recent)
    assert len(stats.recent) == min(5, stats.lifetime.games)
    assert await browse_repo.hooper_card(database, "another league", hooper_id) is None
