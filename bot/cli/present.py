"""`pinwheel present GAME_ID [--json] [--out DIR]`: one stored game's show, as its live
message shows it frame by frame and then as its final card, from the database, through the
same rendering code the Discord presenter and the terminal use."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from bot.config import Settings

CHART_NOTE = "the score-flow chart"


def register(sub: Any) -> None:
    present = sub.add_parser("present", help="show one stored game's frames and final card")
    present.add_argument("game_id")
    present.add_argument("--json", action="store_true", help="print one JSON object")
    present.add_argument("--out", type=Path, help="write the card's attachments to this folder")
    present.set_defaults(func=lambda a: asyncio.run(_present(a)))


async def _present(args: argparse.Namespace) -> int:
    from bot.app.league.show import chart, load_show, pacing_of
    from bot.cli.db import open_ready
    from bot.render.game import CHART_FILE, final_embed, final_text, live_text

    db = await open_ready(Settings())
    try:
        async with db.read_sessions() as s:
            show = await load_show(s, args.game_id)
            seconds = await pacing_of(s, args.game_id) if show is not None else 0.0
        if show is None:
            print(f"There is no stored game {args.game_id}.")
            return 2
        frames = show.frames(seconds)
        written: list[str] = []
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / CHART_FILE).write_bytes(await chart(show))
            written.append(CHART_FILE)
    finally:
        await db.dispose()
    if args.json:
        out = {
            "game_id": show.card.game_id,
            "frames": [f.as_dict() for f in frames if not f.final],
            "final": {"embed": final_embed(show.card), "attachments": [CHART_FILE]},
        }
        print(json.dumps(out))
        return 0
    for frame in frames:
        if not frame.final:
            print(f"{frame.at:6.1f} s  {live_text(show.card, frame)}")
    print(final_text(show.card))
    if written:
        print(f"Wrote {CHART_NOTE} to {args.out / CHART_FILE}.")
    return 0
