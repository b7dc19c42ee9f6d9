"""Units of work: one transaction that locks, decides, appends and records the command.

`run_command` is how every state-changing command runs. It takes its lock first, so the
handler's reads and the events it appends see one consistent state; a command id seen before
returns its stored outcome without running the handler again; a `DomainError` from the handler
rolls its writes back and is recorded as the command's (rejected) outcome, except a
`ConcurrencyError`, which is transient: nothing is recorded and a retry runs again.

Which lock (PostgreSQL; on SQLite the one write transaction, BEGIN IMMEDIATE, is every lock):

- A command that names its league (`Scope`) decides under that league's write lock and the
  logs' lock shared, two transaction advisory locks. Commands of other leagues read, decide
  and append at the same time: each league has a log of its own, whose head row an append
  takes and holds to its commit (db/event_store.py), so they share no row.
- A command that names none takes the logs' lock exclusively, which waits for every scoped
  command in flight and holds off new ones: it decides alone, as every command did before
  leagues had locks of their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from sqlalchemy import String, bindparam, func, literal, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import errors
from bot.domain.events import NewEvent, StoredEvent
from db.engine import Database
from db.event_store import Clock, EventStore, request_hash, utc_now
from db.projections import ALL_BINDINGS, TableBinding
from db.tables import (
    CommandLogRow,
    GameResultRow,
    GovernorRow,
    HooperRow,
    HooperTradeRow,
    ProposalDraftRow,
    ProposalRow,
    SeasonRow,
    TeamRow,
    TradeOfferRow,
    table_of,
)


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


ScopeKind = Literal["league", "season", "governor", "proposal", "draft", "trade", "hooper_trade"]


@dataclass(frozen=True)
class Scope:
    """The one league whose state a command reads and writes, named by one of its ids: the
    league's own, or that of a season, a governor, a proposal, a draft, a trade offer or a
    hooper trade (each belongs to one league for good). Ids that name nothing share a lock of
    their own; the handler then refuses them."""

    kind: ScopeKind
    id: str


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
    scope: Scope | None = None,
) -> CommandResult:
    """Run `handler` once per `command_id`, atomically with the events it appends.

    `scope`: the league the handler's reads and writes stay within (see the module's note);
    a handler that reads or writes another league's state, or state of no league that another
    command decides on, must not name one.

    `lock_log=False` is for a handler whose reads and writes a lock of the caller's already
    serialises (a round step under its league's lock, bot/app/league/runner.py): the command
    then takes no advisory lock. Any event it appends still takes its league's head row as it
    appends.
    """
    options: dict[str, Any] = {
        "command_id": command_id,
        "request": request,
        "clock": clock,
        "bindings": bindings,
        "lock_log": lock_log,
        "scope": scope,
    }
    try:
        return await _run_command(db, handler, **options)
    except IntegrityError:
        if scope is None or command_id is None or await recorded_outcome(db, command_id) is None:
            raise
        # The same command id, sent at once under two scopes (another league's request, or an
        # id that named no row yet): they did not share a lock, and the command log's key
        # refused this one, which wrote nothing. Run once more: it now finds the first one's
        # record, so the same request gets that outcome and another is refused.
        return await run_command(db, handler, **options)
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


class _Rejected(Exception):
    """Raised out of a command's transaction to roll it back whole: the handler refused."""

    def __init__(self, error: errors.DomainError) -> None:
        super().__init__(str(error))
        self.error = error


async def _run_command(
    db: Database,
    handler: Handler,
    *,
    command_id: str | None,
    request: Mapping[str, Any],
    clock: Clock,
    bindings: Sequence[TableBinding[Any, Any]],
    lock_log: bool,
    scope: Scope | None,
) -> CommandResult:
    req_hash = request_hash(request)
    try:
        async with db.sessions() as session, session.begin():
            store = await _locked_store(session, bindings, clock, lock_log, scope, db.dialect)
            if command_id is not None:
                prior = await store.recorded(command_id, req_hash)
                if prior is not None:
                    return _replayed(prior.outcome)
            uow = UnitOfWork(session, store, command_id=command_id, clock=clock)
            try:
                outcome = dict(await handler(uow))
            except (errors.ConcurrencyError, errors.BusyError):
                # Transient ("try again"): not recorded, so a retry of the same command id
                # runs afresh instead of replaying a refusal forever.
                raise
            except errors.DomainError as err:
                raise _Rejected(err) from err  # out of the transaction: all of it rolls back
            outcome.setdefault("status", "ok")
            if command_id is not None:
                await store.record_command(command_id, req_hash, outcome, uow.appended)
        return CommandResult(outcome, uow.appended, replayed=False)
    except _Rejected as rejected:
        refusal = rejected.error
    # The refusal is recorded in a transaction of its own, under the same locks, so that the
    # commands that succeed (nearly all) need no savepoint around their handler: two round
    # trips fewer each. Should the same command id have been recorded in between (a
    # redelivery that ran meanwhile), that record is its one outcome.
    if command_id is not None:
        async with db.sessions() as session, session.begin():
            store = await _locked_store(session, bindings, clock, lock_log, scope, db.dialect)
            prior = await store.recorded(command_id, req_hash)
            if prior is not None:
                return _replayed(prior.outcome)
            outcome = {
                "status": "rejected",
                "error": type(refusal).__name__,
                "message": str(refusal),
            }
            await store.record_command(command_id, req_hash, outcome, [])
    raise refusal


async def _locked_store(
    session: AsyncSession,
    bindings: Sequence[TableBinding[Any, Any]],
    clock: Clock,
    lock_log: bool,
    scope: Scope | None,
    dialect: str,
) -> EventStore:
    """The transaction's event store, once the command's advisory locks are taken."""
    if lock_log and dialect == "postgresql":  # the advisory locks (module note)
        conn = await session.connection()
        if scope is None:
            await conn.execute(_LOG_LOCK_EXCLUSIVE)
        else:
            await conn.execute(_SCOPED_LOCK[scope.kind], {"scope_id": scope.id})
    return EventStore(session, projections=bindings, clock=clock)


def _replayed(outcome: Mapping[str, Any]) -> CommandResult:
    """A command id seen before: its stored outcome, raised again if it was a refusal."""
    if outcome.get("status") == "rejected":
        raise _domain_error(outcome["error"], outcome["message"])
    return CommandResult(dict(outcome), [], replayed=True)


# Transaction advisory locks (PostgreSQL), released by the commit or rollback. They are keyed
# by `hashtext` like the background work's session locks (bot/app/league/locks.py), under names
# of their own: a round's runner holds `pinwheel-league:<id>` while its steps take these.
_LOG_KEY = "pinwheel-log"
_LOG_LOCK_EXCLUSIVE = select(func.pg_advisory_xact_lock(func.hashtext(literal(_LOG_KEY))))


def _scoped_lock(league_id: Any) -> Any:
    """The log's lock shared, then the league's write lock (the select list is evaluated in
    order). A command waiting for its league's lock holds only the log's lock, shared; the one
    kind of command that waits for that, an unscoped one wanting it exclusively, holds nothing
    yet. So no two commands wait for each other."""
    name = func.concat(literal("pinwheel-write:"), func.coalesce(league_id, literal("")))
    return select(
        func.pg_advisory_xact_lock_shared(func.hashtext(literal(_LOG_KEY))),
        func.pg_advisory_xact_lock(func.hashtext(name)),
    )


_seasons = table_of(SeasonRow)
_scope_id: Any = bindparam("scope_id", type_=String)
# Rows that belong to one season for good, by the kind of id that names them: those commands
# are scoped by, and (SEASON_ROWS) those the public site is asked for by id.
SCOPE_ROWS: dict[str, tuple[type[Any], str]] = {
    "proposal": (ProposalRow, "proposal_id"),
    "draft": (ProposalDraftRow, "draft_id"),
    "trade": (TradeOfferRow, "trade_id"),
    "hooper_trade": (HooperTradeRow, "trade_id"),
}
SEASON_ROWS: dict[str, tuple[type[Any], str]] = {
    **SCOPE_ROWS,
    "team": (TeamRow, "id"),
    "hooper": (HooperRow, "id"),
    "game": (GameResultRow, "id"),
}


def _league_of(kind: str) -> Any:
    """The league an id of `kind` names (NULL if it names nothing), as a scalar subquery."""
    if kind == "league":
        return _scope_id
    if kind == "governor":  # a governor is one person's identity in one league
        governors = table_of(GovernorRow)
        return select(governors.c.league_id).where(governors.c.id == _scope_id).scalar_subquery()
    query = select(_seasons.c.league_id)
    if kind == "season":
        return query.where(_seasons.c.id == _scope_id).scalar_subquery()
    row, column = SEASON_ROWS[kind]
    table = table_of(row)
    return (
        query.join(table, table.c.season_id == _seasons.c.id)
        .where(table.c[column] == _scope_id)
        .scalar_subquery()
    )


# By kind: the league an id names (`scope_id`), as a scalar subquery.
LEAGUE_OF = {kind: _league_of(kind) for kind in (*get_args(ScopeKind), *SEASON_ROWS)}
_SCOPED_LOCK = {kind: _scoped_lock(LEAGUE_OF[kind]) for kind in get_args(ScopeKind)}
