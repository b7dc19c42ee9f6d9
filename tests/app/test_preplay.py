"""The simulate step plays a round's games before its transaction, outside the event log's
append lock that every other league's commands wait on (bench/scale.py --profile measured the
simulation as most of the time a round held it); under the lock it keeps those games only if
the inputs it reads there are the ones they were played from, and plays them again otherwise."""

from __future__ import annotations

import inspect
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.league import simulate
from bot.app.league.offline import JumpClock
from bot.app.league.runner import Runner
from bot.app.league.steps import StepContext, step_id
from db import league_repo as repo
from db.engine import Database
from db.tables import GameResultRow
from db.uow import run_command
from tests.app.league_kit import setup_short_league


async def _due(database: Database, clock: JumpClock) -> tuple[str, str]:
    setup = await setup_short_league(database, clock)
    async with database.read_sessions() as s:
        progress = await repo.get_progress(s, setup["season_id"])
    assert progress is not None and progress.next_due_at is not None
    clock.jump_to(progress.next_due_at + timedelta(seconds=1))
    return str(setup["league_id"]), str(setup["season_id"])


async def _scores(database: Database, season_id: str) -> list[tuple[int, int]]:
    async with database.read_sessions() as s:
        rows = await s.execute(
            select(GameResultRow.home_score, GameResultRow.away_score)
            .where(GameResultRow.season_id == season_id)
            .order_by(GameResultRow.matchup_index)
        )
    return [(int(a), int(b)) for a, b in rows.all()]


async def test_a_round_s_games_are_played_once_before_the_step_s_transaction(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = JumpClock()
    _, season = await _due(database, clock)
    callers: list[str] = []
    real = simulate.play_games

    def spy(*args: Any) -> Any:
        callers.append(inspect.stack()[1].function)
        return real(*args)

    monkeypatch.setattr(simulate, "play_games", spy)
    report = await Runner(database, clock=clock, instant=True).run_round(season)
    assert report is not None and report.outcomes["simulate"]["games"] == 2
    assert callers == ["preplay"]  # never again inside the transaction: the inputs stood


async def test_inputs_changed_after_the_games_were_played_ahead_play_them_again(
    database: Database,
) -> None:
    clock = JumpClock()
    league, season = await _due(database, clock)
    ctx = StepContext(season, league, 1, lambda _: None, None)
    ahead = await simulate.preplay(database, ctx)
    assert ahead is not None
    # As if a rule had passed between the games played ahead and the step's lock: what was
    # played ahead no longer matches what the step reads, so it is not what gets stored.
    stale_rules = ahead.inputs.rules.model_copy(update={"three_point_value": 9})
    stale_inputs = simulate.Inputs(
        ahead.inputs.planned,
        stale_rules,
        ahead.inputs.teams,
        ahead.inputs.strategies,
        ahead.inputs.effects,
    )
    stale = simulate.Preplay(stale_inputs, simulate.play_games(ctx, stale_inputs))
    stale_scores = [(r.home_score, r.away_score) for _, r in stale.played]
    ctx.preplayed = stale
    await run_command(
        database,
        lambda uow: simulate.simulate_round(uow, ctx),
        command_id=step_id(season, 1, "simulate"),
        request={"step": "simulate", "season_id": season, "round": 1},
        clock=clock,
    )
    stored = await _scores(database, season)
    assert stored == [(r.home_score, r.away_score) for _, r in ahead.played]
    assert stored != stale_scores


@pytest.mark.postgres
async def test_the_simulate_step_stores_its_games_while_another_command_holds_the_append_lock(
    pg_database: Database,
) -> None:
    """PostgreSQL: the step runs under its league's lock, not the event log's, so a long command
    of another league holding the append lock does not hold up this league's games (the govern
    step, which appends events, still waits for it)."""
    import asyncio

    from sqlalchemy import text

    database = pg_database
    clock = JumpClock()
    _, season = await _due(database, clock)
    reached: list[str] = []
    runner = Runner(database, clock=clock, instant=True, hook=reached.append)
    async with database.engine.connect() as other:
        await other.execute(
            text("SELECT last_sequence FROM event_log_head FOR UPDATE")  # every league's
        )
        playing = asyncio.create_task(runner.run_round(season))
        for _ in range(200):
            if "stored" in reached or playing.done():
                break
            await asyncio.sleep(0.05)
        assert "stored" in reached, "the simulate step waited for the append lock"
        assert "tallied" not in reached  # govern appends events: it waits for the lock
        await other.rollback()
    report = await asyncio.wait_for(playing, 30)
    assert report is not None and report.ran == ["simulate", "govern", "advance"]
    assert len(await _scores(database, season)) == 2
