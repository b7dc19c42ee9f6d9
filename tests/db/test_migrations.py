"""Alembic migrations on both engines: up, down, up again; the models never drift from them."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from db.engine import create_null_pool_database
from db.migrate import MIGRATIONS_DIR, current_revision, downgrade, upgrade
from db.tables import Base

# Every append-only table's triggers, by name, per engine (migration 0001).
APPEND_ONLY_TRIGGERS = {
    "sqlite": {
        f"{table}_no_{action}"
        for table in ("governance_events", "game_results")
        for action in ("update", "delete")
    },
    "postgresql": {
        f"{table}_{kind}"
        for table in ("governance_events", "game_results")
        for kind in ("append_only", "no_truncate")
    },
}

TRIGGER_QUERY = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
}


def _head_revision() -> str:
    return str(ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head())


async def _dialect(url: str) -> str:
    db = create_null_pool_database(url)
    try:
        return db.dialect
    finally:
        await db.dispose()


async def _tables_and_triggers(url: str) -> tuple[set[str], set[str]]:
    db = create_null_pool_database(url)
    try:
        async with db.engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            triggers = {r[0] for r in await conn.execute(text(TRIGGER_QUERY[db.dialect]))}
    finally:
        await db.dispose()
    return tables - {"alembic_version"}, triggers


async def test_upgrade_downgrade_upgrade_round_trips(db_url: str) -> None:
    # db_url starts migrated (from the template built by the real migrations).
    tables, triggers = await _tables_and_triggers(db_url)
    assert tables == set(Base.metadata.tables)
    assert APPEND_ONLY_TRIGGERS[await _dialect(db_url)] <= triggers
    assert await current_revision(db_url) == _head_revision()

    await downgrade(db_url, "base")
    assert await current_revision(db_url) is None
    empty_tables, empty_triggers = await _tables_and_triggers(db_url)
    assert empty_tables == set() and empty_triggers == set()

    await upgrade(db_url)
    assert await current_revision(db_url) == _head_revision()
    assert await _tables_and_triggers(db_url) == (tables, triggers)


async def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    db = create_null_pool_database(db_url)

    def diff(sync_conn: Any) -> list[Any]:
        context = MigrationContext.configure(
            sync_conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, Base.metadata))

    try:
        async with db.engine.connect() as conn:
            differences = await conn.run_sync(diff)
    finally:
        await db.dispose()
    assert differences == []


async def test_the_head_row_exists_after_migration(db_url: str) -> None:
    db = create_null_pool_database(db_url)
    try:
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, last_sequence FROM event_log_head"))).all()
    finally:
        await db.dispose()
    assert [tuple(r) for r in rows] == [(1, 0)]


async def _populated(url: str) -> dict[str, int]:
    """A short season played to the end on `url` (proposals, votes, trades, shows, the
    outbox...); returns each table's row count."""
    from bot.app.league.offline import play
    from bot.app.league.outbox import CollectingPoster
    from db.engine import create_database
    from tests.app.league_kit import SHORT_RULES

    db = create_database(url)
    try:
        await play(
            db,
            seed="downgrade",
            poster=CollectingPoster(),
            fast=True,
            governors=4,
            rules=SHORT_RULES,
        )
        async with db.engine.connect() as conn:
            return {
                name: int((await conn.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one())
                for name in Base.metadata.tables
            }
    finally:
        await db.dispose()


async def test_a_populated_database_downgrades_step_by_step_to_base_and_back(
    db_url: str,
) -> None:
    counts = await _populated(db_url)
    filled = {name for name, n in counts.items() if n}
    # The season touched the tables that matter: the log, governance, the league, the outbox.
    assert {"governance_events", "proposals", "votes", "game_results", "outbox"} <= filled

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    for revision in script.walk_revisions():  # newest first
        target = revision.down_revision or "base"
        await downgrade(db_url, str(target))  # each migration's downgrade, with data in place
        assert await current_revision(db_url) == (None if target == "base" else target)
    assert await _tables_and_triggers(db_url) == (set(), set())

    await upgrade(db_url)
    tables, _ = await _tables_and_triggers(db_url)
    assert tables == set(Base.metadata.tables)
