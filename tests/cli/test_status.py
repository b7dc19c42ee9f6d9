"""`pinwheel status` on both engines: each process with its shards, the leagues it holds, its
loop lag and outbox backlog; a process gone; leagues no live process holds."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.__main__ import main
from bot.app.league.leases import Keeper
from db import league_repo as repo
from db.engine import Database


async def _setup(database: Database) -> tuple[Keeper, Keeper]:
    async with database.sessions() as s, s.begin():
        for i, name in enumerate(["Avalon", "Brightwater", "Cinder Flats", "Dunmore"]):
            await repo.insert_league(s, f"league-{i}", str(1000 + i), name)
        await repo.enqueue(
            s,
            league_id="league-0",
            key="k1",
            kind="results",
            target="results",
            payload={},
            at=datetime.now(UTC),
        )
    gone = Keeper(database, ttl_seconds=15, shards=[2, 3], shard_count=4, process_id="gone")
    gone.started_at = datetime.now(UTC) - timedelta(minutes=5)
    gone.clock = lambda: datetime.now(UTC) - timedelta(minutes=2)  # type: ignore[method-assign]
    await gone.renew()  # it held everything, two minutes ago, and was never seen again
    one = Keeper(database, ttl_seconds=15, shards=[0, 1], shard_count=4, process_id="one")
    await one.renew()
    await one.renew()  # reports the backlog of what it holds
    return one, gone


async def test_status_shows_each_process_its_leagues_lag_and_backlog(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    await _setup(database)
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", db_url)
    assert await asyncio.to_thread(main, ["status", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    by_id = {p["id"]: p for p in found["processes"]}
    assert found["leagues"] == 4 and found["unheld_leagues"] == []
    assert by_id["one"]["live"] and not by_id["gone"]["live"]
    assert by_id["one"]["shards"] == [0, 1] and by_id["one"]["shard_count"] == 4
    assert sorted(by_id["one"]["leagues"]) == ["Avalon", "Brightwater", "Cinder Flats", "Dunmore"]
    assert by_id["one"]["outbox_backlog"] == 1  # league-0's unsent message
    assert by_id["gone"]["leagues"] == []

    assert await asyncio.to_thread(main, ["status"]) == 0
    text = capsys.readouterr().out
    assert "1 live process, 4 leagues" in text
    assert "0,1 of 4" in text and "4: Avalon, Brightwater, Cinder Flats, Dunmore" in text
    assert "gone (" in text and "league-0" not in text


async def test_status_names_the_leagues_no_live_process_holds(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    one, _ = await _setup(database)
    await one.release()  # stopped cleanly: nothing is held until another process renews
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", db_url)
    assert await asyncio.to_thread(main, ["status"]) == 0
    text = capsys.readouterr().out
    assert "0 live processes" in text
    assert "Not held by a live process: 4: Avalon, Brightwater, Cinder Flats, Dunmore" in text
