"""The live arena: the round being shown, as the same frames its Discord live messages show.

The presenter (in the bot process, or another) records how far each game's live message has
got; the arena reads that and renders the frame it points at, so a browser sees what Discord
sees, at the same pace. With no round on screen it shows the latest round's final scores.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from bot.app import public
from bot.app.league.show import Show, load_show
from bot.sim.frames import Frame
from db import presentation_repo as shows
from db.engine import Database

POLL_SECONDS = 1.0
KEEPALIVE_EVERY = 15  # polls between two comment lines on a quiet stream
_SHOWS: OrderedDict[str, Show] = OrderedDict()
SHOWS_KEPT = 64


async def _show(db: Database, game_id: str) -> Show | None:
    found = _SHOWS.get(game_id)
    if found is None:
        async with db.read_sessions() as s:
            found = await load_show(s, game_id)
        if found is None:
            return None
        _SHOWS[game_id] = found
        while len(_SHOWS) > SHOWS_KEPT:
            _SHOWS.popitem(last=False)
    return found


def _frame_view(show: Show, frame: Frame, *, final: bool) -> dict[str, Any]:
    card = show.card
    return {
        "game_id": card.game_id,
        "home": card.home,
        "away": card.away,
        "home_score": frame.home_score,
        "away_score": frame.away_score,
        "clock": "Final" if final else frame.clock,
        "elam_target": frame.elam_target,
        "plays": list(frame.plays),
        "markers": list(frame.markers),
        "final": final,
    }


async def arena_state(db: Database, league_id: str) -> dict[str, Any]:
    """What the arena shows now: the live round's games at their current frames, or the
    latest shown round's finals."""
    async with db.read_sessions() as s:
        running = await shows.running(s, league_id)
    if running:
        p = running[0]
        games = []
        for g in sorted(p.games, key=lambda x: x.slot):
            show = await _show(db, g.game_id)
            if show is None:
                continue
            frames = show.frames(p.round_seconds)
            if g.final_at is not None:
                games.append(_frame_view(show, frames[-1], final=True))
            else:
                games.append(_frame_view(show, frames[max(0, g.frame)], final=False))
        return {"live": True, "round": p.round_number, "games": games}
    season_id = await public.current_season(db, league_id)
    if season_id is None:
        return {"live": False, "round": None, "games": []}
    played = await public.games(db, season_id, after=None, limit=public.MAX_LIMIT)
    if not played:
        return {"live": False, "round": None, "games": []}
    last = played[-1]["round"]
    return {
        "live": False,
        "round": last,
        "games": [
            {
                "game_id": g["id"],
                "home": g["home"],
                "away": g["away"],
                "home_score": g["home_score"],
                "away_score": g["away_score"],
                "clock": "Final",
                "elam_target": None,
                "plays": [],
                "markers": [],
                "final": True,
            }
            for g in played
            if g["round"] == last
        ],
    }


async def arena_stream(
    db: Database, league_id: str, disconnected: Callable[[], Awaitable[bool]]
) -> AsyncIterator[str]:
    """The arena as Server-Sent Events: a `state` event whenever what it shows changes."""
    last = ""
    quiet = 0
    while not await disconnected():
        state = json.dumps(await arena_state(db, league_id), separators=(",", ":"))
        if state != last:
            last = state
            quiet = 0
            yield f"event: state\ndata: {state}\n\n"
        else:
            quiet += 1
            if quiet % KEEPALIVE_EVERY == 0:
                yield ": still here\n\n"
        await asyncio.sleep(POLL_SECONDS)
