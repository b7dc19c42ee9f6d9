"""A league half-way through a season for the web tests: games shown, rules changed by vote,
private mirrors written, and proposals open with votes cast but not yet revealed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.app.league.offline import JumpClock
from bot.app.league.runner import Runner
from bot.web.app import create_app
from db import league_repo as repo
from db.engine import Database, create_database
from tests.app.league_kit import scripted, setup_short_league
from tests.conftest import BACKENDS, fresh_url
from tests.pg import Cluster

HALF_SEASON = {
    "teams_per_league": 4,
    "round_robins_per_season": 2,
    "playoff_teams": 2,
    "semifinal_series_length": 1,
    "final_series_length": 1,
    "rounds_per_window": 1,
}
ROUNDS_PLAYED = 3


@dataclass
class Played:
    db: Database
    league_id: str
    season_id: str
    clock: JumpClock


async def play_half_a_season(db: Database, guild: str = "web") -> Played:
    from bot.app.league.setup import SetupLeague, run_setup

    clock = JumpClock()
    setup = await run_setup(db, SetupLeague(guild, "Web League", guild, HALF_SEASON), clock=clock)
    season_id = setup["season_id"]
    governors = await scripted(db, clock, season_id, count=6)
    runner = Runner(db, clock=clock, instant=True)
    for _ in range(ROUNDS_PLAYED):
        async with db.read_sessions() as s:
            progress = await repo.get_progress(s, season_id)
        assert progress is not None and progress.next_due_at is not None
        clock.jump_to(progress.next_due_at - timedelta(minutes=30))
        await governors.act(season_id)
        clock.jump_to(progress.next_due_at)
        await runner.tick()
    await governors.act(season_id)  # proposals open, votes cast, nothing revealed yet
    return Played(db, str(setup["league_id"]), season_id, clock)


@pytest.fixture
async def played(database: Database) -> Played:
    return await play_half_a_season(database)


@pytest.fixture(scope="module", params=BACKENDS)
async def shared(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    pg_cluster: Cluster | None,
    pg_template: str | None,
) -> AsyncIterator[Played]:
    """One half-played league per module and engine, for the tests that only read it."""
    url = await fresh_url(
        str(request.param), tmp_path_factory.mktemp("web"), sqlite_template, pg_cluster, pg_template
    )
    db = create_database(url, pool_size=10)
    try:
        yield await play_half_a_season(db)
    finally:
        await db.dispose()


@pytest.fixture
async def reader(shared: Played) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the shared league's site (read-only tests)."""
    transport = httpx.ASGITransport(app=create_app(shared.db))
    async with httpx.AsyncClient(transport=transport, base_url="http://pinwheel.test") as c:
        yield c


@pytest.fixture
def app(played: Played) -> FastAPI:
    return create_app(played.db)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pinwheel.test") as c:
        yield c


__all__ = ["HALF_SEASON", "Played", "play_half_a_season", "setup_short_league"]
