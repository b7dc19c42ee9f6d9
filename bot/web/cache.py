"""Answers kept while the league has not changed: many readers cost the bot almost nothing.

Everything the site shows changes only when something is written: an event appended, a game
stored, a frame shown, a mirror written. One small query reads those counters (at most once a
`REFRESH_SECONDS`); while they stand, a page or API answer already rendered is served again
as it was. A reader sees a change at most that long after it is committed.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from db.engine import Database
from db.event_store import head_table
from db.tables import GameResultRow, MirrorRow, PresentationRow, PresentedGameRow

REFRESH_SECONDS = 0.5
KEPT = 1024  # answers kept (least recently used go first)
NEVER = ("/api/v1/arena/stream", "/static/")  # streams, and files Starlette serves itself


class Version:
    """The league's change counters, read at most once every `REFRESH_SECONDS`."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self.db, self.clock = db, clock
        self._value: tuple[int, ...] | None = None
        self._read_at = -1e9
        self._lock = asyncio.Lock()

    async def current(self) -> tuple[int, ...]:
        if self._value is not None and self.clock() - self._read_at < REFRESH_SECONDS:
            return self._value
        async with self._lock:
            if self._value is None or self.clock() - self._read_at >= REFRESH_SECONDS:
                self._value = await self._read()
                self._read_at = self.clock()
        return self._value

    async def _read(self) -> tuple[int, ...]:
        query = select(
            select(head_table.c.last_sequence).scalar_subquery(),
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
    body: bytes
    headers: tuple[tuple[str, str], ...]
    media_type: str | None


class ReadCache(BaseHTTPMiddleware):
    def __init__(self, app: ASGIApp, db: Database) -> None:
        super().__init__(app)
        self.version = Version(db)
        self.kept: OrderedDict[str, Kept] = OrderedDict()

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        accept = request.headers.get("accept", "")
        if request.method != "GET" or path.startswith(NEVER) or "text/event-stream" in accept:
            return await call_next(request)
        key = f"{path}?{request.url.query}"
        version = await self.version.current()
        found = self.kept.get(key)
        if found is None or found.version != version:
            response = await call_next(request)
            if response.status_code not in (200, 404):
                return response
            body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
            found = Kept(
                version,
                response.status_code,
                body,
                tuple((k, v) for k, v in response.headers.items() if k != "content-length"),
                response.media_type,
            )
            self.kept[key] = found
            while len(self.kept) > KEPT:
                self.kept.popitem(last=False)
        else:
            self.kept.move_to_end(key)
        headers = dict(found.headers)
        etag = headers.get("etag")
        if etag and etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
        return Response(found.body, status_code=found.status, headers=headers)
