"""Replay the whole event log through the projection folds and compare with the tables.

Also checks the log itself: sequence numbers dense from 1 to the head, aggregate versions dense
per aggregate, and every projection's checkpoint at the head.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.domain.events import FoldEvent, StoredEvent
from db.event_store import (
    _COLUMNS,
    _from_row,
    events_table,
    fold_events_between,
    head,
    touch_head,
)
from db.governance_repo import check_current_rulesets, rebuild_current_rulesets
from db.league_repo import check_league
from db.presentation_repo import check_presentations
from db.projections import (
    ALL_BINDINGS,
    TableBinding,
    apply_inline,
    checkpoint_table,
    replace_table,
    table_state,
    upsert,
)

Executor = AsyncSession | AsyncConnection
PAGE = 20_000  # events per read while replaying
MAX_REPORTED_PER_TABLE = 50  # differing rows listed per projection table


@dataclass
class VerifyReport:
    events: int = 0
    head: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def _page(db: Executor, after: int, event_types: frozenset[str] | None) -> list[StoredEvent]:
    query = select(*_COLUMNS).where(events_table.c.sequence_number > after)
    if event_types is not None:
        query = query.where(events_table.c.event_type.in_(sorted(event_types)))
    rows = (await db.execute(query.order_by(events_table.c.sequence_number).limit(PAGE))).all()
    return [_from_row(r) for r in rows]


async def _fold_page(
    db: Executor, after: int, event_types: frozenset[str] | None
) -> list[FoldEvent]:
    return await fold_events_between(db, after)  # every type: each event meets its folds


E = TypeVar("E", StoredEvent, FoldEvent)


async def _pages(
    read: Callable[[Executor, int, frozenset[str] | None], Awaitable[list[E]]],
    db: Executor,
    after: int,
    event_types: frozenset[str] | None,
    prefetch: bool,
) -> AsyncIterator[list[E]]:
    pending = asyncio.ensure_future(read(db, after, event_types))
    try:
        while page := await pending:
            after = page[-1].sequence_number
            if prefetch:
                pending = asyncio.ensure_future(read(db, after, event_types))
                yield page
            else:
                yield page
                pending = asyncio.ensure_future(read(db, after, event_types))
    finally:
        if not pending.done():
            pending.cancel()


def iter_log(
    db: Executor,
    *,
    after: int = 0,
    event_types: frozenset[str] | None = None,
    prefetch: bool = False,
) -> AsyncIterator[list[StoredEvent]]:
    """The log in sequence order, a page at a time (keyset pagination).

    With `prefetch`, the next page is read while the caller works on the current one; only for
    callers that do not use `db` themselves while iterating.
    """
    return _pages(_page, db, after, event_types, prefetch)


async def replay(
    db: Executor, bindings: Sequence[TableBinding[Any, Any]] = ALL_BINDINGS
) -> tuple[int, dict[str, dict[Any, Any]]]:
    """Fold the whole log through every binding's projection; (events read, states by name).

    Reads only what folds may read (`FoldEvent`), the next page while folding this one."""
    states: dict[str, dict[Any, Any]] = {b.name: {} for b in bindings}
    # Event type -> the (fold, state) pairs that read it, so each event meets only its folds.
    routes: dict[str, list[tuple[Any, dict[Any, Any]]]] = {}
    for b in bindings:
        for kind in b.projection.event_types:
            routes.setdefault(kind, []).append((b.projection.apply, states[b.name]))
    count = 0
    with _collector_paused():
        async for page in _pages(_fold_page, db, 0, None, prefetch=True):
            count += len(page)
            for event in page:
                for apply, state in routes.get(event.event_type, ()):
                    state.update(apply(state, event))
    return count, states


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a replay. Replay makes millions of short-lived,
    acyclic objects that reference counting frees; the collector's repeated scans of the pages
    in flight cost a third of the time (bench/event_store.py: 136k -> 203k events/s)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def _check_log(db: Executor, report: VerifyReport) -> None:
    t = events_table.c
    count, lowest, highest = (
        await db.execute(
            select(func.count(), func.min(t.sequence_number), func.max(t.sequence_number))
        )
    ).one()
    report.head = await head(db)
    if count and (lowest != 1 or highest != count):
        report.problems.append(
            f"sequence numbers not dense: {count} events span {lowest}..{highest}"
        )
    if (highest or 0) != report.head:
        report.problems.append(f"event_log_head is {report.head} but the last event is {highest}")
    gaps = (
        await db.execute(
            select(t.aggregate_type, t.aggregate_id)
            .group_by(t.aggregate_type, t.aggregate_id)
            .having(func.max(t.aggregate_version) != func.count())
            .limit(10)
        )
    ).all()
    for aggregate_type, aggregate_id in gaps:
        report.problems.append(f"aggregate {aggregate_type}:{aggregate_id} has version gaps")


async def verify(
    db: Executor, bindings: Sequence[TableBinding[Any, Any]] = ALL_BINDINGS
) -> VerifyReport:
    report = VerifyReport()
    await _check_log(db, report)
    report.events, replayed = await replay(db, bindings)
    checkpoints = {r[0]: r[1] for r in (await db.execute(select(checkpoint_table))).all()}
    for binding in bindings:
        actual = await table_state(db, binding)
        expected = replayed[binding.name]
        differing = [k for k in set(actual) | set(expected) if actual.get(k) != expected.get(k)]
        # Every key is compared; only the report is capped, so a huge mismatch stays readable.
        for key in sorted(differing, key=repr)[:MAX_REPORTED_PER_TABLE]:
            report.problems.append(
                f"{binding.name}{list(key) if isinstance(key, tuple) else [key]}: "
                f"table has {actual.get(key)!r}, replay gives {expected.get(key)!r}"
            )
        if len(differing) > MAX_REPORTED_PER_TABLE:
            report.problems.append(
                f"{binding.name}: {len(differing) - MAX_REPORTED_PER_TABLE} more rows differ"
            )
        at = checkpoints.get(binding.name, 0)
        if report.head and at != report.head:
            report.problems.append(f"{binding.name} checkpoint at {at}, log head at {report.head}")
    report.problems += await check_current_rulesets(db)
    report.problems += await check_league(db)
    report.problems += await check_presentations(db)
    return report


async def rebuild(
    session: AsyncSession, bindings: Sequence[TableBinding[Any, Any]] = ALL_BINDINGS
) -> int:
    """Recompute every projection table from the log (inside the caller's transaction),
    under the append lock."""
    await touch_head(session)  # its UPDATE also takes the append lock
    count, states = await replay(session, bindings)
    # Children emptied first and parents filled first, so foreign keys hold throughout.
    for binding in reversed(bindings):
        await replace_table(session, binding, {})
    for binding in bindings:
        await replace_table(session, binding, states[binding.name])
    await rebuild_current_rulesets(session)
    last = await head(session)
    rows = [{"name": b.name, "last_sequence": last} for b in bindings]
    await session.execute(upsert(session, checkpoint_table, ("name",)), rows)
    return count


async def catch_up(
    session: AsyncSession, bindings: Sequence[TableBinding[Any, Any]] = ALL_BINDINGS
) -> int:
    """Fold events a projection has not seen yet (one added by a new release, or one an older
    release's appends left behind), under the append lock so no append runs meanwhile."""
    await touch_head(session)  # its UPDATE also takes the append lock
    checkpoints = {r[0]: r[1] for r in (await session.execute(select(checkpoint_table))).all()}
    applied = 0
    for binding in bindings:
        async for page in iter_log(session, after=checkpoints.get(binding.name, 0)):
            await apply_inline(session, [binding], page)
            applied += len(page)
    return applied
