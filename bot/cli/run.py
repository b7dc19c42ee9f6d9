"""`pinwheel run`: the bot. With DISCORD_TOKEN it connects to Discord; without one it plays the
same league offline in the terminal (scripted governors, posts printed)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import inspect
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.errors import CliError
from bot.config import Settings, describe_database

if TYPE_CHECKING:
    from bot.app.league.offline import StartInfo


def register(sub: Any) -> None:
    run = sub.add_parser("run", help="run the league (Discord with DISCORD_TOKEN, else offline)")
    run.add_argument("--fast", action="store_true", help="offline: play one season in seconds")
    run.add_argument("--seed", default="pinwheel", help="offline: league and governor seed")
    run.add_argument("--governors", type=int, default=6, help="offline: scripted governors")
    run.add_argument(
        "--round-minutes",
        type=int,
        default=1,
        help="offline: minutes between rounds (default 1; 0 plays them back to back)",
    )
    run.set_defaults(func=main)
    health = sub.add_parser(
        "health", help="exit 0 if the running bot's background loop beat recently (HEALTHCHECK)"
    )
    health.add_argument(
        "--max-age", type=float, default=180.0, help="seconds since the last beat (default 180)"
    )
    health.set_defaults(func=check_health)


def check_health(args: argparse.Namespace) -> int:
    from bot.app.heartbeat import age

    path = Settings().heartbeat_file
    if path is None:
        raise CliError("PINWHEEL_HEARTBEAT_FILE is not set, so there is no heartbeat to check.")
    seconds = age(path)
    if seconds is None:
        raise CliError(f"No heartbeat yet at {path}: the bot has not finished a step.", 1)
    if seconds > args.max_age:
        raise CliError(
            f"Unhealthy: the background loop last beat {seconds:.0f} s ago "
            f"(more than {args.max_age:.0f} s); see the bot's log.",
            1,
        )
    print(f"healthy: the background loop beat {seconds:.0f} s ago")
    return 0


def main(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.in_container and not settings.discord_token and not settings.offline:
        raise CliError(
            "DISCORD_TOKEN is not set. In the container the offline demo league only starts "
            "when asked: set DISCORD_TOKEN to connect, or PINWHEEL_OFFLINE=1 to play offline."
        )
    from bot.cli.single import only_bot

    with only_bot(settings.database_url):  # SQLite: one bot process per file
        if settings.discord_token and not settings.offline:
            try:
                discord_app = importlib.import_module("bot.discord_app")
            except ModuleNotFoundError:
                print("Discord mode is not available in this build", file=sys.stderr)
                return 2
            started = discord_app.run_discord(settings)
            code = asyncio.run(started) if inspect.iscoroutine(started) else started
            return int(code)
        return asyncio.run(_offline(settings, args))


async def _offline(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app.league.leases import Keeper
    from bot.app.league.offline import SeasonStalledError, play
    from bot.app.league.outbox import ConsolePoster
    from bot.cli.console import LiveConsolePoster
    from bot.cli.db import open_database
    from bot.web.server import serving_beside
    from bot.wiring import wire_ai
    from db.migrate import upgrade_and_catch_up

    transcript = _transcript(settings.database_url)  # before the migration creates the file
    await upgrade_and_catch_up(settings.database_url)
    db = open_database(settings)
    ai = wire_ai(db, settings)  # PINWHEEL_AI_*: with an LLM it interprets and retells mirrors
    # A terminal shows the games being played live in place; anything else gets plain lines.
    poster = (
        LiveConsolePoster(transcript=transcript)
        if sys.stdout.isatty()
        else ConsolePoster(transcript=transcript)
    )
    # The process reports itself and holds its leagues like a connected bot (`pinwheel status`);
    # offline it plays its one league itself whatever it holds.
    keeper = Keeper(db, ttl_seconds=settings.lease_seconds)
    stopping = asyncio.Event()
    leasing = asyncio.create_task(keeper.run(stopping), name="pinwheel-leases")
    try:
        async with serving_beside(db, settings.web_host, settings.web_port):
            summaries = await play(
                db,
                announce=lambda info: print(banner(info, settings), flush=True),
                seed=args.seed,
                poster=poster,
                fast=args.fast,
                governors=args.governors,
                seasons=1 if args.fast else None,
                round_minutes=None if args.fast else args.round_minutes,
                interpreter=ai.interpreter if ai.uses_llm else None,
                heartbeat=settings.heartbeat_file,
            )
    except SeasonStalledError as err:
        print(f"stopped: {err}", file=sys.stderr)
        return 1
    finally:
        stopping.set()
        leasing.cancel()  # its leases given back
        with contextlib.suppress(asyncio.CancelledError):
            await leasing
        if isinstance(poster, LiveConsolePoster):
            poster.close()
        await ai.close()
        await db.dispose()
    for s in summaries:
        print(f"season over: champion {s.champion}, {s.games} games, {s.passed} rules passed")
    return 0


def banner(info: StartInfo, settings: Settings) -> str:
    """What `pinwheel run` says it is doing, before the league starts."""
    if info.fast:
        pace = "--fast: the whole season now, each game's final card at once"
    elif info.round_minutes == 0:
        pace = "rounds back to back (--round-minutes 0)"
    else:
        due = ""
        if info.next_due_at is not None:
            seconds = max(0, round((info.next_due_at - datetime.now(UTC)).total_seconds()))
            due = f", due in {seconds} s" if seconds < 120 else f", due in {seconds // 60} min"
        every = "minute" if info.round_minutes == 1 else f"{info.round_minutes} minutes"
        pace = f"a round every {every}{due}; games shown live"
    return "\n".join(
        [
            "Pinwheel, offline: no DISCORD_TOKEN is set, so scripted governors play the league "
            "here in the terminal.",
            f"  database  {describe_database(settings.database_url)}",
            f"  league    {info.league} · {info.season} · round {info.next_round} next",
            f"  pace      {pace}",
            *(
                [f"  web       http://{settings.web_host}:{settings.web_port}/"]
                if settings.web_port
                else []
            ),
            "  stop      Ctrl-C (nothing is lost: run again to go on)"
            + ("" if info.fast else " · `--fast` plays a whole season in seconds"),
            "",
        ]
    )


def _transcript(database_url: str) -> Path | None:
    """Where the offline mode keeps the keys of what it printed, so a restart after a crash
    prints nothing twice: beside a SQLite file (`pinwheel.db.posted`); none for PostgreSQL."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    transcript = Path(f"{url.database}.posted")
    if not Path(url.database).exists():
        transcript.unlink(missing_ok=True)  # a new database: none of its posts were printed
    return transcript
