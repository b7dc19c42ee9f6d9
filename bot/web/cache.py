"""Answers kept while the league has not changed: many readers cost the bot almost nothing.

Everything the site shows changes only when something is written: an event appended, a game
stored, a frame shown, a mirror written. One small query reads those counters (at most once a
`REFRESH_SECONDS`); while they stand, a page or API answer already rendered is sent again as
it was, straight from this ASGI middleware, without routing or rendering. Once they move, the
next reader still gets a kept answer made in the last `STALE_SECONDS` while one background
render brings it up to date, so a busy page never makes its readers wait on a render; a change
shows within a couple of seconds of its commit. The middleware
also puts the security headers on every answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.engine import Database
from db.event_store import events_table, head_table
from db.tables import GameResultRow, MirrorRow, PresentationRow, PresentedGameRow

log = logging.getLogger(__name__)

REFRESH_SECONDS = 0.5
# A kept answer this young is sent even when the league has moved on, while it renders again
# in the background; an older one is rendered afresh first (a quiet page is never a step behind).
STALE_SECONDS = 2.0
KEPT = 1024  # answers kept (least recently used go first)
NEVER = ("/api/v1/arena/stream", "/static/")  # streams, and files Starlette serves itself
Headers = list[tuple[bytes, bytes]]


class Version:
    """The league's change counters, read at most once every `REFRESH_SECONDS`. The reader who
    finds them due starts one read and waits for it; readers arriving while it runs get the
    counters as they were instead of queueing behind it (a crowd never stalls on the query)."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self.db, self.clock = db, clock
        self._value: tuple[int, ...] | None = None
        self._read_at = -1e9
        self._reading: asyncio.Task[tuple[int, ...]] | None = None

    async def current(self) -> tuple[int, ...]:
        if self._value is not None and self.clock() - self._read_at < REFRESH_SECONDS:
            return self._value
        if self._reading is None:
            self._reading = asyncio.create_task(self._read_and_keep(), name="pinwheel-web-version")
        elif self._value is not None:
            return self._value
        return await asyncio.shield(self._reading)

    async def _read_and_keep(self) -> tuple[int, ...]:
        try:
            self._value = await self._read()
            self._read_at = self.clock()
            return self._value
        finally:
            self._reading = None

    async def _read(self) -> tuple[int, ...]:
        e, h = events_table.c, head_table.c
        # Each league's newest event that is not a vote: what every page but the vote-counting
        # ones depends on (read from the end of its log, which votes rarely fill for long).
        # Their sum moves whenever any league's does. One index probe per league.
        newest_not_vote = (
            select(e.sequence_number)
            .where(e.league_id == h.league_id, e.event_type != "vote.cast")
            .order_by(e.sequence_number.desc())
            .limit(1)
            .scalar_subquery()
        )
        query = select(
            select(func.coalesce(func.sum(h.last_sequence), 0)).scalar_subquery(),
            select(func.coalesce(func.sum(newest_not_vote), 0)).scalar_subquery(),
            select(func.count()).select_from(GameResultRow).scalar_subquery(),
            select(func.count()).select_from(MirrorRow).scalar_subquery(),
            select(func.count())
            .select_from(PresentationRow)
            .where(PresentationRow.done_at.is_not(None))
            .scalar_subquery(),
            select(func.coalesce(func.sum(PresentedGameRow.frame), 0)).scalar_subquery(),
            select(func.count(PresentedGameRow.final_at)).scalar_subquery(),
        )
        async with self.db.read_sessions() as s:
            row = (await s.execute(query)).one()
        return tuple(int(x or 0) for x in row)


@dataclass(frozen=True, slots=True)
class Kept:
    version: tuple[int, ...]
    status: int
    headers: Headers
    body: bytes
    etag: bytes | None
    made_at: float


def _with(headers: Iterable[tuple[bytes, bytes]], extra: Headers) -> Headers:
    names = {k.lower() for k, _ in headers}
    return [*headers, *((k, v) for k, v in extra if k not in names)]


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _discard(message: Message) -> None:
    return None


VOTE_COUNTING = ("/proposals", "/api/v1/events")


def _counts_votes(path: str) -> bool:
    """The pages and answers that show votes as they are cast (how many have voted, the log's
    vote.cast lines); every other one changes only with other events."""
    return path.endswith(VOTE_COUNTING[0]) or path.startswith(VOTE_COUNTING[1])


