"""Process-wide settings, read from the environment (and an optional `.env` file).

Per-league tuning (cadence, voting period, ...) is data in the `settings` table, not here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

AIProvider = Literal["builtin", "anthropic", "openai"]
OPENAI_BASE_URL = "https://api.openai.com/v1"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The async driver each way of writing a database URL means (what Heroku, Render, docker
# compose files and psql print): everything runs on asyncpg or aiosqlite.
URL_SCHEMES = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}


def normalize_database_url(url: str) -> str:
    """`postgres://`, `postgresql://` and `sqlite://` URLs as their async driver's; a URL of
    any other kind is refused with a sentence saying what is accepted."""
    scheme, sep, rest = url.strip().partition("://")
    driver = URL_SCHEMES.get(scheme.lower())
    if not sep or driver is None:
        raise ValueError(
            f"PINWHEEL_DATABASE_URL must be a sqlite:///FILE or postgresql://USER@HOST/DB "
            f"URL; got {url.strip()[:60]!r}"
        )
    return f"{driver}://{rest}"


def parse_shard_ids(written: str) -> list[int]:
    """`0,2,4`, `0-3` or a mix (`0-1,4`) as the shard numbers it lists, in order; anything
    else is refused with a sentence saying how to write them."""
    ids: list[int] = []
    for part in written.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise ValueError(
                "PINWHEEL_SHARD_IDS must be shard numbers or ranges separated by commas "
                f"(0,2,4 or 0-3); got {written.strip()[:60]!r}"
            ) from None
        if high < low:
            raise ValueError(
                f"PINWHEEL_SHARD_IDS ranges run low to high (0-3); got {part.strip()!r}"
            )
        ids.extend(range(low, high + 1))
    return ids


def describe_database(url: str) -> str:
    """The database as an operator would name it, never with its password."""
    from db.engine import describe_url

    return describe_url(url)


class Settings(BaseSettings):
    """Everything an operator sets before starting the bot."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite+aiosqlite:///pinwheel.db",
        validation_alias="PINWHEEL_DATABASE_URL",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///FILE or postgresql+asyncpg://...",
    )
    discord_token: str | None = Field(
        None,
        validation_alias="DISCORD_TOKEN",
        description="Bot token; without it `pinwheel run` plays the league offline.",
    )
    offline: bool = Field(
        False,
        validation_alias="PINWHEEL_OFFLINE",
        description="Play the offline scripted league even where a token is expected (in the "
        "container image, which otherwise refuses to start without DISCORD_TOKEN).",
    )
    in_container: bool = Field(False, validation_alias="PINWHEEL_IN_CONTAINER")
    heartbeat_file: Path | None = Field(
        None,
        validation_alias="PINWHEEL_HEARTBEAT_FILE",
        description="A file the background loop touches after every step; `pinwheel health` "
        "checks its age.",
    )
    web_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        validation_alias="PINWHEEL_WEB_PORT",
        description="Serve the web companion beside the bot on this port (`pinwheel run`).",
    )
    web_host: str = Field(
        "127.0.0.1",
        validation_alias="PINWHEEL_WEB_HOST",
        description="The address the web companion listens on (0.0.0.0 in the container).",
    )
    public_url: str | None = Field(
        None,
        validation_alias="PINWHEEL_PUBLIC_URL",
        description="Where people reach the web companion (https://pinwheel.example.org): "
        "final cards link to their game's page and /rules to the constitution.",
    )
    log_level: str = Field(
        "INFO",
        validation_alias="PINWHEEL_LOG_LEVEL",
        description="DEBUG, INFO, WARNING, ERROR or CRITICAL; other libraries log WARNING and up.",
    )
    # Sharding: a cluster of processes each connects a slice of the bot's shards to Discord.
    shard_count: int | None = Field(
        None,
        validation_alias="PINWHEEL_SHARD_COUNT",
        description="The total number of shards across all processes; unset, Discord's "
        "recommendation and every shard in this one process.",
    )
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        None,
        validation_alias="PINWHEEL_SHARD_IDS",
        description="The shards this process connects (0,2,4 or 0-3); unset, all of them. "
        "Needs PINWHEEL_SHARD_COUNT.",
    )
    lease_seconds: float = Field(
        20.0,
        ge=1,
        le=600,
        validation_alias="PINWHEEL_LEASE_SECONDS",
        description="How long a process's hold on a league's background work lasts without "
        "renewal (renewed every third of it): a process that dies has its leagues taken over "
        "within about this long and a third.",
    )
    db_pool_size: int = Field(5, ge=1, le=100, validation_alias="PINWHEEL_DB_POOL_SIZE")
    db_wait_s: float = Field(
        5.0,
        gt=0,
        le=300,
        validation_alias="PINWHEEL_DB_WAIT_S",
        description="Seconds a command waits for a database connection (and, on PostgreSQL, "
        "a lock) before it is answered 'busy, try again' with nothing written.",
    )
    sqlite_busy_timeout_ms: int = Field(
        30_000, ge=0, validation_alias="PINWHEEL_SQLITE_BUSY_TIMEOUT_MS"
    )
    # The optional LLM behind the AI port: it interprets proposals (the built-in parser
    # answers whenever it fails) and retells mirrors (the built-in text stands when it fails).
    ai_provider: AIProvider = Field(
        "builtin",
        validation_alias="PINWHEEL_AI_PROVIDER",
        description="builtin (no network), anthropic, or openai (any OpenAI-compatible server).",
    )
    ai_api_key: SecretStr | None = Field(None, validation_alias="PINWHEEL_AI_API_KEY")
    ai_base_url: str | None = Field(None, validation_alias="PINWHEEL_AI_BASE_URL")
    ai_model: str | None = Field(None, validation_alias="PINWHEEL_AI_MODEL")
    ai_timeout_s: float = Field(20.0, gt=0, le=300, validation_alias="PINWHEEL_AI_TIMEOUT_S")

    @field_validator("database_url", mode="after")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("log_level", mode="after")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(
                f"PINWHEEL_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}; got {value!r}"
            )
        return level

    @field_validator("shard_count", mode="before")
    @classmethod
    def _shard_count(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        written = value.strip() if isinstance(value, str) else value
        if isinstance(written, str) and written.isdigit():
            written = int(written)
        if isinstance(written, bool) or not isinstance(written, int) or written < 1:
            raise ValueError(
                f"PINWHEEL_SHARD_COUNT must be a whole number of shards, 1 or more; got {value!r}"
            )
        return written

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_shard_ids(value) if value.strip() else None
        return value

    @field_validator("shard_ids", mode="after")
    @classmethod
    def _shards_in_range(cls, value: list[int] | None, info: ValidationInfo) -> list[int] | None:
        if value is None or "shard_count" not in info.data:  # a bad count is reported alone
            return value
        count = info.data["shard_count"]
        if count is None:
            raise ValueError(
                "PINWHEEL_SHARD_IDS needs PINWHEEL_SHARD_COUNT too: the number of shards "
                "across all processes"
            )
        if not value:
            raise ValueError("PINWHEEL_SHARD_IDS must name at least one shard")
        outside = [shard for shard in value if not 0 <= shard < count]
        if outside:
            raise ValueError(
                f"PINWHEEL_SHARD_IDS must be between 0 and {count - 1} "
                f"(PINWHEEL_SHARD_COUNT={count}); got {outside[0]}"
            )
        twice = sorted({shard for shard in value if value.count(shard) > 1})
        if twice:
            raise ValueError(f"PINWHEEL_SHARD_IDS lists shard {twice[0]} more than once")
        return value

    @field_validator("ai_provider", mode="before")
    @classmethod
    def _provider_name(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator(
        "ai_api_key",
        "ai_base_url",
        "ai_model",
        "heartbeat_file",
        "web_port",
        "public_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("public_url", mode="after")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"PINWHEEL_PUBLIC_URL must be an http(s) URL; got {value[:60]!r}")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _llm_is_complete(self) -> Settings:
        if self.ai_provider == "builtin":
            return self
        missing = [] if self.ai_model else ["PINWHEEL_AI_MODEL"]
        if self.ai_provider == "anthropic" and not self.ai_api_key:
            missing.append("PINWHEEL_AI_API_KEY")  # a local OpenAI-compatible server needs none
        if missing:
            raise ValueError(
                f"PINWHEEL_AI_PROVIDER={self.ai_provider} also needs {' and '.join(missing)}"
            )
        if self.ai_base_url and not self.ai_base_url.startswith(("http://", "https://")):
            raise ValueError(f"PINWHEEL_AI_BASE_URL must be an http(s) URL: {self.ai_base_url!r}")
        return self

    @property
    def ai_endpoint(self) -> str | None:
        """The base URL the LLM is reached at (None for the built-in provider)."""
        if self.ai_provider == "anthropic":
            return self.ai_base_url or "https://api.anthropic.com"
        if self.ai_provider == "openai":
            return self.ai_base_url or OPENAI_BASE_URL
        return None
