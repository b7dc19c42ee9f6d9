"""Run the Alembic migrations programmatically (`pinwheel db upgrade`, tests, start-up)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from db.engine import create_null_pool_database, describe_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["url"] = url
    return cfg


async def _run(url: str, action: Any) -> None:
    db = create_null_pool_database(url)
    try:
        async with db.engine.connect() as conn:

            def run(sync_conn: Any) -> None:
                sqlite = sync_conn.dialect.name == "sqlite"
                if sqlite:
                    # SQLite checks foreign keys statement by statement, and a migration
                    # drops a parent table before its children (a downgrade) or copies a
                    # table that rows refer to (batch mode) while the rows are there. The
                    # pragma only takes effect outside a transaction: set it before BEGIN;
                    # every reference is checked once, before the commit, instead.
                    cursor = sync_conn.connection.cursor()
                    cursor.execute("PRAGMA foreign_keys=OFF")
                    cursor.close()
                with sync_conn.begin():
                    cfg = alembic_config(url)
                    cfg.attributes["connection"] = sync_conn
                    action(cfg)
                    if sqlite:
                        _no_dangling_references(sync_conn)

            await conn.run_sync(run)
    finally:
        await db.dispose()


def _no_dangling_references(sync_conn: Any) -> None:
    dangling = sync_conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if dangling:
        tables = sorted({str(row[0]) for row in dangling})
        raise RuntimeError(
            f"the migration would leave {len(dangling)} row(s) referring to rows that are "
            f"gone (in {', '.join(tables)}); nothing was changed"
        )


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


class SchemaNotReadyError(RuntimeError):
    """The database has no schema, or not this release's: `pinwheel db upgrade` is needed."""


async def require_schema(url: str) -> None:
    """Check, creating nothing (not even an empty SQLite file), that the database exists and
    is at this release's schema; raise SchemaNotReadyError saying what to run otherwise."""
    parsed = make_url(url)
    path = parsed.database
    sqlite_file = parsed.get_backend_name() == "sqlite" and path and path != ":memory:"
    if sqlite_file and not Path(str(path)).exists():
        raise SchemaNotReadyError(
            f"There is no database at {path}. Run `pinwheel db upgrade` to create it "
            "(or set PINWHEEL_DATABASE_URL to the one you meant)."
        )
    revision = await current_revision(url)
    scripts = ScriptDirectory.from_config(alembic_config(url))
    heads = scripts.get_heads()
    if revision is None:
        raise SchemaNotReadyError(
            f"The database at {describe_url(url)} has no tables yet. "
            "Run `pinwheel db upgrade` first."
        )
    if revision not in heads:
        try:
            known = scripts.get_revision(revision)
        except Exception:  # alembic raises for a revision it has no script of
            known = None
        if known is None:
            raise SchemaNotReadyError(
                f"The database at {describe_url(url)} is at schema {revision}, which this release "
                "does not know (a newer release migrated it). Run that release instead."
            )
        raise SchemaNotReadyError(
            f"The database at {describe_url(url)} is at an older schema ({revision}). "
            "Run `pinwheel db upgrade` first."
        )


async def upgrade_and_catch_up(url: str, revision: str = "head") -> int | None:
    """What a process runs before it appends: migrate, then fold into every projection the
    events it has not seen yet (one new in this release, say), under the append lock. Returns
    the number of events folded; None when migrated to an older revision than this
    release's (an operator stepping through): the tables are not this code's, so nothing is
    folded."""
    from db.verify import catch_up  # verify imports the repositories; keep this module light

    await upgrade(url, revision)
    latest = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if await current_revision(url) != latest:
        return None
    db = create_null_pool_database(url)
    try:
        async with db.sessions() as session, session.begin():
            return await catch_up(session)
    finally:
        await db.dispose()
