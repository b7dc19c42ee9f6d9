"""The database side of the AI call log port: every AI request becomes an `ai_calls` row.

Calls are recorded in their own short transaction: an interpreter runs outside the unit of work
(it may be slow), and a record must survive even when the command it served is rejected.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from bot.ai.calls import AICallRecord
from db.engine import Database
from db.event_store import utc_now
from db.tables import AICallRow, table_of

ai_calls = table_of(AICallRow)


def call_row(
    call: AICallRecord, *, league_id: str | None, at: datetime, call_id: str | None = None
) -> dict[str, Any]:
    """The `ai_calls` row of one recorded call."""
    return {
        "id": call_id or str(uuid.uuid4()),
        "league_id": league_id,
        "purpose": call.purpose,
        "provider": call.provider,
        "model": call.model,
        "prompt": call.prompt,
        "response": call.response,
        "ok": call.ok,
        "error": call.error,
        "latency_ms": call.latency_ms,
        "input_tokens": call.input_tokens,
        "output_tokens": call.output_tokens,
        "created_at": at,
    }


class DbAICallLog:
    """An `AICallLog` that writes to `ai_calls`, tagged with the league it served."""

    def __init__(
        self,
        db: Database,
        league_id: str | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.league_id = league_id
        self.clock = clock

    async def record(self, call: AICallRecord) -> None:
        async with self.db.sessions() as s, s.begin():
            await s.execute(
                insert(ai_calls).values(call_row(call, league_id=self.league_id, at=self.clock()))
            )
