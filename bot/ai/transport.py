"""The real HTTP transport for LLM providers, over aiohttp."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.ai.llm import TransportError

_MAX_RAW_CHARS = 2000


class AiohttpTransport:
    """POSTs JSON with one shared `aiohttp.ClientSession`, created on first use."""

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        self._session = session
        self._owns_session = session is None

    async def post_json(
        self, url: str, headers: Mapping[str, str], body: Mapping[str, Any], timeout_s: float
    ) -> tuple[int, dict[str, Any]]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        try:
            async with self._session.post(
                url,
                json=dict(body),
                headers=dict(headers),
                timeout=aiohttp.ClientTimeout(total=timeout_s),
            ) as response:
                raw = await response.text(errors="replace")
                return response.status, _as_object(raw, response)
        except aiohttp.ClientError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()


def _as_object(raw: str, response: aiohttp.ClientResponse) -> dict[str, Any]:
    """The body as a JSON object; anything else (an HTML error page...) kept as text."""
    try:
        data = json.loads(raw)
    except ValueError:
        return {"error": raw[:_MAX_RAW_CHARS], "content_type": response.content_type}
    return data if isinstance(data, dict) else {"body": data}
