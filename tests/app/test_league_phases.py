"""Season phases: a tie at the playoff line goes to tiebreaker games; the background loop
drives a season to its end on an injected clock and sleep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app.league import phases
from bot.app.league.offline import JumpClock
from bot.app.league.runner import RoundReport, Runner
from bot.domain.playoffs import Bracket
from bot.domain.standings import StandingRow
from bot.tasks.league_loop import run_forever
from db import league_repo as repo
from db.engine import Database
from db.tables import MirrorRow, ScheduleRow
from db.verify import verify
from tests.app.league_kit import play_to_the_end, setup_short_league


async def test_a_tie_at_the_playoff_line_is_settled_by_a_tiebreaker_game(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def second_and_third_tied(rows: Sequence[StandingRow], spots: int) -> tuple[str, ...]:
        return (rows[1].team_id, rows[2].team_id)  # as if nothing separated them

    monkeypatch.setattr(phases, "tied_at_cut", second_and_third_tied)
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    await play_to_the_end(database, Runner(database, clock=clock), clock, season)

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
    runner = Runner(database, clock=clock)
    played: list[RoundReport] = []

    async def sleep(seconds: float) -> None:
        clock.jump_to(clock() + timedelta(seconds=seconds))

    def stop(reports: list[RoundReport]) -> bool:
        played.extend(reports)
        return any(r.phase == "complete" for r in reports)

    await run_forever(runner, poll_seconds=600, sleep=sleep, stop=stop)
    assert [r.round_number for r in played] == list(range(1, len(played) + 1))
    assert played[-1].phase == "complete"
