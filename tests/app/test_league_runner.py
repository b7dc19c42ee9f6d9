"""The round runner's timing and its dead ends: a round is never played early because another
runner just finished the one before; a cadence change reschedules the next round; a step
recorded as rejected pauses its season once instead of being retried for ever, and the
offline mode stops with a clear message (both engines)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app.governance.commands import ControlSeason, SetSetting
from bot.app.league.offline import JumpClock, SeasonStalledError, play
from bot.app.league.outbox import CollectingPoster
from bot.app.league.runner import Runner
from bot.app.ports import BuiltinInterpreter
from bot.app.service import Pinwheel
from bot.domain.errors import ConcurrencyError, ConflictError
from db import league_repo as repo
from db.engine import Database
from db.tables import GameResultRow
from db.verify import verify
from tests.app.league_kit import SHORT_RULES, setup_short_league

CADENCE = "schedule.round_interval_minutes"


async def _games(database: Database) -> int:
    async with database.read_sessions() as s:
        return int((await s.execute(select(func.count()).select_from(GameResultRow))).scalar_one())


async def _progress(database: Database, season: str) -> repo.Progress:
    async with database.read_sessions() as s:
        progress = await repo.get_progress(s, season)
    assert progress is not None
    return progress


async def test_a_round_another_runner_just_finished_does_not_make_the_next_one_play_early(
    database: Database,
) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    clock.jump_to((await _progress(database, season)).next_due_at or clock())
    slow, fast = (
        Runner(database, clock=clock, instant=True),
        Runner(database, clock=clock, instant=True),
    )
    stale = await slow.due()  # round 1 is due: the slow runner decides to play it...
    assert [p.season_id for p in stale] == [season]
    assert [r.round_number for r in await fast.tick()] == [1]  # ...but another plays it first

    async def decided_before(_: Runner | None = None) -> list[repo.Progress]:
        return stale

    slow.due = decided_before  # type: ignore[method-assign]
    assert await slow.tick() == []  # round 2 is not due for another interval
    assert await _games(database) == 2
    assert (await _progress(database, season)).next_round == 2
    # An admin's "advance" still plays the next round at once.
    forced = await slow.run_round(season)
    assert forced is not None and forced.round_number == 2


async def test_changing_the_cadence_reschedules_the_next_round(database: Database) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    league, season = setup["league_id"], setup["season_id"]
    app = Pinwheel(database, BuiltinInterpreter(), clock=clock)
    runner = Runner(database, clock=clock, instant=True)

    await app.handle(SetSetting(league, CADENCE, "0", "admin"), command_id="set:manual")
    assert (await _progress(database, season)).next_due_at is None
    clock.jump_to(clock() + timedelta(days=30))
    assert await runner.tick() == []  # manual: nothing plays by itself

    await app.handle(SetSetting(league, CADENCE, "15", "admin"), command_id="set:15")
    due = (await _progress(database, season)).next_due_at
    assert due == clock() + timedelta(minutes=15)
    clock.jump_to(due - timedelta(seconds=1))
    assert await runner.tick() == []
    clock.jump_to(due)
    assert [r.round_number for r in await runner.tick()] == [1]

    # Paused seasons keep no due time; resuming gives them one at the current cadence.
    await app.handle(ControlSeason(season, "pause", "admin"), command_id="pause")
    await app.handle(SetSetting(league, CADENCE, "30", "admin"), command_id="set:30")
    assert (await _progress(database, season)).next_due_at is None
    await app.handle(ControlSeason(season, "resume", "admin"), command_id="resume")
    assert (await _progress(database, season)).next_due_at == clock() + timedelta(minutes=30)


def _reject_round(monkeypatch: pytest.MonkeyPatch, round_number: int) -> None:
    from bot.app.league.simulate import simulate_round as real

    async def refusing(uow: Any, ctx: Any) -> dict[str, Any]:
        if ctx.round_number == round_number:
            raise ConflictError("the schedule for this round is inconsistent")
        return await real(uow, ctx)

    monkeypatch.setattr("bot.app.league.runner.simulate_round", refusing)


async def test_a_rejected_step_pauses_its_season_once_with_the_reason(
    database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    _reject_round(monkeypatch, 1)
    runner = Runner(database, clock=clock, instant=True)
    with caplog.at_level(logging.ERROR, logger="bot.app.league.runner"):
        for _ in range(5):
            clock.jump_to(clock() + timedelta(days=1))
            assert await runner.tick() == []
    stalled = [r for r in caplog.records if "stalled" in r.getMessage()]
    assert len(stalled) == 1 and f"round:{season}:1:simulate" in stalled[0].getMessage()
    assert (await _progress(database, season)).next_due_at is None
    assert await runner.due() == []
    async with database.read_sessions() as s:
        assert await repo.season_paused(s, season)
        reason = await repo.season_stalled(s, season)
    assert reason is not None and "inconsistent" in reason
    async with database.read_sessions() as s:
        report = await verify(s)
    assert any(f"season {season} is stalled" in p for p in report.problems)


async def test_a_step_that_keeps_losing_a_race_stalls_its_season_after_a_few_ticks(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.app.league.runner import MAX_RACES_LOST

    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]

    async def racing(uow: Any, ctx: Any) -> dict[str, Any]:
        raise ConcurrencyError("Someone else changed this at the same moment; please try again.")

    monkeypatch.setattr("bot.app.league.runner.simulate_round", racing)
    runner = Runner(database, clock=clock, instant=True)
    for tick in range(1, MAX_RACES_LOST + 2):
        clock.jump_to(clock() + timedelta(days=1))
        assert await runner.tick() == []
        async with database.read_sessions() as s:
            paused = await repo.season_paused(s, season)
        assert paused == (tick >= MAX_RACES_LOST), tick
    async with database.read_sessions() as s:
        reason = await repo.season_stalled(s, season)
    assert reason is not None and f"round:{season}:1:simulate" in reason


async def test_offline_play_stops_with_a_clear_message_when_a_step_is_rejected(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reject_round(monkeypatch, 2)
    with pytest.raises(SeasonStalledError, match=r"round:.*:2:simulate was rejected"):
        await play(
            database, seed="s", poster=CollectingPoster(), fast=True, governors=2, rules=SHORT_RULES
        )
    assert await _games(database) == 2


async def test_offline_manual_cadence_stops_with_a_clear_message_when_a_step_is_rejected(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reject_round(monkeypatch, 1)
    with pytest.raises(SeasonStalledError, match="inconsistent"):
        await play(
            database,
            seed="m",
            poster=CollectingPoster(),
            fast=False,
            governors=2,
            rules=SHORT_RULES,
            round_minutes=0,
        )
    assert await _games(database) == 0


async def test_a_busy_database_never_stalls_a_season_its_round_waits_for_the_next_tick(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.app.league.runner import MAX_RACES_LOST
    from bot.app.league.simulate import simulate_round as real
    from bot.domain.errors import BusyError

    busy_for = MAX_RACES_LOST + 2  # more ticks than a lost race is forgiven

    async def overloaded(uow: Any, ctx: Any) -> dict[str, Any]:
        nonlocal busy_for
        if busy_for > 0:
            busy_for -= 1
            raise BusyError()
        return await real(uow, ctx)

    monkeypatch.setattr("bot.app.league.runner.simulate_round", overloaded)
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    runner = Runner(database, clock=clock, instant=True)
    clock.jump_to((await _progress(database, season)).next_due_at or clock())
    for _ in range(MAX_RACES_LOST + 2):
        assert await runner.tick() == []
    async with database.read_sessions() as s:
        assert not await repo.season_paused(s, season)
    assert [r.round_number for r in await runner.tick()] == [1]
    assert await _games(database) == 2
