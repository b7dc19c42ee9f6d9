"""`pinwheel web`: the read-only web companion and public API, on its own."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.config import Settings


def register(sub: Any) -> None:
    web = sub.add_parser("web", help="serve the read-only web companion and public API")
    web.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=int, default=None, help="port (default 8080)")
    web.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    """Serve on uvloop where it is installed (the web's fast path), asyncio's loop otherwise."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(_serve(args))
    return uvloop.run(_serve(args))


async def _serve(args: argparse.Namespace) -> int:
    from bot.cli.db import open_ready
    from bot.web.server import listen, server, settle_collector

    settings = Settings()
    db = await open_ready(settings)
    host = args.host or settings.web_host
    port = args.port or settings.web_port or 8080
    settle_collector()  # this process only serves the web
    try:
        sock = listen(host, port)
        print(
            f"Pinwheel web companion at http://{host}:{port}/ (API docs at /api/docs); Ctrl-C stops"
        )
        await server(db, host, port).serve(sockets=[sock])
    finally:
        await db.dispose()
    return 0
