"""Serving the web companion with uvicorn: on its own (`pinwheel web`) or beside the bot in the
same process and event loop (`pinwheel run` with PINWHEEL_WEB_PORT set)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Generator

import uvicorn

from bot.web.app import create_app
from db.engine import Database

log = logging.getLogger(__name__)
GRACE_SECONDS = 2


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signals to its host: beside the bot, Ctrl-C and SIGTERM
    belong to the bot's own shutdown, which stops this server after its current step."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def server(db: Database, host: str, port: int, *, own_signals: bool) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(db),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        proxy_headers=True,
        # Live streams (the arena, the event log) never end on their own: on shutdown they get
        # this long to see their client go, then they are closed.
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    return uvicorn.Server(config) if own_signals else _QuietServer(config)


@contextlib.asynccontextmanager
async def serving_beside(db: Database, host: str, port: int | None) -> AsyncIterator[None]:
    """Serve the site in this event loop while the body runs (nothing without a port)."""
    if port is None:
        yield
        return
    web = server(db, host, port, own_signals=False)
    task = asyncio.create_task(web.serve(), name="pinwheel-web")
    log.info("web companion at http://%s:%d/", host, port)
    try:
        yield
    finally:
        web.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=GRACE_SECONDS + 5)
