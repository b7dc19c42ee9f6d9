"""Optional LLMs: Anthropic's Messages API and any OpenAI-compatible server.

`LLMClient` is the one call-and-record path every LLM use shares (the proposal interpreter
here, the mirror writer in `bot.ai.mirror_writer`): it sends a system prompt and a user
message over an injectable `HttpTransport`, reads the model's text with a `Dialect`, hands it
to the caller's `accept` function (validation included) and records every call. Any failure
(network, HTTP status, unexpected response shape, refused answer, timeout) is recorded and
raised as `ProviderError`; callers answer it with their built-in fallback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol, TypeVar

from bot.ai.calls import (
    PURPOSE_INTERPRET_PROPOSAL,
    AICallLog,
    AICallRecord,
    NullAICallLog,
    elapsed_ms,
    record_safely,
)
from bot.ai.prompt import build_system_prompt, build_user_message
from bot.ai.prompt import parse_answer as parse_llm_answer
from bot.ai.provider import Clock, ProviderError
from bot.domain.interpretation import Interpretation
from bot.domain.rules import RuleSet

ANTHROPIC_BASE_URL = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_TOKENS = 1024
_MAX_ERROR_CHARS = 500

T = TypeVar("T")
Request = tuple[str, dict[str, str], dict[str, Any]]  # url, headers, JSON body


class HttpTransport(Protocol):
    """POST a JSON body and return (HTTP status, JSON object). Raises `TransportError` when
    no answer arrives and `TimeoutError` after `timeout_s` seconds."""

    async def post_json(
        self, url: str, headers: Mapping[str, str], body: Mapping[str, Any], timeout_s: float
    ) -> tuple[int, dict[str, Any]]: ...


class TransportError(Exception):
    """The request did not get an HTTP answer (connection refused, reset, DNS...)."""


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    input_tokens: int | None
    output_tokens: int | None


class Dialect(Protocol):
    """How one API family is spoken: the request it wants and where its answer's text is."""

    @property
    def name(self) -> str: ...

    def request(self, system: str, user: str, *, model: str, max_tokens: int) -> Request: ...

    def read(self, data: Mapping[str, Any]) -> Answer: ...


class AnthropicDialect:
    """The Anthropic Messages API (`POST /v1/messages`)."""

    name = "anthropic"

    def __init__(self, api_key: str, base_url: str = ANTHROPIC_BASE_URL) -> None:
        self._api_key = api_key
        self._url = base_url.rstrip("/") + "/v1/messages"

    def request(self, system: str, user: str, *, model: str, max_tokens: int) -> Request:
        headers = {
            "x-api-key": self._api_key,
            "anthropic-version": ANTHROPIC_VERSION,
            "content-type": "application/json",
        }
        body = {
            "model": model,
            "max_tokens": max_tokens,
            "temperature": 0,
            "system": system,
            "messages": [{"role": "user", "content": user}],
        }
        return self._url, headers, body

    def read(self, data: Mapping[str, Any]) -> Answer:
        blocks = data["content"]
        text = "".join(b["text"] for b in blocks if b.get("type") == "text")
        usage = data.get("usage") or {}
        return Answer(text, _count(usage.get("input_tokens")), _count(usage.get("output_tokens")))


class OpenAICompatibleDialect:
    """Any server speaking OpenAI's `POST {base_url}/chat/completions` (local ones too)."""

    name = "openai-compatible"

    def __init__(self, base_url: str, api_key: str | None = None) -> None:
        self._api_key = api_key
        self._url = base_url.rstrip("/") + "/chat/completions"

    def request(self, system: str, user: str, *, model: str, max_tokens: int) -> Request:
        headers = {"content-type": "application/json"}
        if self._api_key:
            headers["authorization"] = f"Bearer {self._api_key}"
        body = {
            "model": model,
            "max_tokens": max_tokens,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        }
        return self._url, headers, body

    def read(self, data: Mapping[str, Any]) -> Answer:
        content = data["choices"][0]["message"]["content"]
        if not isinstance(content, str):
            raise TypeError("message content is not text")
        usage = data.get("usage") or {}
        return Answer(
            content, _count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens"))
        )


