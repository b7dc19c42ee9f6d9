"""The append-only governance event store: one log per league.

Every event belongs to a league (its season's), and its `sequence_number` is its place in that
league's log. Every append holds its league's `event_log_head` row from the append to its commit
(BEGIN IMMEDIATE on SQLite, which is every league's lock; a row lock on PostgreSQL), so each
league's sequence is dense (1..N) and commit-ordered: a reader that follows a league's log
`after=N` never misses an event that commits late. Appends of different leagues share no row.
Commands are idempotent through `command_log`, written in the same transaction as their events.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    Integer,
    String,
    Text,
    any_,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    or_,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.domain.errors import CommandConflictError, ConcurrencyError
from bot.domain.events import (
    EVENT_TYPES,
    FoldEvent,
    NewEvent,
    StoredEvent,
    payload_class,
    upcast,
)
from db.projections import (
    TableBinding,
    apply_inline,
    checkpoint_table,
    checkpoints_at,
    preload_params,
    preload_query,
    preloaded_state,
)
from db.tables import (
    CommandLogRow,
    DriverValue,
    EventLogHeadRow,
    GovernanceEventRow,
    SeasonRow,
    table_of,
)

Clock = Callable[[], datetime]
events_table = table_of(GovernanceEventRow)
command_table = table_of(CommandLogRow)
head_table = table_of(EventLogHeadRow)
seasons_table = table_of(SeasonRow)


def utc_now() -> datetime:
    return datetime.now(UTC)


def request_hash(request: Mapping[str, Any]) -> str:
    """A stable hash of a command's request (canonical JSON, SHA-256)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """What a command id produced the first time it ran."""

    command_id: str
    request_hash: str
    outcome: dict[str, Any]
    first_sequence: int | None
    last_sequence: int | None


