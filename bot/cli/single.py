"""One bot process per SQLite file.

SQLite is the embedded default for one bot process; several processes share the leagues only on
PostgreSQL. `pinwheel run` holds an exclusive lock on a file beside the database for as long as
it runs (the kernel drops it when the process ends, however it ends), so a second `pinwheel
run` on the same file says so at start instead of two bots fighting over one league's rounds
and posts. Readers (`pinwheel web`, `status`, `verify`) take no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

from sqlalchemy.engine import make_url

from bot.cli.errors import CliError


def lock_path(database_url: str) -> str | None:
    """The lock file for an SQLite database file; None for PostgreSQL or in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return f"{url.database}.bot-lock"


@contextlib.contextmanager
def only_bot(database_url: str) -> Iterator[None]:
    """Hold the database's bot lock while the body runs; CliError if another process has it."""
    path = lock_path(database_url)
    if path is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            database = path.removesuffix(".bot-lock")
            raise CliError(
                f"Another Pinwheel bot is already running on {database}. An SQLite database "
                "serves one bot process: stop the other one, or move to PostgreSQL to run "
                "several (see the README's section on running several processes)."
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
