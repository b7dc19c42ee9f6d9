"""The league advisory lock never outlives its holder's intent: when releasing it fails or is
cancelled, its connection is thrown away (which releases a session lock) instead of going
back to the pool still holding it. Advisory locks are PostgreSQL's."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.app.league import locks
from bot.app.league.locks import advisory_lock
from db.engine import Database, create_database

pytestmark = pytest.mark.parametrize("backend", ["postgres"])


async def _taken_elsewhere(db_url: str, name: str) -> bool:
    """Whether another process (its own engine) can take the lock within a few seconds; the
    server frees a closed connection's locks as soon as its backend notices."""
    other = create_database(db_url)
    try:
        for _ in range(50):
            async with advisory_lock(other, name) as held:
                if held:
                    return True
            await asyncio.sleep(0.1)
        return False
    finally:
        await other.dispose()


async def test_a_failed_unlock_does_not_leave_the_lock_held_by_a_pooled_connection(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Division by zero: the statement fails before the unlock in it runs.
    monkeypatch.setattr(locks, "_UNLOCK", text("SELECT pg_advisory_unlock(hashtext(:k)), 1/0"))
    with pytest.raises(Exception, match="division by zero"):
        async with advisory_lock(database, "pinwheel-league:L") as held:
            assert held
    monkeypatch.undo()
    assert await _taken_elsewhere(db_url, "pinwheel-league:L")


async def test_an_unlock_cancelled_mid_way_does_not_strand_the_lock(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = text("SELECT pg_sleep(2), pg_advisory_unlock(hashtext(:k))")
    monkeypatch.setattr(locks, "_UNLOCK", slow)
    entered = asyncio.Event()

    async def hold() -> None:
        async with advisory_lock(database, "pinwheel-league:C") as held:
            assert held
            entered.set()

    task = asyncio.create_task(hold())
    await entered.wait()
    await asyncio.sleep(0.3)  # now inside the (slow) unlock
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    monkeypatch.undo()
    assert await _taken_elsewhere(db_url, "pinwheel-league:C")
