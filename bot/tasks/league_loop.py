"""The background loop that drives the round runner: wake, run what is due, drain, sleep.

The clock and the sleep are injected, so tests and `pinwheel run --fast` move time themselves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.app.league.runner import RoundReport, Runner

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


async def run_forever(
    runner: Runner,
    *,
    poll_seconds: float = 30.0,
    sleep: Sleep = asyncio.sleep,
    stop: Callable[[list[RoundReport]], bool] = lambda _: False,
) -> None:
    """Run due rounds until `stop(reports)` says so. A failing tick is logged and retried on
    the next wake: every step is idempotent, so a retry finishes the round exactly once."""
    while True:
        try:
            reports = await runner.tick()
            await runner.drain()
        except Exception:
            logger.exception("league tick failed; retrying in %s s", poll_seconds)
            reports = []
        if stop(reports):
            return
        await sleep(poll_seconds)
