"""Privacy is the contract: half a season is played with proposals open (votes cast, not yet
revealed), private mirrors written and DMs queued; then every page a visitor can reach (a crawl
from the home page that follows every link) and every API endpoint (every id, every page of
every list, the whole event log) is fetched, and nothing private is in any of them."""

from __future__ import annotations

import json
import re
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlparse

import httpx
from sqlalchemy import select

from db.tables import (
    AdminLogRow,
    GovernorRow,
    HooperRow,
    MirrorRow,
    OutboxRow,
    TeamRow,
    VoteRow,
    VoteTallyRow,
)
from tests.web.conftest import Played

HREF = re.compile(r'(?:href|src)="([^"]+)"')
MAX_PAGES = 400


async def _crawl(client: httpx.AsyncClient) -> dict[str, str]:
    """Every same-site page reachable from the home page, by following links."""
    seen: dict[str, str] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        response = await client.get(path)
        assert response.status_code == 200, path
        body = response.text if "text" in response.headers.get("content-type", "") else ""
        seen[path] = body
        for link in HREF.findall(body):
            target = urlparse(urljoin(f"http://pinwheel.test{path}", link))
            if target.netloc != "pinwheel.test" or target.path.startswith("/api/docs"):
                continue
            full = target.path + (f"?{target.query}" if target.query else "")
            if full not in seen:
                queue.append(full)
    return seen


async def _api(client: httpx.AsyncClient, played: Played) -> dict[str, str]:
    """Every API answer: the lists (every page), every object by id, the whole event log."""
    bodies: dict[str, str] = {}

    async def fetch(url: str) -> Any:
        response = await client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.text
        return response.json() if "json" in response.headers["content-type"] else None

    async def pages(url: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while url:
            page = await fetch(url)
            items += page["items"]
            url = page["next"]
        return items

    season = played.season_id
    await pages("/api/v1/leagues?limit=1")
    await fetch(f"/api/v1/leagues/{played.league_id}")
    await fetch(f"/api/v1/seasons/{season}")
    await fetch(f"/api/v1/seasons/{season}/standings")
    await fetch(f"/api/v1/seasons/{season}/rules")
    await fetch("/api/v1/arena")
    await pages(f"/api/v1/seasons/{season}/mirrors?limit=2")
    for game in await pages(f"/api/v1/seasons/{season}/games?limit=2"):
        await fetch(f"/api/v1/games/{game['id']}")
    for proposal in await pages(f"/api/v1/seasons/{season}/proposals?limit=2"):
        await fetch(f"/api/v1/governors/{proposal['governor_id']}")
    async with played.db.read_sessions() as s:
        teams = (await s.execute(select(TeamRow.id))).scalars().all()
        hoopers = (await s.execute(select(HooperRow.id))).scalars().all()
        governors = (await s.execute(select(GovernorRow.id))).scalars().all()
    for team in teams:
        await fetch(f"/api/v1/teams/{team}")
    for hooper in hoopers:
        await fetch(f"/api/v1/hoopers/{hooper}")
    for governor in governors:
        await fetch(f"/api/v1/governors/{governor}")
    after = 0
    while True:
        response = await client.get(f"/api/v1/events?after={after}&limit=50")
        bodies[f"/api/v1/events?after={after}"] = response.text
        lines = response.text.splitlines()
        if len(lines) < 50:
            break
        after = json.loads(lines[-1])["sequence_number"]
    return bodies


def _objects(value: Any) -> list[dict[str, Any]]:
    """Every JSON object nested in `value`."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for v in value.values():
            found += _objects(v)
    elif isinstance(value, list):
        for v in value:
            found += _objects(v)
    return found


async def test_no_page_or_endpoint_shows_anything_private(
    reader: httpx.AsyncClient, shared: Played
) -> None:
    async with shared.db.read_sessions() as s:
        unrevealed = {
            (r.proposal_id, r.governor_id)
            for r in (
                await s.execute(
                    select(VoteRow.proposal_id, VoteRow.governor_id)
                    .join(
                        VoteTallyRow, VoteTallyRow.proposal_id == VoteRow.proposal_id, isouter=True
                    )
                    .where(
                        (VoteTallyRow.revealed.is_(False)) | (VoteTallyRow.proposal_id.is_(None))
                    )
                )
            ).all()
        }
        private_mirrors = (
            (await s.execute(select(MirrorRow.content).where(MirrorRow.mirror_type == "private")))
            .scalars()
            .all()
        )
        dms = [
            str(p.get("text", ""))
            for p in (
                await s.execute(select(OutboxRow.payload).where(OutboxRow.target.like("dm:%")))
            ).scalars()
        ]
        discord_ids = (await s.execute(select(GovernorRow.discord_user_id))).scalars().all()
        notes = (
            (await s.execute(select(AdminLogRow.reason).where(AdminLogRow.reason.is_not(None))))
            .scalars()
            .all()
        )
    # The season is half shared: there is something private to leak.
    assert unrevealed and private_mirrors and dms

    pages = await _crawl(reader)
    api = await _api(reader, shared)
    assert len(pages) > 30  # home, games, teams, hoopers, governors, rules, proposals, ...
    assert any(p.startswith("/games/") for p in pages)
    assert any(p.startswith("/hoopers/") for p in pages)
    assert any(p.startswith("/governors/") for p in pages)
    everything = "\n".join([*pages.values(), *api.values()])

    for text in private_mirrors:
        assert text not in everything, "a private mirror is public"
    for text in dms:
        if len(text) > 20:
            assert text not in everything, "a DM is public"
    for note in notes:
        if len(note) > 8:
            assert note not in everything, "an admin note is public"
    for discord_id in discord_ids:
        assert not re.search(rf"\b{re.escape(discord_id)}\b", everything), "a Discord id"

    # No JSON object anywhere pairs an unrevealed proposal with a choice.
    unrevealed_proposals = {p for p, _ in unrevealed}
    for url, body in api.items():
        documents = (
            [json.loads(line) for line in body.splitlines()]
            if url.startswith("/api/v1/events")
            else [json.loads(body)]
        )
        for obj in _objects(documents):
            payload_proposal = obj.get("proposal_id")
            if payload_proposal in unrevealed_proposals:
                leaked = {"vote", "boost_used", "approve", "weight"} & set(obj)
                assert not leaked, f"{url} shows {leaked} of an unrevealed vote"
            if obj.get("id") in unrevealed_proposals:
                assert obj.get("tally") is None, f"{url} shows an unrevealed tally"
    # A governor's page lists only revealed votes.
    for path, body in pages.items():
        if path.startswith("/governors/"):
            revealed_part = body.split("Revealed votes", 1)[1]
            for proposal_id, _ in unrevealed:
                assert proposal_id not in revealed_part


async def test_every_page_reads_in_words_without_ids_or_snake_case(
    reader: httpx.AsyncClient,
) -> None:
    from html import unescape

    pages = await _crawl(reader)
    for path, body in pages.items():
        if "<html" not in body:
            continue  # the arena's script, the stylesheet
        text = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
        text = unescape(re.sub(r"<[^>]+>", " ", text))  # what a reader sees, not the links
        assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text), path
        assert not re.findall(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", text), path
