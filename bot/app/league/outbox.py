"""Draining the outbox through a poster.

Rows are written by the runner's steps in the same transaction as what they report. Draining
hands each unsent row to the poster and then marks it sent. Before the hand-over the row's
`attempts` is counted in its own commit, so every try is on record even if the process dies.

Delivery is at least once: a crash between a post and its mark hands that row over again on
restart, flagged `retry` (an earlier hand-over may have gone out). A poster must therefore drop
a repeat per key as far as it can: the console poster keeps the keys it printed in a transcript
file (offline, beside the SQLite database); the Discord poster sends a nonce derived from the
key, which discord.py 2.7 sends with `enforce_nonce` (Discord drops a repeat within minutes),
and on a retry first looks for its own earlier post among the channel's latest messages.

Failures never block other leagues, nor other channels of the same league:

- `NotDelivered` (the poster knows nothing went out: no channel bound yet, the guild not in the
  cache) leaves the row unsent, uncounted, and retried after `NOT_DELIVERED_RETRY`.
- Any other error counts as a failed attempt, backed off exponentially (`RETRY_BASE` doubling
  up to `RETRY_MAX`); after `MAX_POST_ATTEMPTS` the row is parked: `failed_at` set, never sent,
  logged as an error and reported by `pinwheel verify`.

A row waiting to be retried holds back the later rows of the same target (channel or DM), so a
channel never shows a round's mirror before its results; once the row is sent or parked the
target flows again. Other targets and other leagues keep flowing meanwhile.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TextIO

from bot.app.league.locks import advisory_lock
from bot.app.ports import Poster
from db import league_repo as repo
from db.engine import Database
from db.event_store import Clock, utc_now

logger = logging.getLogger(__name__)

Hook = Callable[[str], None]
Delivery = Literal["posted", "retry", "parked", "claimed elsewhere"]

MAX_POST_ATTEMPTS = 5  # failed hand-overs before a row is parked as undeliverable
RETRY_BASE = timedelta(seconds=30)  # after the first failure; doubles with each one after
RETRY_MAX = timedelta(hours=1)
NOT_DELIVERED_RETRY = timedelta(minutes=1)  # a destination that is not there yet
POST_LEASE = timedelta(minutes=5)  # a claimed row is this drain's to hand over, meanwhile


class NotDelivered(Exception):
    """Raised by a poster that positively sent nothing and expects the destination to appear
    (no channel bound yet, the guild not in the cache): the row is retried, never parked."""


def _no_hook(_: str) -> None:
    return None


def retry_delay(failures: int) -> timedelta:
    """How long to wait after the `failures`-th failed attempt."""
    return min(RETRY_BASE * (1 << min(max(failures - 1, 0), 16)), RETRY_MAX)


async def drain(
    db: Database,
    poster: Poster,
    *,
    league_id: str | None = None,
    clock: Clock = utc_now,
    hook: Hook = _no_hook,
) -> int:
    """Hand every unsent message to the poster in queue order; return how many were posted.

    On PostgreSQL one process drains a league at a time (an advisory lock; a process that
    finds it taken posts nothing), so two bot processes never hand one row to their posters
    at once. One league's failure never stops the others.
    """
    if league_id is None:
        async with db.read_sessions() as s:
            leagues = await repo.leagues_with_unsent(s)
        posted = 0
        for lg in leagues:
            try:
                posted += await drain(db, poster, league_id=lg, clock=clock, hook=hook)
            except Exception:
                logger.exception("league %s: draining the outbox failed; retried next time", lg)
        return posted
    async with advisory_lock(db, f"pinwheel-outbox:{league_id}") as held:
        if not held:
            return 0
        return await _drain(db, poster, league_id, clock, hook)


async def _drain(db: Database, poster: Poster, league_id: str, clock: Clock, hook: Hook) -> int:
    """One pass over the league's unsent rows (a failing row is not retried in this pass)."""
    posted, after_id = 0, 0
    held_back: set[str] = set()  # targets with an earlier row still waiting
    while True:
        async with db.read_sessions() as s:
            batch = await repo.unsent(s, league_id, after_id=after_id)
        if not batch:
            return posted
        for message in batch:
            after_id = message.id
            now = clock()
            if message.target in held_back or (
                message.next_attempt_at is not None and message.next_attempt_at > now
            ):
                held_back.add(message.target)
                continue
            result = await _deliver(db, poster, message, now)
            if result == "posted":
                hook("posting")
                async with db.sessions() as s, s.begin():
                    await repo.mark_sent(s, message.id, clock())
                posted += 1
            elif result in ("retry", "claimed elsewhere"):
                # Later rows of this target wait: for the retry, or for the drain that claimed
                # this row (a second drain in the same process on SQLite, say), to keep order.
                held_back.add(message.target)
            # "parked": the rows after it on its target go on at once.


