"""Polishing mirrors with an optional LLM writer, after the round's steps have committed.

The steps write every mirror with the deterministic built-in writer, in the transaction that
holds the event log's append lock; no model is ever asked there. This pass runs afterwards,
before the outbox is drained. For each of a league's mirrors the built-in writer wrote whose
outbox row has never been handed to a poster, and that no polish has looked at yet:

1. the LLM writer is asked, with no transaction open (it may take seconds);
2. one short transaction records the call in `ai_calls` under an id derived from the mirror's
   key (the mark that makes the pass idempotent: a mirror is looked at once, accepted or not)
   and, only when the answer was accepted and the row is still unsent, replaces the outbox
   row's text and the mirror's content.

The built-in text stays on record in the call's prompt. A refusal, a failure or a crash at any
point leaves the built-in text to be posted. With no LLM writer installed the pass does nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.ai.calls import AICallLog, AICallRecord, InMemoryAICallLog, elapsed_ms
from bot.ai.mirror_writer import purpose
from bot.ai.provider import ProviderError
from db.ai_call_log import call_row
from db.engine import Database
from db.event_store import Clock, utc_now
from db.league_repo import Executor, stable_id
from db.tables import AICallRow, MirrorRow, OutboxRow, table_of

logger = logging.getLogger(__name__)

ai_calls, mirrors, outbox = table_of(AICallRow), table_of(MirrorRow), table_of(OutboxRow)

Monotonic = Callable[[], float]  # seconds

DEFAULT_BUDGET_S = 60.0  # a pass starts no new call after this many seconds; the rest stay plain
DEFAULT_CONCURRENCY = 4  # calls in flight at once
_BATCH = 200  # outbox rows looked at per pass


class PolishWriter(Protocol):
    """What the pass needs from an LLM mirror writer (`bot.ai.mirror_writer.LLMMirrorWriter`)."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    async def write(
        self,
        mirror_type: str,
        context: Mapping[str, Any],
        draft: str,
        *,
        log: AICallLog | None = None,
    ) -> str: ...


@dataclass(frozen=True, slots=True)
class Candidate:
    outbox_id: int
    key: str
    payload: dict[str, Any]
    mirror_id: str
    mirror_type: str
    draft: str
    context: dict[str, Any]


def mark_id(key: str) -> str:
    """The `ai_calls` id of the polish of the mirror queued under `key`."""
    return stable_id("ai_call", key, "polish")


