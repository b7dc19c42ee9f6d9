"""PostgreSQL advisory locks for background work shared by several bot processes.

`advisory_lock(db, name)` tries `pg_try_advisory_lock(hashtext(name))` on a connection of its
own, so the lock dies with the process; it yields whether it is held. If releasing it fails
or is cancelled, that connection is invalidated (closed, never pooled again), which releases
the lock with its session. On SQLite it always yields True: one process owns an SQLite file,
and its BEGIN IMMEDIATE serialises each step.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.engine import Database

_TRY = text("SELECT pg_try_advisory_lock(hashtext(:k))")
_UNLOCK = text("SELECT pg_advisory_unlock(hashtext(:k))")


@asynccontextmanager
async def advisory_lock(db: Database, name: str) -> AsyncIterator[bool]:
    if db.is_sqlite:
        yield True
        return
    async with db.engine.connect() as conn:
        key = {"k": name}
        held = bool((await conn.execute(_TRY, key)).scalar_one())
        await conn.commit()
        try:
            yield held
        finally:
            if held:
                await _unlock(conn, key)


async def _unlock(conn: AsyncConnection, key: dict[str, str]) -> None:
    """Release the lock, or failing that (an error, a cancellation) throw the connection
    away: closing its session is what releases a session lock for certain. A connection
    returned to the pool still holding it would skip the league for the life of the process."""
    try:
        await conn.execute(_UNLOCK, key)
        await conn.commit()
    except BaseException:
        # Shielded: a second cancellation must not interrupt the invalidation too.
        await asyncio.shield(conn.invalidate())
        raise
