"""Units of work: one transaction that locks the log, decides, appends and records the command.

`run_command` is how every state-changing command runs. It takes the append lock first, so the
handler's reads and the events it appends see one consistent state; a command id seen before
returns its stored outcome without running the handler again; a `DomainError` from the handler
rolls its writes back and is recorded as the command's (rejected) outcome, except a
`ConcurrencyError`, which is transient: nothing is recorded and a retry runs again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import errors
from bot.domain.events import NewEvent, StoredEvent
from db.engine import Database
from db.event_store import Clock, EventStore, request_hash, utc_now
from db.projections import ALL_BINDINGS, TableBinding
from db.tables import CommandLogRow


@dataclass
class UnitOfWork:
    """What a handler gets: the session (for reads and direct tables) and the event store."""

    session: AsyncSession
    store: EventStore
    command_id: str | None = None
    clock: Clock = utc_now
    appended: list[StoredEvent] = field(default_factory=list)

    async def append(self, events: Sequence[NewEvent]) -> list[StoredEvent]:
        stored = await self.store.append(events, command_id=self.command_id)
        self.appended.extend(stored)
        return stored


@dataclass(frozen=True)
class CommandResult:
    outcome: dict[str, Any]
    events: list[StoredEvent]
    replayed: bool  # True: the command id was seen before and nothing new was written


Handler = Callable[[UnitOfWork], Awaitable[Mapping[str, Any]]]


def _domain_error(name: str, message: str) -> errors.DomainError:
    cls = getattr(errors, name, errors.DomainError)
    if not (isinstance(cls, type) and issubclass(cls, errors.DomainError)):
        cls = errors.DomainError
    return cls(message)


async def recorded_outcome(db: Database, command_id: str) -> dict[str, Any] | None:
    """The outcome stored for `command_id`, None if it never ran (a plain read, no lock)."""
    async with db.read_sessions() as session:
        row = await session.get(CommandLogRow, command_id)
    return None if row is None else dict(row.outcome)


async def run_command(
    db: Database,
    handler: Handler,
    *,
    command_id: str | None,
    request: Mapping[str, Any],
    clock: Clock = utc_now,
    bindings: Sequence[TableBinding[Any, Any]] = ALL_BINDINGS,
    lock_log: bool = True,
) -> CommandResult:
    """Run `handler` once per `command_id`, atomically with the events it appends.

    `lock_log=False` is for a handler whose reads and writes a lock of the caller's already
    serialises (a round step under its league's lock, bot/app/league/runner.py): the command
    then does not take the event log's append lock up front, so it does not queue every other
    league's commands behind it. Any event it appends still takes that lock as it appends.
    """
    try:
        return await _run_command(
            db,
            handler,
            command_id=command_id,
            request=request,
            clock=clock,
            bindings=bindings,
            lock_log=lock_log,
        )
    except (SATimeoutError, DBAPIError) as err:
        # Raised before the commit, so the whole transaction rolled back: nothing of the
        # command (not even its command id) was written, and sending it again is safe.
        if is_busy(err):
            raise errors.BusyError() from err
        raise


# PostgreSQL's lock_not_available (a wait longer than lock_timeout).
_PG_LOCK_NOT_AVAILABLE = "55P03"


def is_busy(err: BaseException) -> bool:
    """A wait for the database that ran out: no pooled connection within the pool timeout,
    SQLite's write lock held past its busy timeout, or PostgreSQL's lock_timeout."""
    if isinstance(err, SATimeoutError):
        return True
    if not isinstance(err, DBAPIError):
        return False
    orig = err.orig
    if getattr(orig, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE:
        return True
    return isinstance(err, OperationalError) and "database is locked" in str(orig)


async def _run_command(
    db: Database,
    handler: Handler,
    *,
    command_id: str | None,
    request: Mapping[str, Any],
    clock: Clock,
    bindings: Sequence[TableBinding[Any, Any]],
    lock_log: bool,
) -> CommandResult:
    req_hash = request_hash(request)
    rejected: errors.DomainError | None = None
    async with db.sessions() as session, session.begin():
        store = EventStore(session, projections=bindings, clock=clock)
        if lock_log:
            await store.lock()
        if command_id is not None:
            prior = await store.recorded(command_id, req_hash, lock=lock_log)
            if prior is not None:
                if prior.outcome.get("status") == "rejected":
                    raise _domain_error(prior.outcome["error"], prior.outcome["message"])
                return CommandResult(prior.outcome, [], replayed=True)
        uow = UnitOfWork(session, store, command_id=command_id, clock=clock)
        try:
            async with session.begin_nested():
                # Emit the SAVEPOINT now: the session does so lazily, on its next connection
                # use, but the store runs its statements on the connection it already holds.
                await session.connection()
                outcome = dict(await handler(uow))
        except (errors.ConcurrencyError, errors.BusyError):
            # Transient ("try again"): not recorded, so a retry of the same command id runs
            # afresh instead of replaying a refusal forever. The transaction rolls back whole.
            raise
        except errors.DomainError as err:
            uow.appended.clear()
            rejected = err
            outcome = {"status": "rejected", "error": type(err).__name__, "message": str(err)}
        else:
            outcome.setdefault("status", "ok")
        if command_id is not None:
            await store.record_command(command_id, req_hash, outcome, uow.appended, lock=lock_log)
    if rejected is not None:
        raise rejected
    return CommandResult(outcome, uow.appended, replayed=False)
