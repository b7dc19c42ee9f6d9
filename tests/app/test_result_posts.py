"""A round's result post names the teams that played, so the poster can ping their governors."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.league.offline import JumpClock
from bot.app.league.runner import Runner
from db.engine import Database
from db.tables import OutboxRow, ScheduleRow
from tests.app.league_kit import setup_short_league


async def test_a_result_post_carries_its_season_and_the_teams_that_played(
    database: Database,
) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    season_id = setup["season_id"]
    await Runner(database, clock=clock, instant=True).run_round(season_id)
    async with database.read_sessions() as s:
        games = (
            await s.execute(
                select(ScheduleRow.home_team_id, ScheduleRow.away_team_id).where(
                    ScheduleRow.season_id == season_id, ScheduleRow.round_number == 1
                )
            )
        ).all()
        (post,) = (
            (await s.execute(select(OutboxRow).where(OutboxRow.kind == "results"))).scalars().all()
        )
    assert post.payload["season_id"] == season_id
    assert post.payload["team_ids"] == sorted({t for game in games for t in game})
