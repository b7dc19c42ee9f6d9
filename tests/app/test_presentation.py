"""A round's games are shown over wall-clock time through the outbox, on both engines: each
game's live message is posted once and edited frame by frame, becomes its final card, and the
round's results, mirrors and pings wait until every final card is out. The show survives a
restart, waits for a rate limit without losing a frame, and is off at 0 seconds."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.league.offline import JumpClock
from bot.app.league.outbox import RateLimited
from bot.app.league.runner import Runner
from bot.app.league.show import edit_gap
from bot.domain.settings import SETTINGS
from db import discord_repo
from db import league_repo as repo
from db import presentation_repo as shows
from db.engine import Database, create_database
from db.tables import GameResultRow, OutboxRow, PresentationRow
from db.verify import verify
from tests.app.league_kit import setup_short_league
from tests.conftest import fresh_url

PACING = "presentation.round_seconds"


@dataclass
class Post:
    key: str
    kind: str
    target: str
    payload: dict[str, Any]
    ref: str | None
    retry: bool
    at: datetime


@dataclass
class RecordingPoster:
    """Keeps every hand-over with when it happened and the ref it was given; can be told to
    answer one hand-over of a key with a rate limit."""

    clock: JumpClock
    posts: list[Post] = field(default_factory=list)
    limit_once: dict[str, int] = field(default_factory=dict)  # key -> hand-over to refuse

    async def post(
        self,
        key: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        *,
        retry: bool = False,
        ref: str | None = None,
    ) -> str | None:
        seen = sum(1 for p in self.posts if p.key == key)
        if self.limit_once.get(key) == seen:
            del self.limit_once[key]
            raise RateLimited(4.0)
        self.posts.append(Post(key, kind, target, payload, ref, retry, self.clock()))
        return f"ref:{key}"

    def of(self, key: str) -> list[Post]:
        return [p for p in self.posts if p.key == key]

    def index(self, key: str) -> int:
        return next(i for i, p in enumerate(self.posts) if p.key == key)


def content(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload without the revision number the drain adds to an edited message's."""
    return {k: v for k, v in payload.items() if k != "revision"}


async def set_pacing(db: Database, league_id: str, seconds: int) -> None:
    spec = SETTINGS[PACING]
    async with db.sessions() as s, s.begin():
        await repo.set_setting(
            s, league_id, PACING, json.dumps(seconds), spec.category, spec.description
        )


async def first_round(
    db: Database, seconds: int, poster: RecordingPoster
) -> tuple[dict[str, Any], Runner]:
    clock = poster.clock
    setup = await setup_short_league(db, clock)
    await set_pacing(db, setup["league_id"], seconds)
    runner = Runner(db, clock=clock, poster=poster)
    async with db.read_sessions() as s:
        progress = await repo.get_progress(s, setup["season_id"])
    assert progress is not None and progress.next_due_at is not None
    clock.jump_to(progress.next_due_at)
    [report] = await runner.tick()
    assert report.round_number == 1
    return setup, runner


async def watch(db: Database, runner: Runner, clock: JumpClock, *, ticks: int = 400) -> int:
    """Tick once a second until the show is over and its posts are out; returns the ticks."""
    for n in range(1, ticks + 1):
        clock.jump_to(clock() + timedelta(seconds=1))
        await runner.tick()
        async with db.read_sessions() as s:
            if not await shows.running(s) and not await repo.unsent(s):
                return n
    raise AssertionError("the show did not end")


async def games(db: Database) -> dict[str, tuple[int, int]]:
    async with db.read_sessions() as s:
        rows = (await s.execute(select(GameResultRow))).scalars().all()
    return {r.id: (r.home_score, r.away_score) for r in rows}


async def team_names(db: Database) -> dict[str, tuple[str, str]]:
    async with db.read_sessions() as s:
        rows = (await s.execute(select(GameResultRow))).scalars().all()
    return {r.id: (r.inputs["home_team"]["name"], r.inputs["away_team"]["name"]) for r in rows}


