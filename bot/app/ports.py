"""Ports: what the use cases need from the outside world, as protocols.

Concrete adapters are wired in `bot/__main__.py`; tests pass small hand-written fakes.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.domain.interpretation import Interpretation
from bot.domain.rules import RuleSet


class Interpreter(Protocol):
    """Turns a proposal's text into validated parameter changes under the current rules."""

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation: ...


class BuiltinInterpreter:
    """The deterministic built-in parser (`bot.ai.interpreter`) behind the port."""

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation:
        from bot.ai.interpreter import interpret_proposal

        return interpret_proposal(text, rules)


class Poster(Protocol):
    """Where outbox messages go (Discord channels and DMs; the terminal offline).

    Must be idempotent per `key`: the outbox may hand the same message over again after a crash
    between posting it and marking it sent; it then says so with `retry` (an earlier hand-over
    of this key may have gone out). With `ref` (what an earlier `post` of this key returned)
    the message's content was revised: edit that message, or post it anew if it is gone.
    Returns where the message landed (a reference the poster understands), or None when it
    went nowhere by design (an opted-out DM, a team without a channel). A poster that
    positively sent nothing and expects the destination to appear raises
    `bot.app.league.outbox.NotDelivered`; one asked to wait raises `RateLimited`.
    """

    async def post(
        self,
        key: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        *,
        retry: bool = False,
        ref: str | None = None,
    ) -> str | None: ...
