"""An executed hooper trade reaches the games: the next round's box scores put each traded
hooper on their new team, in the role of the hooper they replaced."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.league.offline import JumpClock
from bot.app.league.runner import Runner
from bot.app.levers.commands import ProposeHooperTrade, VoteHooperTrade
from db import league_repo as repo
from db.engine import Database
from db.tables import BoxScoreRow
from tests.app.league_kit import scripted, setup_short_league


async def test_an_executed_hooper_trade_puts_both_hoopers_on_their_new_teams_next_round(
    database: Database,
) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    governors = await scripted(database, clock, season, count=4)  # one governor per team
    async with database.read_sessions() as s:
        teams = await repo.load_teams(s, season)
    first, second = sorted(teams)[:2]
    # Scripted governors join teams in order: the i-th governor governs the i-th team (sorted).
    team_ids = sorted(teams)
    by_team = {team_ids[i % len(team_ids)]: gov for i, gov in enumerate(governors.ids.values())}
    starter = next(h for h in teams[first].hoopers if h.starter)
    bench = next(h for h in teams[second].hoopers if not h.starter)
    out = await governors.app.handle(
        ProposeHooperTrade(season, by_team[first], starter.id, bench.id), command_id="t:propose"
    )
    voted = await governors.app.handle(
        VoteHooperTrade(out["trade_id"], by_team[second], approve=True), command_id="t:vote"
    )
    assert voted["outcome"] == "executed"

    await Runner(database, clock=clock, instant=True).run_round(season)
    async with database.read_sessions() as s:
        lines = {
            r.hooper_id: r.team_id
            for r in (await s.execute(select(BoxScoreRow.hooper_id, BoxScoreRow.team_id))).all()
        }
    assert lines[starter.id] == second
    assert lines[bench.id] == first
