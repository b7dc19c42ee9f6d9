"""Forecasts on the league's real teams, on both engines: a three-point rule moves threes and
points, a rule the engine ignores has no detectable effect, a forecast is computed once per
(league, change) and kept, a proposal's card shows it (and is revised when it lands), the
work happens in another process while the event loop goes on, and the CLI says the same."""

from __future__ import annotations

import asyncio
import io
import json
import os
import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app.governance.cards import card_key
from bot.app.governance.commands import ConfirmProposal, SubmitProposal
from bot.app.governance.forecast import Forecaster
from bot.app.league.offline import JumpClock
from bot.app.league.outbox import CollectingPoster, ConsolePoster, drain
from bot.app.ports import BuiltinInterpreter
from bot.app.service import Pinwheel
from bot.sim.forecast import forecast_json
from db import league_repo as repo
from db.engine import Database
from db.tables import ForecastRow
from tests.app.league_kit import SHORT_RULES, scripted, setup_short_league

GAMES = 120  # paired games per forecast in these tests (the real cards play 500)


class Counting(ThreadPoolExecutor):
    """Runs forecasts in a thread (quick to start in tests) and counts them."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


class Gated(Counting):
    """Holds every forecast until `release` is called: a forecast that takes its time."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        def held(*a: Any, **k: Any) -> Any:
            self.gate.wait(30)
            return fn(*a, **k)

        return super().submit(held, *args, **kwargs)


async def league(db: Database, clock: JumpClock) -> str:
    return str((await setup_short_league(db, clock))["season_id"])


def forecaster(db: Database, executor: Executor, clock: JumpClock) -> Forecaster:
    return Forecaster(db, clock=clock, games=GAMES, executor=executor)


async def test_threes_worth_more_are_forecast_to_bring_more_threes_and_more_points(
    database: Database,
) -> None:
    clock = JumpClock()
    season = await league(database, clock)
    f = forecaster(database, Counting(), clock)

    outlook = await f.outlook(season, {"three_point_value": 4}, wait=60)

    assert outlook.forecast is not None and outlook.forecast.detectable
    moved = {line.name: line for line in outlook.forecast.lines}
    assert moved["three_rate"].change > 0 and moved["points_per_team"].change > 0
    assert any(w.startswith("Points per team: ") for w in outlook.words())


async def test_a_rule_the_games_never_read_has_no_detectable_effect(database: Database) -> None:
    clock = JumpClock()
    season = await league(database, clock)
    f = forecaster(database, Counting(), clock)

    outlook = await f.outlook(season, {"teams_per_league": 6}, wait=60)

    assert outlook.forecast is not None and not outlook.forecast.detectable
    assert outlook.words() == [f"No detectable effect on the games ({GAMES} paired games)."]


async def test_a_forecast_is_computed_once_per_league_and_change_and_kept(
    database: Database,
) -> None:
    clock = JumpClock()
    season = await league(database, clock)
    pool = Counting()
    first = await forecaster(database, pool, clock).outlook(
        season, {"shot_clock_seconds": 14}, wait=60
    )
    again = forecaster(database, pool, clock)  # another process, the same database

    second = await again.outlook(season, {"shot_clock_seconds": 14}, wait=60)

    assert first.key == second.key and first.forecast == second.forecast
    assert pool.submitted == 1
    async with database.read_sessions() as s:
        rows = (await s.execute(select(func.count()).select_from(ForecastRow))).scalar_one()
    assert rows == 1


async def _proposal_with_a_slow_forecast(
    database: Database,
) -> tuple[Pinwheel, Gated, JumpClock, str, dict[str, Any]]:
    """A proposal confirmed while its forecast is held back (until `pool.gate` is set)."""
    clock = JumpClock()
    season = await league(database, clock)
    pool = Gated()
    app = Pinwheel(
        database, BuiltinInterpreter(), clock=clock, forecaster=forecaster(database, pool, clock)
    )
    governors = await scripted(database, clock, season, count=2)
    governor_id = sorted(governors.ids.values())[0]
    draft = await app.handle(
        SubmitProposal(season, governor_id, "make three pointers worth 4"), command_id="t:1"
    )
    out = await app.handle(ConfirmProposal(draft["draft_id"], governor_id), command_id="t:2")
    return app, pool, clock, season, out


