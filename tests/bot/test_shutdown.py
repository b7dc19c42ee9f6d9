"""`run_discord` shuts down gracefully: on SIGTERM or SIGINT the background step in progress
finishes, the bot closes, the engine is disposed and the exit code is 0. Discord is never
contacted (`bot.start` is faked) and no real signal is sent: the handler `run_discord` installs
is captured and called, so the test process's own signal handling is untouched."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import bot.app.league.runner as runner_module
from bot.config import Settings
from bot.discord_app import PinwheelBot, run_discord
from db import engine
from db.engine import Database
from tests.conftest import fresh_url

TIMEOUT = 10.0  # seconds: a hang fails the test instead of the suite


@dataclass
class Harness:
    handlers: dict[int, Callable[[], object]] = field(default_factory=dict)
    served: list[Database] = field(default_factory=list)  # the database the bot serves from
    disposed: list[Database] = field(default_factory=list)
    ticks_started: int = 0
    ticks_finished: int = 0
    step_started: asyncio.Event = field(default_factory=asyncio.Event)
    release_step: asyncio.Event = field(default_factory=asyncio.Event)
    started_bot: list[PinwheelBot] = field(default_factory=list)


@pytest.fixture
async def harness(monkeypatch: pytest.MonkeyPatch) -> Harness:
    h = Harness()
    loop = asyncio.get_running_loop()

    def add_signal_handler(sig: int, callback: Callable[..., object], *args: Any) -> None:
        h.handlers[sig] = lambda: callback(*args)

    async def start(self: PinwheelBot, token: str, *, reconnect: bool = True) -> None:
        # What a real start does before it serves: log in (which runs setup_hook), connect.
        h.started_bot.append(self)
        await self.setup_hook()
        while not self.is_closed():
            await asyncio.sleep(0.01)

    async def wait_until_ready(self: PinwheelBot) -> None:
        return None  # "connected": there is no gateway to wait for

    class SlowRunner:
        """A background step that takes as long as the test says."""

        def __init__(self, *_: object, **__: object) -> None:
            pass

        async def tick(self) -> list[object]:
            h.ticks_started += 1
            h.step_started.set()
            await h.release_step.wait()
            h.ticks_finished += 1
            return []

    real_create = engine.create_database

    def create_database(*args: Any, **kwargs: Any) -> Database:
        h.served.append(real_create(*args, **kwargs))
        return h.served[-1]

    real_dispose = Database.dispose

    async def dispose(self: Database) -> None:
        h.disposed.append(self)
        await real_dispose(self)

    monkeypatch.setattr(loop, "add_signal_handler", add_signal_handler)
    monkeypatch.setattr(PinwheelBot, "start", start)
    monkeypatch.setattr(PinwheelBot, "wait_until_ready", wait_until_ready)
    # load_extension executes the cog's module afresh, importing Runner from here.
    monkeypatch.setattr(runner_module, "Runner", SlowRunner)
    monkeypatch.setattr(Database, "dispose", dispose)
    monkeypatch.setattr(engine, "create_database", create_database)
    return h


@pytest.fixture
async def settings(tmp_path: Path, sqlite_template: Path) -> Settings:
    url = await fresh_url("sqlite", tmp_path, sqlite_template, None, None)
    return Settings(**{"PINWHEEL_DATABASE_URL": url, "DISCORD_TOKEN": "not-a-real-token"})


async def test_sigterm_during_a_step_lets_the_step_finish_then_disposes_the_engine(
    harness: Harness, settings: Settings
) -> None:
    running = asyncio.create_task(run_discord(settings))
    await asyncio.wait_for(harness.step_started.wait(), TIMEOUT)
    (bot,) = harness.started_bot
    cog: Any = bot.get_cog("Background")
    assert cog.busy

    harness.handlers[signal.SIGTERM]()
    await asyncio.sleep(0.05)
    waited_for_the_step = not running.done() and harness.served[0] not in harness.disposed
    harness.release_step.set()
    code = await asyncio.wait_for(running, TIMEOUT)

    assert waited_for_the_step
    assert code == 0
    assert harness.ticks_started == harness.ticks_finished == 1  # finished, none started after
    assert harness.served[0] in harness.disposed
    assert bot.is_closed()
    assert cog.task is not None and cog.task.done() and not cog.task.cancelled()


async def test_sigint_while_the_loop_sleeps_stops_at_once(
    harness: Harness, settings: Settings
) -> None:
    harness.release_step.set()  # steps finish at once; the loop then sleeps POLL_SECONDS
    running = asyncio.create_task(run_discord(settings))
    await asyncio.wait_for(harness.step_started.wait(), TIMEOUT)
    await asyncio.sleep(0.05)  # now asleep between steps

    harness.handlers[signal.SIGINT]()
    code = await asyncio.wait_for(running, TIMEOUT)  # far sooner than POLL_SECONDS

    assert code == 0 and harness.ticks_finished == 1 and harness.served[0] in harness.disposed
    assert set(harness.handlers) == {signal.SIGTERM, signal.SIGINT}


async def test_without_a_token_nothing_starts(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    settings = Settings(**{"PINWHEEL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"})

    assert await run_discord(settings) == 2
    assert harness.started_bot == [] and harness.handlers == {}