async def test_a_round_is_shown_live_then_as_final_cards_then_its_results(
    database: Database,
) -> None:
    poster = RecordingPoster(JumpClock())
    setup, runner = await first_round(database, 30, poster)
    await watch(database, runner, poster.clock)

    stored = await games(database)
    names = await team_names(database)
    assert len(stored) == 2
    gap = edit_gap(len(stored))
    for game_id, (home, away) in stored.items():
        live = poster.of(shows.live_key(game_id))
        # Posted once (no ref), then edited where it landed; several frames, then the card.
        assert live[0].ref is None
        assert [p.ref for p in live[1:]] == [f"ref:{shows.live_key(game_id)}"] * (len(live) - 1)
        assert len(live) >= 5
        frames = [p.payload["frame"] for p in live[:-1]]
        assert frames[0]["plays"] == ["Tip-off"]
        scores = [(f["home_score"], f["away_score"]) for f in frames]
        assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in pairwise(scores))
        times = [p.at for p in live]
        assert all((b - a).total_seconds() >= gap - 1 for a, b in pairwise(times))
        card = live[-1].payload
        assert card["final"] and card["files"][0]["game_id"] == game_id
        assert card["buttons"] == [{"kind": "box_score", "game_id": game_id}]
        title = card["embed"]["title"]
        assert f" {max(home, away)} – {min(home, away)} " in title
        copies = [poster.of(shows.card_key(game_id, side)) for side in (0, 1)]
        assert all(len(c) == 1 and c[0].payload == content(card) for c in copies)
        assert [c[0].target for c in copies] == [f"team:{n}" for n in names[game_id]]
    # The round's games take turns in #play-by-play: never two edits there in one second.
    in_channel = Counter(p.at for p in poster.posts if p.target == "play-by-play")
    assert max(in_channel.values()) == 1
    last_card = max(poster.index(shows.live_key(g)) for g in stored)
    season = setup["season_id"]
    for key in (f"round:{season}:1:results", f"mirror:simulation:{season}:1"):
        assert poster.index(key) > last_card  # no spoilers
    async with database.read_sessions() as s:
        report = await verify(s)
    assert report.ok, report.problems


async def test_standings_and_games_tell_only_what_has_been_shown(database: Database) -> None:
    poster = RecordingPoster(JumpClock())
    setup, runner = await first_round(database, 30, poster)
    season = setup["season_id"]

    during = await discord_repo.standings(database, season)
    listed = await discord_repo.played_games(database, season)
    await watch(database, runner, poster.clock)
    after = await discord_repo.standings(database, season)

    assert all(row.games == 0 for _, row in during) and listed == []
    assert sum(row.games for _, row in after) == 4
    assert len(await discord_repo.played_games(database, season)) == 2


async def test_the_next_round_waits_while_its_season_is_still_on_screen(
    database: Database,
) -> None:
    poster = RecordingPoster(JumpClock())
    setup, runner = await first_round(database, 30, poster)
    async with database.sessions() as s, s.begin():
        await repo.update_progress(s, setup["season_id"], {"next_due_at": poster.clock()})

    assert await runner.due() == []
    await watch(database, runner, poster.clock)  # its ticks play round 2 once it may
    async with database.read_sessions() as s:
        rows = (await s.execute(select(PresentationRow))).scalars().all()
    first, second = sorted(rows, key=lambda r: r.round_number)
    assert second.round_number == 2 and first.done_at is not None
    assert second.created_at >= first.done_at


async def test_a_restarted_presenter_resumes_where_the_show_was(database: Database) -> None:
    poster = RecordingPoster(JumpClock())
    _, runner = await first_round(database, 40, poster)
    for _ in range(15):
        poster.clock.jump_to(poster.clock() + timedelta(seconds=1))
        await runner.tick()
    async with database.read_sessions() as s:
        (before,) = await shows.running(s)
    shown = {g.game_id: g.frame for g in before.games}

    # The process dies; a new one starts ten minutes later.
    poster.clock.jump_to(poster.clock() + timedelta(minutes=10))
    again = Runner(database, clock=poster.clock, poster=poster)
    await again.tick()
    async with database.read_sessions() as s:
        (resumed,) = await shows.running(s)
    assert resumed.position_s - before.position_s <= 2.5  # not ten minutes on
    assert all(g.frame - shown[g.game_id] <= 1 for g in resumed.games)

    await watch(database, again, poster.clock)
    for game_id in await games(database):
        live = poster.of(shows.live_key(game_id))
        assert [p.ref for p in live].count(None) == 1  # one live message, never a second
        indices = [p.payload["frame"]["index"] for p in live[:-1]]
        assert indices == sorted(set(indices))
        assert live[-1].payload["final"] and len(poster.of(shows.card_key(game_id, 0))) == 1


