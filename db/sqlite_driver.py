"""aiosqlite connections that make one worker-thread round trip per statement.

aiosqlite runs every call on a worker thread, and SQLAlchemy's adapter makes four calls per
statement (create cursor, execute, fetch, close): four thread hand-offs, which cost more than the
statement itself on this kind of machine. Here a statement executes and fetches its rows in one
call, cursors are created without a hop, and closing is queued without waiting for it. Plugged
in through SQLAlchemy's public `async_creator`; behaviour is otherwise aiosqlite's own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

import aiosqlite


class OneHopCursor(aiosqlite.Cursor):
    _rows: list[Any] | None = None

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> OneHopCursor:
        cursor = self._cursor
        params: Any = () if parameters is None else parameters

        def run() -> list[Any] | None:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description is not None else None

        self._rows = await self._execute(run)  # type: ignore[no-untyped-call]
        return self

    async def fetchall(self) -> list[Any]:
        if self._rows is None:
            return list(await super().fetchall())
        rows, self._rows = self._rows, None
        return rows

    async def fetchone(self) -> Any:
        if self._rows is None:
            return await super().fetchone()
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        if self._rows is None:
            return list(await super().fetchmany(size))
        count = size or self._cursor.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        # Queued on the worker, not awaited: later calls on this connection run after it.
        self._rows = None
        self._conn._tx.put_nowait((None, self._cursor.close))


class OneHopConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        # A process that exits without disposing its engine must not hang on this thread;
        # SQLite rolls back whatever was not committed.
        self._thread.daemon = True

    def cursor(self) -> OneHopCursor:  # type: ignore[override]
        # The connection is opened with check_same_thread=False; creating a cursor object
        # touches no database state, and every statement still runs on the worker thread.
        return OneHopCursor(self, self._conn.cursor())


def connector(path: str, **kwargs: Any) -> Callable[[], Any]:
    """An `async_creator` for SQLAlchemy that opens `path` with a OneHopConnection."""

    async def create() -> OneHopConnection:
        def open_sqlite() -> sqlite3.Connection:
            connection: sqlite3.Connection = sqlite3.connect(
                path, check_same_thread=False, **kwargs
            )
            return connection

        connection = OneHopConnection(open_sqlite, 64)
        await connection
        return connection

    return create
