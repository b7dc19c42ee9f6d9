"""The read cache's change counters: read at most once per refresh, and never a queue.

When a league's counters fall due, the reader who finds them so starts one read and waits for
it; every reader arriving while that read runs is answered with the counters as they were. A
crowd that queued behind each read (twice a second) was the whole tail of bench/web.py's
latency. Each league's counters are read on their own, only while its pages are read."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.web import cache


class Gated(cache.Version):
    """Counters whose read waits on a gate the test opens."""

    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(db=None, clock=lambda: self.now)  # type: ignore[arg-type]
        self.gate = asyncio.Event()
        self.reads = 0
        self.read: list[str] = []
        self.next: Any = (1,)

    async def _read(self, league_id: str) -> tuple[int, ...]:
        self.reads += 1
        self.read.append(league_id)
        await self.gate.wait()
        self.gate.clear()
        if isinstance(self.next, Exception):
            raise self.next
        return tuple(self.next)


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_readers_arriving_during_a_read_get_the_counters_as_they_were() -> None:
    version = Gated()
    first = asyncio.create_task(version.current())
    await _settle()
    assert not first.done()  # nothing known yet: the first reader waits for the read
    version.gate.set()
    assert await first == (1,)

    version.now += cache.REFRESH_SECONDS / 2
    assert await version.current() == (1,) and version.reads == 1  # not due: no read

    version.now += cache.REFRESH_SECONDS
    version.next = (2,)
    due = asyncio.create_task(version.current())  # finds them due: reads, and waits
    await _settle()
    crowd = [asyncio.create_task(version.current()) for _ in range(20)]
    await _settle()
    assert all(t.done() for t in crowd), "readers queued behind the counters' read"
    assert {t.result() for t in crowd} == {(1,)}
    assert not due.done() and version.reads == 2  # one read for all of them
    version.gate.set()
    assert await due == (2,)
    assert await version.current() == (2,) and version.reads == 2


async def test_a_failed_read_is_the_reader_s_error_and_the_next_one_reads_again() -> None:
    version = Gated()
    version.gate.set()
    assert await version.current() == (1,)
    version.now += cache.REFRESH_SECONDS
    version.next = RuntimeError("database gone")
    version.gate.set()
    with pytest.raises(RuntimeError):
        await version.current()
    version.next = (3,)
    version.gate.set()
    assert await version.current() == (3,) and version.reads == 3


async def test_each_league_is_read_on_its_own_and_only_when_asked_for() -> None:
    version = Gated()
    version.gate.set()
    assert await version.current("a") == (1,)
    version.now += cache.REFRESH_SECONDS / 2
    version.next = (5,)
    version.gate.set()
    assert await version.current("b") == (5,)  # b was never read: read now, not a's
    version.now += cache.REFRESH_SECONDS / 4
    assert await version.current("a") == (1,) and await version.current("b") == (5,)
    assert version.read == ["a", "b"]  # neither due, and nothing else was ever read

    version.now += cache.REFRESH_SECONDS / 2 + 0.01  # a is due, b is not (read later)
    version.next = (2,)
    slow_a = asyncio.create_task(version.current("a"))  # a's read waits on the gate...
    await _settle()
    assert await version.current("b") == (5,)  # ...and b's readers don't wait with it
    assert not slow_a.done() and version.read == ["a", "b", "a"]
    version.gate.set()
    assert await slow_a == (2,)


async def test_only_the_leagues_read_lately_are_remembered(monkeypatch: Any) -> None:
    monkeypatch.setattr(cache, "COUNTED", 3)
    version = Gated()
    for league in "abcd":
        version.gate.set()
        await version.current(league)
    version.gate.set()
    await version.current("a")  # forgotten (least recently read): read again
    assert version.read == ["a", "b", "c", "d", "a"]
