"""The site in a real browser: headless Chromium (Debian's package) driven by Playwright loads
the home, game, arena, hooper and constitution pages, finds what they should say, follows a
live round in the arena over Server-Sent Events to its final scores, and keeps screenshots in
`.artifacts/screenshots/` (artifacts to look at, not golden images).

Without Chromium the tests are skipped here, and fail under CI (`.ci/run` installs it)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.governance.commands import SetSetting
from bot.app.league.runner import Runner
from bot.app.service import Pinwheel
from bot.web.server import serving_beside
from db.engine import Database, create_database
from db.tables import GameResultRow
from tests.app.kit import FakeInterpreter
from tests.conftest import fresh_url
from tests.web.conftest import HALF_SEASON, Played, play_half_a_season

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[2] / ".artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def sqlite_db(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    # The browser sees HTML, not the engine: the engines are covered by the API tests.
    db = create_database(await fresh_url("sqlite", tmp_path, sqlite_template, None, None))
    yield db
    await db.dispose()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    executable = _chromium()
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


async def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def test_the_pages_show_the_league(sqlite_db: Database, browser: Any) -> None:
    played: Played = await play_half_a_season(sqlite_db)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    async with serving_beside(sqlite_db, "127.0.0.1", port):
        page = await browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        await page.goto(base + "/")
        assert await page.locator("h1").first.inner_text() == "Web League"
        assert await page.locator("table.standings tbody tr").count() == 4
        await _shot(page, "home")

        await page.locator("ul.results a").first.click()
        await page.wait_for_url("**/games/*")
        assert "Box score" in await page.content()
        chart_width = await page.locator("figure img").evaluate("img => img.naturalWidth")
        assert chart_width > 300  # the score-flow PNG loaded and decoded
        assert await page.locator("table.box tbody tr").count() >= 8
        assert await page.locator("ol.pbp li").count() > 20
        await _shot(page, "game")
        await page.get_by_text("Only the important plays").click()
        important = await page.locator("ol.pbp li").count()
        assert 0 < important < 200

        await page.locator("table.box a, h1 a").first.click()  # a team page
        await page.locator("text=Roster").wait_for()
        await page.locator("ul li a[href*='/hoopers/']").first.click()
        await page.locator("text=Game log").wait_for()
        assert await page.locator("table.ratings tr").count() > 3
        await _shot(page, "hooper")

        await page.goto(base + "/rules")
        assert "The constitution" in await page.content()
        changed = page.locator("tr.changed")
        assert await changed.count() >= 1  # a rule the governors voted in, with its history
        assert "proposed by" in await changed.first.inner_text()
        await _shot(page, "constitution")

        await page.goto(base + "/arena")
        assert await page.locator("#board li.game").count() == 2
        await _shot(page, "arena-final")
        assert errors == [], errors
        await page.close()
    assert played.season_id


async def test_the_arena_follows_a_live_round_to_its_final_scores(
    sqlite_db: Database, browser: Any
) -> None:
    from playwright.async_api import expect

    from bot.app.league.setup import SetupLeague, run_setup

    setup = await run_setup(sqlite_db, SetupLeague("live", "Live League", "live", HALF_SEASON))
    season = str(setup["season_id"])
    app = Pinwheel(sqlite_db, FakeInterpreter())
    await app.handle(
        SetSetting(str(setup["league_id"]), "presentation.round_seconds", "5", "1"),
        command_id="live:pace",
    )
    port = _free_port()
    async with serving_beside(sqlite_db, "127.0.0.1", port):
        page = await browser.new_page(viewport={"width": 1200, "height": 800})
        await page.goto(f"http://127.0.0.1:{port}/arena")
        assert "No games yet" in await page.locator("#status").inner_text()

        runner = Runner(sqlite_db)  # the real clock: the show takes its five seconds
        await runner.play_round(season, due_only=False)

        async def present() -> None:
            while await runner.presenter.running():
                await runner.tick()
                await asyncio.sleep(0.3)

        presenting = asyncio.create_task(present())
        await page.locator("#board li.game.live").first.wait_for(timeout=15_000)
        assert "is being played" in await page.locator("#status").inner_text()
        await _shot(page, "arena-live")
        # (The site's CSP forbids eval, so wait on locators, not on a JavaScript predicate.)
        await expect(page.locator("#board li.game.final")).to_have_count(2, timeout=40_000)
        await presenting
        await _shot(page, "arena-final-live")
        shown = await page.locator("#board li.game").evaluate_all(
            """games => games.map(g => [g.querySelector('.score.home').textContent,
                                         g.querySelector('.score.away').textContent])"""
        )
        await page.close()
    async with sqlite_db.read_sessions() as s:
        stored = (
            await s.execute(
                select(GameResultRow.home_score, GameResultRow.away_score)
                .where(GameResultRow.season_id == season)
                .order_by(GameResultRow.matchup_index)
            )
        ).all()
    assert [(int(h), int(a)) for h, a in shown] == [tuple(r) for r in stored]
