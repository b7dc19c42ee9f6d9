"""An admin playing a round by hand: once per command, however often it is delivered."""

from __future__ import annotations

from bot.app.governance.league_admin import advance_season
from bot.app.league.offline import JumpClock
from db import league_repo
from db.engine import Database
from tests.app.league_kit import setup_short_league


async def test_a_redelivered_advance_plays_no_second_round(database: Database) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    first = await advance_season(
        database, season, admin_id="42", clock=clock, command_id="discord:1"
    )
    again = await advance_season(
        database, season, admin_id="42", clock=clock, command_id="discord:1"
    )
    other = await advance_season(
        database, season, admin_id="42", clock=clock, command_id="discord:2"
    )
    assert first is not None and first.round_number == 1
    assert again is None
    assert other is not None and other.round_number == 2
    async with database.read_sessions() as s:
        progress = await league_repo.get_progress(s, season)
    assert progress is not None and progress.next_round == 3
