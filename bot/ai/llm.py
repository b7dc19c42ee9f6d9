"""Optional LLM interpreters: Anthropic's Messages API and any OpenAI-compatible server.

Both send the registry-built prompt over an injectable `HttpTransport`, read the model's text
answer with `parse_answer` (validation included) and record every call. Any failure (network,
HTTP status, unexpected response shape, malformed answer, timeout) is recorded and raised as
`ProviderError`, which `FallbackProvider` answers with the built-in parser.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol

from bot.ai.calls import (
    PURPOSE_INTERPRET_PROPOSAL,
    AICallLog,
    AICallRecord,
    NullAICallLog,
    elapsed_ms,
    record_safely,
)
from bot.ai.prompt import MalformedAnswerError, build_system_prompt, build_user_message
from bot.ai.prompt import parse_answer as parse_llm_answer
from bot.ai.provider import Clock, ProviderError
from bot.domain.interpretation import Interpretation
from bot.domain.rules import RuleSet

ANTHROPIC_BASE_URL = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_TOKENS = 1024
_MAX_ERROR_CHARS = 500


class HttpTransport(Protocol):
    """POST a JSON body and return (HTTP status, JSON object). Raises `TransportError` when
    no answer arrives and `TimeoutError` after `timeout_s` seconds."""

    async def post_json(
        self, url: str, headers: Mapping[str, str], body: Mapping[str, Any], timeout_s: float
    ) -> tuple[int, dict[str, Any]]: ...


class TransportError(Exception):
    """The request did not get an HTTP answer (connection refused, reset, DNS...)."""


@dataclass(frozen=True, slots=True)
class _Answer:
    text: str
    input_tokens: int | None
    output_tokens: int | None


class _LLMProvider:
    """The call-and-record flow both LLM providers share; subclasses say how to talk."""

    name = "llm"

    def __init__(
        self,
        *,
        model: str,
        transport: HttpTransport,
        log: AICallLog | None = None,
        clock: Clock = time.monotonic,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_tokens: int = DEFAULT_MAX_TOKENS,
    ) -> None:
        self.model = model
        self._transport = transport
        self._log = log or NullAICallLog()
        self._clock = clock
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation:
        system, user = build_system_prompt(rules), build_user_message(text)
        url, headers, body = self._request(system, user)
        prompt = f"{system}\n\n{user}"
        start = self._clock()
        try:
            status, data = await self._transport.post_json(url, headers, body, self.timeout_s)
        except TimeoutError:
            await self._fail(prompt, start, "", f"timed out after {self.timeout_s:g} s")
        except TransportError as exc:
            await self._fail(prompt, start, "", f"transport error: {exc}")
        if not 200 <= status < 300:
            detail = str(data.get("error", data))[:_MAX_ERROR_CHARS]
            await self._fail(prompt, start, detail, f"HTTP {status}")
        try:
            answer = self._read(data)
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
            shown = str(data)[:_MAX_ERROR_CHARS]
            await self._fail(prompt, start, shown, f"unexpected response shape: {exc!r}")
        try:
            result = parse_llm_answer(answer.text, rules, text)
        except MalformedAnswerError as exc:
            await self._fail(prompt, start, answer.text, f"malformed answer: {exc}", answer)
        await self._record(prompt, start, answer.text, answer, ok=True)
        return result

    def _request(self, system: str, user: str) -> tuple[str, dict[str, str], dict[str, Any]]:
        raise NotImplementedError

    def _read(self, data: Mapping[str, Any]) -> _Answer:
        raise NotImplementedError

    async def _fail(
        self, prompt: str, start: float, response: str, error: str, answer: _Answer | None = None
    ) -> NoReturn:
        await self._record(prompt, start, response, answer, ok=False, error=error)
        raise ProviderError(f"{self.name}: {error}")

    async def _record(
        self,
        prompt: str,
        start: float,
        response: str,
        answer: _Answer | None,
        *,
        ok: bool,
        error: str | None = None,
    ) -> None:
        await record_safely(
            self._log,
            AICallRecord(
                purpose=PURPOSE_INTERPRET_PROPOSAL,
                provider=self.name,
                model=self.model,
                prompt=prompt,
                response=response,
                latency_ms=elapsed_ms(start, self._clock()),
                input_tokens=answer.input_tokens if answer else None,
                output_tokens=answer.output_tokens if answer else None,
                ok=ok,
                error=error,
            ),
        )


class AnthropicProvider(_LLMProvider):
    """Claude through the Anthropic Messages API (`POST /v1/messages`)."""

    name = "anthropic"

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        transport: HttpTransport,
        base_url: str = ANTHROPIC_BASE_URL,
        log: AICallLog | None = None,
        clock: Clock = time.monotonic,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_tokens: int = DEFAULT_MAX_TOKENS,
    ) -> None:
        super().__init__(
            model=model,
            transport=transport,
            log=log,
            clock=clock,
            timeout_s=timeout_s,
            max_tokens=max_tokens,
        )
        self._api_key = api_key
        self._url = base_url.rstrip("/") + "/v1/messages"

    def _request(self, system: str, user: str) -> tuple[str, dict[str, str], dict[str, Any]]:
        headers = {
            "x-api-key": self._api_key,
            "anthropic-version": ANTHROPIC_VERSION,
            "content-type": "application/json",
        }
        body = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "temperature": 0,
            "system": system,
            "messages": [{"role": "user", "content": user}],
        }
        return self._url, headers, body

    def _read(self, data: Mapping[str, Any]) -> _Answer:
        blocks = data["content"]
        text = "".join(b["text"] for b in blocks if b.get("type") == "text")
        usage = data.get("usage") or {}
        return _Answer(text, _count(usage.get("input_tokens")), _count(usage.get("output_tokens")))


class OpenAICompatibleProvider(_LLMProvider):
    """Any server speaking OpenAI's `POST {base_url}/chat/completions` (local ones too)."""

    name = "openai-compatible"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        transport: HttpTransport,
        api_key: str | None = None,
        log: AICallLog | None = None,
        clock: Clock = time.monotonic,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_tokens: int = DEFAULT_MAX_TOKENS,
    ) -> None:
        super().__init__(
            model=model,
            transport=transport,
            log=log,
            clock=clock,
            timeout_s=timeout_s,
            max_tokens=max_tokens,
        )
        self._api_key = api_key
        self._url = base_url.rstrip("/") + "/chat/completions"

    def _request(self, system: str, user: str) -> tuple[str, dict[str, str], dict[str, Any]]:
        headers = {"content-type": "application/json"}
        if self._api_key:
            headers["authorization"] = f"Bearer {self._api_key}"
        body = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        }
        return self._url, headers, body

    def _read(self, data: Mapping[str, Any]) -> _Answer:
        content = data["choices"][0]["message"]["content"]
        if not isinstance(content, str):
            raise TypeError("message content is not text")
        usage = data.get("usage") or {}
        return _Answer(
            content, _count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens"))
        )


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
