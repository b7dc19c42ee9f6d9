"""Answers kept while their league has not changed: many readers cost the bot almost nothing.

Everything the site shows changes only when something is written: an event appended, a game
stored, a frame shown, a mirror written or polished. Each league's counters of those writes are
read with a few index probes of that league's rows, at most once a `REFRESH_SECONDS` and only
while someone reads its pages; a page or API answer already rendered is sent again as it was,
straight from this ASGI middleware, without routing or rendering, while its league's counters
stand. So the cost of knowing what changed does not grow with the number of leagues or with
their history, and a quiet league's pages stay kept while thousands of others play.

The app names the league an answer shows (`shows(request, league_id)`); `GLOBAL` answers (the
league list) depend only on which leagues and seasons exist. An answer that names nothing is
never kept. Once the counters move, the next reader still gets a kept answer made in the last
`STALE_SECONDS` while one background render brings it up to date, so a busy page never makes
its readers wait on a render; a change shows within a couple of seconds of its commit. The
middleware also puts the security headers on every answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, case, func, select
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.engine import Database
from db.event_store import events_table, head_table
from db.tables import (
    AICallRow,
    GameResultRow,
    LeagueRow,
    MirrorRow,
    PresentationRow,
    PresentedGameRow,
    SeasonProgressRow,
    SeasonRow,
)

log = logging.getLogger(__name__)

REFRESH_SECONDS = 0.5
# A kept answer this young is sent even when the league has moved on, while it renders again
# in the background; an older one is rendered afresh first (a quiet page is never a step behind).
STALE_SECONDS = 2.0
KEPT = 1024  # answers kept (least recently used go first)
COUNTED = 4096  # leagues whose counters are remembered (least recently read go first)
NEVER = ("/api/v1/arena/stream", "/static/")  # streams, and files Starlette serves itself
GLOBAL = ""  # what `shows` is told by an answer about the leagues, not one of them
SHOWS = "pinwheel.shows"  # the scope entry the app names an answer's league in
Headers = list[tuple[bytes, bytes]]


async def shows(request: Request, league_id: str) -> None:
    """Tell the read cache that this answer shows `league_id` (`GLOBAL`: the league list), so
    it is kept until that league changes. Call it once the league is known to exist and
    before reading what the answer shows: the league's counters are read now, so a write that
    lands while the answer is made moves them past what is kept."""
    holder = request.scope.get(SHOWS)
    if holder is not None:
        holder["league"] = league_id
        holder["version"] = await holder["read"](league_id)


# How many of a league's seasons are in each phase, as digits in base 100 of one number (far
# inside 64 bits): a season moving from one phase to another changes it by a power of 100 less
# another, never by nothing. The round steps move a season's progress (phase, next round) in
# transactions that may store no game and append no event.
_PHASE_DIGITS = case(
    *(
        (SeasonProgressRow.phase == phase, 100**place)
        for place, phase in enumerate(
            ("regular", "tiebreaker", "playoffs", "final", "complete", "offseason")
        )
    ),
    else_=100**6,
)


def _league_counters_statement() -> Any:
    """One statement: a league's counters, each an index probe or a count of its own rows
    (log head, newest event that is not a vote, games, mirrors, AI calls (a polished mirror
    records its calls), shows finished, frames and final cards of the shows running, and
    where its seasons stand: their next rounds, and how many are in each phase)."""
    e, h = events_table.c, head_table.c
    league = bindparam("league", type_=String)
    seasons = select(SeasonRow.id).where(SeasonRow.league_id == league)
    running = select(PresentationRow.id).where(
        PresentationRow.league_id == league, PresentationRow.done_at.is_(None)
    )
    live = PresentedGameRow.presentation_id.in_(running)
    return select(
        select(h.last_sequence).where(h.league_id == league).scalar_subquery(),
        # Read from the end of its log, which votes rarely fill for long.
        select(e.sequence_number)
        .where(e.league_id == league, e.event_type != "vote.cast")
        .order_by(e.sequence_number.desc())
        .limit(1)
        .scalar_subquery(),
        select(func.count())
        .select_from(GameResultRow)
        .where(GameResultRow.season_id.in_(seasons))
        .scalar_subquery(),
        select(func.count())
        .select_from(MirrorRow)
        .where(MirrorRow.season_id.in_(seasons))
        .scalar_subquery(),
        select(func.count())
        .select_from(AICallRow)
        .where(AICallRow.league_id == league)
        .scalar_subquery(),
        select(func.count())
        .select_from(PresentationRow)
        .where(PresentationRow.league_id == league, PresentationRow.done_at.is_not(None))
        .scalar_subquery(),
        select(func.coalesce(func.sum(PresentedGameRow.frame), 0)).where(live).scalar_subquery(),
        select(func.count(PresentedGameRow.final_at)).where(live).scalar_subquery(),
        select(func.coalesce(func.sum(SeasonProgressRow.next_round), 0))
        .where(SeasonProgressRow.league_id == league)
        .scalar_subquery(),
        select(func.coalesce(func.sum(_PHASE_DIGITS), 0))
        .where(SeasonProgressRow.league_id == league)
        .scalar_subquery(),
    )


# Built once: constructing and cache-keying a statement costs SQLAlchemy more than running it.
_LEAGUE_COUNTERS = _league_counters_statement()
_GLOBAL_COUNTERS = select(
    select(func.count()).select_from(LeagueRow).scalar_subquery(),
    select(func.count()).select_from(SeasonRow).scalar_subquery(),
)


@dataclass(slots=True)
class _Slot:
    value: tuple[int, ...] | None = None
    read_at: float = -1e9
    reading: asyncio.Task[tuple[int, ...]] | None = None


class Version:
    """Each league's change counters (and the `GLOBAL` ones), read at most once every
    `REFRESH_SECONDS` per league, only for the leagues being read. The reader who finds a
    league's due starts one read and waits for it; readers arriving while it runs get the
    counters as they were instead of queueing behind it (a crowd never stalls on the query)."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self.db, self.clock = db, clock
        self._slots: OrderedDict[str, _Slot] = OrderedDict()

    async def current(self, league_id: str = GLOBAL) -> tuple[int, ...]:
        slot = self._slots.get(league_id)
        if slot is None:
            slot = self._slots[league_id] = _Slot()
            while len(self._slots) > COUNTED:
                self._slots.popitem(last=False)
        self._slots.move_to_end(league_id)
        if slot.value is not None and self.clock() - slot.read_at < REFRESH_SECONDS:
            return slot.value
        if slot.reading is None:
            slot.reading = asyncio.create_task(
                self._read_and_keep(slot, league_id), name=f"pinwheel-web-version:{league_id}"
            )
        elif slot.value is not None:
            return slot.value
        return await asyncio.shield(slot.reading)

    async def _read_and_keep(self, slot: _Slot, league_id: str) -> tuple[int, ...]:
        try:
            slot.value = await self._read(league_id)
            slot.read_at = self.clock()
            return slot.value
        finally:
            slot.reading = None

    async def _read(self, league_id: str) -> tuple[int, ...]:
        async with self.db.read_sessions() as s:
            if league_id == GLOBAL:
                row = (await s.execute(_GLOBAL_COUNTERS)).one()
            else:
                row = (await s.execute(_LEAGUE_COUNTERS, {"league": league_id})).one()
        return tuple(int(x or 0) for x in row)


