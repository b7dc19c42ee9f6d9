"""Forecasts for proposals: `bot.sim.forecast` on the league's real teams, in worker processes.

A forecast is asked for when a proposal is drafted, confirmed or amended. It is computed from
the league as it stands (teams with their trades applied, strategies and effects for the next
round, the current rules) and the changed rules, in a process pool so the bot's event loop
never waits on it, and kept in the `forecasts` table by a digest of everything it was computed
from: the same (league, change) is never simulated twice, in this process or another. The
asker may wait a little for it; otherwise it arrives later, and every post that asked for it
(a proposal card) is revised so its next delivery shows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import multiprocessing
import signal
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from sqlalchemy import insert, select

from bot.domain.errors import RuleValidationError
from bot.domain.league import apply_rosters
from bot.sim.forecast import GAMES, Forecast, forecast_json
from db import governance_repo as gov_repo
from db import league_repo as repo
from db import levers_repo
from db.engine import Database
from db.event_store import Clock, utc_now
from db.league_repo import Executor as Session
from db.tables import ForecastRow, table_of

T = TypeVar("T")

logger = logging.getLogger(__name__)

forecasts = table_of(ForecastRow)
WORKERS = 2  # processes; a forecast takes one, so two can run at once on two cores
UNAVAILABLE = "No forecast is available for this league right now."


@dataclass(frozen=True, slots=True)
class Outlook:
    """Where a forecast stands: ready, on its way (`key` set, no forecast yet), or impossible
    (`note` says why: nothing changes, or the change cannot be played)."""

    key: str | None
    forecast: Forecast | None = None
    note: str = ""

    def words(self) -> list[str]:
        if self.forecast is not None:
            return self.forecast.words()
        if self.note:
            return [self.note]
        return ["Being worked out: this card is updated when it is ready."]


async def league_request(
    s: Session, season_id: str, changes: Mapping[str, object], games: int
) -> dict[str, Any] | str:
    """What to simulate for `changes` in this season now, or why it cannot be."""
    if not changes:
        return "Nothing in this proposal changes how games are played."
    rules = await gov_repo.current_rules(s, season_id)
    try:
        changed = rules.with_changes(dict(changes))
    except RuleValidationError as err:
        return f"It cannot be played as it stands: {err}"
    progress = await repo.get_progress(s, season_id)
    n = progress.next_round if progress is not None else 1
    teams = apply_rosters(
        await repo.load_teams(s, season_id), await levers_repo.rosters_for_round(s, season_id, n)
    )
    strategies = await levers_repo.strategies_for_round(s, teams, n)
    effects = await levers_repo.active_effects(s, season_id, n)
    return {
        "teams": [t.model_dump(mode="json") for t in teams.values()],
        "current": rules.model_dump(mode="json"),
        "changed": changed.model_dump(mode="json"),
        "strategies": {k: v.model_dump(mode="json") for k, v in sorted(strategies.items())},
        "effects": [e.model_dump(mode="json") for e in effects],
        "games": games,
        "seed": "forecast",
    }


def digest(request: Mapping[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(request, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def stored(s: Session, key: str) -> Forecast | None:
    found = (
        await s.execute(select(forecasts.c.result).where(forecasts.c.key == key))
    ).scalar_one_or_none()
    return Forecast.from_dict(found) if found is not None else None


def _ignore_interrupts() -> None:
    """In a forecast worker: Ctrl-C reaches the whole process group, and the bot process
    shuts the pool down itself; a worker stops quietly instead of printing a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Forecaster:
    """Runs forecasts off the event loop, one per (league, change), and revises the posts that
    wait for one when it lands."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = utc_now,
        games: int = GAMES,
        executor: Executor | None = None,
    ) -> None:
        self.db, self.clock, self.games = db, clock, games
        self._executor = executor
        self._owned = executor is None  # a pool this forecaster made is its to shut down
        self._running: dict[str, asyncio.Task[Forecast | None]] = {}
        self._waiting: dict[str, set[str]] = {}  # key -> outbox keys to revise when it lands

    def _pool(self) -> Executor:
        if self._executor is None:
            # Spawned, not forked: the bot process runs threads (database drivers, charts).
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(
                max_workers=WORKERS, mp_context=context, initializer=_ignore_interrupts
            )
        return self._executor

    async def outlook(
        self,
        season_id: str,
        changes: Mapping[str, object],
        *,
        wait: float = 0.0,
        posts: Iterable[str] = (),
    ) -> Outlook:
        """The forecast of `changes` for this season: at once if known, else started and
        awaited up to `wait` seconds; `posts` (outbox keys) are revised when it lands."""
        try:
            async with self.db.read_sessions() as s:
                request = await league_request(s, season_id, changes, self.games)
                if isinstance(request, str):
                    return Outlook(None, note=request)
                key = digest(request)
                found = await stored(s, key)
        except Exception:
            # A forecast is a courtesy: it never stops a proposal from being made.
            logger.exception("no forecast for season %s: the league could not be read", season_id)
            return Outlook(None, note=UNAVAILABLE)
        if found is not None:
            return Outlook(key, found)
        self._waiting.setdefault(key, set()).update(posts)
        task = self._running.get(key)
        if task is None:
            task = asyncio.create_task(self._compute(key, season_id, request))
            self._running[key] = task
        if wait > 0:
            with contextlib.suppress(TimeoutError):
                return Outlook(key, await _within(task, wait))
        return Outlook(key)

    async def wait(self, key: str, timeout: float) -> Forecast | None:
        """The forecast of `key` once it lands (None after `timeout` seconds or on failure)."""
        task = self._running.get(key)
        if task is None:
            async with self.db.read_sessions() as s:
                return await stored(s, key)
        with contextlib.suppress(TimeoutError):
            return await _within(task, timeout)
        return None

    async def _compute(self, key: str, season_id: str, request: dict[str, Any]) -> Forecast | None:
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self._pool(), forecast_json, request)
            async with self.db.sessions() as s, s.begin():
                if await stored(s, key) is None:  # another process may have stored it
                    await s.execute(
                        insert(forecasts).values(
                            key=key, season_id=season_id, result=result, created_at=self.clock()
                        )
                    )
                waiting = sorted(self._waiting.pop(key, set()))
                if waiting:
                    await repo.refresh(s, waiting)
            return Forecast.from_dict(result)
        except Exception:
            logger.exception("forecast %s for season %s failed", key[:12], season_id)
            return None
        finally:
            self._running.pop(key, None)

    def watch(self, key: str, posts: Iterable[str]) -> None:
        """Revise `posts` too when the forecast of `key` lands (nothing if it has)."""
        if key in self._running:
            self._waiting.setdefault(key, set()).update(posts)

    async def settle(self, timeout: float) -> None:
        """Wait (up to `timeout` seconds) for the forecasts under way."""
        running = list(self._running.values())
        if running:
            await asyncio.wait([asyncio.shield(t) for t in running], timeout=timeout)

    async def close(self) -> None:
        """Stop: running forecasts are abandoned (asked again when next wanted)."""
        for task in list(self._running.values()):
            task.cancel()
        for task in list(self._running.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._owned and self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


async def _within(task: asyncio.Task[T], timeout: float) -> T:
    """`task`'s result if it ends within `timeout` seconds (TimeoutError if not), leaving it
    running either way. Not `wait_for(shield(task))`: before Python 3.12, `wait_for` returns
    the result instead of raising when it is cancelled just as the task ends, and so can
    swallow the Ctrl-C that cancels the whole program."""
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        raise TimeoutError
    return task.result()
