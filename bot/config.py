"""Process-wide settings, read from the environment (and an optional `.env` file).

Per-league tuning (cadence, voting period, ...) is data in the `settings` table, not here.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    log_level: str = Field("INFO", validation_alias="PINWHEEL_LOG_LEVEL")
    db_pool_size: int = Field(5, ge=1, le=100, validation_alias="PINWHEEL_DB_POOL_SIZE")
    sqlite_busy_timeout_ms: int = Field(
        30_000, ge=0, validation_alias="PINWHEEL_SQLITE_BUSY_TIMEOUT_MS"
    )