class EventStore:
    """Appends and reads events within one session's transaction."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        projections: Sequence[TableBinding[Any, Any]] = (),
        clock: Clock = utc_now,
    ) -> None:
        self._session = session
        self._projections = projections
        self._clock = clock
        self._locked_all = False
        self._locked: set[str] = set()  # leagues whose head this transaction holds
        self._leagues: dict[str, str] = {}  # season -> league, as appends learn them
        self._checkpoint_names = [binding.name for binding in projections]
        self._connection: AsyncConnection | None = None

    @property
    def session(self) -> AsyncSession:
        return self._session

    async def _conn(self) -> AsyncConnection:
        # Core statements on the session's connection: the ORM execute path costs more per
        # statement than the statement itself, and appends run several.
        if self._connection is None:
            self._connection = await self._session.connection()
        return self._connection

    async def lock(self, league_id: str | None = None) -> None:
        """Take the append lock of `league_id`'s log (of every league's, with none) for the
        rest of the transaction.

        SQLite: the write transaction's BEGIN IMMEDIATE, emitted when the session first takes
        its connection, is every league's lock. PostgreSQL: a row lock on the league's head
        (READ COMMITTED); with no league, on every head, in one order.
        """
        if self._holds(league_id):
            return
        conn = await self._conn()
        if conn.dialect.name == "postgresql":
            if league_id is None:
                await conn.execute(_LOCK_ALL)
            else:
                await conn.execute(_LOCK, {"league": league_id})
        if league_id is None:
            self._locked_all = True
        else:
            self._locked.add(league_id)

    def _holds(self, league_id: str | None) -> bool:
        """This transaction holds `league_id`'s append lock (every league's, with none)."""
        return self._locked_all or (league_id is not None and league_id in self._locked)

    async def league_of(self, events: Sequence[NewEvent]) -> str:
        """The one league whose seasons `events` belong to (one append stays in one log)."""
        conn = await self._conn()
        missing = sorted({e.season_id for e in events} - self._leagues.keys())
        if missing:
            rows = await conn.execute(_SEASON_LEAGUES, {"seasons": missing})
            self._leagues.update({str(season): str(league) for season, league in rows})
        leagues = {self._leagues.get(e.season_id) for e in events}
        if len(leagues) != 1 or None in leagues:
            raise ValueError(f"one append's events must belong to one league's seasons: {leagues}")
        return str(leagues.pop())

    async def _reserve(self, count: int, league_id: str) -> tuple[int, int | None]:
        """Advance the league's head by `count`; return the first sequence number reserved
        and, on PostgreSQL, how many projection checkpoints the same statement moved."""
        conn = await self._conn()
        # SQLite: the transaction's BEGIN IMMEDIATE holds the lock. PostgreSQL: `append` took
        # the head's row lock before this statement.
        self._locked.add(league_id)
        params = {"count": count, "league": league_id}
        if conn.dialect.name == "postgresql":
            # One round trip also moves the projections' checkpoints to the new head.
            params["ck_names"] = self._checkpoint_names
            new_head, moved = (await conn.execute(_PG_RESERVE, params)).one()
            return int(new_head) - count + 1, int(moved)
        new_head = (await conn.execute(_RESERVE, params)).scalar_one()
        return int(new_head) - count + 1, None

    async def recorded(self, command_id: str, req_hash: str) -> CommandRecord | None:
        """The stored outcome of `command_id`, None if new; refuses a different request. The
        caller's lock serialises it with the command's other runs (db/uow.py)."""
        conn = await self._conn()
        row = (await conn.execute(_COMMAND_BY_ID, {"command_id": command_id})).one_or_none()
        if row is None:
            return None
        if row.request_hash != req_hash:
            raise CommandConflictError(
                "That request id was already used for a different request; nothing was done."
            )
        return CommandRecord(
            row.command_id, row.request_hash, row.outcome, row.first_sequence, row.last_sequence
        )

    async def record_command(
        self,
        command_id: str,
        req_hash: str,
        outcome: Mapping[str, Any],
        events: Sequence[StoredEvent] = (),
    ) -> None:
        await (await self._conn()).execute(
            _INSERT_COMMAND,
            {
                "command_id": command_id,
                "request_hash": req_hash,
                "outcome": dict(outcome),
                "first_sequence": events[0].sequence_number if events else None,
                "last_sequence": events[-1].sequence_number if events else None,
                "created_at": self._clock(),
            },
        )

    async def aggregate_version(self, aggregate_type: str, aggregate_id: str) -> int:
        versions = await self.aggregate_versions([(aggregate_type, aggregate_id)])
        return versions[(aggregate_type, aggregate_id)]

    async def aggregate_versions(
        self, aggregates: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        """Current version of each aggregate (0 when it has no events), in one query."""
        wanted = sorted(set(aggregates))
        versions = dict.fromkeys(wanted, 0)
        conn = await self._conn()
        for start in range(0, len(wanted), 500):  # bounded IN lists
            chunk = wanted[start : start + 500]
            for aggregate_type, aggregate_id, version in await conn.execute(
                _VERSIONS, {"aggregates": chunk}
            ):
                versions[(aggregate_type, aggregate_id)] = int(version)
        return versions

    async def append(
        self, events: Sequence[NewEvent], *, command_id: str | None = None
    ) -> list[StoredEvent]:
        """Append `events` atomically after checking their expected aggregate versions. A
        conflict raises `ConcurrencyError` before anything is written: no event, no head move,
        even for a caller that catches it and commits."""
        if not events:
            return []
        now = self._clock()
        conn = await self._conn()
        moved: int | None
        preloaded: dict[str, dict[Any, Any]] | None = None
        if len(events) == 1 and conn.dialect.name == "postgresql":
            one, moved, preloaded = await self._reserve_and_insert_one(
                conn, events[0], command_id, now
            )
            stored = [one]
        elif len(events) == 1:
            if events[0].expected_version is not None:
                await self._check_versions(events)
            stored, moved = [await self._insert_one(conn, events[0], command_id, now)], None
        else:
            league = await self.league_of(events)
            if conn.dialect.name == "postgresql":
                # The lock in a statement of its own: every statement after it reads all that
                # was committed before it got the lock. A statement that waited for the lock
                # itself would read versions and checkpoints from the snapshot it took before
                # the wait.
                await self.lock(league)
            versions = await self._check_versions(events)
            first, moved = await self._reserve(len(events), league)
            stored = await self._insert_batch(
                conn, events, versions, first, league, command_id, now
            )
        league_id = str(stored[0].league_id)
        advanced: set[str] | None = None
        if moved is not None:  # PostgreSQL moved the checkpoints while reserving
            names = self._checkpoint_names
            first_seq, last_seq = stored[0].sequence_number, stored[-1].sequence_number
            advanced = (
                set(names)
                if moved == len(names)
                else await checkpoints_at(conn, names, league_id, first_seq, last_seq)
            )
        await apply_inline(
            conn, self._projections, stored, league_id, advanced=advanced, preloaded=preloaded
        )
        return stored

    async def _reserve_and_insert_one(
        self, conn: AsyncConnection, new: NewEvent, command_id: str | None, now: datetime
    ) -> tuple[StoredEvent, int, dict[str, dict[Any, Any]]]:
        # PostgreSQL: find the league (the season's), reserve the sequence number in its log,
        # take the aggregate version, insert, move the checkpoints and read the projection rows
        # the event touches (its keys do not depend on the sequence number) in one statement:
        # a round trip is most of an append's cost. What it reads is only sound if nothing
        # committed between its snapshot and its lock on the league's head. Under `lock()`
        # that holds. Without it the statement is optimistic: it moves the head only if the
        # head row is still the version its snapshot saw (`xmin`; every writer of the
        # league's log, checkpoints or projections updates that row), and else writes nothing;
        # then it takes the lock and runs once more, now certainly fresh.
        draft = _stored(new, 0, 0, command_id, now)
        preload = tuple(b for b in self._projections if new.event_type in b.projection.event_types)
        values = {f"e_{k}": v for k, v in _row(draft).items() if k not in _ASSIGNED}
        values["v_type"], values["v_id"] = new.aggregate_type, new.aggregate_id
        values["ck_names"] = self._checkpoint_names
        values["v_expected"] = new.expected_version
        for binding in preload:
            values.update(preload_params(binding, binding.projection.keys(draft)))
        optimistic = not self._holds(self._leagues.get(new.season_id))
        row = (
            await conn.execute(_reserve_and_insert_statement(preload, optimistic), values)
        ).one_or_none()
        if row is None and optimistic:  # stale, or a version conflict: nothing was written
            await self.lock(await self.league_of([new]))
            row = (
                await conn.execute(_reserve_and_insert_statement(preload, False), values)
            ).one_or_none()
        if row is None:  # the statement's version condition failed: it wrote nothing
            raise ConcurrencyError(_CONFLICT)
        league, sequence, version, moved, *rows = row
        self._leagues[new.season_id] = league
        self._locked.add(league)  # the statement's UPDATE holds the head's row lock now
        states = {b.name: preloaded_state(b, r) for b, r in zip(preload, rows, strict=True)}
        stored = draft._replace(
            sequence_number=sequence, aggregate_version=version, league_id=league
        )
        return stored, int(moved), states

    async def _insert_one(
        self,
        conn: AsyncConnection,
        new: NewEvent,
        command_id: str | None,
        now: datetime,
    ) -> StoredEvent:
        # SQLite, under the write lock its BEGIN IMMEDIATE took: the league (the season's), the
        # sequence number (its head plus one) and the version are taken inside the INSERT, and
        # the insert trigger of migration 0011 moves the league's head: one statement. An
        # expected version was checked first.
        draft = _stored(new, 0, 0, command_id, now)
        values = _row(draft)
        for name in _ASSIGNED:
            del values[name]
        values["v_type"], values["v_id"] = new.aggregate_type, new.aggregate_id
        values["v_season"] = new.season_id
        league, sequence, version = (await conn.execute(_INSERT_ONE, values)).one()
        self._locked.add(league)
        return draft._replace(
            sequence_number=int(sequence), aggregate_version=int(version), league_id=league
        )

    async def _check_versions(self, events: Sequence[NewEvent]) -> dict[tuple[str, str], int]:
        """Each aggregate's version now, having checked every event's expectation in order."""
        versions = await self.aggregate_versions((e.aggregate_type, e.aggregate_id) for e in events)
        running = dict(versions)
        for new in events:
            aggregate = (new.aggregate_type, new.aggregate_id)
            _check_version(new, running[aggregate])
            running[aggregate] += 1
        return versions

    async def _insert_batch(
        self,
        conn: AsyncConnection,
        events: Sequence[NewEvent],
        versions: dict[tuple[str, str], int],
        first: int,
        league_id: str,
        command_id: str | None,
        now: datetime,
    ) -> list[StoredEvent]:
        versions = dict(versions)
        stored: list[StoredEvent] = []
        for offset, new in enumerate(events):
            aggregate = (new.aggregate_type, new.aggregate_id)
            versions[aggregate] += 1
            stored.append(
                _stored(new, first + offset, versions[aggregate], command_id, now, league_id)
            )
        await conn.execute(insert(events_table), [_row(e) for e in stored])
        return stored


# Statements are built once: constructing and cache-keying them per call costs SQLAlchemy more
# than running them.
_h = head_table.c
_LOCK = select(_h.last_sequence).where(_h.league_id == bindparam("league")).with_for_update()
_LOCK_ALL = select(_h.last_sequence).order_by(_h.league_id).with_for_update()
_TOUCH_ALL = update(head_table).values(last_sequence=_h.last_sequence)
_TOUCH = _TOUCH_ALL.where(_h.league_id == bindparam("league"))
_RESERVE = (
    update(head_table)
    .where(_h.league_id == bindparam("league"))
    .values(last_sequence=_h.last_sequence + bindparam("count"))
    .returning(_h.last_sequence)
)
_SEASON_LEAGUES = select(seasons_table.c.id, seasons_table.c.league_id).where(
    seasons_table.c.id.in_(bindparam("seasons", expanding=True))
)


def _league_of_season(param: str) -> Any:
    """The league of the season the parameter `param` names, as a scalar subquery."""
    return (
        select(seasons_table.c.league_id)
        .where(seasons_table.c.id == bindparam(param, type_=String))
        .scalar_subquery()
    )


_COMMAND_BY_ID = select(command_table).where(command_table.c.command_id == bindparam("command_id"))
_INSERT_COMMAND = insert(command_table)
_VERSIONS = (
    select(
        events_table.c.aggregate_type,
        events_table.c.aggregate_id,
        func.max(events_table.c.aggregate_version),
    )
    .where(
        tuple_(events_table.c.aggregate_type, events_table.c.aggregate_id).in_(
            bindparam("aggregates", expanding=True)
        )
    )
    .group_by(events_table.c.aggregate_type, events_table.c.aggregate_id)
)
_NEXT_VERSION = (
    select(func.coalesce(func.max(events_table.c.aggregate_version), 0) + 1)
    .where(
        events_table.c.aggregate_type == bindparam("v_type"),
        events_table.c.aggregate_id == bindparam("v_id"),
    )
    .scalar_subquery()
)
_NEXT_SEQUENCE = (
    select(_h.last_sequence + 1)
    .where(_h.league_id == _league_of_season("v_season"))
    .scalar_subquery()
)
_INSERT_ONE = (
    insert(events_table)
    .values(
        league_id=_league_of_season("v_season"),
        sequence_number=_NEXT_SEQUENCE,
        aggregate_version=_NEXT_VERSION,
    )
    .returning(
        events_table.c.league_id,
        events_table.c.sequence_number,
        events_table.c.aggregate_version,
    )
)


_ASSIGNED = ("league_id", "sequence_number", "aggregate_version")


def _reserved(count: Any, league: Any, *conditions: Any) -> Any:
    """CTE: advance `league`'s head by `count` (if `conditions` hold), returning the league
    and its new head."""
    return (
        update(head_table)
        .where(_h.league_id == league, *conditions)
        .values(last_sequence=_h.last_sequence + count)
        .returning(_h.league_id, _h.last_sequence)
        .cte("reserved")
    )


def _head_unchanged(league: Any) -> Any:
    """The league's head row being updated is the version this statement's snapshot saw. In
    a recheck after waiting for the row's lock, PostgreSQL compares the newest version with
    the value the subquery computed once from the snapshot."""
    seen = head_table.alias("seen")
    at_snapshot: Any = (
        select(literal_column("seen.xmin")).select_from(seen).where(seen.c.league_id == league)
    )
    return literal_column("event_log_head.xmin") == at_snapshot.scalar_subquery()


async def touch_head(db: AsyncSession | AsyncConnection, league_id: str | None = None) -> None:
    """Give `league_id`'s head row (every league's, with none) a new version without moving
    it, for writers of projections or checkpoints that append nothing (catch-up, rebuild): an
    optimistic append that read before them then sees that its snapshot is stale. Its UPDATE
    also takes the rows' append locks."""
    if league_id is None:
        await db.execute(_TOUCH_ALL)
    else:
        await db.execute(_TOUCH, {"league": league_id})


