"""A whole season through the handlers with a fake clock, on both engines."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, select

from bot.app.league.offline import JumpClock
from bot.app.league.outbox import CollectingPoster
from bot.app.league.replay import all_game_ids, replay_stored
from bot.app.league.runner import Runner
from bot.app.league.setup import StartNewSeason, run_new_season
from bot.domain.errors import ConflictError
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.engine import Database, create_database
from db.tables import (
    GameResultRow,
    GovernanceWindowRow,
    GovernorStatsRow,
    HooperStatsRow,
    MirrorRow,
    OutboxRow,
    ScheduleRow,
)
from db.verify import verify
from tests.app.league_kit import play_to_the_end, scripted, setup_short_league


async def _count(db: Database, query: object) -> int:
    async with db.read_sessions() as s:
        return int((await s.execute(query)).scalar_one())  # type: ignore[call-overload]


async def test_a_full_season_crowns_a_champion_plays_every_game_once_and_verifies_clean(
    database: Database,
) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    season = setup["season_id"]
    governors = await scripted(database, clock, season)
    poster = CollectingPoster()
    runner = Runner(database, clock=clock, poster=poster, instant=True)

    reports = await play_to_the_end(database, runner, clock, season, governors)

    async with database.read_sessions() as s:
        progress = await repo.get_progress(s, season)
        scheduled = (await s.execute(select(ScheduleRow))).scalars().all()
        games = (await s.execute(select(GameResultRow))).scalars().all()
        windows = (await s.execute(select(GovernanceWindowRow))).scalars().all()
        mirror_types = set((await s.execute(select(MirrorRow.mirror_type))).scalars().all())
        report = await verify(s)
    assert progress is not None and progress.phase == "complete"
    assert progress.champion_team_id in setup["team_ids"]
    assert progress.awards and progress.awards["awards"]
    # Every scheduled game played exactly once: 6 regular games and at least one final.
    assert len(scheduled) == len(games) >= 7
    assert Counter((g.round_number, g.matchup_index) for g in games).most_common(1)[0][1] == 1
    assert all(s.status == "played" for s in scheduled)
    # Every window tallied (one per round, plus the offseason's), none left open.
    assert windows and all(w.status == "closed" for w in windows)
    assert len(windows) == progress.next_round - 1
    assert report.ok, report.problems
    for game_id in await all_game_ids(database, season):
        assert (await replay_stored(database, game_id)).identical
    assert {"simulation", "governance", "private", "series", "season", "league", "offseason"} <= (
        mirror_types
    )
    keys = [m[0] for m in poster.messages]
    assert len(keys) == len(set(keys))
    assert await _count(database, select(func.count()).where(OutboxRow.sent_at.is_(None))) == 0
    assert [r.round_number for r in reports] == list(range(1, progress.next_round))
    assert await _count(database, select(func.count()).select_from(HooperStatsRow)) == 16
    assert await _count(database, select(func.sum(GovernorStatsRow.votes_cast))) > 0


async def test_a_step_run_again_with_its_command_id_writes_nothing(database: Database) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    runner = Runner(database, clock=clock, instant=True)
    first = await runner.run_round(season)
    assert first is not None and first.ran == ["simulate", "govern", "advance"]
    async with database.read_sessions() as s:
        progress = await repo.get_progress(s, season)
    assert progress is not None
    # Rewind what the runner reads: the same round's steps are replayed, not run again.
    async with database.sessions() as s, s.begin():
        await repo.update_progress(s, season, {"next_round": 1})
    again = await runner.run_round(season)
    assert again is not None and again.ran == []
    assert await _count(database, select(func.count()).select_from(GameResultRow)) == 2
    async with database.sessions() as s, s.begin():
        await repo.update_progress(s, season, {"next_round": progress.next_round})


async def test_two_runners_on_one_database_process_each_round_once(db_url: str) -> None:
    dbs = [create_database(db_url), create_database(db_url)]
    try:
        clock = JumpClock()
        season = (await setup_short_league(dbs[0], clock))["season_id"]
        runners = [Runner(db, clock=clock, instant=True) for db in dbs]

        async def drive(runner: Runner) -> list[str]:
            ran: list[str] = []
            for _ in range(2000):
                async with runner.db.read_sessions() as s:
                    progress = await repo.get_progress(s, season)
                assert progress is not None
                if progress.phase == "complete":
                    return ran
                report = await runner.run_round(season)
                if report is not None:
                    ran += [f"{report.round_number}:{step}" for step in report.ran]
                else:
                    await asyncio.sleep(0.005)  # the other runner holds the league
                await asyncio.sleep(0)
            raise AssertionError("the season did not finish")

        a, b = await asyncio.gather(drive(runners[0]), drive(runners[1]))
        executed = a + b
        assert len(executed) == len(set(executed))  # no step executed twice
        rounds = {step.split(":")[0] for step in executed}
        assert {f"{r}:simulate" for r in rounds} <= set(executed)
        async with dbs[0].read_sessions() as s:
            report = await verify(s)
        assert report.ok, report.problems
    finally:
        for db in dbs:
            await db.dispose()


async def test_an_unfinished_season_cannot_be_replaced_by_accident(database: Database) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    with pytest.raises(ConflictError):
        await run_new_season(
            database, StartNewSeason(setup["league_id"]), clock=clock, command_id="new:1"
        )


async def test_a_new_season_carries_teams_hoopers_governors_and_rules(database: Database) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    season = setup["season_id"]
    governors = await scripted(database, clock, season)
    await play_to_the_end(
        database, Runner(database, clock=clock, instant=True), clock, season, governors
    )
    out = await run_new_season(
        database, StartNewSeason(setup["league_id"]), clock=clock, command_id="new:2"
    )
    async with database.read_sessions() as s:
        old_teams = await repo.load_teams(s, season)
        new_teams = await repo.load_teams(s, out["season_id"])
        old_rules = await gov_repo.current_rules(s, season)
        new_rules = await gov_repo.current_rules(s, out["season_id"])
        enrolled = await gov_repo.active_enrollments(s, out["season_id"])
    assert sorted(t.name for t in old_teams.values()) == sorted(t.name for t in new_teams.values())
    assert sorted(h.name for t in new_teams.values() for h in t.hoopers) == sorted(
        h.name for t in old_teams.values() for h in t.hoopers
    )
    assert out["governors_carried"] == len(enrolled) == 4
    assert new_rules == old_rules
    # Season two plays on; a hooper's lifetime stats span both seasons under one row.
    await play_to_the_end(
        database, Runner(database, clock=clock, instant=True), clock, out["season_id"]
    )
    games = await _count(database, select(func.count()).select_from(GameResultRow))
    assert await _count(database, select(func.count()).select_from(HooperStatsRow)) == 16
    assert await _count(database, select(func.sum(HooperStatsRow.games_played))) == 8 * games
    async with database.read_sessions() as s:
        report = await verify(s)
    assert report.ok, report.problems
