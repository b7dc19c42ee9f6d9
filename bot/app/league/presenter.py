"""The presenter: plays each round's games out over wall-clock time, through the outbox.

The simulate step stores a round's games and its show (`presentations`, one row per game in
`presented_games`); the presenter moves the show along. At each frame's time a game's live
message in #play-by-play is revised and the outbox edits it; at the end each live message
becomes the game's final card, with the score-flow chart and a Box score button, and a copy
goes to each team's channel. The posts the round's steps queued (results, mirrors, pings,
achievements, governance) wait behind the show (`held_by`) until every final card is out.

Durable and restart-safe: how far into the show it is (`position_s`), the last frame each live
message shows and when its final card was written are stored, and a live message is one outbox
row, posted once and then edited where it landed. The position follows the clock, but moves at
most `MAX_STEP` seconds per pass: after a restart, a deploy or a stalled loop the show resumes
where it was instead of skipping ahead, and while Discord rate-limits one of its messages it
stands still. A league shows one round at a time, oldest first.

`instant` (the offline `--fast` mode): no live frames, the final cards at once, whatever the
league's pacing says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from bot.app.league.locks import advisory_lock
from bot.app.league.outbox import TEAM_PREFIX
from bot.app.league.show import Show, load_show
from bot.render.game import CHART_FILE, final_embed, final_text, live_embed, live_text
from bot.sim.frames import Frame
from db import league_repo as repo
from db import presentation_repo as shows
from db.engine import Database
from db.event_store import Clock, utc_now
from db.league_repo import Executor

logger = logging.getLogger(__name__)

MAX_STEP = 2.5  # seconds a show moves on per pass at most (the loop passes about every second)
PLAY_BY_PLAY = "play-by-play"


Owns = Callable[[str], bool]  # is this league's background work this process's?


def live_payload(show: Show, frame: Frame) -> dict[str, Any]:
    return {
        "text": live_text(show.card, frame),
        "embed": live_embed(show.card, frame),
        "signature": show.card.signature,
        "live": True,
        "frame": frame.as_dict(),
        "game_id": show.card.game_id,
    }


def final_payload(show: Show) -> dict[str, Any]:
    game_id = show.card.game_id
    return {
        "text": final_text(show.card),
        "embed": final_embed(show.card),
        "files": [{"name": CHART_FILE, "chart": "score_flow", "game_id": game_id}],
        "buttons": [{"kind": "box_score", "game_id": game_id}],
        "signature": show.card.signature,
        "final": True,
        "game_id": game_id,
    }


class Presenter:
    """Moves every league's running show along; one pass per call to `advance`."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = utc_now,
        instant: bool = False,
        owns: Owns | None = None,
    ) -> None:
        self.db, self.clock, self.instant = db, clock, instant
        self.owns = owns  # the leagues this process presents (its leases); None: all
        self._shows: dict[str, Show] = {}  # game id -> its show (immutable: safe to keep)

    async def running(self) -> bool:
        """Is any show on (the background loop then passes every second)?"""
        async with self.db.read_sessions() as s:
            return bool(await shows.running(s))

    async def advance(self) -> int:
        """One pass over the running shows; returns how many posts it wrote or revised."""
        async with self.db.read_sessions() as s:
            found = await shows.running(s)
        written, leagues = 0, set()
        for p in found:
            if p.league_id in leagues:
                continue  # an earlier round of this league is still on
            if self.owns is not None and not self.owns(p.league_id):
                continue  # another process holds this league
            leagues.add(p.league_id)
            try:
                written += await self._advance(p)
            except Exception:
                # One league's failure must not stop the others; the next pass tries again.
                logger.exception(
                    "league %s show %s could not move on; retried next pass", p.league_id, p.id
                )
        return written

    async def _advance(self, p: shows.Presentation) -> int:
        async with advisory_lock(self.db, f"pinwheel-present:{p.league_id}") as held:
            if not held:
                return 0  # another process is presenting this league
            async with self.db.sessions() as s, s.begin():
                fresh = await shows.get(s, p.id)
                if fresh is None or fresh.done_at is not None:
                    return 0
                return await self._move(s, fresh, self.clock())

    async def _move(self, s: Executor, p: shows.Presentation, now: datetime) -> int:
        seconds = 0.0 if self.instant else p.round_seconds
        step = 0.0
        if p.ticked_at is not None:
            step = min(max((now - p.ticked_at).total_seconds(), 0.0), MAX_STEP)
        keys = [shows.live_key(g.game_id) for g in p.games]
        if step and await shows.rate_limited(s, keys, now):
            step = 0.0  # Discord asked us to wait: the show waits with it
        position = p.position_s + step
        written = 0
        for g in p.games:
            if g.final_at is not None:
                continue
            show = await self._show(s, g.game_id)
            if show is None:
                logger.error("show %s: game %s is gone; skipped", p.id, g.game_id)
                await shows.show_final(s, g.game_id, g.frame, now)
                continue
            planned = show.frames(seconds)
            if seconds <= 0 or position >= planned[-1].at:
                written += await self._final(s, p, show, g, len(planned) - 1, now)
                continue
            due = _due(planned, position)
            if due > g.frame and await shows.show_frame(s, g.game_id, g.frame, due):
                await self._show_live(
                    s, p.league_id, g.game_id, live_payload(show, planned[due]), now
                )
                written += 1
        done = all(g.final_at is not None for g in await _games(s, p.id))
        await shows.move(s, p.id, position, now, done=done)
        if done:
            for g in p.games:
                self._shows.pop(g.game_id, None)
        return written

    async def _show(self, s: Executor, game_id: str) -> Show | None:
        found = self._shows.get(game_id)
        if found is None:
            found = await load_show(s, game_id)
            if found is not None:
                self._shows[game_id] = found
        return found

    async def _show_live(
        self, s: Executor, league_id: str, game_id: str, payload: dict[str, Any], now: datetime
    ) -> None:
        """The game's live message shows `payload`: revised, or posted the first time."""
        key = shows.live_key(game_id)
        if not await repo.revise(s, key, payload):
            await repo.enqueue(
                s,
                league_id=league_id,
                key=key,
                kind="live",
                target=PLAY_BY_PLAY,
                payload=payload,
                at=now,
            )

    async def _final(
        self,
        s: Executor,
        p: shows.Presentation,
        show: Show,
        g: shows.ShowGame,
        last: int,
        now: datetime,
    ) -> int:
        """The live message becomes the final card; each team's channel gets a copy."""
        if not await shows.show_final(s, g.game_id, last, now):
            return 0
        payload = final_payload(show)
        await self._show_live(s, p.league_id, g.game_id, payload, now)
        for side, team in enumerate((show.card.home, show.card.away)):
            await repo.enqueue(
                s,
                league_id=p.league_id,
                key=shows.card_key(g.game_id, side),
                kind="card",
                target=f"{TEAM_PREFIX}{team}",
                payload=payload,
                at=now,
            )
        return 3


def _due(planned: Sequence[Frame], position: float) -> int:
    """The last frame whose time has come, or -1 before the first (a game's tip-off waits for
    its turn in the channel); the final frame is written as the card."""
    due = -1
    for i, frame in enumerate(planned[:-1]):
        if frame.at <= position:
            due = i
        else:
            break
    return due


async def _games(s: Executor, key: str) -> tuple[shows.ShowGame, ...]:
    fresh = await shows.get(s, key)
    return fresh.games if fresh is not None else ()