def _checkpoints_to(reserved: Any, count: Any) -> Any:
    """CTE (PostgreSQL): move to the reserved head those of the league's checkpoints named in
    `ck_names` that stood just before the reserved numbers (`db.projections`: a lagging one is
    never skipped forward), in the same transaction as the projections they describe."""
    ck = checkpoint_table.c
    return (
        update(checkpoint_table)
        .where(
            ck.name == any_(bindparam("ck_names", type_=ARRAY(String))),
            ck.league_id == reserved.c.league_id,
            ck.last_sequence == reserved.c.last_sequence - count,
        )
        .values(last_sequence=reserved.c.last_sequence)
        .returning(ck.name)
        .cte("checkpoints")
    )


def _moved(checkpoints: Any) -> Any:
    return select(func.count()).select_from(checkpoints).scalar_subquery()


def _pg_reserve_statement() -> Any:
    reserved = _reserved(bindparam("count"), bindparam("league", type_=String))
    return select(reserved.c.last_sequence, _moved(_checkpoints_to(reserved, bindparam("count"))))


_PG_RESERVE = _pg_reserve_statement()


@functools.cache
def _reserve_and_insert_statement(
    preload: tuple[TableBinding[Any, Any], ...], optimistic: bool
) -> Any:
    # The head moves only when the aggregate is at the expected version (its next version is
    # one more; or none is given); otherwise the statement writes nothing and returns no row.
    expected = bindparam("v_expected", type_=Integer)
    conditions = [or_(expected.is_(None), expected + 1 == _NEXT_VERSION)]
    league = _league_of_season("e_season_id")
    if optimistic:
        conditions.append(_head_unchanged(league))
    reserved = _reserved(literal_column("1"), league, *conditions)
    given = [c for c in events_table.columns if c.name not in _ASSIGNED]
    source = select(
        # Prefixed names: an unprefixed `id` would also bind to the head table's column.
        *(bindparam(f"e_{c.name}", type_=c.type) for c in given),
        reserved.c.league_id,
        reserved.c.last_sequence,
        _NEXT_VERSION,
    ).select_from(reserved)
    names = [c.name for c in given] + list(_ASSIGNED)
    appended = (
        insert(events_table)
        .from_select(names, source)
        .returning(
            events_table.c.league_id,
            events_table.c.sequence_number,
            events_table.c.aggregate_version,
        )
        .cte("appended")
    )
    checkpoints = _checkpoints_to(reserved, literal_column("1"))
    return select(
        appended.c.league_id,
        appended.c.sequence_number,
        appended.c.aggregate_version,
        _moved(checkpoints),
        *(preload_query(b) for b in preload),
    )


