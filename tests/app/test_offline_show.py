"""The offline league's show (bot.app.league.offline.play), both engines: played at its pace,
each round's games go out as live messages edited frame by frame, then each game's final card,
then the round's results; `--fast` skips the pacing but still prints every game's final card;
a governor's DMs name the governor. Time is faked: the paced season takes seconds."""

from __future__ import annotations

import asyncio
import io
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.league import offline
from bot.app.league.offline import play
from bot.app.league.outbox import DM_PREFIX, CollectingPoster, ConsolePoster
from db import presentation_repo as shows
from db.engine import Database
from db.tables import GameResultRow, GovernorRow, OutboxRow
from tests.app.league_kit import SHORT_RULES

GUARD_SECONDS = 90  # real seconds: far more than a faked paced season takes


class Stop(Exception):
    """Ends the offline loop from inside its sleep, once the test has seen enough."""


class FakeTime:
    """The paced loop's wall clock and its sleep: a sleep moves the clock on at once, unless
    `enough` says the test has seen what it wanted (then it stops the loop)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
        self.slept: list[float] = []
        self.enough = lambda: False

    async def sleep(self, seconds: float) -> None:
        if self.enough():
            raise Stop
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    """`play`'s clock (`datetime.now`) and `asyncio.sleep`, faked in bot.app.league.offline
    alone: everything else gets its time from the clock `play` hands down."""
    time = FakeTime()

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return time.now

    class Asyncio:
        sleep = staticmethod(time.sleep)

    monkeypatch.setattr(offline, "datetime", Clock)
    monkeypatch.setattr(offline, "asyncio", Asyncio)
    monkeypatch.setattr(offline, "GAMES", 20)  # forecasts on the cards: fewer paired games
    return time


def keys(poster: CollectingPoster) -> list[str]:
    return [key for key, *_ in poster.messages]


async def stored_games(db: Database) -> list[GameResultRow]:
    async with db.read_sessions() as s:
        return list((await s.execute(select(GameResultRow))).scalars().all())


async def test_a_paced_season_shows_each_game_live_then_its_card_then_the_results(
    database: Database, fake_time: FakeTime
) -> None:
    poster = CollectingPoster()
    # Two rounds' shows and results are enough: the loop stops at its next sleep after that.
    fake_time.enough = lambda: any(k.endswith(":2:results") for k in keys(poster))
    with pytest.raises(Stop):
        # A loop that never sleeps would never stop: it fails here instead of hanging.
        await asyncio.wait_for(
            play(
                database,
                seed="show",
                poster=poster,
                fast=False,
                round_minutes=1,
                governors=2,
                rules=SHORT_RULES,
                seasons=1,
            ),
            GUARD_SECONDS,
        )

    # The paced branch ran: the loop polled the show once a second while it was on.
    assert fake_time.slept.count(offline.PRESENT_POLL_SECONDS) >= 20
    posted = keys(poster)
    by_round: dict[int, list[GameResultRow]] = {}
    for game in await stored_games(database):
        by_round.setdefault(game.round_number, []).append(game)
    assert sorted(by_round) == [1, 2] and all(len(g) == 2 for g in by_round.values())
    for n, round_games in by_round.items():
        (results,) = [i for i, k in enumerate(posted) if k.endswith(f":{n}:results")]
        for game in round_games:
            key = shows.live_key(game.id)
            live = [(i, m[3]) for i, m in enumerate(poster.messages) if m[0] == key]
            # Several revisions of one live message, scores never going down...
            frames = [payload["frame"] for _, payload in live[:-1]]
            assert len(frames) >= 5 and frames[0]["plays"] == ["Tip-off"]
            assert [payload.get("revision", 0) for _, payload in live] == list(range(len(live)))
            scores = [(f["home_score"], f["away_score"]) for f in frames]
            assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in pairwise(scores))
            # ...then it becomes the final card on the stored score, copied to both teams...
            card = live[-1][1]
            assert card["final"] and not any(payload.get("final") for _, payload in live[:-1])
            assert f" {max(game.home_score, game.away_score)} – " in card["embed"]["title"]
            for side in (0, 1):
                assert posted.count(shows.card_key(game.id, side)) == 1
                assert posted.index(shows.card_key(game.id, side)) < results
            # ...and only then the round's results: no spoilers.
            assert live[-1][0] < results


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
FINAL_LINE = re.compile(r"^\[#play-by-play\] FINAL · .+ (\d+), .+ (\d+)(?: · |$)")


async def test_fast_prints_every_games_final_card_and_dms_name_their_governor(
    database: Database,
) -> None:
    # As `pinwheel run --fast` plays offline when stdout is not a terminal: a ConsolePoster.
    out = io.StringIO()
    await play(
        database,
        seed="fast",
        poster=ConsolePoster(out),
        fast=True,
        governors=2,
        rules=SHORT_RULES,
        seasons=1,
    )
    lines = out.getvalue().splitlines()

    games = await stored_games(database)
    finals = [m for m in map(FINAL_LINE.match, lines) if m]
    assert len(games) >= 7  # three rounds of two games and a final
    assert len(finals) == len(games)
    assert Counter((int(m[1]), int(m[2])) for m in finals) == Counter(
        (max(g.home_score, g.away_score), min(g.home_score, g.away_score)) for g in games
    )

    async with database.read_sessions() as s:
        names = {g.id: g.discord_username for g in (await s.execute(select(GovernorRow))).scalars()}
        dms = (
            (await s.execute(select(OutboxRow).where(OutboxRow.target.startswith(DM_PREFIX))))
            .scalars()
            .all()
        )
    assert any(dm.kind == "mirror.private" for dm in dms)
    for dm in dms:  # each DM says whose it is, by name
        assert dm.payload["recipient"] == names[dm.target.removeprefix(DM_PREFIX)]
    printed = [line for line in lines if line.startswith("[DM to ")]
    assert printed and {line[len("[DM to ") :].split("]")[0] for line in printed} == set(
        names.values()
    )
    assert not any(UUID.search(line) for line in printed)
