"""Run the Alembic migrations programmatically (`pinwheel db upgrade`, tests, start-up)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from db.engine import create_null_pool_database

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["url"] = url
    return cfg


async def _run(url: str, action: Any) -> None:
    db = create_null_pool_database(url)
    try:
        async with db.engine.begin() as conn:

            def run(sync_conn: Any) -> None:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = sync_conn
                action(cfg)

            await conn.run_sync(run)
    finally:
        await db.dispose()


async def upgrade(url: str, revision: str = "head") -> None:
    await _run(url, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(url: str, revision: str) -> None:
    await _run(url, lambda cfg: command.downgrade(cfg, revision))


async def current_revision(url: str) -> str | None:
    db = create_null_pool_database(url)
    try:
        async with db.engine.connect() as conn:
            return await conn.run_sync(
                lambda c: MigrationContext.configure(c).get_current_revision()
            )
    finally:
        await db.dispose()


async def upgrade_and_catch_up(url: str, revision: str = "head") -> int:
    """What a process runs before it appends: migrate, then fold into every projection the
    events it has not seen yet (one new in this release, say), under the append lock. Returns
    the number of events folded."""
    from db.verify import catch_up  # verify imports the repositories; keep this module light

    await upgrade(url, revision)
    db = create_null_pool_database(url)
    try:
        async with db.sessions() as session, session.begin():
            return await catch_up(session)
    finally:
        await db.dispose()
