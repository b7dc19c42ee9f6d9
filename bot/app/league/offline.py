"""Playing a league without Discord: scripted governors, the runner and a poster, in one loop.

`play` drives time itself when `fast` (a clock that jumps to the next due round) and otherwise
sleeps until the next round is due. Used by `pinwheel run` and `pinwheel demo`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.app.governance.forecast import Forecaster
from bot.app.heartbeat import beat
from bot.app.league.outbox import CollectingPoster
from bot.app.league.runner import Runner
from bot.app.league.scripted import ScriptedGovernors
from bot.app.league.setup import SetupLeague, StartNewSeason, run_new_season, run_setup
from bot.app.ports import Interpreter, Poster
from bot.app.service import Pinwheel
from bot.domain.settings import SETTINGS, SettingValue
from bot.sim.forecast import GAMES
from bot.wiring import logged_interpreter
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.engine import Database
from db.event_store import head
from db.tables import LeagueRow, MirrorRow

OFFLINE_GUILD = "offline"
PRESENT_POLL_SECONDS = 1.0  # between passes while a round is being shown
FAST_FORECAST_GAMES = 150  # paired games per forecast in --fast (500 otherwise)
FORECAST_WAIT_SECONDS = 30.0  # the most the offline loop waits for the governors' forecasts


class SeasonStalledError(RuntimeError):
    """The offline season is paused (a round step was rejected) and nobody can resume it."""


class JumpClock:
    """A clock that stands still until told to jump (the `--fast` mode's time)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def jump_to(self, when: datetime) -> None:
        self.now = max(self.now, when)


@dataclass(frozen=True)
class StartInfo:
    """What the offline league is about to do, for the banner `pinwheel run` prints."""

    league: str
    season: str
    next_round: int
    next_due_at: datetime | None
    round_minutes: int
    fast: bool


@dataclass
class SeasonSummary:
    season_id: str
    champion: str | None
    games: int
    rounds: int
    proposals: int
    passed: int
    events: int
    mirrors: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


async def ensure_league(
    db: Database, seed: str, clock: Callable[[], datetime], rules: dict[str, Any] | None = None
) -> tuple[str, str]:
    """The offline league and its latest season, set up on first run."""
    async with db.read_sessions() as s:
        league_id = await repo.league_for_guild(s, OFFLINE_GUILD)
    if league_id is None:
        out = await run_setup(
            db, SetupLeague(OFFLINE_GUILD, "Offline League", seed, rules or {}), clock=clock
        )
        return str(out["league_id"]), str(out["season_id"])
    async with db.read_sessions() as s:
        season = await repo.latest_season(s, league_id)
    assert season is not None
    return league_id, season.season_id


async def play(
    db: Database,
    *,
    seed: str,
    poster: Poster,
    fast: bool,
    governors: int = 6,
    rules: dict[str, Any] | None = None,
    seasons: int | None = 1,
    interpreter: Interpreter | None = None,
    round_minutes: int | None = None,
    announce: Callable[[StartInfo], None] | None = None,
    heartbeat: Path | None = None,
) -> list[SeasonSummary]:
    clock: Callable[[], datetime]
    jump = JumpClock() if fast else None
    clock = jump if jump is not None else (lambda: datetime.now(UTC))
    league_id, season_id = await ensure_league(db, seed, clock, rules)
    overlay = await offline_cadence(db, league_id, season_id, round_minutes, clock())
    if announce is not None:
        announce(await start_info(db, league_id, season_id, overlay, fast))
    with gov_repo.settings_overlay(league_id, overlay):
        return await _play(
            db,
            league_id,
            season_id,
            clock=clock,
            jump=jump,
            seed=seed,
            poster=poster,
            fast=fast,
            governors=governors,
            seasons=seasons,
            interpreter=interpreter,
            heartbeat=heartbeat,
        )


async def _play(
    db: Database,
    league_id: str,
    season_id: str,
    *,
    clock: Callable[[], datetime],
    jump: JumpClock | None,
    seed: str,
    poster: Poster,
    fast: bool,
    governors: int,
    seasons: int | None,
    interpreter: Interpreter | None,
    heartbeat: Path | None,
) -> list[SeasonSummary]:
    if interpreter is None:
        # The built-in parser behind the provider port, each call logged in `ai_calls`.
        interpreter = logged_interpreter(db, league_id, clock)
    # Forecasts on every proposal card, fewer paired games when the season is played fast.
    forecaster = Forecaster(db, clock=clock, games=FAST_FORECAST_GAMES if fast else GAMES)
    app = Pinwheel(db, interpreter, clock=clock, forecaster=forecaster)
    # --fast skips the shows' pacing: each game's final card, at once.
    runner = Runner(db, clock=clock, poster=poster, instant=fast)
    summaries: list[SeasonSummary] = []
    async with db.read_sessions() as s:
        progress = await repo.get_progress(s, season_id)
    if progress is not None and progress.phase == "complete":
        # A finished season from an earlier run: play the next one.
        out = await run_new_season(
            db,
            StartNewSeason(league_id),
            clock=clock,
            command_id=f"offline:new-season:{season_id}",
        )
        season_id = str(out["season_id"])
    try:
        while True:
            scripted = ScriptedGovernors(app, db, f"{seed}:{season_id}", governors)
            async with db.read_sessions() as s:
                team_ids = sorted(await repo.team_names(s, season_id))
            await scripted.join(season_id, team_ids)
            await runner.drain()
            while True:
                beat(heartbeat)  # the loop is alive and its last pass went through
                await scripted.act(season_id)
                await forecaster.settle(FORECAST_WAIT_SECONDS)  # the cards print with them
                async with db.read_sessions() as s:
                    progress = await repo.get_progress(s, season_id)
                    paused = await repo.season_paused(s, season_id)
                    stalled = await repo.season_stalled(s, season_id)
                if progress is None or progress.phase == "complete":
                    break
                if paused:
                    # Offline nobody can resume it: stop rather than wait or spin for ever.
                    raise SeasonStalledError(
                        f"Season {season_id} cannot go on: "
                        + (stalled or "it is paused")
                        + ". Nothing more will be played; see the log above."
                    )
                due = progress.next_due_at
                if jump is None and await runner.presenter.running():
                    # A round is being shown: its frames go out about every second.
                    await asyncio.sleep(PRESENT_POLL_SECONDS)
                    await runner.tick()
                elif due is None:  # manual cadence: offline nobody presses the button; play on
                    await runner.play_round(season_id, due_only=False)
                elif jump is not None:
                    jump.jump_to(due)
                    await runner.tick()
                else:
                    wait = (due - clock()).total_seconds()
                    if wait > 0:
                        await asyncio.sleep(min(wait, 30))
                    await runner.tick()
            summaries.append(await summarize(db, season_id))
            if seasons is not None and len(summaries) >= seasons:
                return summaries
            out = await run_new_season(
                db,
                StartNewSeason(league_id),
                clock=clock,
                command_id=f"offline:new-season:{season_id}",
            )
            season_id = str(out["season_id"])
            if jump is not None:
                jump.jump_to(clock() + timedelta(minutes=1))
    finally:
        await forecaster.close()


async def offline_cadence(
    db: Database, league_id: str, season_id: str, minutes: int | None, now: datetime
) -> dict[str, SettingValue]:
    """The settings the offline league runs with at `minutes` between rounds (None: its own
    stored cadence), held in this process only: nothing is stored over the league's settings.
    A proposal's voting period follows the cadence, so the scripted governors' first proposals
    are tallied at the first window whatever the cadence; the next round moves up to the
    cadence if sooner."""
    cadence = SETTINGS["schedule.round_interval_minutes"]
    voting = SETTINGS["governance.min_voting_period_seconds"]
    async with db.sessions() as s, s.begin():
        stored = await gov_repo.league_settings(s, league_id)
        if minutes is None:
            minutes = int(stored.number(cadence.key))
        minutes = int(cadence.parse(minutes))
        progress = await repo.get_progress(s, season_id)
        if progress is not None and progress.phase != "complete":
            due = None if minutes == 0 else now + timedelta(minutes=minutes)
            if due is None or progress.next_due_at is None or progress.next_due_at > due:
                await repo.update_progress(s, season_id, {"next_due_at": due})
    return {
        cadence.key: minutes,
        voting.key: int(min(stored.min_voting_period_seconds, minutes * 60)),
    }


async def start_info(
    db: Database, league_id: str, season_id: str, overlay: dict[str, SettingValue], fast: bool
) -> StartInfo:
    async with db.read_sessions() as s:
        league = await s.get(LeagueRow, league_id)
        season = await repo.season(s, season_id)
        progress = await repo.get_progress(s, season_id)
    return StartInfo(
        league=league.name if league else "Offline League",
        season=season.name if season else "the season",
        next_round=progress.next_round if progress else 1,
        next_due_at=progress.next_due_at if progress else None,
        round_minutes=int(overlay.get("schedule.round_interval_minutes", 0)),
        fast=fast,
    )


async def summarize(db: Database, season_id: str) -> SeasonSummary:
    async with db.read_sessions() as s:
        progress = await repo.get_progress(s, season_id)
        names = await repo.team_names(s, season_id)
        games = await repo.played_games(s, season_id)
        proposals = await gov_repo.season_proposals(s, season_id)
        mirrors = (
            await s.execute(
                select(func.count()).select_from(MirrorRow).where(MirrorRow.season_id == season_id)
            )
        ).scalar_one()
        events = await head(s)
    champion = progress.champion_team_id if progress else None
    return SeasonSummary(
        season_id=season_id,
        champion=names.get(champion) if champion else None,
        games=len(games),
        rounds=(progress.next_round - 1) if progress else 0,
        proposals=len(proposals),
        passed=sum(1 for p in proposals if p.status == "passed"),
        events=events,
        mirrors=int(mirrors),
    )


__all__ = [
    "CollectingPoster",
    "JumpClock",
    "SeasonStalledError",
    "SeasonSummary",
    "StartInfo",
    "ensure_league",
    "play",
    "summarize",
]
