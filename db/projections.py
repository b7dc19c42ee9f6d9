"""Projection tables: the pure folds of `bot.domain.projections` bound to SQL tables.

`apply_inline` runs inside the append transaction: it loads only the rows the new events touch,
folds the events, upserts the changed rows and moves each projection's checkpoint in the events'
league to its new head (every league has a log, and a checkpoint per projection, of its own).
A checkpoint only ever moves forward over events its projection folded: one that does not stand
just before the new events (a projection new in this release, or one an older release's appends
left behind) is lagging, and the append first folds the log's events it missed.
`rebuild` and `verify` replay the whole log through the same folds.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import (
    DateTime,
    String,
    Table,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.domain.events import Recorded
from bot.domain.projections import (
    BalanceKey,
    Effects,
    Enrollments,
    HooperBios,
    HooperMoves,
    HooperTrades,
    HooperTradeVotes,
    Projection,
    Proposals,
    Row,
    TeamStrategies,
    TokenBalances,
    TradeOffers,
    Votes,
    VoteTallies,
    Windows,
    as_utc,
)
from db.tables import (
    DriverValue,
    EffectRow,
    EnrollmentRow,
    GovernanceWindowRow,
    HooperBioRow,
    HooperMoveRow,
    HooperTradeRow,
    HooperTradeVoteRow,
    ProjectionCheckpointRow,
    ProposalRow,
    TeamStrategyRow,
    TokenBalanceRow,
    TradeOfferRow,
    VoteRow,
    VoteTallyRow,
    table_of,
)

logger = logging.getLogger(__name__)
K = TypeVar("K", bound=Hashable)
S = TypeVar("S")
Executor = AsyncSession | AsyncConnection
checkpoint_table = table_of(ProjectionCheckpointRow)


@dataclass(frozen=True)
class TableBinding(Generic[K, S]):
    """How one projection's state maps to rows of one table."""

    projection: Projection[K, S]
    table: Table
    key_columns: tuple[str, ...]
    to_values: Callable[[K, S], dict[str, Any]]
    from_row: Callable[[Any], tuple[K, S]]
    value_columns: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.projection.name

    def key_of(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(values[c] for c in self.key_columns)


def dialect_name(db: Executor) -> str:
    bind = db.get_bind() if isinstance(db, AsyncSession) else db
    return bind.dialect.name


# Statements are built once and reused: building and cache-keying an upsert or a tuple IN
# costs SQLAlchemy more than executing it (measured ~0.5 ms per call on SQLite).


@functools.cache
def _upsert_statement(dialect: str, table: Table, key_columns: tuple[str, ...]) -> Any:
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = make(table)
    updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in key_columns}
    return stmt.on_conflict_do_update(index_elements=list(key_columns), set_=updates)


def upsert(db: Executor, table: Table, key_columns: Sequence[str]) -> Any:
    return _upsert_statement(dialect_name(db), table, tuple(key_columns))


# Keys travel as one parameter, not an expanding IN (which SQLAlchemy re-renders on every call,
# and these run in every append): one array per key column on PostgreSQL, unnested in SQL; a
# JSON array of keys on SQLite.


def _keys_in(dialect: str, table: Table, key_columns: tuple[str, ...], prefix: str) -> Any:
    """The condition "the row's key is one of the keys given" (parameters: `_key_params`)."""
    cols = [table.c[c] for c in key_columns]
    target = tuple_(*cols) if len(cols) > 1 else cols[0]
    if dialect == "postgresql":
        arrays = [bindparam(f"{prefix}_{c.name}", type_=ARRAY(c.type)) for c in cols]
        given = func.unnest(*arrays).table_valued(*(c.name for c in cols)).render_derived()
        return target.in_(select(*(given.c[c.name] for c in cols)))
    each = func.json_each(bindparam(prefix, type_=String)).table_valued("value")
    parts = (
        [func.json_extract(each.c.value, f"$[{i}]") for i in range(len(cols))]
        if len(cols) > 1
        else [each.c.value]
    )
    return target.in_(select(*parts))