_CONFLICT = "Someone else changed this at the same moment; please try again."


def _check_version(new: NewEvent, current: int) -> None:
    if new.expected_version is not None and new.expected_version != current:
        raise ConcurrencyError(_CONFLICT)


def _stored(
    new: NewEvent,
    sequence: int,
    version: int,
    command_id: str | None,
    now: datetime,
    league_id: str | None = None,
) -> StoredEvent:
    payload_type = payload_class(new.event_type)
    return StoredEvent(
        id=str(uuid.uuid4()),
        sequence_number=sequence,
        event_type=new.event_type,
        aggregate_type=new.aggregate_type,
        aggregate_id=new.aggregate_id,
        aggregate_version=version,
        season_id=new.season_id,
        round_number=new.round_number,
        governance_window_id=new.governance_window_id,
        governor_id=new.governor_id,
        team_id=new.team_id,
        payload=new.payload.model_dump(mode="json"),
        schema_version=payload_type.schema_version,
        command_id=command_id,
        metadata=dict(new.metadata),
        created_at=now,
        league_id=league_id,
    )


def _row(event: StoredEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "league_id": event.league_id,
        "sequence_number": event.sequence_number,
        "event_type": event.event_type,
        "aggregate_type": event.aggregate_type,
        "aggregate_id": event.aggregate_id,
        "aggregate_version": event.aggregate_version,
        "season_id": event.season_id,
        "round_number": event.round_number,
        "governance_window_id": event.governance_window_id,
        "governor_id": event.governor_id,
        "team_id": event.team_id,
        "payload": event.payload,
        "schema_version": event.schema_version,
        "command_id": event.command_id,
        "metadata": event.metadata,
        "created_at": event.created_at,
    }


