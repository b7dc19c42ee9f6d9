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

- `RateLimited` (Discord asked to slow down: a 429) is not a failure either: the row is
  retried after the wait Discord named, uncounted, and a show whose live messages wait for it
  stands still meanwhile (bot/app/league/presenter.py).

A row waiting to be retried holds back the later rows of the same target (channel or DM), so a
channel never shows a round's mirror before its results; once the row is sent or parked the
target flows again. Other targets and other leagues keep flowing meanwhile. A row held behind a
round's show (`held_by`) waits the same way until the show's gate opens (every final card of
the round is out), so no result, mirror or ping spoils a game still being shown.

Edits: a message's content can be replaced (`league_repo.revise`); the row is then unsent
again and handed over with `ref`, where the poster said the earlier content landed, so the
poster edits that message instead of posting a new one (and posts anew if it was deleted).

A payload is a dict: `text` (always; the terminal prints it), and optionally `embed` (Discord's
embed JSON), `files` (attachments the poster renders: `{"name", "chart", "game_id"}`),
`buttons` (`{"kind": "box_score", "game_id"}`), `signature` (a stable line of the embed that
a retry looks for in the channel), `live` (a live frame the terminal may redraw in place),
`recipient` (a DM's governor, by name).
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
from db import presentation_repo as shows
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
RATE_LIMIT_MAX = timedelta(minutes=10)  # the longest a 429 holds a row back


class NotDelivered(Exception):
    """Raised by a poster that positively sent nothing and expects the destination to appear
    (no channel bound yet, the guild not in the cache): the row is retried, never parked."""


class RateLimited(Exception):
    """Raised by a poster that sent nothing because the destination asked it to wait
    `retry_after` seconds (Discord's 429): retried then, uncounted, never parked."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {retry_after:.1f} s")
        self.retry_after = max(0.5, min(float(retry_after), RATE_LIMIT_MAX.total_seconds()))


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
    owns: Callable[[str], bool] | None = None,
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
        if owns is not None:  # only the leagues this process holds (its leases)
            leagues = [lg for lg in leagues if owns(lg)]
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


MAX_PASSES = 4  # passes of one drain while a show's gate opens under it


async def _drain(db: Database, poster: Poster, league_id: str, clock: Clock, hook: Hook) -> int:
    """Pass over the league's unsent rows (a failing row is not retried in this drain). A row
    held behind a show whose final cards go out later in the same pass gets another pass."""
    posted = 0
    for _ in range(MAX_PASSES):
        sent, gated = await _pass(db, poster, league_id, clock, hook)
        posted += sent
        if not (sent and gated):
            break
    return posted


async def _pass(
    db: Database, poster: Poster, league_id: str, clock: Clock, hook: Hook
) -> tuple[int, bool]:
    """One pass: (how many were posted, whether a row waited behind a show)."""
    posted, after_id, gated = 0, 0, False
    held_back: set[str] = set()  # targets with an earlier row still waiting
    gates: dict[str, bool] = {}  # show -> may its held posts go (looked up once a pass)
    while True:
        async with db.read_sessions() as s:
            batch = await repo.unsent(s, league_id, after_id=after_id)
        if not batch:
            return posted, gated
        for message in batch:
            after_id = message.id
            now = clock()
            if message.target in held_back or (
                message.next_attempt_at is not None and message.next_attempt_at > now
            ):
                held_back.add(message.target)
                continue
            if message.held_by is not None:
                if message.held_by not in gates:
                    async with db.read_sessions() as s:
                        gates[message.held_by] = await shows.gate_open(s, message.held_by)
                if not gates[message.held_by]:
                    held_back.add(message.target)  # its show is still on (the next pass looks
                    gated = True  # again if this one delivered its last cards)
                    continue
            result = await _deliver(db, poster, message, now, clock)
            if result == "posted":
                hook("posting")
                posted += 1
            elif result in ("retry", "claimed elsewhere"):
                # Later rows of this target wait: for the retry, or for the drain that claimed
                # this row (a second drain in the same process on SQLite, say), to keep order.
                held_back.add(message.target)
            # "parked": the rows after it on its target go on at once.


async def _rendered(db: Database, payload: dict[str, Any]) -> dict[str, Any]:
    """A message rendered when it is delivered (`{"view": ...}`): its content as it stands
    now. Any other payload is its own content."""
    if payload.get("view") != "proposal":
        return payload
    from bot.app.governance.cards import render_proposal  # the governance read side

    async with db.read_sessions() as s:
        return await render_proposal(s, payload)


async def _deliver(
    db: Database,
    poster: Poster,
    message: repo.OutboxMessage,
    now: datetime,
    clock: Clock = utc_now,
) -> Delivery:
    """Claim one attempt and hand the row over; record that it went out, or how it failed."""
    async with db.sessions() as s, s.begin():
        claim = await repo.claim_delivery(s, message, now + POST_LEASE)
    if claim is None:
        return "claimed elsewhere"
    try:
        payload = await _rendered(db, claim.payload)
        if claim.revision:
            payload = {**payload, "revision": claim.revision}  # a printing poster's dedup
        ref = await poster.post(
            message.key,
            message.kind,
            message.target,
            payload,
            retry=claim.attempt > 1,
            ref=claim.message_ref,
        )
    except (NotDelivered, RateLimited) as err:
        logger.info("outbox %s not delivered yet (%s); retrying", message.key, err)
        if isinstance(err, RateLimited):
            error, wait = f"{shows.RATE_LIMITED}: {err}", timedelta(seconds=err.retry_after)
        else:
            error, wait = f"not delivered: {err}", NOT_DELIVERED_RETRY
        async with db.sessions() as s, s.begin():
            await repo.record_failed_delivery(
                s, message.id, error, retry_at=now + wait, parked_at=None, uncount=True
            )
        return "retry"
    except Exception as err:
        failed = f"{type(err).__name__}: {err}"
        parked = claim.attempt >= MAX_POST_ATTEMPTS
        if parked:
            logger.error(
                "outbox %s to %s parked unsent after %s attempts: %s",
                message.key,
                message.target,
                claim.attempt,
                failed,
            )
        else:
            logger.warning(
                "outbox %s attempt %s failed (%s); retrying", message.key, claim.attempt, failed
            )
        async with db.sessions() as s, s.begin():
            await repo.record_failed_delivery(
                s,
                message.id,
                failed,
                retry_at=None if parked else now + retry_delay(claim.attempt),
                parked_at=now if parked else None,
            )
        return "parked" if parked else "retry"
    async with db.sessions() as s, s.begin():
        await repo.mark_sent(s, message.id, clock(), claim.revision, ref)
    return "posted"


def printed_key(key: str, payload: dict[str, Any]) -> str:
    """What a poster that prints remembers of a message: its key and revision (a live message
    is printed once per frame, a plain post once)."""
    revision = int(payload.get("revision", 0))
    return f"{key}#{revision}" if revision else key


def console_lines(target: str, payload: dict[str, Any]) -> str | None:
    """A post as the terminal prints it, or None for a copy the terminal leaves out (a
    team channel's copy of a card already printed in #play-by-play)."""
    if target.startswith(TEAM_PREFIX):
        return None
    if target.startswith(DM_PREFIX):
        where = f"DM to {payload.get('recipient') or 'a governor'}"
    else:
        where = f"#{target}"
    first, *rest = str(payload.get("text", "")).splitlines() or [""]
    pad = " " * (len(where) + 3)
    return "\n".join([f"[{where}] {first}", *(pad + line for line in rest)])


TEAM_PREFIX = "team:"  # a team's own channel, by team name: `team:Foster Foxes`
CHANNEL_PREFIX = "channel:"  # one channel by its Discord id (where an adopted message is)
DM_PREFIX = "dm:"  # a governor's DMs, by governor id


class ConsolePoster:
    """Prints each message to a stream (the offline mode's channels) once per key and
    revision. With a `transcript` file what it printed is kept there (written and synced right
    after each print), so a restart after a crash mid-drain prints nothing twice; without one,
    once for the life of the process."""

    def __init__(
        self, stream: TextIO | None = None, *, as_json: bool = False, transcript: Path | None = None
    ) -> None:
        self.stream = stream or sys.stdout
        self.as_json = as_json
        self.transcript = transcript
        self.seen: set[str] = set()
        self.stages: dict[str, str] = {}  # a card's last printed stage, by key
        if transcript is not None and transcript.exists():
            self.seen = set(transcript.read_text().splitlines())

    async def post(
        self,
        key: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        *,
        retry: bool = False,
        ref: str | None = None,
    ) -> str | None:
        printed = printed_key(key, payload)
        if printed in self.seen:
            return "console"
        stage = payload.get("stage")
        if stage is not None and self.stages.get(key) == stage:
            self.remember(printed)  # only a count moved (a proposal's votes): not news here
            return "console"
        if stage is not None:
            self.stages[key] = str(stage)
        if self.as_json:
            line: str | None = json.dumps({"key": key, "kind": kind, "target": target, **payload})
        else:
            line = console_lines(target, payload)
        if line is not None:
            self.show(key, line, payload)
        self.remember(printed)
        return "console"

    def show(self, key: str, line: str, payload: dict[str, Any]) -> None:
        print(line, file=self.stream, flush=True)

    def remember(self, printed: str) -> None:
        self.seen.add(printed)
        if self.transcript is not None:
            with self.transcript.open("a") as f:
                f.write(printed + "\n")
                f.flush()
                os.fsync(f.fileno())


class CollectingPoster:
    """Keeps every message it is given, edits included (tests and the demo summary)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str, dict[str, Any]]] = []

    async def post(
        self,
        key: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        *,
        retry: bool = False,
        ref: str | None = None,
    ) -> str | None:
        self.messages.append((key, kind, target, payload))
        return f"collected:{key}"
