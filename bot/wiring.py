"""Concrete parts the entry points (`pinwheel run`, Discord, the CLI) put together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.ai.calls import AICallLog
from bot.ai.llm import (
    AnthropicDialect,
    Dialect,
    HttpTransport,
    LLMClient,
    LLMInterpreter,
    OpenAICompatibleDialect,
)
from bot.ai.mirror_writer import LLMMirrorWriter
from bot.ai.provider import BuiltinProvider, FallbackProvider, InterpreterProvider
from bot.app.league.mirror_polish import MirrorPolisher, install_polisher
from bot.config import Settings
from db.ai_call_log import DbAICallLog
from db.engine import Database
from db.event_store import utc_now


def logged_interpreter(
    db: Database, league_id: str | None = None, clock: Callable[[], datetime] = utc_now
) -> BuiltinProvider:
    """The built-in proposal interpreter behind the provider port, every call in `ai_calls`."""
    return BuiltinProvider(DbAICallLog(db, league_id, clock))


def llm_client(
    settings: Settings, transport: HttpTransport, log: AICallLog | None = None
) -> LLMClient | None:
    """The LLM `PINWHEEL_AI_PROVIDER` selects, or None for the built-in provider."""
    endpoint, model = settings.ai_endpoint, settings.ai_model
    if endpoint is None or model is None:
        return None
    key = settings.ai_api_key.get_secret_value() if settings.ai_api_key else None
    dialect: Dialect
    if settings.ai_provider == "anthropic":
        assert key is not None  # Settings refuses an Anthropic provider without a key
        dialect = AnthropicDialect(key, endpoint)
    else:
        dialect = OpenAICompatibleDialect(endpoint, key)
    return LLMClient(
        dialect, model=model, transport=transport, log=log, timeout_s=settings.ai_timeout_s
    )


@dataclass
class AIWiring:
    """What the AI settings chose: the proposal interpreter, and whether mirrors are polished."""

    interpreter: InterpreterProvider
    polisher: MirrorPolisher | None
    db: Database
    transport: HttpTransport | None = None

    @property
    def uses_llm(self) -> bool:
        return self.polisher is not None

    async def close(self) -> None:
        """Stop polishing and close the HTTP session (at shutdown)."""
        install_polisher(self.db, None)
        close = getattr(self.transport, "close", None)
        if close is not None:
            await close()


def wire_ai(
    db: Database,
    settings: Settings,
    *,
    transport: HttpTransport | None = None,
    league_id: str | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> AIWiring:
    """Build the interpreter and, with an LLM configured, install the mirror polisher on `db`.

    With `PINWHEEL_AI_PROVIDER=builtin` (the default) this is the logged built-in interpreter
    and nothing else: no HTTP session, no polish. Otherwise the LLM interprets proposals with
    the built-in parser behind it (`FallbackProvider`), and retells the round's mirrors after
    each round commits.
    """
    builtin = logged_interpreter(db, league_id, clock)
    if settings.ai_provider == "builtin":
        return AIWiring(builtin, None, db)
    if transport is None:
        from bot.ai.transport import AiohttpTransport  # aiohttp only when an LLM is configured

        transport = AiohttpTransport()
    log = DbAICallLog(db, league_id, clock)
    client = llm_client(settings, transport, log)
    assert client is not None
    interpreter = FallbackProvider(
        LLMInterpreter(client), builtin, timeout_s=settings.ai_timeout_s, log=log
    )
    polisher = MirrorPolisher(db, LLMMirrorWriter(client, timeout_s=settings.ai_timeout_s))
    install_polisher(db, polisher)
    return AIWiring(interpreter, polisher, db, transport)
