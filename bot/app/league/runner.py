"""The round runner: plays a season's due round as three idempotent steps, moves the rounds'
shows along (bot/app/league/presenter.py), then drains the outbox.

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
from bot.app.league.presenter import Owns, Presenter
from bot.app.league.simulate import preplay, simulate_round
from bot.app.league.steps import StepContext, step_id
from bot.app.ports import Poster
from bot.domain.errors import BusyError, ConcurrencyError, DomainError
from db import league_repo as repo
from db import presentation_repo as shows
from db.engine import Database
from db.event_store import Clock, utc_now
from db.uow import Scope, UnitOfWork, recorded_outcome, run_command

logger = logging.getLogger(__name__)

Hook = Callable[[str], None]
STEPS = ("simulate", "govern", "advance")


def _no_hook(_: str) -> None:
    return None


MAX_RACES_LOST = 3  # rounds in a row a step may lose to a version race before it stalls


class StepRejectedError(DomainError):
    """A round step whose command is recorded as rejected (replaying it rejects it again)."""

    def __init__(self, command_id: str, error: DomainError) -> None:
        super().__init__(str(error))
        self.command_id, self.error = command_id, error


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
        presenter: Presenter | None = None,
        instant: bool = False,
        owns: Owns | None = None,
    ) -> None:
        self.db = db
        # `owns`: the leagues whose background work is this process's (its leases,
        # bot/app/league/leases.py); None, every league (one process, the tests).
        self.owns = owns
        self.clock = clock
        self.poster = poster
        self.hook = hook
        self.writer = writer
        # `instant`: the final cards at once, no live frames (offline `--fast`, most tests).
        self.presenter = presenter or Presenter(db, clock=clock, instant=instant, owns=owns)
        self._races: dict[str, int] = {}  # season -> rounds in a row lost to a race

    async def due(self) -> list[repo.Progress]:
        """Seasons whose next round is due, unless their last round is still being shown."""
        now = self.clock()
        async with self.db.read_sessions() as s:
            found = await repo.active_progress(s)
            showing = {p.season_id for p in await shows.running(s)}
        return [
            p
            for p in found
            if p.next_due_at is not None
            and p.next_due_at <= now
            and p.season_id not in showing
            and (self.owns is None or self.owns(p.league_id))
        ]

    async def tick(self) -> list[RoundReport]:
        """Move the shows along, run one round of every season that is due, start their
        shows; with a poster, drain the outbox."""
        await self.presenter.advance()
        reports = await self._play_due()
        await self.presenter.advance()
        if self.poster is not None:
            await self.drain()
        return reports

    async def _play_due(self) -> list[RoundReport]:
        reports = []
        for p in await self.due():
            try:
                report = await self.play_round(p.season_id, due_only=True)
            except Exception:
                # One league's failure must not stop the others; its steps retry next tick.
                logger.exception(
                    "league %s season %s: round failed; it resumes next tick",
                    p.league_id,
                    p.season_id,
                )
                continue
            if report is not None:
                reports.append(report)
        return reports

    async def play_round(self, season_id: str, *, due_only: bool) -> RoundReport | None:
        """`run_round`, except that a step recorded as rejected stalls the season (see
        `stall`) instead of raising: the background loop and the offline mode call this."""
        try:
            report = await self.run_round(season_id, due_only=due_only)
        except StepRejectedError as err:
            if isinstance(err.error, BusyError):
                # The database was too busy to take the step (nothing was written): no
                # rejection, just a wait. The next tick tries again; the season never stalls.
                logger.warning("%s: the database is busy; retried next tick", err.command_id)
                return None
            if isinstance(err.error, ConcurrencyError):
                # Transient (another writer got there first): the next tick tries again. Steps
                # decide under the append lock, so one that loses every time is a bug: stall.
                lost = self._races[season_id] = self._races.get(season_id, 0) + 1
                if lost < MAX_RACES_LOST:
                    logger.warning("%s lost a race (%s); retried next tick", err.command_id, err)
                    return None
            self._races.pop(season_id, None)
            await self.stall(season_id, f"{err.command_id} was rejected: {err}")
            return None
        self._races.pop(season_id, None)
        return report

    async def stall(self, season_id: str, reason: str) -> None:
        """Pause a season whose round cannot go on (a step recorded as rejected replays the
        same rejection for ever), with the reason kept in its config and logged once. It is
        no longer due, so no loop retries it; `/admin season resume` makes it due again."""
        async with self.db.sessions() as s, s.begin():
            await repo.set_season_paused(s, season_id, True, stalled=reason)
            await repo.update_progress(s, season_id, {"next_due_at": None})
        logger.error(
            "season %s stalled and paused until an admin resumes it: %s", season_id, reason
        )

    async def run_round(self, season_id: str, *, due_only: bool = False) -> RoundReport | None:
        """Play the season's next round. `due_only` (the background loop): only if it is due
        now, decided again under the league lock, so a round another runner just finished
        does not make this one play the following round early. Without it (an admin's
        "advance", manual cadence) the round is played whenever asked.

        None when another process holds the league, the round is not due (`due_only`) or the
        season is complete. Raises `StepRejectedError` when a step is recorded as rejected.
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
            if due_only and (progress.next_due_at is None or progress.next_due_at > self.clock()):
                return None
            if due_only and await self._showing(season_id):
                return None  # the season's last round is still on screen
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
            await self.presenter.advance()  # the round's show starts
            if self.poster is not None:
                report.posted = await self.drain(progress.league_id)
            return report

    async def _showing(self, season_id: str) -> bool:
        async with self.db.read_sessions() as s:
            return any(p.season_id == season_id for p in await shows.running(s))

    async def _step(
        self,
        report: RoundReport,
        ctx: StepContext,
        step: str,
        handler: Callable[[UnitOfWork, StepContext], Awaitable[dict[str, Any]]],
    ) -> None:
        command_id = step_id(ctx.season_id, ctx.round_number, step)
        if step == "simulate" and await recorded_outcome(self.db, command_id) is None:
            # The games are played before the step's transaction, which stays short (the step
            # plays them again only if their inputs changed meanwhile).
            try:
                ctx.preplayed = await preplay(self.db, ctx)
            except Exception:
                logger.exception(
                    "%s: could not play the games ahead; the step plays them", command_id
                )
        try:
            result = await run_command(
                self.db,
                lambda uow: handler(uow, ctx),
                command_id=command_id,
                request={"step": step, "season_id": ctx.season_id, "round": ctx.round_number},
                clock=self.clock,
                # The simulate step appends no events and runs under this league's lock (held
                # by run_round): it need not hold the event log's append lock, which every
                # other league's commands would wait on while it stores its games.
                lock_log=step != "simulate",
                # The other steps decide under the league's write lock, beside other leagues.
                scope=Scope("season", ctx.season_id),
            )
        except DomainError as err:
            raise StepRejectedError(command_id, err) from err
        report.outcomes[step] = result.outcome
        if not result.replayed:
            report.ran.append(step)
            logger.debug("%s: %s", command_id, result.outcome)

    async def drain(self, league_id: str | None = None) -> int:
        """Post unsent outbox rows (one process at a time per league on PostgreSQL)."""
        if self.poster is None:
            return 0
        return await drain(
            self.db,
            self.poster,
            league_id=league_id,
            clock=self.clock,
            hook=self.hook,
            owns=self.owns,
        )

    def league_lock(self, league_id: str) -> AbstractAsyncContextManager[bool]:
        """PostgreSQL: a session advisory lock on the league, held on its own connection (it
        dies with the process). SQLite: each step's BEGIN IMMEDIATE already serialises."""
        return advisory_lock(self.db, f"pinwheel-league:{league_id}")