def _key_params(
    dialect: str, key_columns: tuple[str, ...], prefix: str, keys: Iterable[Any]
) -> dict[str, Any]:
    keys = list(keys)
    if dialect != "postgresql":
        return {prefix: orjson.dumps(keys).decode()}
    rows = keys if len(key_columns) > 1 else [(k,) for k in keys]
    return {f"{prefix}_{c}": [row[i] for row in rows] for i, c in enumerate(key_columns)}


@functools.cache
def _load_statement(dialect: str, table: Table, key_columns: tuple[str, ...]) -> Any:
    return select(table).where(_keys_in(dialect, table, key_columns, "keys"))


async def _load(db: Executor, binding: TableBinding[K, S], keys: Iterable[K]) -> dict[K, S]:
    keys = list(keys)
    if not keys:
        return {}
    dialect = dialect_name(db)
    query = _load_statement(dialect, binding.table, binding.key_columns)
    state: dict[K, S] = {}
    for start in range(0, len(keys), 500):  # bounded parameters
        chunk = keys[start : start + 500]
        params = _key_params(dialect, binding.key_columns, "keys", chunk)
        for row in (await db.execute(query, params)).all():
            key, value = binding.from_row(row)
            state[key] = value
    return state


@functools.cache
def preload_query(binding: TableBinding[Any, Any]) -> Any:
    """PostgreSQL: a scalar subquery giving, as one JSON array, the rows of `binding` whose keys
    are given (`preload_params`). The one-statement append carries it, so the rows a fold needs
    come back with the insert instead of in a round trip of their own."""
    table = binding.table
    wanted = _keys_in("postgresql", table, binding.key_columns, f"preload_{binding.name}")
    rows = (
        select(func.coalesce(func.json_agg(table.table_valued()), literal_column("'[]'::json")))
        .where(wanted)
        .scalar_subquery()
    )
    return type_coerce(rows, DriverValue())  # asyncpg has already decoded the json


def preload_params(binding: TableBinding[Any, Any], keys: Iterable[Any]) -> dict[str, Any]:
    """The parameters `preload_query(binding)` takes for `keys`."""
    return _key_params("postgresql", binding.key_columns, f"preload_{binding.name}", keys)


class _JsonRow:
    """A row decoded from JSON, shaped like a result row for `TableBinding.from_row`."""

    __slots__ = ("_mapping",)

    def __init__(self, mapping: dict[str, Any]) -> None:
        self._mapping = mapping


@functools.cache
def _datetime_columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if isinstance(c.type, DateTime))


def preloaded_state(binding: TableBinding[K, S], rows: Any) -> dict[K, S]:
    """The state `preload_query` returned, as `_load` would have read it."""
    if isinstance(rows, str | bytes):
        rows = orjson.loads(rows)
    instants = _datetime_columns(binding.table)
    state: dict[K, S] = {}
    for row in rows:
        for name in instants:
            if isinstance(row[name], str):
                row[name] = datetime.fromisoformat(row[name])
        key, value = binding.from_row(_JsonRow(row))
        state[key] = value
    return state


async def _write(db: Executor, binding: TableBinding[K, S], changed: Mapping[K, S]) -> None:
    if changed:
        rows = [binding.to_values(k, v) for k, v in changed.items()]
        # One row as one parameter set: the executemany path costs more per call.
        await db.execute(
            upsert(db, binding.table, binding.key_columns), rows[0] if len(rows) == 1 else rows
        )


@functools.cache
def _advance_statement(dialect: str) -> Any:
    # The names as one parameter (a JSON array on SQLite, an array on PostgreSQL), not an
    # expanding IN, which SQLAlchemy re-renders on every call: this runs in every append.
    if dialect == "postgresql":
        named = checkpoint_table.c.name == any_(bindparam("names", type_=ARRAY(String)))
    else:
        each = func.json_each(bindparam("names", type_=String)).table_valued("value")
        named = checkpoint_table.c.name.in_(select(each.c.value))
    return (
        update(checkpoint_table)
        .where(
            named,
            checkpoint_table.c.league_id == bindparam("league"),
            checkpoint_table.c.last_sequence == bindparam("before"),
        )
        .values(last_sequence=bindparam("last"))
        .returning(checkpoint_table.c.name)
    )


_AT = select(checkpoint_table.c.name).where(
    checkpoint_table.c.name.in_(bindparam("names", expanding=True)),
    checkpoint_table.c.league_id == bindparam("league"),
    checkpoint_table.c.last_sequence == bindparam("last"),
)


