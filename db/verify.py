"""Replay the whole event log through the projection folds and compare with the tables.

Also checks the logs themselves: each league's sequence numbers dense from 1 to its head,
aggregate versions dense per aggregate, and every projection's checkpoint at each league's head.
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
    heads,
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
    head: int = 0  # the events the logs' heads count, over every league
    leagues: int = 0  # leagues with a log
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def _page(
    db: Executor, league_id: str, after: int, event_types: frozenset[str] | None
) -> list[StoredEvent]:
    query = select(*_COLUMNS).where(
        events_table.c.league_id == league_id, events_table.c.sequence_number > after
    )
    if event_types is not None:
        query = query.where(events_table.c.event_type.in_(sorted(event_types)))
    rows = (await db.execute(query.order_by(events_table.c.sequence_number).limit(PAGE))).all()
    return [_from_row(r) for r in rows]


async def _fold_page(
    db: Executor, league_id: str, after: int, event_types: frozenset[str] | None
) -> list[FoldEvent]:
    # every type: each event meets its folds
    return await fold_events_between(db, league_id, after)


E = TypeVar("E", StoredEvent, FoldEvent)


async def _pages(
    read: Callable[[Executor, str, int, frozenset[str] | None], Awaitable[list[E]]],
    db: Executor,
    league_id: str,
    after: int,
    event_types: frozenset[str] | None,
    prefetch: bool,
) -> AsyncIterator[list[E]]:
    pending = asyncio.ensure_future(read(db, league_id, after, event_types))
    try:
        while page := await pending:
            after = page[-1].sequence_number
            if prefetch:
                pending = asyncio.ensure_future(read(db, league_id, after, event_types))
                yield page
            else:
                yield page
                pending = asyncio.ensure_future(read(db, league_id, after, event_types))
    finally:
        if not pending.done():
            pending.cancel()


def iter_log(
    db: Executor,
    league_id: str,
    *,
    after: int = 0,
    event_types: frozenset[str] | None = None,
    prefetch: bool = False,
) -> AsyncIterator[list[StoredEvent]]:
    """The league's log in sequence order, a page at a time (keyset pagination).

    With `prefetch`, the next page is read while the caller works on the current one; only for
    callers that do not use `db` themselves while iterating.
    """
    return _pages(_page, db, league_id, after, event_types, prefetch)


async def replay(
    db: Executor, bindings: Sequence[TableBinding[Any, Any]] = ALL_BINDINGS
) -> tuple[int, dict[str, dict[Any, Any]]]:
    """Fold every league's log through every binding's projection; (events read, states by
    name). A league's events touch only its own rows, so the leagues' logs fold one after
    another.

    Reads only what folds may read (`FoldEvent`), the next page while folding this one."""
    states: dict[str, dict[Any, Any]] = {b.name: {} for b in bindings}
    # Event type -> the (fold, state) pairs that read it, so each event meets only its folds.
    routes: dict[str, list[tuple[Any, dict[Any, Any]]]] = {}
    for b in bindings:
        for kind in b.projection.event_types:
            routes.setdefault(kind, []).append((b.projection.apply, states[b.name]))
    count = 0
    with _collector_paused():
        for league_id in await heads(db):
            async for page in _pages(_fold_page, db, league_id, 0, None, prefetch=True):
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


async def _check_log(db: Executor, report: VerifyReport) -> dict[str, int]:
    """Each league's log against its head; the heads, by league."""
    t = events_table.c
    spans = {
        league: (count, lowest, highest)
        for league, count, lowest, highest in await db.execute(
            select(
                t.league_id, func.count(), func.min(t.sequence_number), func.max(t.sequence_number)
            ).group_by(t.league_id)
        )
    }
    league_heads = await heads(db)
    report.head, report.leagues = sum(league_heads.values()), len(league_heads)
    for league in sorted(spans.keys() | league_heads.keys()):
        count, lowest, highest = spans.get(league, (0, None, None))
        if count and (lowest != 1 or highest != count):
            report.problems.append(
                f"league {league}: sequence numbers not dense: "
                f"{count} events span {lowest}..{highest}"
            )
        if league not in league_heads:
            report.problems.append(f"league {league} has events but no event_log_head row")
        elif (highest or 0) != league_heads[league]:
            report.problems.append(
                f"league {league}: event_log_head is {league_heads[league]} "
                f"but the last event is {highest}"
            )
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
    return league_heads


async def verify(
    db: Executor, bindings: Sequence[TableBinding[Any, Any]] = ALL_BINDINGS
) -> VerifyReport:
    report = VerifyReport()
    league_heads = await _check_log(db, report)
    report.events, replayed = await replay(db, bindings)
    checkpoints = await _checkpoints(db)
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
        for league, league_head in league_heads.items():
            at = checkpoints.get((binding.name, league), 0)
            if league_head and at != league_head:
                report.problems.append(
                    f"{binding.name} checkpoint at {at}, log head at {league_head}"
                    + (f" in league {league}" if len(league_heads) > 1 else "")
                )
    report.problems += await check_current_rulesets(db)
    report.problems += await check_league(db)
    report.problems += await check_presentations(db)
    return report


async def rebuild(
    session: AsyncSession, bindings: Sequence[TableBinding[Any, Any]] = ALL_BINDINGS
) -> int:
    """Recompute every projection table from the logs (inside the caller's transaction),
    under every league's append lock."""
    await touch_head(session)  # its UPDATE also takes every league's append lock
    count, states = await replay(session, bindings)
    # Children emptied first and parents filled first, so foreign keys hold throughout.
    for binding in reversed(bindings):
        await replace_table(session, binding, {})
    for binding in bindings:
        await replace_table(session, binding, states[binding.name])
    await rebuild_current_rulesets(session)
    rows = [
        {"name": b.name, "league_id": league, "last_sequence": last}
        for b in bindings
        for league, last in (await heads(session)).items()
    ]
    if rows:
        await session.execute(upsert(session, checkpoint_table, ("name", "league_id")), rows)
    return count


async def catch_up(
    session: AsyncSession, bindings: Sequence[TableBinding[Any, Any]] = ALL_BINDINGS
) -> int:
    """Fold events a projection has not seen yet (one added by a new release, or one an older
    release's appends left behind), under every league's append lock so no append runs
    meanwhile."""
    await touch_head(session)  # its UPDATE also takes every league's append lock
    checkpoints = await _checkpoints(session)
    applied = 0
    for league_id, last in (await heads(session)).items():
        for binding in bindings:
            after = checkpoints.get((binding.name, league_id), 0)
            if after >= last:  # the usual case: read nothing for it
                continue
            async for page in iter_log(session, league_id, after=after):
                await apply_inline(session, [binding], page, league_id)
                applied += len(page)
    return applied


async def _checkpoints(db: Executor) -> dict[tuple[str, str], int]:
    """Every checkpoint, by projection and league."""
    ck = checkpoint_table.c
    rows = await db.execute(select(ck.name, ck.league_id, ck.last_sequence))
    return {(name, league): int(last) for name, league, last in rows}
