"""Sharing the leagues' background work among bot processes on one database.

Each process runs a `Keeper`: every `ttl / 3` it reports itself (host, pid, shards, its event
loop's lag, its leagues' outbox backlog) and renews its leases on leagues, each good for `ttl`
(`PINWHEEL_LEASE_SECONDS`). A process holds an even share of the leagues: the first to start
takes them all, and each one that joins makes the others give back what is over their share
at their next renewal. Rounds, governance windows, shows and expiries of a league are run only
by the process holding its lease (a bot connected to Discord posts for the servers on its own
shards, and for its leagues whose shard nobody connects, bot/cogs/background.py; elsewhere the
lease holder drains the outbox). A process that dies stops renewing; its leases expire and the
live ones claim them, so its leagues resume within `ttl + ttl / 3`. A process that stops
cleanly gives its leases back at once.

A lease decides who does the work; it is not what keeps it single. Every round step still runs
under its deterministic command id and, on PostgreSQL, a league's advisory lock, so two
processes that both believe they hold a league (a clock skewed past the lease, a process paused
longer than its lease) still play each step once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from db import lease_repo
from db.engine import Database
from db.event_store import Clock, utc_now

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 20.0


class Keeper:
    """This process's leases, renewed in the background by `run`."""

    def __init__(
        self,
        db: Database,
        *,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Clock = utc_now,
        shards: list[int] | None = None,
        shard_count: int | None = None,
        process_id: str | None = None,
    ) -> None:
        self.db, self.clock = db, clock
        self.ttl = timedelta(seconds=ttl_seconds)
        self.renew_every = ttl_seconds / 3
        self.id = process_id or str(uuid.uuid4())
        self.shards, self.shard_count = shards, shard_count
        self.started_at = clock()
        self._held: frozenset[str] = frozenset()
        self._good_until: datetime | None = None
        self._lag_ms = 0.0  # how late the loop woke from the last sleep between renewals

    # --- What this process may run --------------------------------------------------------

    def held(self) -> frozenset[str]:
        """The leagues this process holds now: none once its last renewal has lapsed (a
        process cut off from the database stops starting work before others take it)."""
        if self._good_until is None or self.clock() >= self._good_until:
            return frozenset()
        return self._held

    def owns(self, league_id: str) -> bool:
        return league_id in self.held()

    # --- Renewing --------------------------------------------------------------------------

    async def renew(self) -> frozenset[str]:
        now = self.clock()
        async with self.db.sessions() as s, s.begin():
            backlog = await lease_repo.backlog(s, self._held)
            held = await lease_repo.renew(s, self._row(backlog), now, self.ttl)
        # Good a little less long here than in the table, so this process stops starting work
        # on a league before any other may claim it.
        self._good_until = now + self.ttl - timedelta(seconds=self.renew_every / 2)
        if held != self._held:
            gained, lost = held - self._held, self._held - held
            # A cluster's operator wants these; the offline terminal (no shards) does not.
            log.log(
                logging.INFO if self.shards is not None else logging.DEBUG,
                "process %s now holds %d league(s) (+%d, -%d)",
                self.id[:8],
                len(held),
                len(gained),
                len(lost),
            )
        self._held = held
        return held

    def _row(self, backlog: int) -> dict[str, object]:
        return {
            "id": self.id,
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "shards": self.shards,
            "shard_count": self.shard_count,
            "started_at": self.started_at,
            "loop_lag_ms": round(self._lag_ms, 2),
            "outbox_backlog": backlog,
        }

    async def run(self, stopping: asyncio.Event) -> None:
        """Renew every `renew_every` seconds until `stopping` is set or the task is cancelled,
        then give the leases back; how late the event loop wakes from each sleep in between is
        reported as its lag."""
        try:
            while not stopping.is_set():
                try:
                    await self.renew()
                except Exception:
                    # The leases lapse on their own if this goes on; the next renewal retries.
                    log.exception("could not renew this process's leases; retrying")
                await self._sample_lag(stopping)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(self.release())

    async def _sample_lag(self, stopping: asyncio.Event) -> None:
        """Sleep until the next renewal, noting how late the event loop woke from it."""
        if stopping.is_set():
            return
        loop = asyncio.get_running_loop()  # its clock: what a lagging loop is late by
        t = loop.time()
        await asyncio.sleep(self.renew_every)
        self._lag_ms = (loop.time() - t - self.renew_every) * 1000

    async def release(self) -> None:
        """Give every lease back and remove this process's row (a clean stop)."""
        self._held, self._good_until = frozenset(), None
        async with self.db.sessions() as s, s.begin():
            await lease_repo.release(s, self.id)
