"""The AI call log port: every request to an interpreter, kept for the `ai_calls` table.

Providers report each call they make, successful or not, to an `AICallLog`. The database
adapter lives in `db/`; `InMemoryAICallLog` serves tests and the offline run.
"""

from __future__ import annotations

import logging
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

logger = logging.getLogger(__name__)

PURPOSE_INTERPRET_PROPOSAL = "interpret_proposal"


class AICallRecord(BaseModel):
    """One AI request and its outcome. Never holds credentials."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    purpose: str
    provider: str
    model: str
    prompt: str
    response: str
    latency_ms: int = Field(ge=0)
    input_tokens: int | None = None
    output_tokens: int | None = None
    ok: bool
    error: str | None = None


class AICallLog(Protocol):
    """Where AI calls are reported."""

    async def record(self, call: AICallRecord) -> None: ...


class InMemoryAICallLog:
    """Keeps calls in a list, in the order they were reported."""

    def __init__(self) -> None:
        self.calls: list[AICallRecord] = []

    async def record(self, call: AICallRecord) -> None:
        self.calls.append(call)


class NullAICallLog:
    """Forgets every call; for when nobody asked for a log."""

    async def record(self, call: AICallRecord) -> None:
        return None


async def record_safely(log: AICallLog, call: AICallRecord) -> None:
    """Report `call`; a broken log is logged and never costs a governor their proposal."""
    try:
        await log.record(call)
    except Exception:
        logger.exception("could not record an AI call (%s/%s)", call.provider, call.purpose)


def elapsed_ms(start: float, end: float) -> int:
    """Milliseconds between two monotonic clock readings in seconds."""
    return max(0, round((end - start) * 1000))
