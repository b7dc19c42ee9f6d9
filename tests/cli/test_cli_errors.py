"""Errors instead of tracebacks: each mistake an operator makes on the command line gets one
clear sentence and a non-zero exit, and creates nothing. Settings are read from the environment,
so each test sets it; a test that needs a database it may not create runs in a temp directory."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import discord
import pytest

from bot.__main__ import configure_logging, main
from bot.cli.errors import CliError, explain
from bot.config import Settings, normalize_database_url


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in (
        "PINWHEEL_DATABASE_URL",
        "PINWHEEL_LOG_LEVEL",
        "DISCORD_TOKEN",
        "PINWHEEL_SHARD_COUNT",
        "PINWHEEL_SHARD_IDS",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _one_sentence(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("pinwheel: ")
    return lines[0]


@pytest.mark.parametrize(
    "argv",
    [["verify"], ["replay", "g1"], ["present", "g1"], ["whatif", "--league", "--set", "x=1"]],
)
def test_reading_a_database_that_was_never_created_says_what_to_run_and_creates_nothing(
    workdir: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    line = _one_sentence(capsys.readouterr().err)
    assert "There is no database at pinwheel.db" in line and "pinwheel db upgrade" in line
    assert list(workdir.iterdir()) == []  # no empty database left behind


def test_a_database_at_an_older_schema_is_not_read_until_upgraded(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade", "0003"]) == 0
    capsys.readouterr()
    assert main(["verify"]) == 2
    assert "older schema (0003)" in _one_sentence(capsys.readouterr().err)
    assert main(["db", "upgrade"]) == 0
    assert main(["verify"]) == 0
    assert "verify: 0 events replayed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("postgres://u:p@db.example/league", "postgresql+asyncpg://u:p@db.example/league"),
        ("postgresql://u@db.example:5433/league", "postgresql+asyncpg://u@db.example:5433/league"),
        ("sqlite:///data/pinwheel.db", "sqlite+aiosqlite:///data/pinwheel.db"),
        ("sqlite:////abs/pinwheel.db", "sqlite+aiosqlite:////abs/pinwheel.db"),
        ("postgresql+asyncpg://h/x", "postgresql+asyncpg://h/x"),
        ("  SQLITE+aiosqlite:///x.db ", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_every_usual_way_of_writing_a_database_url_means_its_async_driver(
    written: str, meant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert normalize_database_url(written) == meant
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", written)
    assert Settings().database_url == meant


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("PINWHEEL_DATABASE_URL", "mysql://u@h/x", "PINWHEEL_DATABASE_URL must be a sqlite"),
        ("PINWHEEL_DATABASE_URL", "pinwheel.db", "PINWHEEL_DATABASE_URL must be a sqlite"),
        ("PINWHEEL_LOG_LEVEL", "LOUD", "PINWHEEL_LOG_LEVEL must be one of DEBUG, INFO"),
        ("PINWHEEL_DB_POOL_SIZE", "lots", "PINWHEEL_DB_POOL_SIZE"),
        ("PINWHEEL_SHARD_COUNT", "0", "PINWHEEL_SHARD_COUNT must be a whole number of shards"),
        ("PINWHEEL_SHARD_IDS", "0,2", "PINWHEEL_SHARD_IDS needs PINWHEEL_SHARD_COUNT too"),
        # A check of several settings at once: no stray ": " where a single name would go.
        ("PINWHEEL_AI_PROVIDER", "openai", "configuration: PINWHEEL_AI_PROVIDER=openai"),
    ],
)
def test_a_bad_setting_is_one_sentence_naming_it(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    says: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["verify"]) == 2
    line = _one_sentence(capsys.readouterr().err)
    assert line.startswith("pinwheel: configuration: ") and says in line
    assert list(workdir.iterdir()) == []


def test_the_log_level_is_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINWHEEL_LOG_LEVEL", " warning ")
    assert Settings().log_level == "WARNING"


@pytest.mark.parametrize("command", [["verify"], ["db", "upgrade"], ["db", "current"]])
def test_an_unreachable_database_is_one_sentence_without_its_password(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", "postgresql://league:s3cret@127.0.0.1:1/x")
    assert main(command) == 1
    line = _one_sentence(capsys.readouterr().err)
    assert "Cannot reach the database at postgresql+asyncpg://league:***@127.0.0.1:1/x" in line
    assert "s3cret" not in line


def test_discord_refusing_the_token_or_out_of_reach_is_one_sentence() -> None:
    refused = explain(discord.LoginFailure("Improper token has been passed."))
    assert refused is not None and refused.code == 1
    assert "Discord refused DISCORD_TOKEN" in str(refused)
    key = aiohttp.client_reqrep.ConnectionKey(  # what aiohttp raises when DNS or TCP fails
        "discord.com", 443, True, True, None, None, None
    )
    offline = explain(aiohttp.ClientConnectorError(key, OSError(-3, "Try again")))
    assert offline is not None and "Cannot reach Discord" in str(offline)
    assert explain(ValueError("a bug")) is None  # a bug keeps its traceback
    assert explain(CliError("as said", 3)) is not None


def test_log_lines_carry_a_timestamp_and_other_libraries_are_quiet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    try:
        configure_logging("INFO")
        logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
        logging.getLogger("discord.client").info("logging in using static token")
        logging.getLogger("bot.tasks").info("round 3 played")
        err = capsys.readouterr().err
    finally:
        root.handlers[:] = saved[1]
        root.setLevel(saved[0])
        for name in ("bot", "db", "migrations"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    assert "SQLiteImpl" not in err and "static token" not in err
    [line] = err.splitlines()
    assert line.endswith("INFO    bot.tasks: round 3 played")
    assert time.strptime(line[:19], "%Y-%m-%d %H:%M:%S")


@pytest.mark.slow
def test_ctrl_c_stops_the_offline_league_with_one_line_after_its_banner(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PINWHEEL_", "DISCORD"))}
    env["PINWHEEL_DATABASE_URL"] = f"sqlite:///{tmp_path / 'league.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # Ctrl-C at its default, as in a terminal: a suite started as a background job
        # (`make test &`) hands its children SIGINT ignored, and the bot would never see it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None
    seen: list[str] = []
    try:
        for line in proc.stdout:  # the banner, then the season's first post
            seen.append(line)
            if line.startswith("[#announcements]"):
                break
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole group, workers too
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    out = "".join(seen) + rest
    assert proc.returncode == 130, out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, out
    assert out.rstrip().splitlines()[-1] == "stopped"
    banner = "".join(seen)
    assert "Pinwheel, offline: no DISCORD_TOKEN is set" in banner
    assert f"database  {tmp_path / 'league.db'}" in banner
    assert "Offline League · Season 1 · round 1 next" in banner
    assert "a round every minute, due in" in banner and "Ctrl-C" in banner


def test_a_web_port_in_use_is_one_sentence(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["web", "--port", str(port)]) == 1
    line = _one_sentence(capsys.readouterr().err)
    assert f"cannot listen on 127.0.0.1:{port}" in line and "PINWHEEL_WEB_PORT" in line
