"""Alembic migrations on both engines: up, down, up again; the models never drift from them."""

from __future__ import annotations

from datetime import UTC, datetime
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


async def test_a_league_brings_its_log_head_row(db_url: str) -> None:
    # Migration 0011's trigger: whoever inserts a league (the bot, a test, an operator's
    # script), its log's head row comes with it, at 0.
    db = create_null_pool_database(db_url)
    try:
        async with db.engine.begin() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM event_log_head"))).scalar() == 0
            for league in ("league-a", "league-b"):
                await conn.execute(
                    text("INSERT INTO leagues (id, guild_id, name) VALUES (:id, :id, 'L')"),
                    {"id": league},
                )
            rows = (
                await conn.execute(
                    text("SELECT league_id, last_sequence FROM event_log_head ORDER BY league_id")
                )
            ).all()
    finally:
        await db.dispose()
    assert [tuple(r) for r in rows] == [("league-a", 0), ("league-b", 0)]


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


# Every column that holds a sequence number, found in the models (migration 0011 keeps its own
# list: a column added without it would fail the test below).
SEQUENCE_COLUMNS = sorted(
    (table.name, column.name)
    for table in Base.metadata.sorted_tables
    for column in table.columns
    if "sequence" in column.name
    and table.name not in ("governance_events", "event_log_head", "projection_checkpoints")
)


async def _numbered(url: str) -> dict[str, Any]:
    """Each event's number, each sequence column's values (by row) and the checkpoints."""
    db = create_null_pool_database(url)
    try:
        async with db.engine.connect() as conn:
            events = await conn.execute(text("SELECT id, sequence_number FROM governance_events"))
            columns = {}
            for table, column in SEQUENCE_COLUMNS:
                keys = ", ".join(c.name for c in Base.metadata.tables[table].primary_key.columns)
                rows = await conn.execute(text(f"SELECT {keys}, {column} FROM {table}"))
                columns[(table, column)] = {tuple(r[:-1]): r[-1] for r in rows}
            checkpoints = (await conn.execute(text("SELECT * FROM projection_checkpoints"))).all()
            return {
                "events": {r.id: int(r.sequence_number) for r in events},
                "columns": columns,
                "checkpoints": sorted(tuple(r) for r in checkpoints),
            }
    finally:
        await db.dispose()


async def test_league_logs_renumber_and_back_without_losing_a_place(db_url: str) -> None:
    from db.engine import create_database
    from db.event_store import EventStore
    from db.projections import ALL_BINDINGS
    from db.verify import verify
    from tests.factories import grant, seed_league, spend

    # Two leagues whose events interleave: a few grants in one, a played season in the
    # other (proposals, votes, trades, strategies...), then more in the first.
    db = create_database(db_url)
    try:
        small = await seed_league(db)

        async def tokens(year: int, *events: Any) -> None:
            # Dated: the downgrade orders the leagues' events by time, and the played season
            # runs on a clock of its own.
            clock = lambda: datetime(year, 1, 1, tzinfo=UTC)  # noqa: E731
            async with db.sessions() as s, s.begin():
                await EventStore(s, projections=ALL_BINDINGS, clock=clock).append(list(events))

        for governor in small.governor_ids:
            await tokens(2000, grant(small.season_id, governor, 3))
    finally:
        await db.dispose()
    await _populated(db_url)
    db = create_database(db_url)
    try:
        await tokens(
            2100,
            spend(small.season_id, small.governor_ids[0]),
            grant(small.season_id, small.governor_ids[1]),
        )
        async with db.read_sessions() as s:
            leagues = dict(
                (await s.execute(text("SELECT id, league_id FROM governance_events"))).all()
            )
    finally:
        await db.dispose()
    before = await _numbered(db_url)
    assert small.league_id in leagues.values() and len(set(leagues.values())) == 2

    # Down to one log for the whole database: dense, and each league's order kept.
    await downgrade(db_url, "0010")
    old = await _numbered(db_url)
    assert sorted(old["events"].values()) == list(range(1, len(leagues) + 1))
    for league in set(leagues.values()):
        mine = [e for e in before["events"] if leagues[e] == league]
        assert sorted(mine, key=before["events"].__getitem__) == sorted(
            mine, key=old["events"].__getitem__
        )
    # Every sequence column now names the same event by its place in the one log.
    place_of = {(leagues[e], n): e for e, n in before["events"].items()}
    event_at = {n: e for e, n in old["events"].items()}
    for key, rows in before["columns"].items():
        for row, value in rows.items():
            if value is not None:
                moved = old["columns"][key][row]
                assert moved is not None and event_at[moved] in {
                    place_of.get((league, value)) for league in set(leagues.values())
                }, (key, row)
    assert {last for _, last in old["checkpoints"]} == {len(leagues)}

    # And up again: every place, column and checkpoint as it was, and verify clean.
    await upgrade(db_url)
    assert await _numbered(db_url) == before
    db = create_database(db_url)
    try:
        async with db.read_sessions() as s:
            report = await verify(s)
    finally:
        await db.dispose()
    assert report.ok, report.problems