async def test_a_proposal_card_shows_its_forecast_and_is_revised_when_it_lands(
    database: Database,
) -> None:
    app, pool, clock, season, out = await _proposal_with_a_slow_forecast(database)
    poster = CollectingPoster()
    async with database.read_sessions() as s:
        league_id = str((await repo.season(s, season)).league_id)  # type: ignore[union-attr]

    await drain(database, poster, league_id=league_id, clock=clock)
    pool.gate.set()
    assert app.forecaster is not None
    await app.forecaster.settle(60)
    await drain(database, poster, league_id=league_id, clock=clock)

    cards = [m[3] for m in poster.messages if m[0] == card_key(out["proposal_id"])]
    assert len(cards) == 2  # posted, then revised: never a second card
    first, second = (
        next(f for f in c["embed"]["fields"] if f["name"] == "Forecast") for c in cards
    )
    assert first["value"].startswith("Being worked out")
    assert "Share of shots from three" in second["value"] and "Points per team" in second["value"]


async def test_the_printed_card_offline_carries_the_forecast_once_it_lands(
    database: Database,
) -> None:
    app, pool, clock, season, _ = await _proposal_with_a_slow_forecast(database)
    printed = io.StringIO()
    poster = ConsolePoster(printed)  # the offline terminal's #governance
    async with database.read_sessions() as s:
        league_id = str((await repo.season(s, season)).league_id)  # type: ignore[union-attr]

    await drain(database, poster, league_id=league_id, clock=clock)
    before = printed.getvalue()
    pool.gate.set()
    assert app.forecaster is not None
    await app.forecaster.settle(60)
    await drain(database, poster, league_id=league_id, clock=clock)
    after = printed.getvalue()[len(before) :]

    landed = await app.forecaster.outlook(season, {"three_point_value": 4})
    assert landed.forecast is not None and landed.forecast.detectable
    said = [line.strip() for line in after.splitlines() if "Forecast:" in line]
    assert "Forecast: Being worked out" in before
    assert said == [f"Forecast: {w}" for w in landed.forecast.words()]  # the card's lines
    assert any(w.startswith("Forecast: Points per team: ") and " ± " in w for w in said)
    assert after.startswith("[#governance] Proposal by ")  # the card printed again, whole


async def test_the_forecast_runs_in_another_process_while_the_event_loop_goes_on(
    database: Database,
) -> None:
    clock = JumpClock()
    season = await league(database, clock)
    f = Forecaster(database, clock=clock, games=400)  # the real process pool
    try:
        await f.outlook(season, {"turnover_rate_modifier": 1.2}, wait=60)  # workers started
        ticks: list[float] = []
        loop = asyncio.get_running_loop()

        async def ticker() -> None:
            while True:
                ticks.append(loop.time())
                await asyncio.sleep(0.01)

        beat = asyncio.create_task(ticker())
        started = loop.time()
        outlook = await f.outlook(season, {"three_point_value": 5}, wait=60)
        took = loop.time() - started
        beat.cancel()
        pids = await asyncio.get_running_loop().run_in_executor(f._pool(), os.getpid)
    finally:
        await f.close()
    assert outlook.forecast is not None and pids != os.getpid()
    # While it ran the loop kept its beat: many ticks, none stalled for a good part of it.
    gaps = [b - a for a, b in pairwise(ticks)]
    assert len(ticks) >= 5 and max(gaps) < took / 2


