"""Concrete parts the entry points (`pinwheel run`, Discord, the CLI) put together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.ai.provider import BuiltinProvider
from db.ai_call_log import DbAICallLog
from db.engine import Database
from db.event_store import utc_now


def logged_interpreter(
    db: Database, league_id: str | None = None, clock: Callable[[], datetime] = utc_now
) -> BuiltinProvider:
    """The built-in proposal interpreter behind the provider port, every call in `ai_calls`."""
    return BuiltinProvider(DbAICallLog(db, league_id, clock))