class LLMClient:
    """One model behind one dialect and transport: ask, accept or refuse, record."""

    def __init__(
        self,
        dialect: Dialect,
        *,
        model: str,
        transport: HttpTransport,
        log: AICallLog | None = None,
        clock: Clock = time.monotonic,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_tokens: int = DEFAULT_MAX_TOKENS,
    ) -> None:
        self.dialect = dialect
        self.model = model
        self._transport = transport
        self._log = log or NullAICallLog()
        self.clock = clock
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens

    @property
    def name(self) -> str:
        return self.dialect.name

    async def ask(
        self,
        purpose: str,
        system: str,
        user: str,
        accept: Callable[[str], T],
        *,
        refusal: str = "malformed answer",
        log: AICallLog | None = None,
    ) -> T:
        """Send one request and return `accept(answer text)`.

        `accept` raises `ValueError` to refuse the answer (recorded as "`refusal`: reason").
        The call is recorded in `log` (default: the client's own) whatever happens.
        """
        call = _Call(self, purpose, f"{system}\n\n{user}", log or self._log)
        url, headers, body = self.dialect.request(
            system, user, model=self.model, max_tokens=self.max_tokens
        )
        try:
            status, data = await self._transport.post_json(url, headers, body, self.timeout_s)
        except TimeoutError:
            await call.fail("", f"timed out after {self.timeout_s:g} s")
        except TransportError as exc:
            await call.fail("", f"transport error: {exc}")
        if not 200 <= status < 300:
            detail = str(data.get("error", data))[:_MAX_ERROR_CHARS]
            await call.fail(detail, f"HTTP {status}")
        try:
            answer = self.dialect.read(data)
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
            shown = str(data)[:_MAX_ERROR_CHARS]
            await call.fail(shown, f"unexpected response shape: {exc!r}")
        try:
            result = accept(answer.text)
        except ValueError as exc:
            await call.fail(answer.text, f"{refusal}: {exc}", answer)
        await call.record(answer.text, answer, ok=True)
        return result


class _Call:
    """One request's record: what was asked, when it started, where it is logged."""

    def __init__(self, client: LLMClient, purpose: str, prompt: str, log: AICallLog) -> None:
        self.client, self.purpose, self.prompt, self.log = client, purpose, prompt, log
        self.start = client.clock()

    async def fail(self, response: str, error: str, answer: Answer | None = None) -> NoReturn:
        await self.record(response, answer, ok=False, error=error)
        raise ProviderError(f"{self.client.name}: {error}")

    async def record(
        self, response: str, answer: Answer | None, *, ok: bool, error: str | None = None
    ) -> None:
        await record_safely(
            self.log,
            AICallRecord(
                purpose=self.purpose,
                provider=self.client.name,
                model=self.client.model,
                prompt=self.prompt,
                response=response,
                latency_ms=elapsed_ms(self.start, self.client.clock()),
                input_tokens=answer.input_tokens if answer else None,
                output_tokens=answer.output_tokens if answer else None,
                ok=ok,
                error=error,
            ),
        )


class LLMInterpreter:
    """The proposal interpreter over an `LLMClient`: the registry-built prompt in, a validated
    `Interpretation` out (`parse_answer` refuses anything else)."""

    def __init__(self, client: LLMClient) -> None:
        self.client = client

    @property
    def name(self) -> str:
        return self.client.name

    @property
    def model(self) -> str:
        return self.client.model

    @property
    def timeout_s(self) -> float:
        return self.client.timeout_s

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation:
        system, user = build_system_prompt(rules), build_user_message(text)
        return await self.client.ask(
            PURPOSE_INTERPRET_PROPOSAL,
            system,
            user,
            lambda answer: parse_llm_answer(answer, rules, text),
        )


class AnthropicProvider(LLMInterpreter):
    """Claude through the Anthropic Messages API, as a proposal interpreter."""

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
        dialect = AnthropicDialect(api_key, base_url)
        super().__init__(
            LLMClient(
                dialect,
                model=model,
                transport=transport,
                log=log,
                clock=clock,
                timeout_s=timeout_s,
                max_tokens=max_tokens,
            )
        )


class OpenAICompatibleProvider(LLMInterpreter):
    """Any OpenAI-compatible chat server, as a proposal interpreter."""

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
        dialect = OpenAICompatibleDialect(base_url, api_key)
        super().__init__(
            LLMClient(
                dialect,
                model=model,
                transport=transport,
                log=log,
                clock=clock,
                timeout_s=timeout_s,
                max_tokens=max_tokens,
            )
        )


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
