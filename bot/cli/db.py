"""`pinwheel db ...` and `pinwheel verify`: schema migrations and the projection check."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from bot.cli.errors import CliError
from bot.config import Settings
from db.engine import Database, create_database
from db.migrate import current_revision, downgrade, require_schema, upgrade_and_catch_up
from db.verify import rebuild, verify


def open_database(settings: Settings) -> Database:
    return create_database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        wait_s=settings.db_wait_s,
    )


async def open_ready(settings: Settings) -> Database:
    """The configured database, for a command that reads or checks it: it must exist and be
    at this release's schema (nothing is created; SchemaNotReadyError says what to run)."""
    await require_schema(settings.database_url)
    return open_database(settings)


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="database schema migrations")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations (default: to the newest)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=lambda a: asyncio.run(_upgrade(a.revision)))
    down = db_sub.add_parser("downgrade", help="revert migrations to REVISION (e.g. base)")
    down.add_argument("revision")
    down.set_defaults(func=lambda a: asyncio.run(_downgrade(a.revision)))
    cur = db_sub.add_parser("current", help="print the schema revision")
    cur.set_defaults(func=lambda a: asyncio.run(_current()))

    ver = sub.add_parser("verify", help="replay the event log and check every projection")
    ver.add_argument("--json", action="store_true", help="print one JSON object")
    ver.add_argument(
        "--rebuild", action="store_true", help="rewrite the projection tables from the log first"
    )
    ver.add_argument(
        "--export",
        metavar="FILE",
        help="check an archive from `pinwheel export` instead: its digest, every game played "
        "again, the standings and rules recomputed (no database needed)",
    )
    ver.set_defaults(func=lambda a: asyncio.run(_verify(a)) if not a.export else _verify_file(a))

    exp = sub.add_parser(
        "export", help="write the league's public record as one checkable archive (JSON)"
    )
    exp.add_argument("--season", help="one season's id (default: every season)")
    exp.set_defaults(func=lambda a: asyncio.run(_export(a)))


async def _export(args: argparse.Namespace) -> int:
    import sys

    from bot.app.export import export

    db = await open_ready(Settings())
    try:
        try:
            document = await export(db, args.season)
        except LookupError as err:
            raise CliError(str(err)) from None
    finally:
        await db.dispose()
    json.dump(document, sys.stdout, separators=(",", ":"), default=str)
    sys.stdout.write("\n")
    return 0


def _verify_file(args: argparse.Namespace) -> int:
    from bot.app.export import verify_export

    try:
        with open(args.export, encoding="utf-8") as f:
            document = json.load(f)
    except (OSError, ValueError) as err:
        raise CliError(f"Cannot read {args.export} as an export: {err}") from None
    problems = verify_export(document)
    games = sum(len(s.get("games", [])) for s in document.get("seasons", []))
    if args.json:
        print(json.dumps({"ok": not problems, "games": games, "problems": problems}))
    else:
        for problem in problems:
            print(f"MISMATCH {problem}")
        state = "clean" if not problems else f"{len(problems)} problem(s)"
        print(f"verify: {games} games played again, digest and standings checked: {state}")
    return 0 if not problems else 1


async def _upgrade(revision: str) -> int:
    applied = await upgrade_and_catch_up(Settings().database_url, revision)
    if applied is None:
        print(f"database at {revision}, older than this release's schema: run it only with")
        print("the release it belongs to, or `pinwheel db upgrade` to bring it up to date")
    else:
        print(f"database at {revision}; projections caught up ({applied} events folded)")
    return 0


async def _downgrade(revision: str) -> int:
    await downgrade(Settings().database_url, revision)
    print(f"database downgraded to {revision}")
    return 0


async def _current() -> int:
    print(await current_revision(Settings().database_url) or "(empty database)")
    return 0


async def _verify(args: argparse.Namespace) -> int:
    db = await open_ready(Settings())
    try:
        if args.rebuild:
            async with db.sessions() as session, session.begin():
                await rebuild(session)
        async with db.snapshot() as session:
            report = await verify(session)
    finally:
        await db.dispose()
    if args.json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "events": report.events,
                    "head": report.head,
                    "leagues": report.leagues,
                    "problems": report.problems,
                }
            )
        )
    else:
        for problem in report.problems:
            print(f"MISMATCH {problem}")
        state = "clean" if report.ok else f"{len(report.problems)} problem(s)"
        logs = f"{report.leagues} league log{'' if report.leagues == 1 else 's'}"
        print(f"verify: {report.events} events replayed from {logs}: {state}")
    return 0 if report.ok else 1