# --- Reads ----------------------------------------------------------------------------------------


# The read path decodes JSON and timestamps itself (orjson; fromisoformat), several times
# faster than the generic type processors.
_Raw = DriverValue()
_t = events_table.c
_COLUMNS = (
    _t.id,
    _t.sequence_number,
    _t.event_type,
    _t.aggregate_type,
    _t.aggregate_id,
    _t.aggregate_version,
    _t.season_id,
    _t.round_number,
    _t.governance_window_id,
    _t.governor_id,
    _t.team_id,
    type_coerce(_t.payload, _Raw),
    _t.schema_version,
    _t.command_id,
    type_coerce(_t.metadata, _Raw),
    type_coerce(_t.created_at, _Raw),
    _t.league_id,
)
_CURRENT_VERSIONS = {name: cls.schema_version for name, cls in EVENT_TYPES.items()}
# SQLite hands JSON back as text; asyncpg has already decoded JSONB with the engine's codec.


def _from_row(row: Any) -> StoredEvent:
    (eid, seq, kind, agg_type, agg_id, agg_version, season, rnd, window, gov, team, payload,
     version, command, meta, created, league) = row  # fmt: skip
    payload = orjson.loads(payload) if isinstance(payload, str | bytes) else payload
    meta = orjson.loads(meta) if isinstance(meta, str | bytes) else meta
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    current = _CURRENT_VERSIONS.get(kind) or payload_class(kind).schema_version
    if version < current:
        # The envelope describes the payload it carries: upcast, so now at the current version.
        payload, version = upcast(kind, version, payload), current
    return StoredEvent(
        eid, seq, kind, agg_type, agg_id, agg_version, season, rnd, window, gov, team, payload,
        version, command, meta or {}, created, league,
    )  # fmt: skip