async def _deliver(
    db: Database, poster: Poster, message: repo.OutboxMessage, now: datetime
) -> Delivery:
    """Claim one attempt and hand the row over; on failure record it."""
    async with db.sessions() as s, s.begin():
        claimed = await repo.claim_delivery(s, message, now + POST_LEASE)
    if claimed is None:
        return "claimed elsewhere"
    attempt, payload = claimed
    try:
        await poster.post(message.key, message.kind, message.target, payload, retry=attempt > 1)
    except NotDelivered as err:
        logger.info("outbox %s not delivered yet (%s); retrying", message.key, err)
        async with db.sessions() as s, s.begin():
            await repo.record_failed_delivery(
                s,
                message.id,
                f"not delivered: {err}",
                retry_at=now + NOT_DELIVERED_RETRY,
                parked_at=None,
                uncount=True,
            )
        return "retry"
    except Exception as err:
        failed = f"{type(err).__name__}: {err}"
        parked = attempt >= MAX_POST_ATTEMPTS
        if parked:
            logger.error(
                "outbox %s to %s parked unsent after %s attempts: %s",
                message.key,
                message.target,
                attempt,
                failed,
            )
        else:
            logger.warning(
                "outbox %s attempt %s failed (%s); retrying", message.key, attempt, failed
            )
        async with db.sessions() as s, s.begin():
            await repo.record_failed_delivery(
                s,
                message.id,
                failed,
                retry_at=None if parked else now + retry_delay(attempt),
                parked_at=now if parked else None,
            )
        return "parked" if parked else "retry"
    return "posted"


class ConsolePoster:
    """Prints each message to a stream (the offline mode's channels) once per key. With a
    `transcript` file the keys it printed are kept there (written and synced right after each
    print), so a restart after a crash mid-drain prints nothing twice; without one, once per
    key for the life of the process."""

    def __init__(
        self, stream: TextIO | None = None, *, as_json: bool = False, transcript: Path | None = None
    ) -> None:
        self.stream = stream or sys.stdout
        self.as_json = as_json
        self.transcript = transcript
        self.seen: set[str] = set()
        if transcript is not None and transcript.exists():
            self.seen = set(transcript.read_text().splitlines())

    async def post(
        self, key: str, kind: str, target: str, payload: dict[str, Any], *, retry: bool = False
    ) -> None:
        if key in self.seen:
            return
        if self.as_json:
            line = json.dumps({"key": key, "kind": kind, "target": target, **payload})
        else:
            line = f"[#{target}] {payload.get('text', '')}"
        print(line, file=self.stream, flush=True)
        self.seen.add(key)
        if self.transcript is not None:
            with self.transcript.open("a") as f:
                f.write(key + "\n")
                f.flush()
                os.fsync(f.fileno())


class CollectingPoster:
    """Keeps every message it is given (tests and the demo summary)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str, dict[str, Any]]] = []

    async def post(
        self, key: str, kind: str, target: str, payload: dict[str, Any], *, retry: bool = False
    ) -> None:
        self.messages.append((key, kind, target, payload))
