"""What the command line says when something outside the program is wrong: one sentence and an
exit code, never a traceback, for a bad setting, a database that is missing, not migrated or not
reachable, a Discord that refuses the token or cannot be reached, and Ctrl-C.

Anything not recognised here is a bug and keeps its traceback.
"""

from __future__ import annotations

from pydantic import ValidationError

EXIT_CONFIG = 2  # a setting, an argument or the schema needs the operator's hand
EXIT_UNREACHABLE = 1  # something the program talks to is not there
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it


class CliError(Exception):
    """A failure the command line reports as one sentence with an exit code."""

    def __init__(self, message: str, code: int = EXIT_CONFIG) -> None:
        super().__init__(message)
        self.code = code


def settings_problem(err: ValidationError) -> str:
    """A settings ValidationError as sentences naming the environment variables at fault."""
    parts = []
    for item in err.errors():
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        where = ".".join(str(x) for x in item.get("loc", ()))
        parts.append(message if not where or where in message else f"{where}: {message}")
    return "; ".join(parts) or str(err)


def _database_named() -> str:
    try:
        from bot.config import Settings, describe_database

        return f"the database at {describe_database(Settings().database_url)}"
    except Exception:
        return "the database"


def _reason(err: BaseException) -> str:
    """The innermost cause's own words, on one line."""
    while err.__cause__ is not None or getattr(err, "orig", None) is not None:
        inner = getattr(err, "orig", None) or err.__cause__
        if inner is None or inner is err:
            break
        err = inner
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def explain(err: BaseException) -> CliError | None:
    """The one-sentence report of an error from outside the program, or None for a bug."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    from db.migrate import SchemaNotReadyError

    if isinstance(err, CliError):
        return err
    if isinstance(err, ValidationError):
        return CliError(f"configuration: {settings_problem(err)}")
    if isinstance(err, SchemaNotReadyError):
        return CliError(str(err))
    from bot.web.server import WebServeError

    if isinstance(err, WebServeError):
        return CliError(str(err), EXIT_UNREACHABLE)
    discord_error = _discord(err)
    if discord_error is not None:
        return discord_error
    if isinstance(err, OperationalError | InterfaceError) or (
        isinstance(err, DBAPIError) and err.connection_invalidated
    ):
        return CliError(
            f"Cannot use {_database_named()}: {_reason(err)}. Is it running, and is "
            "PINWHEEL_DATABASE_URL right?",
            EXIT_UNREACHABLE,
        )
    if isinstance(err, OSError | TimeoutError) and _from_database(err):
        return CliError(
            f"Cannot reach {_database_named()}: {_reason(err)}. Is it running, and is "
            "PINWHEEL_DATABASE_URL right?",
            EXIT_UNREACHABLE,
        )
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return None
    if isinstance(err, asyncpg.PostgresError | asyncpg.InterfaceError):
        return CliError(
            f"Cannot use {_database_named()}: {_reason(err)}. Check PINWHEEL_DATABASE_URL.",
            EXIT_UNREACHABLE,
        )
    return None


def _from_database(err: BaseException) -> bool:
    """An OSError raised while connecting to the database (asyncpg's connect, SQLite's open),
    told apart from one of Discord's by its traceback."""
    tb = err.__traceback__
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.startswith(("asyncpg", "sqlalchemy", "aiosqlite", "db.")):
            return True
        tb = tb.tb_next
    return False


def _discord(err: BaseException) -> CliError | None:
    try:
        import aiohttp
        import discord
    except ImportError:  # pragma: no cover - both are dependencies
        return None
    if isinstance(err, discord.LoginFailure):
        return CliError(
            "Discord refused DISCORD_TOKEN. Copy the bot's token again from the Developer "
            "Portal (Bot > Reset Token).",
            EXIT_UNREACHABLE,
        )
    if isinstance(err, aiohttp.ClientConnectorError | discord.GatewayNotFound):
        return CliError(
            f"Cannot reach Discord: {_reason(err)}. Check the network connection.",
            EXIT_UNREACHABLE,
        )
    return None
