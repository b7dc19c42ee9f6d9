"""Serving the web companion with uvicorn: on its own (`pinwheel web`) or beside the bot in the
same process and event loop (`pinwheel run` with PINWHEEL_WEB_PORT set)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import socket
import threading
from collections.abc import AsyncIterator
from typing import Any

import uvicorn

from bot.web.app import create_app
from db.engine import Database, create_database

log = logging.getLogger(__name__)
GRACE_SECONDS = 2


class WebServeError(RuntimeError):
    """The web companion could not start listening."""


def settle_collector() -> None:
    """For a process that only serves the web (`pinwheel web`): what start-up built (the app,
    its templates, the engine) moves out of the garbage collector's way, and the young
    generation is collected less often, so a full collection over the read cache's answers
    rarely stalls a request (the tail of the latency, measured by bench/web.py --apart)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) for uvicorn to serve on; WebServeError if it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise WebServeError(
            f"The web companion cannot listen on {host}:{port} ({err.strerror or err}). "
            "Set PINWHEEL_WEB_PORT to a free port, or leave it unset."
        ) from None
    sock.set_inheritable(True)
    return sock


def _new_loop() -> asyncio.AbstractEventLoop:
    """The web thread's own event loop: uvloop's where it is installed (several times faster at
    serving many small answers), asyncio's otherwise."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def server(db: Database, host: str, port: int) -> uvicorn.Server:
    """uvicorn serving the site. In the main thread (`pinwheel web`) it handles Ctrl-C and
    SIGTERM; beside the bot it runs in a thread of its own, where uvicorn installs no signal
    handlers and the bot's own shutdown stops it."""
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
    return uvicorn.Server(config)


@contextlib.asynccontextmanager
async def serving_beside(db: Database, host: str, port: int | None) -> AsyncIterator[None]:
    """Serve the site while the body runs (nothing without a port), in a thread of its own
    with its own event loop and its own engine on the same database: a crowd of readers then
    never queues ahead of the bot's own work in the bot's event loop."""
    if port is None:
        yield
        return
    listening = listen(host, port)  # bound here: a port in use is our error, not uvicorn's exit
    box: dict[str, Any] = {}

    def run() -> None:
        loop = _new_loop()
        asyncio.set_event_loop(loop)
        web_db = create_database(db.url)  # engines belong to the loop that made them
        web = box["web"] = server(web_db, host, port)
        try:
            loop.run_until_complete(web.serve(sockets=[listening]))
        except BaseException as err:  # uvicorn ends with SystemExit on some failures
            box["error"] = err
            log.error("the web companion stopped: %r", err)
        finally:
            loop.run_until_complete(web_db.dispose())
            loop.close()

    thread = threading.Thread(target=run, name="pinwheel-web", daemon=True)
    thread.start()
    for _ in range(200):  # serving within a few seconds
        web = box.get("web")
        if (web is not None and web.started) or not thread.is_alive():
            break
        await asyncio.sleep(0.05)
    web = box.get("web")
    if web is None or not web.started:
        if web is not None:
            web.should_exit = True
        listening.close()
        why = f" ({box['error']!r})" if "error" in box else ""
        raise WebServeError(f"The web companion did not start on {host}:{port}{why}.")
    log.info("web companion at http://%s:%d/", host, port)
    try:
        yield
    finally:
        web.should_exit = True
        await asyncio.to_thread(thread.join, GRACE_SECONDS + 5)
