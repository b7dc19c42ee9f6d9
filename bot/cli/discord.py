"""`pinwheel commands --json` (the slash-command tree as Discord receives it) and
`pinwheel sync-commands [--guild ID | --clear-guild ID]` (the deliberate sync; never done on
start, and refused where it would list a command twice)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bot.config import Settings


def register(sub: Any) -> None:
    cmds = sub.add_parser("commands", help="print the slash-command tree")
    cmds.add_argument("--json", action="store_true", help="print Discord's JSON payload")
    cmds.set_defaults(func=lambda a: asyncio.run(_commands(a)))
    sync = sub.add_parser("sync-commands", help="sync the slash commands with Discord")
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--guild", type=int, help="copy the commands to one server only (immediate)")
    where.add_argument("--clear-guild", type=int, help="remove one server's copy")
    sync.set_defaults(func=lambda a: asyncio.run(_sync(a)))


def _offline_bot() -> Any:
    from bot.app.service import Pinwheel
    from bot.discord_app import build_bot
    from bot.wiring import logged_interpreter
    from db.engine import create_database

    # Building the tree needs no connection: the engine is created but never used.
    db = create_database(Settings().database_url)
    return build_bot(Pinwheel(db, logged_interpreter(db))), db


async def _commands(args: argparse.Namespace) -> int:
    from bot.discord_app import command_payload

    bot, db = _offline_bot()
    try:
        payload = await command_payload(bot)
    finally:
        await db.dispose()
    if args.json:
        print(json.dumps(payload, indent=2, sort_keys=True))
    else:
        for command in payload:
            print(f"/{command['name']:<12} {command['description']}")
    return 0


async def _sync(args: argparse.Namespace) -> int:
    import discord

    from bot.discord_app import SyncRefusedError, SyncScope, sync_commands

    settings = Settings()
    if not settings.discord_token:
        print("DISCORD_TOKEN is not set", file=sys.stderr)
        return 2
    server = args.guild or args.clear_guild
    scope: SyncScope = "guild" if args.guild else "clear" if args.clear_guild else "global"
    bot, db = _offline_bot()
    try:
        async with bot:
            await bot.login(settings.discord_token)  # runs setup_hook: the tree is built
            count = await sync_commands(bot, scope, discord.Object(id=server) if server else None)
    except SyncRefusedError as refused:
        print(refused, file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    if scope == "global":
        print(
            f"Synced {count} commands to all servers (may take up to an hour). A server "
            "given a copy with --guild shows them twice until you run --clear-guild ID."
        )
    else:
        verb = "to" if scope == "guild" else "removed from"
        print(f"Synced {count} commands {verb} server {server}.")
    return 0