# What a replay reads: the `Recorded` fields a fold may use, and the payload's version.
FOLD_COLUMNS = (
    _t.sequence_number,
    _t.event_type,
    _t.season_id,
    _t.round_number,
    # As text: on PostgreSQL the driver's JSONB decoder is a Python wrapper per value, and
    # orjson on the text in `fold_events` is faster (bench/event_store.py replay).
    type_coerce(cast(_t.payload, Text), _Raw),
    _t.schema_version,
    type_coerce(_t.created_at, _Raw),
)


def fold_events(rows: Iterable[Any]) -> list[FoldEvent]:
    """Rows of `FOLD_COLUMNS` as `FoldEvent`s (payload upcast to its current version). A loop
    of its own, not `_from_row` per row: replay runs it a million times."""
    loads, from_iso, current = orjson.loads, datetime.fromisoformat, _CURRENT_VERSIONS
    events: list[FoldEvent] = []
    add = events.append
    for seq, kind, season, rnd, payload, version, created in rows:
        if isinstance(payload, str | bytes):
            payload = loads(payload)
        if isinstance(created, str):
            created = from_iso(created)
        if version < (current.get(kind) or payload_class(kind).schema_version):
            payload = upcast(kind, version, payload)
        add(FoldEvent(seq, kind, season, rnd, payload, created))
    return events


