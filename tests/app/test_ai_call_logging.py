"""Every interpretation the bot makes is an `ai_calls` row, whichever entry point built it."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.governance.commands import SubmitProposal
from bot.wiring import logged_interpreter
from db.engine import Database
from db.tables import AICallRow
from tests.app.kit import start_league


async def test_proposing_through_the_wired_interpreter_logs_the_ai_call(database: Database) -> None:
    league = await start_league(database, interpreter=logged_interpreter(database))
    await league.app.handle(
        SubmitProposal(league.season, league.gov(0), "make threes worth 4"), command_id="p:1"
    )
    async with database.read_sessions() as s:
        rows = (await s.execute(select(AICallRow))).scalars().all()
    assert len(rows) == 1
    assert rows[0].prompt == "make threes worth 4" and rows[0].ok
    assert rows[0].provider == "builtin"
    assert "three_point_value" in (rows[0].response or "")
