"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production).

SQLite: WAL, synchronous=FULL, foreign keys on, a busy timeout; write transactions start with
BEGIN IMMEDIATE so a unit of work holds the single write lock from its first read, and reads use a
second engine whose transactions start DEFERRED. PostgreSQL: asyncpg at READ COMMITTED; the
event store serialises appends with SELECT ... FOR UPDATE on its head row.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from db.sqlite_driver import connector


@dataclass(frozen=True)
class Database:
    """The engines of one database and session factories bound to them."""

    url: str
    engine: AsyncEngine
    read_engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncSession]:
        """A read-only session whose queries all see one consistent state of the database
        (REPEATABLE READ on PostgreSQL; a deferred transaction on SQLite, whose WAL snapshot
        starts at its first read). `pinwheel verify` runs in one against a live league."""
        if self.is_sqlite:
            async with self.read_sessions() as session, session.begin():
                yield session
            return
        engine = self.engine.execution_options(isolation_level="REPEATABLE READ")
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            await session.execute(text("SET TRANSACTION READ ONLY"))
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


# orjson for every JSON column, on both engines: payloads are most of what the log stores.
JSON_CODEC: dict[str, Any] = {"json_serializer": _dumps, "json_deserializer": orjson.loads}


def _sqlite_engine(url: str, *, begin: str, busy_timeout_ms: int, **kw: Any) -> AsyncEngine:
    path = make_url(url).database
    assert path
    engine = create_async_engine(url, async_creator=connector(path), **JSON_CODEC, **kw)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so BEGIN is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(f"BEGIN {begin}")

    return engine


def describe_url(url: str) -> str:
    """A database as an operator names it, never with its password: a SQLite file's path, or
    the server URL with the password masked."""
    try:
        parsed = make_url(url)
    except Exception:
        return "the configured database"
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database or ":memory:")
    return parsed.render_as_string(hide_password=True)


def create_database(
    url: str,
    *,
    pool_size: int = 5,
    busy_timeout_ms: int = 30_000,
    wait_s: float = 30.0,
    echo: bool = False,
) -> Database:
    """Build the engines for `url` (sqlite+aiosqlite:// or postgresql+asyncpg://).

    `wait_s` bounds how long a command waits for a pooled connection and, on PostgreSQL, for
    any lock (`lock_timeout`); past it the command fails as busy, having written nothing.
    SQLite's write lock is bounded by `busy_timeout_ms`."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        memory = make_url(url).database in (None, "", ":memory:")
        if memory:
            raise ValueError("use a SQLite file, not :memory: (several connections share it)")
        common: dict[str, Any] = {
            "echo": echo,
            "busy_timeout_ms": busy_timeout_ms,
            "pool_size": pool_size,
            "pool_timeout": wait_s,
        }
        engine = _sqlite_engine(url, begin="IMMEDIATE", **common)
        read_engine = _sqlite_engine(url, begin="DEFERRED", **common)
    elif backend == "postgresql":
        # No pool_pre_ping: it costs a round trip per checkout, and SQLAlchemy already
        # invalidates the pool when a statement meets a dropped connection.
        engine = create_async_engine(
            url,
            echo=echo,
            pool_size=pool_size,
            pool_timeout=wait_s,
            isolation_level="READ COMMITTED",
            connect_args={"server_settings": {"lock_timeout": str(max(1, int(wait_s * 1000)))}},
            **JSON_CODEC,
        )
        # Reads autocommit: one round trip per query, no BEGIN/ROLLBACK around it. A reader
        # that needs several queries to agree uses `snapshot()`.
        read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    else:
        raise ValueError(f"unsupported database backend {backend!r} (use sqlite or postgresql)")
    return Database(
        url=url,
        engine=engine,
        read_engine=read_engine,
        sessions=async_sessionmaker(engine, expire_on_commit=False),
        read_sessions=async_sessionmaker(read_engine, expire_on_commit=False),
    )


def create_null_pool_database(url: str) -> Database:
    """A database whose connections are not pooled (for subprocess tests and one-shot CLIs)."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(url, begin="IMMEDIATE", busy_timeout_ms=30_000, poolclass=NullPool)
        read_engine = _sqlite_engine(
            url, begin="DEFERRED", busy_timeout_ms=30_000, poolclass=NullPool
        )
    else:
        engine = create_async_engine(
            url, poolclass=NullPool, isolation_level="READ COMMITTED", **JSON_CODEC
        )
        read_engine = engine
    return Database(
        url=url,
        engine=engine,
        read_engine=read_engine,
        sessions=async_sessionmaker(engine, expire_on_commit=False),
        read_sessions=async_sessionmaker(read_engine, expire_on_commit=False),
    )
