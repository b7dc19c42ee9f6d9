"""PostgreSQL advisory locks for background work shared by several bot processes.

`advisory_lock(db, name)` tries `pg_try_advisory_lock(hashtext(name))` on a connection of its
own, so the lock dies with the process; it yields whether it is held. On SQLite it always
yields True: one process owns an SQLite file, and its BEGIN IMMEDIATE serialises each step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

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
                await conn.execute(_UNLOCK, key)
                await conn.commit()
