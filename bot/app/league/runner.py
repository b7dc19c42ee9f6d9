"""The round runner: plays a season's due round as three idempotent steps, then drains the
outbox.

Each step runs in its own unit of work under a deterministic command id, so a round cut short
by a crash or a deploy resumes at the first step not yet recorded and nothing runs twice. On
PostgreSQL a league's background work also holds an advisory lock, so a second bot process
skips a league the first is already running (the command ids would stop it doubling anything;
the lock stops it wasting the work).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from bot.app.league.govern import govern_round
from bot.app.league.locks import advisory_lock
from bot.app.league.mirror_polish import polish_mirrors
from bot.app.league.mirrors import MirrorWriter
from bot.app.league.outbox import drain
from bot.app.league.phases import advance_round
from bot.app.league.simulate import simulate_round
from bot.app.league.steps import StepContext, step_id
from bot.app.ports import Poster
from bot.domain.errors import DomainError
from db import league_repo as repo
from db.engine import Database
from db.event_store import Clock, utc_now
from db.uow import UnitOfWork, run_command

logger = logging.getLogger(__name__)

Hook = Callable[[str], None]
STEPS = ("simulate", "govern", "advance")


def _no_hook(_: str) -> None:
    return None


@dataclass
class RoundReport:
    season_id: str
    round_number: int
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)  # steps this call executed (not replayed)
    posted: int = 0

    @property
    def phase(self) -> str | None:
        phase = self.outcomes.get("advance", {}).get("phase")
        return str(phase) if phase is not None else None


class Runner:
    """Runs due rounds for every league in one database."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = utc_now,
        poster: Poster | None = None,
        hook: Hook = _no_hook,
        writer: MirrorWriter | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.poster = poster
        self.hook = hook
        self.writer = writer

    async def due(self) -> list[repo.Progress]:
        now = self.clock()
        async with self.db.read_sessions() as s:
            found = await repo.active_progress(s)
        return [p for p in found if p.next_due_at is not None and p.next_due_at <= now]

    async def tick(self) -> list[RoundReport]:
        """Run one round of every season that is due; drain the outbox."""
        reports = []
        for p in await self.due():
            try:
                report = await self.run_round(p.season_id)
            except DomainError:
                # A step recorded as rejected: retrying cannot change it; an admin must look.
                logger.exception("season %s: a round step was rejected", p.season_id)
                continue
            except Exception:
                # One league's failure must not stop the others; its steps retry next tick.
                logger.exception("season %s: round failed; it resumes next tick", p.season_id)
                continue
            if report is not None:
                reports.append(report)
        return reports

    async def run_round(self, season_id: str) -> RoundReport | None:
        """Play the season's next round (due or not: manual cadence calls this directly).

        None when another process holds the league or the season is complete.
        """
        async with self.db.read_sessions() as s:
            progress = await repo.get_progress(s, season_id)
        if progress is None or progress.phase == "complete":
            return None
        async with self.league_lock(progress.league_id) as held:
            if not held:
                return None
            async with self.db.read_sessions() as s:
                progress = await repo.get_progress(s, season_id)
            if progress is None or progress.phase == "complete":
                return None
            report = RoundReport(season_id, progress.next_round)
            ctx = StepContext(
                season_id, progress.league_id, progress.next_round, self.hook, self.writer
            )
            for step, handler, after in (
                ("simulate", simulate_round, "stored"),
                ("govern", govern_round, "tallied"),
                ("advance", advance_round, "advanced"),
            ):
                await self._step(report, ctx, step, handler)
                self.hook(after)
            # Mirror polish (bot/app/league/mirror_polish.py): the steps have committed; an
            # optional LLM retells their mirrors before the drain. A no-op without an LLM.
            await polish_mirrors(self.db, progress.league_id, self.clock)
            if self.poster is not None:
                report.posted = await self.drain(progress.league_id)
            return report

    async def _step(
        self,
        report: RoundReport,
        ctx: StepContext,
        step: str,
        handler: Callable[[UnitOfWork, StepContext], Awaitable[dict[str, Any]]],
    ) -> None:
        command_id = step_id(ctx.season_id, ctx.round_number, step)
        result = await run_command(
            self.db,
            lambda uow: handler(uow, ctx),
            command_id=command_id,
            request={"step": step, "season_id": ctx.season_id, "round": ctx.round_number},
            clock=self.clock,
        )
        report.outcomes[step] = result.outcome
        if not result.replayed:
            report.ran.append(step)
            logger.debug("%s: %s", command_id, result.outcome)

    async def drain(self, league_id: str | None = None) -> int:
        """Post unsent outbox rows (one process at a time per league on PostgreSQL)."""
        if self.poster is None:
            return 0
        return await drain(
            self.db, self.poster, league_id=league_id, clock=self.clock, hook=self.hook
        )

    def league_lock(self, league_id: str) -> AbstractAsyncContextManager[bool]:
        """PostgreSQL: a session advisory lock on the league, held on its own connection (it
        dies with the process). SQLite: each step's BEGIN IMMEDIATE already serialises."""
        return advisory_lock(self.db, f"pinwheel-league:{league_id}")