async def test_a_rate_limited_edit_slows_the_show_and_loses_no_frame(
    backend: str,
    tmp_path: Any,
    sqlite_template: Any,
    pg_cluster: Any,
    pg_template: Any,
) -> None:
    # The same league twice: once as it goes, once with Discord answering one edit with a 429.
    plain = RecordingPoster(JumpClock())
    limited = RecordingPoster(JumpClock())
    ticks = []
    for poster in (plain, limited):
        url = await fresh_url(backend, tmp_path, sqlite_template, pg_cluster, pg_template)
        db = create_database(url)
        try:
            _, runner = await first_round(db, 30, poster)
            if poster is limited:
                game_id = sorted(await games(db))[0]
                limited.limit_once[shows.live_key(game_id)] = 3  # the fourth hand-over: a 429
            ticks.append(await watch(db, runner, poster.clock))
        finally:
            await db.dispose()
    keys = {p.key for p in plain.posts}
    assert keys == {p.key for p in limited.posts}
    for key in keys:  # the same contents in the same order: nothing skipped, nothing lost
        assert [p.payload for p in plain.of(key)] == [p.payload for p in limited.of(key)]
    assert ticks[1] >= ticks[0] + 3  # and later, by about the wait Discord asked for


async def test_at_zero_seconds_the_final_cards_go_out_at_once_then_the_results(
    database: Database,
) -> None:
    poster = RecordingPoster(JumpClock())
    setup, _ = await first_round(database, 0, poster)

    stored = await games(database)
    for game_id in stored:
        (card,) = poster.of(shows.live_key(game_id))  # no live frames: the card, once
        assert card.payload["final"] and card.ref is None
    results = poster.index(f"round:{setup['season_id']}:1:results")
    assert results > max(poster.index(shows.live_key(g)) for g in stored)
    async with database.read_sessions() as s:
        row = (await s.execute(select(PresentationRow))).scalar_one()
    assert row.round_seconds == 0 and row.done_at is not None


async def test_a_show_never_runs_into_the_next_round(database: Database) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    await set_pacing(database, setup["league_id"], 1800)
    async with database.sessions() as s, s.begin():
        spec = SETTINGS["schedule.round_interval_minutes"]
        await repo.set_setting(
            s, setup["league_id"], spec.key, "2", spec.category, spec.description
        )
    runner = Runner(database, clock=clock)
    await runner.run_round(setup["season_id"])

    async with database.read_sessions() as s:
        row = (await s.execute(select(PresentationRow))).scalar_one()
    assert row.round_seconds == 90  # three quarters of the two minutes between rounds


