"""`pinwheel commands --json` (the slash-command tree as Discord receives it) and
`pinwheel sync-commands [--guild ID]` (the deliberate sync; never done on start)."""

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
    sync.add_argument("--guild", type=int, help="sync to one server only (immediate)")
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

    settings = Settings()
    if not settings.discord_token:
        print("DISCORD_TOKEN is not set", file=sys.stderr)
        return 2
    bot, db = _offline_bot()
    try:
        async with bot:
            await bot.login(settings.discord_token)  # runs setup_hook: the tree is built
            if args.guild:
                guild = discord.Object(id=args.guild)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
            else:
                synced = await bot.tree.sync()
    finally:
        await db.dispose()
    where = f"server {args.guild}" if args.guild else "all servers (may take up to an hour)"
    print(f"Synced {len(synced)} commands to {where}.")
    return 0
