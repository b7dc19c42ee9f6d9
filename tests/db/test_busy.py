"""Back-pressure: a command that cannot get a database connection, or the write lock, within
its bounded wait is answered "busy, try again" (a `BusyError`) having written nothing, not
even its command id, so the same command sent again simply runs (both engines)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from bot.app.governance.commands import JoinTeam
from bot.app.service import Pinwheel
from bot.domain.errors import BUSY_MESSAGE, BusyError
from bot.ui.errors import message_for
from db.engine import Database, create_database
from db.event_store import head
from db.tables import CommandLogRow
from tests.app.kit import FakeInterpreter
from tests.factories import seed_league

WAIT_S = 0.3


async def _state(db: Database) -> tuple[int, int]:
    async with db.read_sessions() as s:
        commands = (await s.execute(select(func.count()).select_from(CommandLogRow))).scalar_one()
        return await head(s), int(commands)


def _join(season_id: str, team_id: str) -> JoinTeam:
    return JoinTeam(season_id, team_id, "4242", "latecomer")


async def test_a_command_that_cannot_get_the_write_lock_in_time_is_busy_and_writes_nothing(
    db_url: str, database: Database
) -> None:
    seeded = await seed_league(database)
    impatient = create_database(db_url, busy_timeout_ms=int(WAIT_S * 1000), wait_s=WAIT_S)
    app = Pinwheel(impatient, FakeInterpreter())
    before = await _state(database)
    try:
        # Another writer holds the log's append lock for longer than the command will wait.
        async with database.sessions() as holder, holder.begin():
            lock = "" if database.is_sqlite else " FOR UPDATE"
            await holder.execute(text(f"SELECT last_sequence FROM event_log_head{lock}"))
            with pytest.raises(BusyError) as refused:
                await app.handle(_join(seeded.season_id, seeded.team_ids[0]), command_id="c1")
        assert str(refused.value) == BUSY_MESSAGE
        assert await _state(database) == before  # nothing written, not even the command id
        out = await app.handle(_join(seeded.season_id, seeded.team_ids[0]), command_id="c1")
        assert out["status"] == "ok" and not out["replayed"]  # the retry runs afresh
    finally:
        await impatient.dispose()


async def test_a_command_that_cannot_get_a_connection_in_time_is_busy_and_writes_nothing(
    db_url: str, database: Database
) -> None:
    seeded = await seed_league(database)
    impatient = create_database(db_url, pool_size=1, wait_s=WAIT_S)
    app = Pinwheel(impatient, FakeInterpreter())
    before = await _state(database)
    held = [await impatient.engine.connect() for _ in range(11)]  # the pool and its overflow
    try:
        with pytest.raises(BusyError):
            await app.handle(_join(seeded.season_id, seeded.team_ids[0]), command_id="c2")
    finally:
        for conn in held:
            await conn.close()
    try:
        assert await _state(database) == before
        out = await app.handle(_join(seeded.season_id, seeded.team_ids[0]), command_id="c2")
        assert out["status"] == "ok"
    finally:
        await impatient.dispose()


async def test_a_read_that_finds_every_connection_taken_reads_as_busy(db_url: str) -> None:
    impatient = create_database(db_url, pool_size=1, wait_s=WAIT_S)
    held = [await impatient.read_engine.connect() for _ in range(11)]
    try:
        with pytest.raises(Exception) as timed_out:
            async with impatient.read_sessions() as s:
                await s.execute(text("SELECT 1"))
    finally:
        for conn in held:
            await conn.close()
        await impatient.dispose()
    assert message_for(timed_out.value) == BUSY_MESSAGE
