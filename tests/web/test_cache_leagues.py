"""The read cache keeps each league's answers until that league changes, on both engines.

A league's change counters move with every write its pages show (an event that is not a vote,
a stored game, a mirror written or polished, a frame, a final card, a finished show) and with
nothing another league does; a cast vote moves only the log head, which only the pages that
count votes depend on. So a quiet league's pages stay kept while another plays, and an answer
that does not say which league it shows is never kept."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from bot.app import public
from bot.app.governance.commands import CastVote
from bot.app.league.runner import Runner
from bot.app.service import Pinwheel
from bot.web import cache
from db import governance_repo as gov_repo
from tests.app.kit import FakeInterpreter
from tests.app.test_mirror_polish import FakeTransport, polisher, voiced
from tests.web.conftest import Played, play_half_a_season

NAMES = (
    "head",
    "not_a_vote",
    "games",
    "mirrors",
    "ai_calls",
    "shows_done",
    "frames",
    "finals",
    "next_rounds",
    "phases",
)


async def _counters(played: Played, *leagues: str) -> list[dict[str, int]]:
    version = cache.Version(played.db)
    return [dict(zip(NAMES, await version._read(league), strict=True)) for league in leagues]


def _moved(before: dict[str, int], after: dict[str, int]) -> set[str]:
    assert all(after[n] >= before[n] for n in NAMES if n not in ("frames", "finals", "phases"))
    return {n for n in NAMES if after[n] != before[n]}


async def _vote(played: Played, command_id: str) -> None:
    async with played.db.read_sessions() as s:
        [open_one, *_] = await gov_repo.open_proposals(s, played.season_id)
    app = Pinwheel(played.db, FakeInterpreter(), clock=played.clock)
    vote = CastVote(open_one.proposal_id, open_one.governor_id, "no")
    await app.handle(vote, command_id=command_id)


async def test_each_write_moves_its_league_s_counters_and_no_other_s(played: Played) -> None:
    other = await play_half_a_season(played.db, guild="second")
    a, b = played.league_id, other.league_id
    [a0, b0] = await _counters(played, a, b)

    await _vote(played, "counters:vote")
    [a1, b1] = await _counters(played, a, b)
    assert _moved(a0, a1) == {"head"} and b1 == b0  # a vote: only the head

    runner = Runner(played.db, clock=played.clock)  # a show paced on the league's clock
    report = await runner.play_round(played.season_id, due_only=False)
    assert report is not None
    [a2, b2] = await _counters(played, a, b)
    assert {"head", "not_a_vote", "games", "mirrors"} <= _moved(a1, a2) and b2 == b1

    polished = await polisher(played.db, FakeTransport(voiced)).polish(a)
    assert polished  # the round's mirrors wait behind its show: polished in place
    [a3, b3] = await _counters(played, a, b)
    assert _moved(a2, a3) == {"ai_calls"} and b3 == b2

    played.clock.jump_to(played.clock() + timedelta(seconds=2))
    await runner.tick()
    [a4, b4] = await _counters(played, a, b)
    assert _moved(a3, a4) == {"frames"} and b4 == b3  # the games move on screen

    for _ in range(400):
        if not await runner.presenter.running():
            break
        played.clock.jump_to(played.clock() + timedelta(seconds=1))
        await runner.tick()
    [a5, b5] = await _counters(played, a, b)
    assert "shows_done" in _moved(a4, a5) and b5 == b4


async def test_a_quiet_league_s_pages_are_kept_while_another_plays(
    client: httpx.AsyncClient, played: Played, monkeypatch: Any
) -> None:
    monkeypatch.setattr(cache, "STALE_SECONDS", 0.0)  # a moved league renders at once
    other = await play_half_a_season(played.db, guild="second")
    renders: list[str] = []
    real = public.standings

    async def counting(db: Any, season_id: str) -> list[dict[str, Any]]:
        renders.append(season_id)
        return await real(db, season_id)

    monkeypatch.setattr(public, "standings", counting)
    quiet = f"/leagues/{played.league_id}"  # the home page shows the standings
    busy = f"/api/v1/seasons/{other.season_id}/standings"
    assert (await client.get(quiet)).status_code == 200
    assert (await client.get(busy)).status_code == 200
    assert renders == [played.season_id, other.season_id]

    await Runner(other.db, clock=other.clock, instant=True).play_round(
        other.season_id, due_only=False
    )
    await asyncio.sleep(cache.REFRESH_SECONDS + 0.1)
    assert (await client.get(quiet)).status_code == 200
    assert (await client.get(busy)).status_code == 200
    assert renders == [played.season_id, other.season_id, other.season_id]  # only the busy one

    await Runner(played.db, clock=played.clock, instant=True).play_round(
        played.season_id, due_only=False
    )
    await asyncio.sleep(cache.REFRESH_SECONDS + 0.1)
    assert (await client.get(quiet)).status_code == 200
    assert renders[-1] == played.season_id and len(renders) == 4  # now it moved


async def test_an_answer_that_names_no_league_is_never_kept(
    client: httpx.AsyncClient, played: Played, monkeypatch: Any
) -> None:
    looked_up: list[str] = []
    real = public.owner

    async def counting(db: Any, kind: str, thing_id: str) -> str | None:
        looked_up.append(thing_id)
        return await real(db, kind, thing_id)

    monkeypatch.setattr(public, "owner", counting)
    for _ in range(2):
        missing = await client.get("/api/v1/seasons/no-such-season/standings")
        assert missing.status_code == 404 and "no such season" in missing.text
    assert looked_up == ["no-such-season"] * 2  # asked the app both times: nothing kept

    for _ in range(2):
        found = await client.get(f"/api/v1/seasons/{played.season_id}/standings")
        assert found.status_code == 200
    assert looked_up[2:] == [played.season_id]  # named its league: the second was kept