class MirrorPolisher:
    """Retells a league's waiting built-in mirrors through an LLM writer."""

    def __init__(
        self,
        db: Database,
        writer: PolishWriter,
        *,
        budget_s: float = DEFAULT_BUDGET_S,
        concurrency: int = DEFAULT_CONCURRENCY,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self.db = db
        self.writer = writer
        self.budget_s = budget_s
        self.concurrency = concurrency
        self._monotonic = monotonic

    async def polish(self, league_id: str, clock: Clock = utc_now) -> int:
        """Look at every waiting mirror of the league once; return how many were replaced."""
        async with self.db.read_sessions() as s:
            found = await candidates(s, league_id)
        if not found:
            return 0
        deadline = self._monotonic() + self.budget_s
        gate = asyncio.Semaphore(self.concurrency)

        async def one(c: Candidate) -> bool:
            async with gate:
                if self._monotonic() > deadline:
                    return False  # out of time: this mirror goes out as the built-in wrote it
                return await self._polish_one(league_id, c, clock)

        done = await asyncio.gather(*(one(c) for c in found), return_exceptions=True)
        for c, result in zip(found, done, strict=True):
            if isinstance(result, BaseException):
                # The built-in text stands; the other mirrors were polished (or not) regardless.
                logger.error("polishing %s failed", c.key, exc_info=result)
        return sum(result is True for result in done)

    async def _polish_one(self, league_id: str, c: Candidate, clock: Clock) -> bool:
        log = InMemoryAICallLog()
        start = self._monotonic()
        text: str | None = None
        try:
            text = await self.writer.write(c.mirror_type, c.context, c.draft, log=log)
        except ProviderError as exc:
            logger.info("mirror %s keeps its built-in text: %s", c.key, exc)
        except Exception as exc:  # a bug in the writer must not cost the round its mirror
            logger.exception("mirror writer raised on %s; the built-in text stands", c.key)
            log.calls.append(self._own_record(c, start, f"unexpected error: {exc!r}"))
        if not log.calls:  # a writer that recorded nothing still leaves its mark
            error = None if text is not None else "the writer recorded no call"
            log.calls.append(self._own_record(c, start, error))
        try:
            async with self.db.sessions() as s, s.begin():
                return await apply(s, league_id, c, text, log.calls, clock())
        except IntegrityError:
            logger.info("mirror %s was polished by another process", c.key)
            return False

    def _own_record(self, c: Candidate, start: float, error: str | None) -> AICallRecord:
        """A record the writer could not make itself (ok only when there is no error)."""
        return AICallRecord(
            purpose=purpose(c.mirror_type),
            provider=self.writer.name,
            model=self.writer.model,
            prompt=c.draft,
            response="",
            latency_ms=elapsed_ms(start, self._monotonic()),
            ok=error is None,
            error=error,
        )


async def candidates(db: Executor, league_id: str, limit: int = _BATCH) -> list[Candidate]:
    """The league's mirrors queued but never handed to a poster, written by the built-in
    writer, not yet looked at by a polish."""
    query = (
        select(outbox.c.id, outbox.c.key, outbox.c.payload)
        .where(outbox.c.league_id == league_id, outbox.c.kind.like("mirror.%"), *_waiting())
        .order_by(outbox.c.id)
        .limit(limit)
    )
    rows = (await db.execute(query)).all()
    if not rows:
        return []
    keys = [r.key for r in rows]
    by_id = {
        m.id: m
        for m in await db.execute(
            select(mirrors).where(mirrors.c.id.in_([stable_id("mirror", k) for k in keys]))
        )
    }
    calls = {
        c.id: c.provider
        for c in await db.execute(
            select(ai_calls.c.id, ai_calls.c.provider).where(
                ai_calls.c.id.in_(
                    [stable_id("ai_call", k) for k in keys] + [mark_id(k) for k in keys]
                )
            )
        )
    }
    found = []
    for r in rows:
        m = by_id.get(stable_id("mirror", r.key))
        if (
            m is None
            or mark_id(r.key) in calls
            or calls.get(stable_id("ai_call", r.key)) != "builtin"
            or r.payload.get("text") != m.content
        ):
            continue
        found.append(
            Candidate(
                r.id,
                r.key,
                dict(r.payload),
                m.id,
                m.mirror_type,
                m.content,
                dict(m.context_snapshot or {}),
            )
        )
    return found


def _waiting() -> list[ColumnElement[bool]]:
    """An outbox row never handed to a poster: unsent, not parked, and never tried (a row
    handed over once may be out already)."""
    return [outbox.c.sent_at.is_(None), outbox.c.attempts == 0, outbox.c.failed_at.is_(None)]


async def apply(
    db: Executor,
    league_id: str,
    c: Candidate,
    text: str | None,
    calls: list[AICallRecord],
    at: datetime,
) -> bool:
    """Record the polish's calls (the first under the mirror's mark) and, when there is text
    and the outbox row is still waiting, put it in the row and the mirror. True if replaced."""
    replaced = False
    if text is not None:
        result = await db.execute(
            update(outbox)
            .where(outbox.c.id == c.outbox_id, *_waiting())
            .values(payload={**c.payload, "text": text})
        )
        replaced = result.rowcount == 1  # type: ignore[attr-defined]
    final = calls[-1]
    if text is not None and replaced:
        await db.execute(
            update(mirrors)
            .where(mirrors.c.id == c.mirror_id, mirrors.c.content == c.draft)
            .values(
                content=text,
                token_count_input=final.input_tokens,
                token_count_output=final.output_tokens,
                latency_ms=final.latency_ms,
            )
        )
    elif text is not None:
        final = final.model_copy(
            update={"ok": False, "error": "not applied: the built-in text was already posted"}
        )
    records = [*calls[:-1], final]
    for i, call in enumerate(records):
        # The first row's id is the mirror's mark: it is polished once, whatever came of it.
        row = call_row(call, league_id=league_id, at=at, call_id=mark_id(c.key) if i == 0 else None)
        await db.execute(insert(ai_calls).values(row))
    return replaced


# --- Which polisher serves a database: set by the composition root (`bot.wiring`) ------------

_installed: weakref.WeakKeyDictionary[Database, MirrorPolisher] = weakref.WeakKeyDictionary()


def install_polisher(db: Database, polisher: MirrorPolisher | None) -> None:
    """Make the round runner polish `db`'s mirrors with `polisher` (None: stop polishing)."""
    if polisher is None:
        _installed.pop(db, None)
    else:
        _installed[db] = polisher


async def polish_mirrors(db: Database, league_id: str, clock: Clock = utc_now) -> int:
    """The runner's hook: polish the league's waiting mirrors if a polisher is installed.
    Never raises (but for cancellation): the round is committed whatever happens here."""
    polisher = _installed.get(db)
    if polisher is None:
        return 0
    try:
        return await polisher.polish(league_id, clock)
    except Exception:
        logger.exception("league %s: polishing mirrors failed; the built-in text stands", league_id)
        return 0
