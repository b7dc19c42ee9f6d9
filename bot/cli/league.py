"""`pinwheel demo` (one full season on a fresh database, summarised) and `pinwheel replay`."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from bot.config import Settings


def register(sub: Any) -> None:
    demo = sub.add_parser("demo", help="play one full season on a fresh database; summarise it")
    demo.add_argument("--seed", default="demo")
    demo.add_argument("--json", action="store_true", help="print one JSON object")
    demo.add_argument("--teams", type=int, default=None, help="teams in the league (default 8)")
    demo.add_argument("--governors", type=int, default=6)
    demo.set_defaults(func=lambda a: asyncio.run(_demo(a)))
    replay = sub.add_parser("replay", help="re-simulate a stored game and compare")
    replay.add_argument("game_id")
    replay.add_argument("--json", action="store_true")
    replay.set_defaults(func=lambda a: asyncio.run(_replay(a)))


async def _demo(args: argparse.Namespace) -> int:
    from bot.app.league.offline import play
    from bot.app.league.outbox import ConsolePoster
    from db.engine import create_database
    from db.migrate import upgrade

    rules = {"teams_per_league": args.teams} if args.teams else {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}"
        await upgrade(url)
        db = create_database(url)
        sink = io.StringIO()
        poster = ConsolePoster(sink if args.json else None)
        try:
            [summary] = await play(
                db, seed=args.seed, poster=poster, fast=True, governors=args.governors, rules=rules
            )
        finally:
            await db.dispose()
    result = summary.as_dict()
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"demo: {result['champion']} won; {result['games']} games in {result['rounds']} "
            f"rounds; {result['proposals']} proposals, {result['passed']} passed; "
            f"{result['events']} events; {result['mirrors']} mirrors"
        )
    return 0


async def _replay(args: argparse.Namespace) -> int:
    from bot.app.league.replay import replay_stored
    from bot.cli.db import open_ready

    db = await open_ready(Settings())
    try:
        report = await replay_stored(db, args.game_id)
    finally:
        await db.dispose()
    if args.json:
        print(json.dumps(report.__dict__))
    elif not report.found:
        print(f"no game {args.game_id}")
    elif report.identical:
        print(f"game {args.game_id}: replayed identically (engine {report.engine_version})")
    else:
        print(f"game {args.game_id}: DIFFERS in {', '.join(report.differences)}")
    if not report.found:
        return 2
    return 0 if report.identical else 1
