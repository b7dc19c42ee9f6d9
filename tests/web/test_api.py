"""The public API against the database, on both engines: every number it serves equals what
is stored (standings equal the results, counts equal rows), lists page with `limit` and
`next`, the event log pages by sequence number with every public event exactly once, answers
carry ETags and security headers, bad parameters get a clear 4xx, and nothing writes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from sqlalchemy import func, select

from bot.app.public import PRIVATE_EVENT_PREFIXES
from db.event_store import events_table
from db.tables import BoxScoreRow, GameResultRow, HooperRow, ProposalRow, TeamRow
from tests.web.conftest import ROUNDS_PLAYED, Played


async def _all(client: httpx.AsyncClient, url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while url:
        page = (await client.get(url)).json()
        items += page["items"]
        url = page["next"]
    return items


async def test_standings_equal_the_results_and_counts_equal_the_rows(
    reader: httpx.AsyncClient, shared: Played
) -> None:
    season = shared.season_id
    games = await _all(reader, f"/api/v1/seasons/{season}/games?limit=2")
    standings = (await reader.get(f"/api/v1/seasons/{season}/standings")).json()["items"]
    async with shared.db.read_sessions() as s:
        stored_games = (
            await s.execute(select(func.count()).where(GameResultRow.season_id == season))
        ).scalar_one()
        stored_proposals = (
            await s.execute(select(func.count()).where(ProposalRow.season_id == season))
        ).scalar_one()
        stored_teams = (
            await s.execute(select(func.count()).where(TeamRow.season_id == season))
        ).scalar_one()
    assert len(games) == stored_games == ROUNDS_PLAYED * 2
    assert len({g["id"] for g in games}) == len(games)  # no game twice across pages

    wins: dict[str, int] = {}
    losses: dict[str, int] = {}
    points: dict[str, int] = {}
    for g in games:
        home_won = g["home_score"] > g["away_score"]
        winner, loser = (
            (g["home_team_id"], g["away_team_id"])
            if home_won
            else (g["away_team_id"], g["home_team_id"])
        )
        assert g["winner_team_id"] == winner
        wins[winner] = wins.get(winner, 0) + 1
        losses[loser] = losses.get(loser, 0) + 1
        points[g["home_team_id"]] = points.get(g["home_team_id"], 0) + g["home_score"]
        points[g["away_team_id"]] = points.get(g["away_team_id"], 0) + g["away_score"]
    assert len(standings) == stored_teams
    for row in standings:
        assert row["wins"] == wins.get(row["team_id"], 0), row
        assert row["losses"] == losses.get(row["team_id"], 0), row
        assert row["points_for"] == points.get(row["team_id"], 0), row
    assert [r["rank"] for r in standings] == sorted(r["rank"] for r in standings)

    proposals = await _all(reader, f"/api/v1/seasons/{season}/proposals?limit=3")
    assert len(proposals) == stored_proposals > 0
    teams = (await reader.get(f"/api/v1/seasons/{season}/teams")).json()["items"]
    assert len(teams) == stored_teams


async def test_a_game_and_a_hooper_serve_exactly_what_is_stored(
    reader: httpx.AsyncClient, shared: Played
) -> None:
    games = await _all(reader, f"/api/v1/seasons/{shared.season_id}/games")
    detail = (await reader.get(f"/api/v1/games/{games[0]['id']}")).json()
    async with shared.db.read_sessions() as s:
        row = await s.get(GameResultRow, games[0]["id"])
        assert row is not None
        lines = (
            await s.execute(select(func.count()).where(BoxScoreRow.game_id == row.id))
        ).scalar_one()
        points = (
            await s.execute(
                select(func.sum(BoxScoreRow.points)).where(BoxScoreRow.game_id == row.id)
            )
        ).scalar_one()
        hooper = (
            (await s.execute(select(HooperRow.id).where(HooperRow.team_id == row.home_team_id)))
            .scalars()
            .first()
        )
        hooper_lines = (
            await s.execute(select(func.count()).where(BoxScoreRow.hooper_id == hooper))
        ).scalar_one()
    assert (detail["home_score"], detail["away_score"]) == (row.home_score, row.away_score)
    assert len(detail["box_score"]) == lines
    assert sum(line["points"] for line in detail["box_score"]) == points
    assert sum(p["home"] for p in detail["periods"]) == row.home_score
    assert len(detail["play_by_play"]) > 20
    last = detail["play_by_play"][-1]
    assert (last["home_score"], last["away_score"]) == (row.home_score, row.away_score)
    assert any(p["important"] for p in detail["play_by_play"])

    found = (await reader.get(f"/api/v1/hoopers/{hooper}")).json()
    assert len(found["games"]) == hooper_lines == found["season"]["games"]
    assert found["season"]["points"] == sum(g["points"] for g in found["games"])


async def test_the_event_log_pages_every_public_event_exactly_once_in_order(
    reader: httpx.AsyncClient, shared: Played
) -> None:
    seen: list[int] = []
    after = 0
    while True:
        response = await reader.get(f"/api/v1/events?after={after}&limit=7")
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.text.splitlines()]
        for event in lines:
            assert set(event) >= {"sequence_number", "event_type", "payload"}
            assert not event["event_type"].startswith(PRIVATE_EVENT_PREFIXES)
        seen += [e["sequence_number"] for e in lines]
        if len(lines) < 7:
            break
        after = lines[-1]["sequence_number"]
        assert response.headers["x-next-after"] == str(after)
    async with shared.db.read_sessions() as s:
        public = (
            (
                await s.execute(
                    select(events_table.c.sequence_number)
                    .where(
                        *(~events_table.c.event_type.startswith(p) for p in PRIVATE_EVENT_PREFIXES)
                    )
                    .order_by(events_table.c.sequence_number)
                )
            )
            .scalars()
            .all()
        )
    assert seen == list(public)  # every one, once, in sequence order
    assert len(seen) > 50


async def test_answers_carry_etags_security_headers_and_clear_errors(
    reader: httpx.AsyncClient, shared: Played
) -> None:
    url = f"/api/v1/seasons/{shared.season_id}/standings"
    first = await reader.get(url)
    assert first.status_code == 200 and first.headers["etag"]
    again = await reader.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    for header in ("content-security-policy", "x-content-type-options", "x-frame-options"):
        assert header in first.headers
    assert "'unsafe-inline'" not in first.headers["content-security-policy"]

    bad = await reader.get(f"/api/v1/seasons/{shared.season_id}/games?limit=100000")
    assert bad.status_code == 400 and "limit" in bad.json()["detail"]
    worse = await reader.get("/api/v1/events?after=-3")
    assert worse.status_code == 400 and "after" in worse.json()["detail"]
    missing = await reader.get("/api/v1/games/no-such-game")
    assert missing.status_code == 404 and "no such game" in missing.json()["detail"]
    page = await reader.get("/hoopers/nobody")
    assert page.status_code == 404 and "There is no such hooper" in page.text


async def test_nothing_a_request_sends_can_write(reader: httpx.AsyncClient, shared: Played) -> None:
    async with shared.db.read_sessions() as s:
        before = (await s.execute(select(func.max(events_table.c.sequence_number)))).scalar()
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for url in ("/api/v1/leagues", f"/api/v1/seasons/{shared.season_id}/proposals", "/rules"):
            response = await reader.request(method, url, json={"vote": "yes"})
            assert response.status_code == 405, (method, url)
    async with shared.db.read_sessions() as s:
        after = (await s.execute(select(func.max(events_table.c.sequence_number)))).scalar()
    assert after == before


async def test_the_api_describes_itself(reader: httpx.AsyncClient) -> None:
    spec = (await reader.get("/api/v1/openapi.json")).json()
    paths = set(spec["paths"])
    for wanted in (
        "/api/v1/leagues",
        "/api/v1/seasons/{season_id}/standings",
        "/api/v1/seasons/{season_id}/games",
        "/api/v1/games/{game_id}",
        "/api/v1/hoopers/{hooper_id}",
        "/api/v1/governors/{governor_id}",
        "/api/v1/seasons/{season_id}/rules",
        "/api/v1/events",
    ):
        assert wanted in paths
    assert all(set(ops) == {"get"} for ops in spec["paths"].values())


async def test_the_event_log_is_followed_live_as_server_sent_events(shared: Played) -> None:
    import socket

    from bot.web.server import serving_beside

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with shared.db.read_sessions() as s:
        last = (await s.execute(select(func.max(events_table.c.sequence_number)))).scalar_one()
    start = int(last) - 40
    seen: list[tuple[int, str, dict[str, Any]]] = []
    async with (
        serving_beside(shared.db, "127.0.0.1", port),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as reader,
        reader.stream(
            "GET", f"/api/v1/events?after={start}", headers={"Accept": "text/event-stream"}
        ) as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        block: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line.startswith(("id: ", "event: ", "data: ")):
                name, _, value = line.partition(": ")
                block[name] = value
            elif not line and block:
                seen.append((int(block["id"]), block["event"], json.loads(block["data"])))
                block = {}
                if seen[-1][0] >= last:
                    break
    ids = [i for i, _, _ in seen]
    assert ids == sorted(set(ids)) and ids[0] > start and ids[-1] == last
    for _, event_type, data in seen:
        assert data["event_type"] == event_type
        assert not event_type.startswith(PRIVATE_EVENT_PREFIXES)


async def test_the_schedule_lists_every_matchup_and_scores_only_shown_games(
    reader: httpx.AsyncClient, shared: Played
) -> None:
    from db.tables import ScheduleRow

    schedule = await _all(reader, f"/api/v1/seasons/{shared.season_id}/schedule?limit=5")
    games = {g["id"]: g for g in await _all(reader, f"/api/v1/seasons/{shared.season_id}/games")}
    async with shared.db.read_sessions() as s:
        rows = (
            await s.execute(select(func.count()).where(ScheduleRow.season_id == shared.season_id))
        ).scalar_one()
    assert len(schedule) == rows
    played_ones = [m for m in schedule if m["played"]]
    assert {m["game_id"] for m in played_ones} == set(games)
    for m in played_ones:
        g = games[m["game_id"]]
        assert (m["home_score"], m["away_score"]) == (g["home_score"], g["away_score"])
    assert all(m["home_score"] is None for m in schedule if not m["played"])


async def test_several_leagues_get_an_index_and_prefixed_pages(
    client: httpx.AsyncClient, played: Played
) -> None:
    from tests.web.conftest import play_half_a_season

    other = await play_half_a_season(played.db, guild="second")
    home = await client.get("/")
    assert home.status_code == 200
    assert f"/leagues/{played.league_id}" in home.text
    assert f"/leagues/{other.league_id}" in home.text
    rules = await client.get(f"/leagues/{other.league_id}/rules")
    assert rules.status_code == 200 and "The constitution" in rules.text
    assert f'href="/leagues/{other.league_id}/proposals"' in rules.text
    ambiguous = await client.get("/rules")
    assert ambiguous.status_code == 404 and "several leagues" in ambiguous.text
    leagues = (await client.get("/api/v1/leagues")).json()["items"]
    assert {x["id"] for x in leagues} == {played.league_id, other.league_id}
    # Paged in the query, oldest first: each page reads only its own leagues.
    first = (await client.get("/api/v1/leagues?limit=1")).json()
    assert [(x["id"], x["seasons"]) for x in first["items"]] == [(played.league_id, 1)]
    second = (await client.get(first["next"])).json()
    assert [(x["id"], x["seasons"]) for x in second["items"]] == [(other.league_id, 1)]
    assert second["next"] is None
    # Each league has an event log of its own, numbered from 1: the API asks which.
    unnamed = await client.get("/api/v1/events")
    assert unnamed.status_code == 404 and "several leagues" in unnamed.text
    for league in (played, other):
        lines = (await client.get(f"/api/v1/events?league={league.league_id}&limit=500")).text
        events = [json.loads(line) for line in lines.splitlines()]
        numbers = [e["sequence_number"] for e in events]
        assert events and numbers == sorted(set(numbers)) and numbers[0] <= 3
        assert {(e["league_id"], e["season_id"]) for e in events} == {
            (league.league_id, league.season_id)
        }


async def test_nothing_of_a_round_appears_before_its_show_ends(
    client: httpx.AsyncClient, played: Played, monkeypatch: Any
) -> None:
    from datetime import timedelta

    monkeypatch.setattr("bot.web.cache.STALE_SECONDS", 0.0)  # each change shown at once

    from bot.app.league.runner import Runner
    from db.tables import MirrorRow

    season = played.season_id
    before_games = await _all(client, f"/api/v1/seasons/{season}/games")
    before_standings = (await client.get(f"/api/v1/seasons/{season}/standings")).json()
    runner = Runner(played.db, clock=played.clock)  # shows paced on the league's clock
    report = await runner.play_round(season, due_only=False)
    assert report is not None
    new_round = report.round_number
    async with played.db.read_sessions() as s:
        new_games = (
            (
                await s.execute(
                    select(GameResultRow.id).where(
                        GameResultRow.season_id == season, GameResultRow.round_number == new_round
                    )
                )
            )
            .scalars()
            .all()
        )
        mirrored = (
            await s.execute(select(func.count()).where(MirrorRow.round_number == new_round))
        ).scalar_one()
    assert new_games and mirrored  # stored, mirrored, but on screen

    import asyncio

    await asyncio.sleep(0.6)  # past the read cache's refresh
    assert await _all(client, f"/api/v1/seasons/{season}/games") == before_games
    assert (await client.get(f"/api/v1/seasons/{season}/standings")).json() == before_standings
    assert (await client.get(f"/api/v1/games/{new_games[0]}")).status_code == 404
    mirrors = (await client.get(f"/api/v1/seasons/{season}/mirrors")).json()["items"]
    assert all(m["round"] != new_round for m in mirrors)
    arena = (await client.get("/api/v1/arena")).json()
    assert arena["live"] and arena["round"] == new_round
    assert all(not g["final"] for g in arena["games"])  # a show starts at tip-off

    for _ in range(400):
        if not await runner.presenter.running():
            break
        played.clock.jump_to(played.clock() + timedelta(seconds=1))
        await runner.tick()
    await asyncio.sleep(0.6)
    after = await _all(client, f"/api/v1/seasons/{season}/games")
    assert len(after) == len(before_games) + len(new_games)
    mirrors = (await client.get(f"/api/v1/seasons/{season}/mirrors")).json()["items"]
    assert any(m["round"] == new_round for m in mirrors)


async def test_answers_are_kept_until_the_league_changes(
    client: httpx.AsyncClient, played: Played, monkeypatch: Any
) -> None:
    import asyncio

    from bot.app import public
    from bot.app.governance.commands import CastVote
    from bot.app.service import Pinwheel
    from db import governance_repo as gov_repo
    from tests.app.kit import FakeInterpreter

    computed = 0
    real = public.proposals

    async def counting(db: Any, season_id: str) -> list[dict[str, Any]]:
        nonlocal computed
        computed += 1
        return await real(db, season_id)

    monkeypatch.setattr(public, "proposals", counting)
    monkeypatch.setattr("bot.web.cache.STALE_SECONDS", 0.0)  # render inline once it moves on
    url = f"/api/v1/seasons/{played.season_id}/proposals"
    first = (await client.get(url)).json()
    second = await client.get(url)
    assert computed == 1 and second.json() == first  # the second reader got the kept answer
    assert "content-security-policy" in second.headers and "etag" in second.headers

    async with played.db.read_sessions() as s:
        [open_one, *_] = await gov_repo.open_proposals(s, played.season_id)
    app = Pinwheel(played.db, FakeInterpreter(), clock=played.clock)
    voter = open_one.governor_id
    await app.handle(CastVote(open_one.proposal_id, voter, "no"), command_id="cache:vote")
    await asyncio.sleep(0.6)  # the counters are read at most twice a second
    await client.get(url)
    assert computed == 2  # the write made it render again


async def test_a_busy_page_is_sent_at_once_and_brought_up_to_date_behind(
    client: httpx.AsyncClient, played: Played, monkeypatch: Any
) -> None:
    import asyncio

    from bot.app import public
    from bot.app.governance.commands import CastVote
    from bot.app.service import Pinwheel
    from db import governance_repo as gov_repo
    from tests.app.kit import FakeInterpreter

    renders: list[float] = []
    real = public.proposals

    async def counting(db: Any, season_id: str) -> list[dict[str, Any]]:
        renders.append(asyncio.get_running_loop().time())
        return await real(db, season_id)

    monkeypatch.setattr(public, "proposals", counting)
    monkeypatch.setattr("bot.web.cache.STALE_SECONDS", 60.0)
    url = f"/api/v1/seasons/{played.season_id}/proposals"
    before = await client.get(url)
    async with played.db.read_sessions() as s:
        [open_one, *_] = await gov_repo.open_proposals(s, played.season_id)
    app = Pinwheel(played.db, FakeInterpreter(), clock=played.clock)
    voter = open_one.governor_id
    await app.handle(CastVote(open_one.proposal_id, voter, "no"), command_id="stale:vote")
    await asyncio.sleep(0.6)
    stale = await client.get(url)
    assert stale.content == before.content  # the kept answer, at once...
    for _ in range(100):  # ...while one render brings it up to date behind it
        if len(renders) == 2:
            break
        await asyncio.sleep(0.02)
    assert len(renders) == 2
    await client.get(url)
    assert len(renders) == 2  # the fresh answer is kept: nobody renders it again


async def test_a_cast_vote_renders_again_only_what_counts_votes(
    client: httpx.AsyncClient, played: Played, monkeypatch: Any
) -> None:
    import asyncio

    from bot.app import public
    from bot.app.governance.commands import CastVote
    from bot.app.service import Pinwheel
    from db import governance_repo as gov_repo
    from tests.app.kit import FakeInterpreter

    monkeypatch.setattr("bot.web.cache.STALE_SECONDS", 0.0)
    calls: dict[str, int] = {"proposals": 0, "rules": 0}
    for name in calls:
        real = getattr(public, name)

        async def counting(*args: Any, _name: str = name, _real: Any = real) -> Any:
            calls[_name] += 1
            return await _real(*args)

        monkeypatch.setattr(public, name, counting)
    proposals = f"/api/v1/seasons/{played.season_id}/proposals"
    rules = f"/api/v1/seasons/{played.season_id}/rules"
    await client.get(proposals)
    await client.get(rules)
    async with played.db.read_sessions() as s:
        [open_one, *_] = await gov_repo.open_proposals(s, played.season_id)
    voter = open_one.governor_id
    await Pinwheel(played.db, FakeInterpreter(), clock=played.clock).handle(
        CastVote(open_one.proposal_id, voter, "no"), command_id="vote-scope"
    )
    await asyncio.sleep(0.6)
    await client.get(proposals)
    await client.get(rules)
    assert calls == {"proposals": 2, "rules": 1}  # the constitution was kept through the vote


async def test_a_finished_season_names_no_next_round(
    client: httpx.AsyncClient, played: Played, monkeypatch: Any
) -> None:
    """The round steps move a season's progress in transactions that may store nothing else:
    its pages move with it."""
    from db import league_repo

    monkeypatch.setattr("bot.web.cache.STALE_SECONDS", 0.0)  # each change shown at once

    running = (await client.get(f"/api/v1/seasons/{played.season_id}")).json()
    assert running["next_round"] == ROUNDS_PLAYED + 1
    assert f"round {ROUNDS_PLAYED + 1} next" in (await client.get("/")).text
    async with played.db.sessions() as s, s.begin():
        await league_repo.update_progress(s, played.season_id, {"phase": "complete"})
    await asyncio.sleep(0.6)  # past the read cache's refresh
    finished = (await client.get(f"/api/v1/seasons/{played.season_id}")).json()
    assert finished["phase"] == "complete" and finished["next_round"] is None
    home = (await client.get("/")).text
    assert "· complete" in home and " next</p>" not in home


async def test_a_past_season_is_browsable_from_the_seasons_page(
    client: httpx.AsyncClient, played: Played
) -> None:
    from bot.app.league.setup import StartNewSeason, run_new_season

    out = await run_new_season(
        played.db,
        StartNewSeason(played.league_id, replace_unfinished=True),
        clock=played.clock,
        command_id="web:new-season",
    )
    assert out["season_id"] != played.season_id
    seasons = (await client.get("/seasons")).text
    for page in ("/", "/rules", "/proposals"):
        assert f'href="{page}?season={played.season_id}"' in seasons
    past = await client.get(f"/?season={played.season_id}")
    assert past.status_code == 200
    standings = (await client.get(f"/api/v1/seasons/{played.season_id}/standings")).json()
    for row in standings["items"]:
        assert f">{row['team']}</a></td><td>{row['wins']}</td>" in past.text
    assert (await client.get(f"/proposals?season={played.season_id}")).status_code == 200
    foreign = await client.get("/rules?season=not-a-season-of-this-league")
    assert foreign.status_code == 404 and "no such season" in foreign.text
