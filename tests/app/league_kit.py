"""Helpers for the league runner tests: a short season, a jumping clock, a season loop."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.app.league.offline import JumpClock
from bot.app.league.runner import RoundReport, Runner
from bot.app.league.scripted import ScriptedGovernors
from bot.app.league.setup import SetupLeague, run_setup
from bot.app.ports import BuiltinInterpreter
from bot.app.service import Pinwheel
from db import league_repo as repo
from db.engine import Database

# 4 teams, one round robin (3 rounds), a 2-team final of one game, a window every round.
SHORT_RULES: dict[str, Any] = {
    "teams_per_league": 4,
    "round_robins_per_season": 1,
    "playoff_teams": 2,
    "semifinal_series_length": 1,
    "final_series_length": 1,
    "rounds_per_window": 1,
}


async def setup_short_league(
    db: Database, clock: JumpClock, guild: str = "g1", seed: str = "test"
) -> dict[str, Any]:
    return await run_setup(db, SetupLeague(guild, "Test League", seed, SHORT_RULES), clock=clock)


async def scripted(db: Database, clock: JumpClock, season_id: str, count: int = 4) -> Any:
    app = Pinwheel(db, BuiltinInterpreter(), clock=clock)
    governors = ScriptedGovernors(app, db, f"test:{season_id}", count)
    async with db.read_sessions() as s:
        await governors.join(season_id, sorted(await repo.team_names(s, season_id)))
    return governors


async def play_to_the_end(
    db: Database,
    runner: Runner,
    clock: JumpClock,
    season_id: str,
    governors: Any = None,
    max_rounds: int = 50,
) -> list[RoundReport]:
    """Governors act half an hour before each round; the clock then jumps to it."""
    reports: list[RoundReport] = []
    for _ in range(max_rounds):
        async with db.read_sessions() as s:
            progress = await repo.get_progress(s, season_id)
        assert progress is not None
        if progress.phase == "complete":
            return reports
        assert progress.next_due_at is not None
        clock.jump_to(progress.next_due_at - timedelta(minutes=30))
        if governors is not None:
            await governors.act(season_id)
        clock.jump_to(progress.next_due_at)
        reports += await runner.tick()
    raise AssertionError("the season did not finish")
