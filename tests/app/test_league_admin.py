"""An admin playing a round by hand: once per command, however often it is delivered."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

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


async def test_a_redelivery_that_arrives_while_the_first_delivery_finishes_plays_nothing_more(
    database: Database, monkeypatch: Any
) -> None:
    # The first delivery has played its round but not yet come back (a slow reply); the same
    # interaction delivered again must not play the next round.
    from bot.app.league.runner import Runner
    from db.tables import AdminLogRow

    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    real = Runner.run_round
    played = asyncio.Event()
    hold = asyncio.Event()

    async def slow(self: Runner, season_id: str, *, due_only: bool = False) -> Any:
        report = await real(self, season_id, due_only=due_only)
        played.set()
        await hold.wait()
        return report

    monkeypatch.setattr(Runner, "run_round", slow)
    first = asyncio.create_task(
        advance_season(database, season, admin_id="42", clock=clock, command_id="discord:9")
    )
    await played.wait()
    monkeypatch.setattr(Runner, "run_round", real)
    again = await advance_season(
        database, season, admin_id="42", clock=clock, command_id="discord:9"
    )
    hold.set()
    report = await first

    assert report is not None and report.round_number == 1 and again is None
    async with database.read_sessions() as s:
        progress = await league_repo.get_progress(s, season)
        logged = (await s.execute(select(func.count()).select_from(AdminLogRow))).scalar_one()
    assert progress is not None and progress.next_round == 2  # one round, not two
    assert logged == 1