async def test_pinwheel_whatif_league_gives_the_cards_forecast(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from bot.__main__ import main

    clock = JumpClock()
    season = await league(database, clock)
    outlook = await forecaster(database, Counting(), clock).outlook(
        season, {"three_point_value": 4}, wait=60
    )
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", db_url)
    argv = ["whatif", "--league", "--set", "three_point_value=4", "--games", str(GAMES), "--json"]

    assert await asyncio.to_thread(main, argv) == 0

    shown = json.loads(capsys.readouterr().out)
    assert shown["season_id"] == season and shown["key"] == outlook.key
    assert outlook.forecast is not None and shown["forecast"] == outlook.forecast.words()


async def test_pinwheel_whatif_season_forecasts_the_season_it_names(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from bot.__main__ import main

    clock = JumpClock()
    first = await league(database, clock)
    second = str((await setup_short_league(database, clock, guild="g2", seed="other"))["season_id"])
    async with database.read_sessions() as s:
        default = await repo.newest_running_season(s)
    named = first if default == second else second  # not the one --league alone would take
    outlook = await forecaster(database, Counting(), clock).outlook(
        named, {"three_point_value": 4}, wait=60
    )
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", db_url)
    argv = ["whatif", "--league", "--set", "three_point_value=4", "--games", str(GAMES)]

    assert await asyncio.to_thread(main, [*argv, "--season", named, "--json"]) == 0

    shown = json.loads(capsys.readouterr().out)
    assert shown["season_id"] == named and shown["key"] == outlook.key
    assert outlook.forecast is not None and shown["forecast"] == outlook.forecast.words()

    assert await asyncio.to_thread(main, [*argv, "--season", "no-such-season", "--json"]) != 0

    out, err = capsys.readouterr()
    assert out == "" and "no such season" in err and "--season" in err


def test_a_forecast_is_plain_data_in_and_out() -> None:
    from bot.domain.league_generator import generate_league
    from bot.domain.rules import DEFAULT_RULES

    teams = generate_league("x", 4)
    request = {
        "teams": [t.model_dump(mode="json") for t in teams],
        "current": DEFAULT_RULES.model_dump(mode="json"),
        "changed": DEFAULT_RULES.with_changes({"three_point_value": 4}).model_dump(mode="json"),
        "games": 60,
        "seed": "s",
    }
    assert forecast_json(request) == forecast_json(json.loads(json.dumps(request)))


async def test_the_governance_mirror_checks_last_windows_forecasts_against_the_games(
    database: Database,
) -> None:
    from bot.app.league.runner import Runner
    from db.tables import MirrorRow
    from tests.app.league_kit import play_to_the_end

    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    season = setup["season_id"]
    f = forecaster(database, Counting(), clock)
    app = Pinwheel(database, BuiltinInterpreter(), clock=clock, forecaster=f)
    governors = await scripted(database, clock, season)
    governors.app = app  # the scripted governors propose through the forecasting facade
    runner = Runner(database, clock=clock, instant=True)

    class Settled:
        async def act(self, season_id: str) -> int:
            done: int = await governors.act(season_id)
            await f.settle(60)
            return done

    await play_to_the_end(database, runner, clock, season, Settled())

    async with database.read_sessions() as s:
        contexts = (
            (
                await s.execute(
                    select(MirrorRow.context_snapshot).where(MirrorRow.mirror_type == "governance")
                )
            )
            .scalars()
            .all()
        )
    checked = [f for c in contexts for f in (c or {}).get("forecasts", [])]
    assert checked and all({"predicted", "actual", "games"} <= set(x) for x in checked)
    assert SHORT_RULES["rounds_per_window"] == 1  # a close every round: forecasts get checked


async def test_waiting_for_a_forecast_never_swallows_the_cancellation_that_stops_the_bot() -> None:
    # Ctrl-C cancels the main task. If that lands just as the awaited forecast ends, Python
    # 3.11's `wait_for(shield(task))` returned the forecast instead, and the bot played on.
    import asyncio

    from bot.app.governance.forecast import _within

    release = asyncio.Event()
    forecast = asyncio.create_task(release.wait())
    waiting = asyncio.create_task(_within(forecast, 60))
    await asyncio.sleep(0)  # waiting now waits on the forecast
    forecast.add_done_callback(lambda _: waiting.cancel())  # the same moment it ends
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert forecast.done() and not forecast.cancelled()