async def test_pinwheel_present_prints_a_games_frames_and_final_card_and_writes_its_chart(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any, tmp_path: Any
) -> None:
    from PIL import Image

    from bot.__main__ import main

    poster = RecordingPoster(JumpClock())
    await first_round(database, 30, poster)
    game_id, (home, away) = sorted((await games(database)).items())[0]
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", db_url)
    out = tmp_path / "cards"

    # The command line runs its own event loop: call it from a thread.
    assert await asyncio.to_thread(main, ["present", game_id, "--json", "--out", str(out)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert await asyncio.to_thread(main, ["present", "no-such-game"]) == 2
    assert "no stored game" in capsys.readouterr().out

    assert shown["game_id"] == game_id
    frames = shown["frames"]
    assert frames[0]["plays"] == ["Tip-off"] and len(frames) >= 5
    assert {"home_score", "away_score", "period", "clock", "plays"} <= set(frames[0])
    # The same frames the presenter wrote to the live message, in order.
    live = [p.payload["frame"] for p in poster.of(shows.live_key(game_id))]
    assert frames[: len(live)] == live
    final = shown["final"]
    assert f" {max(home, away)} – {min(home, away)} " in final["embed"]["title"]
    assert final["attachments"] == ["score-flow.png"]
    picture = Image.open(out / "score-flow.png")
    assert picture.format == "PNG"


async def test_verify_reports_a_show_done_without_a_games_final_card(database: Database) -> None:
    from sqlalchemy import update

    from db.tables import PresentedGameRow

    poster = RecordingPoster(JumpClock())
    await first_round(database, 0, poster)
    game_id = sorted(await games(database))[0]
    async with database.read_sessions() as s:
        assert (await verify(s)).ok
    async with database.sessions() as s, s.begin():
        await s.execute(
            update(PresentedGameRow)
            .where(PresentedGameRow.game_id == game_id)
            .values(final_at=None)
        )
    async with database.read_sessions() as s:
        report = await verify(s)
    assert any(f"game {game_id} has no final card" in p for p in report.problems)


async def test_a_playoff_game_is_carded_with_its_series_so_far(database: Database) -> None:
    from bot.app.league.setup import SetupLeague, run_setup
    from bot.app.league.show import load_show
    from tests.app.league_kit import SHORT_RULES, play_to_the_end

    clock = JumpClock()
    rules = {**SHORT_RULES, "final_series_length": 3}
    setup = await run_setup(database, SetupLeague("g1", "Test League", "test", rules), clock=clock)
    runner = Runner(database, clock=clock, instant=True)
    await play_to_the_end(database, runner, clock, setup["season_id"])

    async with database.read_sessions() as s:
        finals = [g for g in await repo.played_games(s, setup["season_id"]) if g.phase == "final"]
        cards = [(await load_show(s, g.game_id)).card for g in finals]  # type: ignore[union-attr]
    assert 2 <= len(cards) <= 3
    assert [c.stage for c in cards] == [f"Final, game {i}" for i in range(1, len(cards) + 1)]
    assert cards[0].series_before == "" and cards[0].series_after.endswith(" lead 1-0")
    assert cards[1].series_before == cards[0].series_after
    assert cards[-1].series_after.endswith(f"are the champions, 2-{len(cards) - 2}")
    regular = await load_show_of_round(database, setup["season_id"], 1)
    assert regular.stage == "" and regular.series_after == ""


async def load_show_of_round(db: Database, season_id: str, round_number: int) -> Any:
    from bot.app.league.show import load_show

    async with db.read_sessions() as s:
        game = next(
            g for g in await repo.played_games(s, season_id) if g.round_number == round_number
        )
        found = await load_show(s, game.game_id)
    assert found is not None
    return found.card


class Crash(BaseException):
    """The process dies (not an error the loop catches and logs)."""


@dataclass
class RemembersPoster(RecordingPoster):
    """Like Discord with the nonce and the look-back: a retried hand-over of a revision that
    already went out is dropped, and the earlier message's ref is answered."""

    delivered: dict[tuple[str, int], str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    async def post(
        self,
        key: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        *,
        retry: bool = False,
        ref: str | None = None,
    ) -> str | None:
        revision = int(payload.get("revision", 0))
        if retry and (key, revision) in self.delivered:
            self.dropped.append(key)
            return self.delivered[(key, revision)]
        landed = await super().post(key, kind, target, payload, retry=retry, ref=ref)
        assert landed is not None
        self.delivered[(key, revision)] = landed
        return landed


@pytest.mark.parametrize("prefix", ["live:", "card:"])
async def test_a_crash_between_a_post_and_its_mark_posts_nothing_twice(
    database: Database, monkeypatch: pytest.MonkeyPatch, prefix: str
) -> None:
    poster = RemembersPoster(JumpClock())
    clock = poster.clock
    setup = await setup_short_league(database, clock)
    await set_pacing(database, setup["league_id"], 30)
    marked = repo.mark_sent
    crashed: list[str] = []

    async def mark_sent(s: Any, message_id: int, *args: Any, **kwargs: Any) -> None:
        if not crashed:
            key = (
                await s.execute(select(OutboxRow.key).where(OutboxRow.id == message_id))
            ).scalar_one()
            if key.startswith(prefix):
                crashed.append(key)  # handed to the poster, not yet marked: the process dies
                raise Crash
        await marked(s, message_id, *args, **kwargs)

    monkeypatch.setattr(repo, "mark_sent", mark_sent)
    runner = Runner(database, clock=clock, poster=poster)
    async with database.read_sessions() as s:
        progress = await repo.get_progress(s, setup["season_id"])
    assert progress is not None and progress.next_due_at is not None
    clock.jump_to(progress.next_due_at)
    with pytest.raises(Crash):
        for _ in range(400):
            await runner.tick()
            clock.jump_to(clock() + timedelta(seconds=1))
    (key,) = crashed
    assert len(poster.of(key)) == 1  # it went out before the crash

    # A new process, once the dead one's lease on the row has run out.
    clock.jump_to(clock() + timedelta(minutes=10))
    again = Runner(database, clock=clock, poster=poster)
    await watch(database, again, clock)

    assert key in poster.dropped  # handed over again, as a retry, and dropped as a repeat
    stored = await games(database)
    assert len(stored) == 2
    for game_id in stored:
        live = poster.of(shows.live_key(game_id))
        assert [p.ref for p in live].count(None) == 1  # one live message, never a second
        assert live[-1].payload["final"]
        assert sum(p.payload.get("final", False) for p in live) == 1  # one final card
        for side in (0, 1):
            assert len(poster.of(shows.card_key(game_id, side))) == 1
    async with database.read_sessions() as s:
        assert not await repo.unsent(s)
        report = await verify(s)
    assert report.ok, report.problems