Executor = AsyncSession | AsyncConnection
FOLD_PAGE = 20_000  # events per read when replaying or catching a projection up
_END_OF_LOG = 2**63 - 1
_FOLD_PAGE = (
    select(*FOLD_COLUMNS)
    .where(
        _t.league_id == bindparam("league"),
        _t.sequence_number > bindparam("after"),
        _t.sequence_number < bindparam("before"),
    )
    .order_by(_t.sequence_number)
    .limit(FOLD_PAGE)
)


async def fold_events_between(
    db: Executor, league_id: str, after: int, before: int | None = None
) -> list[FoldEvent]:
    """Up to a page of the league's events after `after` (and before `before`), in its log's
    order."""
    params = {
        "league": league_id,
        "after": after,
        "before": _END_OF_LOG if before is None else before,
    }
    return fold_events((await db.execute(_FOLD_PAGE, params)).all())


async def read_aggregate(db: Executor, aggregate_type: str, aggregate_id: str) -> list[StoredEvent]:
    query = (
        select(*_COLUMNS)
        .where(
            events_table.c.aggregate_type == aggregate_type,
            events_table.c.aggregate_id == aggregate_id,
        )
        .order_by(events_table.c.aggregate_version)
    )
    return [_from_row(r) for r in (await db.execute(query)).all()]


async def read_by_type(
    db: Executor, season_id: str, event_types: Iterable[str], *, after_sequence: int = 0
) -> list[StoredEvent]:
    query = (
        select(*_COLUMNS)
        .where(
            events_table.c.season_id == season_id,
            events_table.c.event_type.in_(list(event_types)),
            events_table.c.sequence_number > after_sequence,
        )
        .order_by(events_table.c.sequence_number)
    )
    return [_from_row(r) for r in (await db.execute(query)).all()]


async def read_from(
    db: Executor, after_sequence: int, limit: int = 1000, *, league_id: str | None = None
) -> list[StoredEvent]:
    """The league's events after `after_sequence` in its log's order: the catch-up read for
    tailing consumers. With no league, every league's events after that place in its own log,
    by place (one league's log, when the database holds one league)."""
    query = select(*_COLUMNS).where(events_table.c.sequence_number > after_sequence)
    if league_id is not None:
        query = query.where(events_table.c.league_id == league_id)
    order = (events_table.c.sequence_number, events_table.c.league_id)
    return [_from_row(r) for r in (await db.execute(query.order_by(*order).limit(limit))).all()]


async def head(db: Executor, league_id: str | None = None) -> int:
    """The last sequence number `league_id`'s log handed out; with no league, how many
    events every league's log holds (the one league's head, when there is one)."""
    if league_id is None:
        query = select(func.coalesce(func.sum(_h.last_sequence), 0))
    else:
        query = select(_h.last_sequence).where(_h.league_id == league_id)
    return int((await db.execute(query)).scalar() or 0)


async def heads(db: Executor) -> dict[str, int]:
    """Every league's log head, by league, in league order."""
    query = select(_h.league_id, _h.last_sequence).order_by(_h.league_id)
    return {str(league): int(last) for league, last in await db.execute(query)}
