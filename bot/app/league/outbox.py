"""Draining the outbox through a poster.

Rows are written by the runner's steps in the same transaction as what they report. Draining
posts each unsent row and then marks it sent. A crash between the post and the mark posts that
row again on restart, so a poster must be idempotent per key: the console poster remembers the
keys it printed, the Discord poster sends the key as the message nonce (Discord drops a second
message with the same nonce).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.app.league.locks import advisory_lock
from bot.app.ports import Poster
from db import league_repo as repo
from db.engine import Database
from db.event_store import Clock, utc_now

Hook = Callable[[str], None]


def _no_hook(_: str) -> None:
    return None


async def drain(
    db: Database,
    poster: Poster,
    *,
    league_id: str | None = None,
    clock: Clock = utc_now,
    hook: Hook = _no_hook,
) -> int:
    """Post every unsent message in queue order; return how many were posted.

    On PostgreSQL one process drains a league at a time (an advisory lock; a process that
    finds it taken posts nothing), so two bot processes never hand one row to their posters
    at once. A crash between a post and its mark still hands that row over again.
    """
    if league_id is None:
        async with db.read_sessions() as s:
            leagues = await repo.leagues_with_unsent(s)
        return sum(
            [await drain(db, poster, league_id=lg, clock=clock, hook=hook) for lg in leagues]
        )
    async with advisory_lock(db, f"pinwheel-outbox:{league_id}") as held:
        if not held:
            return 0
        return await _drain(db, poster, league_id, clock, hook)


async def _drain(db: Database, poster: Poster, league_id: str, clock: Clock, hook: Hook) -> int:
    posted = 0
    while True:
        async with db.read_sessions() as s:
            batch = await repo.unsent(s, league_id)
        if not batch:
            return posted
        for message in batch:
            await poster.post(message.key, message.kind, message.target, message.payload)
            hook("posting")
            async with db.sessions() as s, s.begin():
                await repo.mark_sent(s, message.id, clock())
            posted += 1


class ConsolePoster:
    """Prints each message to a stream (the offline mode's channels), once per key."""

    def __init__(self, stream: TextIO | None = None, *, as_json: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.as_json = as_json
        self.seen: set[str] = set()

    async def post(self, key: str, kind: str, target: str, payload: dict[str, Any]) -> None:
        if key in self.seen:
            return
        self.seen.add(key)
        if self.as_json:
            line = json.dumps({"key": key, "kind": kind, "target": target, **payload})
        else:
            line = f"[#{target}] {payload.get('text', '')}"
        print(line, file=self.stream, flush=True)


class CollectingPoster:
    """Keeps every message it is given (tests and the demo summary)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str, dict[str, Any]]] = []

    async def post(self, key: str, kind: str, target: str, payload: dict[str, Any]) -> None:
        self.messages.append((key, kind, target, payload))
