"""The aiohttp transport against a throwaway HTTP server on the loopback interface."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.ai.llm import TransportError
from bot.ai.transport import AiohttpTransport


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    async def echo(request: web.Request) -> web.Response:
        seen.append({"headers": dict(request.headers), "body": await request.json()})
        return web.json_response({"ok": True}, status=201)

    async def html_error(request: web.Request) -> web.Response:
        return web.Response(text="<h1>Bad gateway</h1>", status=502, content_type="text/html")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/echo", echo)
    app.router.add_post("/html", html_error)
    app.router.add_post("/slow", slow)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


async def test_posts_json_with_headers_and_returns_status_and_body(
    server: tuple[str, list[dict[str, Any]]],
) -> None:
    base, seen = server
    transport = AiohttpTransport()
    try:
        status, body = await transport.post_json(
            f"{base}/echo", {"x-api-key": "k"}, {"model": "m", "n": 1}, timeout_s=5
        )
    finally:
        await transport.close()
    assert (status, body) == (201, {"ok": True})
    assert seen[0]["body"] == {"model": "m", "n": 1}
    assert seen[0]["headers"]["x-api-key"] == "k"


async def test_non_json_error_page_is_returned_as_text(
    server: tuple[str, list[dict[str, Any]]],
) -> None:
    base, _ = server
    transport = AiohttpTransport()
    try:
        status, body = await transport.post_json(f"{base}/html", {}, {}, timeout_s=5)
    finally:
        await transport.close()
    assert status == 502
    assert "Bad gateway" in body["error"]


async def test_slow_server_raises_timeout_error(server: tuple[str, list[dict[str, Any]]]) -> None:
    base, _ = server
    transport = AiohttpTransport()
    try:
        with pytest.raises(TimeoutError):
            await transport.post_json(f"{base}/slow", {}, {}, timeout_s=0.05)
    finally:
        await transport.close()


async def test_refused_connection_raises_transport_error() -> None:
    transport = AiohttpTransport()
    try:
        with pytest.raises(TransportError):
            await transport.post_json("http://127.0.0.1:9/none", {}, {}, timeout_s=2)
    finally:
        await transport.close()