class ReadCache:
    """ASGI middleware: security headers on everything, kept answers for plain GETs."""

    def __init__(self, app: ASGIApp, db: Database, security: dict[str, str]) -> None:
        self.app = app
        self.version = Version(db)
        self.kept: OrderedDict[str, Kept] = OrderedDict()
        self.rendering: dict[str, asyncio.Event] = {}  # one reader renders, the others wait
        self.refreshing: set[asyncio.Task[None]] = set()
        self.security: Headers = [(k.lower().encode(), v.encode()) for k, v in security.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope["headers"])
        path: str = scope["path"]
        cacheable = (
            scope["method"] == "GET"
            and not path.startswith(NEVER)
            and b"text/event-stream" not in request_headers.get(b"accept", b"")
        )
        if not cacheable:
            await self.app(scope, receive, self._secured(send))
            return
        key = f"{path}?{scope.get('query_string', b'').decode('latin-1')}"
        counters = await self.version.current()
        # A cast vote moves only what counts votes (proposals, the log); the rest of the site
        # is kept through a flurry of votes. Reveals and tallies are other events.
        version = counters[:1] + counters[2:] if _counts_votes(path) else counters[1:]
        found = self.kept.get(key)
        recent = found is not None and time.monotonic() - found.made_at < STALE_SECONDS
        if found is not None and found.version != version and recent:
            # Just stale: this reader gets what is kept at once, and one background render
            # brings it up to date for the next (no reader waits, none renders twice).
            if key not in self.rendering:
                self._refresh(key, scope, version)
        elif found is None or found.version != version:
            pending = self.rendering.get(key)
            if pending is not None:  # another reader is rendering it: wait, then share it
                await pending.wait()
                found = self.kept.get(key)
            if found is None or found.version != version:
                done = self.rendering[key] = asyncio.Event()
                try:
                    rendered = await self._render(scope, receive, send, version)  # answers
                    if rendered is not None:  # a complete 200 or 404: kept for the next reader
                        self._keep(key, rendered)
                finally:
                    del self.rendering[key]
                    done.set()
                return
        self.kept.move_to_end(key)
        if found.etag and found.etag in request_headers.get(b"if-none-match", b""):
            headers = [(b"etag", found.etag), (b"cache-control", b"no-cache")]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {"type": "http.response.start", "status": found.status, "headers": found.headers}
        )
        await send({"type": "http.response.body", "body": found.body})

    def _keep(self, key: str, kept: Kept) -> None:
        self.kept[key] = kept
        self.kept.move_to_end(key)
        while len(self.kept) > KEPT:
            self.kept.popitem(last=False)

    def _refresh(self, key: str, scope: Scope, version: tuple[int, ...]) -> None:
        """Render `key` again in the background and keep the result."""
        done = self.rendering[key] = asyncio.Event()
        fresh = {
            **scope,
            "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"if-none-match"],
        }

        async def run() -> None:
            try:
                rendered = await self._render(fresh, _no_body, _discard, version)
                if rendered is not None:
                    self._keep(key, rendered)
            except Exception:
                log.exception("could not render %s again; the kept answer stands", key)
            finally:
                del self.rendering[key]
                done.set()

        task = asyncio.create_task(run(), name=f"pinwheel-web-refresh:{key[:60]}")
        self.refreshing.add(task)
        task.add_done_callback(self.refreshing.discard)

    def _secured(self, send: Send) -> Send:
        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with(message.get("headers", []), self.security)}
            await send(message)

        return secured

    async def _render(
        self, scope: Scope, receive: Receive, send: Send, version: tuple[int, ...]
    ) -> Kept | None:
        """Let the app answer; keep a complete 200 or 404 to send again, else pass it on."""
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with(message.get("headers", []), self.security)}
                if message["status"] not in (200, 404):
                    passing = True
                    await send(message)
                    return
                start = message
            elif passing:
                await send(message)
            else:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    passing = True  # a stream: send what was held and the rest as it comes
                    assert start is not None
                    await send(start)
                    await send({**message, "body": b"".join(chunks)})

        await self.app(scope, receive, capture)
        if passing or start is None:
            return None
        headers: Headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        body = b"".join(chunks)
        headers.append((b"content-length", str(len(body)).encode()))
        etag = next((v for k, v in headers if k.lower() == b"etag"), None)
        kept = Kept(version, int(start["status"]), headers, body, etag, time.monotonic())
        await send({"type": "http.response.start", "status": kept.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return kept