async def advance_checkpoints(
    db: Executor, names: Sequence[str], league_id: str, first: int, last: int
) -> set[str]:
    """Move to `last` the league's checkpoints that stand at `first - 1`; the names that
    moved."""
    dialect = dialect_name(db)
    given = list(names) if dialect == "postgresql" else orjson.dumps(list(names)).decode()
    params = {"names": given, "league": league_id, "before": first - 1, "last": last}
    moved = set((await db.execute(_advance_statement(dialect), params)).scalars())
    unmoved = [n for n in names if n not in moved]
    return moved | await _start_checkpoints(db, unmoved, league_id, first, last)


async def checkpoints_at(
    db: Executor, names: Sequence[str], league_id: str, first: int, last: int
) -> set[str]:
    """Which of `names` the append of `first..last` to the league's log moved (PostgreSQL
    moves them in its reserving statement and only counts them; this names them when the
    count falls short)."""
    params = {"names": list(names), "league": league_id, "last": last}
    at = set((await db.execute(_AT, params)).scalars())
    unmoved = [n for n in names if n not in at]
    return at | await _start_checkpoints(db, unmoved, league_id, first, last)


async def _start_checkpoints(
    db: Executor, names: Sequence[str], league_id: str, first: int, last: int
) -> set[str]:
    # No row: the projection has folded nothing of the league's log, so it may start only
    # with the log's first event.
    if not names or first != 1:
        return set()
    make = pg_insert if dialect_name(db) == "postgresql" else sqlite_insert
    # Every league's first append starts all its checkpoints: one multi-row statement.
    rows = [{"name": n, "league_id": league_id, "last_sequence": last} for n in names]
    stmt = (
        make(checkpoint_table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["name", "league_id"])
        .returning(checkpoint_table.c.name)
    )
    return set((await db.execute(stmt)).scalars())


async def apply_inline(
    db: Executor,
    bindings: Sequence[TableBinding[Any, Any]],
    events: Sequence[Recorded],
    league_id: str,
    *,
    advanced: set[str] | None = None,
    preloaded: Mapping[str, dict[Any, Any]] | None = None,
) -> None:
    """Fold freshly appended `events` (contiguous in `league_id`'s log, appended under its
    lock) into every bound table and move its checkpoint over them (`advanced`: the caller
    already moved the checkpoints that stood just before them, and these are their names;
    `preloaded`: the rows the events touch, by binding name, read by the same statement that
    moved them).

    A binding whose checkpoint stood further back is lagging: it is first caught up from the
    log (`_fold_gap`), so no append leaves it stale and none skips it forward."""
    if not events or not bindings:
        return
    names = [b.name for b in bindings]
    first, last = events[0].sequence_number, events[-1].sequence_number
    if advanced is None:
        advanced = await advance_checkpoints(db, names, league_id, first, last)
    for binding in bindings:
        lagging = binding.name not in advanced
        if lagging:
            await _fold_gap(db, binding, league_id, first)
            if not await advance_checkpoints(db, [binding.name], league_id, first, last):
                raise RuntimeError(f"projection {binding.name} did not catch up to {first - 1}")
        proj = binding.projection
        relevant = [e for e in events if e.event_type in proj.event_types]
        if not relevant:
            continue
        if preloaded is not None and binding.name in preloaded and not lagging:
            state = dict(preloaded[binding.name])
        else:
            state = await _load(db, binding, {k for e in relevant for k in proj.keys(e)})
        changed: dict[Any, Any] = {}
        for event in relevant:
            step = proj.apply(state, event)
            state.update(step)
            changed.update(step)
        await _write(db, binding, changed)


async def _fold_gap(
    db: Executor, binding: TableBinding[Any, Any], league_id: str, before: int
) -> None:
    """Fold into a lagging binding the league's logged events from its checkpoint up to
    `before`."""
    from db.event_store import fold_events_between  # event_store imports this module

    query = select(checkpoint_table.c.last_sequence).where(
        checkpoint_table.c.name == binding.name, checkpoint_table.c.league_id == league_id
    )
    at = int((await db.execute(query)).scalar() or 0)
    logger.warning(
        "projection %s was %s events behind league %s's log; folding them",
        binding.name,
        before - 1 - at,
        league_id,
    )
    while at < before - 1:
        page = await fold_events_between(db, league_id, at, before)
        await apply_inline(db, [binding], page, league_id)
        at = page[-1].sequence_number


