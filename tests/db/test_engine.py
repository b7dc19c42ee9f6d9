"""The engines as configured: SQLite's pragmas and write lock, PostgreSQL's isolation level."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.engine import Database, create_database

# Each test runs on the one engine it is about (parametrising `backend` narrows the fixture).
only_sqlite = pytest.mark.parametrize("backend", ["sqlite"])
only_postgres = pytest.mark.parametrize("backend", ["postgres"])


@only_sqlite
async def test_sqlite_runs_wal_full_sync_foreign_keys_and_the_busy_timeout(db_url: str) -> None:
    db = create_database(db_url, busy_timeout_ms=1234)
    try:
        for sessions in (db.sessions, db.read_sessions):
            async with sessions() as s:
                pragmas = {
                    name: (await s.execute(text(f"PRAGMA {name}"))).scalar_one()
                    for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
                }
            assert pragmas == {
                "journal_mode": "wal",
                "synchronous": 2,  # FULL
                "foreign_keys": 1,
                "busy_timeout": 1234,
            }
    finally:
        await db.dispose()


@only_sqlite
async def test_a_sqlite_write_session_holds_the_write_lock_from_its_first_read(
    db_url: str,
) -> None:
    db = create_database(db_url)
    other = sqlite3.connect(str(make_url(db_url).database), timeout=0, isolation_level=None)
    try:
        async with db.sessions() as s, s.begin():
            await s.execute(text("SELECT last_sequence FROM event_log_head"))  # a read only
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
        async with db.read_sessions() as s, s.begin():
            await s.execute(text("SELECT last_sequence FROM event_log_head"))
            other.execute("BEGIN IMMEDIATE")  # readers are deferred: they take no write lock
            other.execute("ROLLBACK")
    finally:
        other.close()
        await db.dispose()


@only_postgres
async def test_postgres_writes_run_at_read_committed(database: Database) -> None:
    assert database.dialect == "postgresql"
    async with database.sessions() as s, s.begin():
        level = (await s.execute(text("SHOW transaction_isolation"))).scalar_one()
    assert level == "read committed"
    async with database.snapshot() as s:
        level = (await s.execute(text("SHOW transaction_isolation"))).scalar_one()
    assert level == "repeatable read"
