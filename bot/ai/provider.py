"""The interpreter port and the providers that need no network.

`InterpreterProvider` is what the governance handlers depend on. `BuiltinProvider` wraps the
deterministic parser; `FallbackProvider` puts an optional LLM provider in front of it and
falls back to the parser whenever the LLM fails, answers nonsense or takes too long.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

from bot.ai.calls import (
    PURPOSE_INTERPRET_PROPOSAL,
    AICallLog,
    AICallRecord,
    NullAICallLog,
    elapsed_ms,
    record_safely,
)
from bot.ai.interpreter import interpret_proposal
from bot.domain.interpretation import Interpretation
from bot.domain.rules import RuleSet

logger = logging.getLogger(__name__)

Clock = Callable[[], float]  # monotonic seconds
BUILTIN_MODEL = "rules-parser-1"
DEFAULT_FALLBACK_TIMEOUT_S = 15.0


class InterpreterProvider(Protocol):
    """Turns proposal text into an `Interpretation` of changes to `rules`."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation: ...


class ProviderError(Exception):
    """A provider could not produce an interpretation; it has already recorded the call."""


class BuiltinProvider:
    """The deterministic, offline interpreter behind the provider port."""

    name = "builtin"
    model = BUILTIN_MODEL

    def __init__(self, log: AICallLog | None = None, clock: Clock = time.monotonic) -> None:
        self._log = log or NullAICallLog()
        self._clock = clock

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation:
        start = self._clock()
        result = interpret_proposal(text, rules)
        await record_safely(
            self._log,
            AICallRecord(
                purpose=PURPOSE_INTERPRET_PROPOSAL,
                provider=self.name,
                model=self.model,
                prompt=text,
                response=result.model_dump_json(),
                latency_ms=elapsed_ms(start, self._clock()),
                ok=True,
            ),
        )
        return result


class FallbackProvider:
    """Ask `primary`; on any failure or after `timeout_s` seconds, ask `fallback` instead.

    Providers record their own calls. This wrapper records what the primary cannot: a call
    cut off by the timeout, and an unexpected exception (a bug) escaping from it.
    """

    def __init__(
        self,
        primary: InterpreterProvider,
        fallback: InterpreterProvider | None = None,
        *,
        timeout_s: float = DEFAULT_FALLBACK_TIMEOUT_S,
        log: AICallLog | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.primary = primary
        self._log = log or NullAICallLog()
        self._clock = clock
        self.fallback = fallback or BuiltinProvider(self._log, clock)
        self.timeout_s = timeout_s

    @property
    def name(self) -> str:
        return f"{self.primary.name}|{self.fallback.name}"

    @property
    def model(self) -> str:
        return self.primary.model

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation:
        start = self._clock()
        try:
            # asyncio.timeout, not wait_for: before Python 3.12 wait_for can swallow a
            # cancellation (the Ctrl-C that stops the bot) that lands as the answer arrives.
            async with asyncio.timeout(self.timeout_s):
                return await self.primary.interpret(text, rules)
        except TimeoutError:
            error = f"timed out after {self.timeout_s:g} s"
            await self._record_failure(text, start, error)
        except ProviderError as exc:
            logger.warning("%s failed, using %s: %s", self.primary.name, self.fallback.name, exc)
        except Exception as exc:
            logger.exception(
                "%s raised unexpectedly, using %s", self.primary.name, self.fallback.name
            )
            await self._record_failure(text, start, f"unexpected error: {exc!r}")
        return await self.fallback.interpret(text, rules)

    async def _record_failure(self, text: str, start: float, error: str) -> None:
        await record_safely(
            self._log,
            AICallRecord(
                purpose=PURPOSE_INTERPRET_PROPOSAL,
                provider=self.primary.name,
                model=self.primary.model,
                prompt=text,
                response="",
                latency_ms=elapsed_ms(start, self._clock()),
                ok=False,
                error=error,
            ),
        )
