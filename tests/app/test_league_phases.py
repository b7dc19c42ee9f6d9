"""Season phases: a tie at the playoff line goes to tiebreaker games; the background loop
drives a season to its end on an injected clock and sleep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app.league import phases
from bot.app.league.offline import JumpClock, play
from bot.app.league.outbox import CollectingPoster
from bot.app.league.runner import RoundReport, Runner
from bot.domain.playoffs import Bracket
from bot.domain.standings import StandingRow
from bot.tasks.league_loop import run_forever
from db import league_repo as repo
from db.engine import Database
from db.tables import GovernanceEventRow, GovernanceWindowRow, MirrorRow, ScheduleRow
from db.verify import verify
from tests.app.league_kit import SHORT_RULES, play_to_the_end, setup_short_league


async def test_a_tie_at_the_playoff_line_is_settled_by_a_tiebreaker_game(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def second_and_third_tied(rows: Sequence[StandingRow], spots: int) -> tuple[str, ...]:
        return (rows[1].team_id, rows[2].team_id)  # as if nothing separated them

    monkeypatch.setattr(phases, "tied_at_cut", second_and_third_tied)
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    await play_to_the_end(database, Runner(database, clock=clock, instant=True), clock, season)

    async with database.read_sessions() as s:
        slots = (await s.execute(select(ScheduleRow))).scalars().all()
        mirror_types = set((await s.execute(select(MirrorRow.mirror_type))).scalars().all())
        progress = await repo.get_progress(s, season)
        tiebreaker = await repo.played_games(s, season, ("tiebreaker",))
        report = await verify(s)
    assert [s.phase for s in slots].count("tiebreaker") == 1 and len(tiebreaker) == 1
    assert "tiebreaker" in mirror_types
    assert progress is not None and progress.bracket is not None
    final = Bracket(**progress.bracket).rounds[0][0]
    finalists = {final.higher_seed_team_id, final.lower_seed_team_id}
    # The tiebreaker's winner took the last spot, its loser none.
    game = tiebreaker[0]
    assert {game.home_team_id, game.away_team_id} & finalists == {game.winner_team_id}
    assert report.ok, report.problems


async def test_the_background_loop_plays_a_season_on_its_injected_clock(
    database: Database,
) -> None:
    clock = JumpClock()
    await setup_short_league(database, clock)
    runner = Runner(database, clock=clock, instant=True)
    played: list[RoundReport] = []

    async def sleep(seconds: float) -> None:
        clock.jump_to(clock() + timedelta(seconds=seconds))

    def stop(reports: list[RoundReport]) -> bool:
        played.extend(reports)
        return any(r.phase == "complete" for r in reports)

    await run_forever(runner, poll_seconds=600, sleep=sleep, stop=stop)
    assert [r.round_number for r in played] == list(range(1, len(played) + 1))
    assert played[-1].phase == "complete"


async def test_the_crowning_closes_the_window_and_opens_an_offseason_window_governors_use(
    database: Database,
) -> None:
    # 4 teams, 3-round windows: regular rounds 1-3, the final in round 4, which falls inside
    # the window of rounds 4-6. That window is tallied at the crowning; the offseason has
    # its own window, rounds 5-7, and its mirror says so.
    rules = {**SHORT_RULES, "rounds_per_window": 3}
    [summary] = await play(
        database, seed="off", poster=CollectingPoster(), fast=True, governors=6, rules=rules
    )
    season = summary.season_id
    offseason_id = repo.stable_id("offseason", season, 5)
    async with database.read_sessions() as s:
        windows = {
            w.window_id: w
            for w in (
                await s.execute(
                    select(GovernanceWindowRow).where(GovernanceWindowRow.season_id == season)
                )
            ).scalars()
        }
        (offseason_mirror,) = (
            await s.execute(select(MirrorRow).where(MirrorRow.mirror_type == "offseason"))
        ).scalars()
        acted = (
            await s.execute(
                select(GovernanceEventRow.event_type).where(
                    GovernanceEventRow.governance_window_id == offseason_id,
                    GovernanceEventRow.governor_id.is_not(None),
                )
            )
        ).scalars()
        progress = await repo.get_progress(s, season)
        report = await verify(s)
    crowned_in = windows[repo.stable_id("window", season, 4)]
    assert (crowned_in.status, crowned_in.closed_round) == ("closed", 4)
    offseason = windows[offseason_id]
    assert (offseason.opened_round, offseason.closes_after_round) == (5, 7)
    assert (offseason.status, offseason.closed_round) == ("closed", 7)
    assert offseason_mirror.context_snapshot["rounds"] == 3
    assert "for 3 rounds" in offseason_mirror.content
    assert "vote.cast" in set(acted)  # the scripted governors governed in the offseason
    assert progress is not None and progress.phase == "complete" and progress.next_round == 8
    assert report.ok, report.problems