@dataclass(frozen=True, slots=True)
class Kept:
    league: str  # the league the answer shows (`GLOBAL`: the league list)
    version: tuple[int, ...]  # its league's counters, read before what it shows was read
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
        found = self.kept.get(key)
        version = None if found is None else await self._version(found.league, path)
        recent = found is not None and time.monotonic() - found.made_at < STALE_SECONDS
        if found is not None and found.version != version and recent:
            # Just stale: this reader gets what is kept at once, and one background render
            # brings it up to date for the next (no reader waits, none renders twice).
            if key not in self.rendering:
                self._refresh(key, scope)
        elif found is None or found.version != version:
            pending = self.rendering.get(key)
            if pending is not None:  # another reader is rendering it: wait, then share it
                await pending.wait()
                found = self.kept.get(key)
                if found is not None:
                    version = await self._version(found.league, path)
            if found is None or found.version != version:
                done = self.rendering[key] = asyncio.Event()
                try:
                    rendered = await self._render(scope, receive, send)
                    if rendered is not None:  # a complete 200 or 404 that names its league
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

    async def _version(self, league: str, path: str) -> tuple[int, ...]:
        """What an answer showing `league` at `path` depends on: which leagues and seasons
        exist, and the league's counters. A cast vote moves only what counts votes
        (proposals, the log); the rest of the league's pages are kept through a flurry of
        votes. Reveals and tallies are other events."""
        known = await self.version.current(GLOBAL)
        if league == GLOBAL:
            return known
        counters = await self.version.current(league)
        return known + (counters[:1] + counters[2:] if _counts_votes(path) else counters[1:])

    def _refresh(self, key: str, scope: Scope) -> None:
        """Render `key` again in the background and keep the result."""
        done = self.rendering[key] = asyncio.Event()
        fresh = {
            **scope,
            "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"if-none-match"],
        }

        async def run() -> None:
            try:
                rendered = await self._render(fresh, _no_body, _discard)
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

    async def _render(self, scope: Scope, receive: Receive, send: Send) -> Kept | None:
        """Let the app answer; return a complete 200 or 404 that named its league (`shows`),
        to keep, and pass anything else on."""
        path: str = scope["path"]

        async def read(league: str) -> tuple[int, ...]:
            return await self._version(league, path)

        named: dict[str, Any] = {"read": read}
        scope = {**scope, SHOWS: named}
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
        status = int(start["status"])
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        if "version" not in named:
            return None  # it did not say what it shows: never kept
        made = time.monotonic()
        return Kept(named["league"], named["version"], status, headers, body, etag, made)
