"""Shared fixtures. Database tests take `db_url` / `database`, parametrised over both engines;
each test gets a fresh database created from a template that the real migrations built once.

PostgreSQL: when none can be started, its tests are skipped with the reason, except when the
environment variable CI is set, where the whole session fails instead.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import make_url

from db.engine import Database, create_database
from db.migrate import upgrade
from tests.pg import Cluster, PostgresUnavailable, start_cluster

BACKENDS = ["sqlite", "postgres"]
_counter = itertools.count()


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster | None]:
    try:
        cluster = start_cluster()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI requires PostgreSQL tests to run, but: {exc}", pytrace=False)
        yield None
        return
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
async def pg_template(pg_cluster: Cluster | None) -> str | None:
    """Name of a migrated template database on the test cluster."""
    if pg_cluster is None:
        return None
    name = f"pinwheel_template_{os.getpid()}"
    conn = await asyncpg.connect(_asyncpg_dsn(pg_cluster.admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    await upgrade(str(make_url(pg_cluster.admin_url).set(database=name)))
    return name


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    await upgrade(f"sqlite+aiosqlite:///{path}")
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


async def fresh_url(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    pg_cluster: Cluster | None,
    pg_template: str | None,
) -> str:
    if backend == "sqlite":
        path = tmp_path / f"pinwheel-{next(_counter)}.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    if pg_cluster is None or pg_template is None:
        pytest.skip("PostgreSQL is not available here (set CI to make this a failure)")
    name = f"t_{os.getpid()}_{next(_counter)}"
    conn = await asyncpg.connect(_asyncpg_dsn(pg_cluster.admin_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    finally:
        await conn.close()
    return str(make_url(pg_cluster.admin_url).set(database=name))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def db_url(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    pg_cluster: Cluster | None,
    pg_template: str | None,
) -> str:
    return await fresh_url(backend, tmp_path, sqlite_template, pg_cluster, pg_template)


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    db = create_database(db_url, pool_size=10)
    yield db
    await db.dispose()


@pytest.fixture
async def pg_database(
    tmp_path: Path, sqlite_template: Path, pg_cluster: Cluster | None, pg_template: str | None
) -> AsyncIterator[Database]:
    """PostgreSQL only, for what SQLite cannot show: there every write transaction takes the
    file's one write lock."""
    db = create_database(
        await fresh_url("postgres", tmp_path, sqlite_template, pg_cluster, pg_template)
    )
    yield db
    await db.dispose()


@pytest.fixture
def run_machine(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    pg_cluster: Cluster | None,
    pg_template: str | None,
) -> Callable[..., None]:
    """Run a hypothesis state machine on this test's engine; every example gets a fresh
    database through the machine's `url_factory` (a coroutine function returning a URL)."""
    if backend == "postgres" and pg_cluster is None:
        # As for `db_url`: skipped here, a failure under CI (pg_cluster fails the session).
        pytest.skip("PostgreSQL is not available here (set CI to make this a failure)")

    async def url_factory() -> str:
        return await fresh_url(backend, tmp_path, sqlite_template, pg_cluster, pg_template)

    def run(base: type, *, max_examples: int, steps: int) -> None:
        machine: Any = type("Machine", (base,), {"url_factory": staticmethod(url_factory)})
        machine.TestCase.settings = settings(
            max_examples=max_examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        machine.TestCase().runTest()

    return run