async def table_state(db: Executor, binding: TableBinding[K, S]) -> dict[K, S]:
    state: dict[K, S] = {}
    for row in (await db.execute(select(binding.table))).all():
        key, value = binding.from_row(row)
        state[key] = value
    return state


async def replace_table(db: Executor, binding: TableBinding[K, S], state: Mapping[K, S]) -> None:
    """Overwrite a projection table with `state` (used by rebuild, in one transaction)."""
    await db.execute(delete(binding.table))
    if state:
        await db.execute(insert(binding.table), [binding.to_values(k, v) for k, v in state.items()])


# --- Bindings -------------------------------------------------------------------------------------

token_balances_table = table_of(TokenBalanceRow)


def _balance_values(key: BalanceKey, balance: int) -> dict[str, Any]:
    season_id, governor_id, token_type = key
    return {
        "season_id": season_id,
        "governor_id": governor_id,
        "token_type": token_type,
        "balance": balance,
    }


def _balance_from_row(row: Any) -> tuple[BalanceKey, int]:
    m = row._mapping
    return (m["season_id"], m["governor_id"], m["token_type"]), int(m["balance"])


TOKEN_BALANCES: TableBinding[BalanceKey, int] = TableBinding(
    projection=TokenBalances(),
    table=token_balances_table,
    key_columns=("season_id", "governor_id", "token_type"),
    to_values=_balance_values,
    from_row=_balance_from_row,
)


def row_binding(projection: Projection[Any, Row], table: Table) -> TableBinding[Any, Row]:
    """Bind a projection whose state values are the table's non-key columns."""
    keys = tuple(c.name for c in table.primary_key.columns)
    single = len(keys) == 1

    def to_values(key: Any, value: Row) -> dict[str, Any]:
        return {**dict(zip(keys, (key,) if single else key, strict=True)), **value}

    def from_row(row: Any) -> tuple[Any, Row]:
        m = row._mapping
        key = m[keys[0]] if single else tuple(m[c] for c in keys)
        # Instants compare as aware UTC whatever the engine hands back.
        value = {
            c: as_utc(v) if isinstance(v, datetime) else v for c, v in m.items() if c not in keys
        }
        return key, value

    return TableBinding(projection, table, keys, to_values, from_row)


ENROLLMENTS = row_binding(Enrollments(), table_of(EnrollmentRow))
GOVERNANCE_WINDOWS = row_binding(Windows(), table_of(GovernanceWindowRow))
PROPOSALS = row_binding(Proposals(), table_of(ProposalRow))
VOTES = row_binding(Votes(), table_of(VoteRow))
VOTE_TALLIES = row_binding(VoteTallies(), table_of(VoteTallyRow))

# Levers: trade offers, hooper trades, strategies, bios, effects.

TRADE_OFFERS = row_binding(TradeOffers(), table_of(TradeOfferRow))
HOOPER_TRADES = row_binding(HooperTrades(), table_of(HooperTradeRow))
HOOPER_TRADE_VOTES = row_binding(HooperTradeVotes(), table_of(HooperTradeVoteRow))
HOOPER_MOVES = row_binding(HooperMoves(), table_of(HooperMoveRow))
TEAM_STRATEGIES = row_binding(TeamStrategies(), table_of(TeamStrategyRow))
HOOPER_BIOS = row_binding(HooperBios(), table_of(HooperBioRow))
EFFECTS = row_binding(Effects(), table_of(EffectRow))

# Parents before children: votes and tallies reference proposals, hooper trade votes reference
# hooper trades (foreign keys).
ALL_BINDINGS: tuple[TableBinding[Any, Any], ...] = (
    TOKEN_BALANCES,
    ENROLLMENTS,
    GOVERNANCE_WINDOWS,
    PROPOSALS,
    VOTES,
    VOTE_TALLIES,
    TRADE_OFFERS,
    HOOPER_TRADES,
    HOOPER_TRADE_VOTES,
    HOOPER_MOVES,
    TEAM_STRATEGIES,
    HOOPER_BIOS,
    EFFECTS,
)
