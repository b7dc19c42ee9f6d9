"""SQLite serves one bot process: a second `pinwheel run` on the same file says so at start and
touches nothing; a bot that dies (even by SIGKILL) leaves no lock behind; PostgreSQL takes none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli.errors import CliError
from bot.cli.single import lock_path, only_bot

ROOT = Path(__file__).resolve().parents[2]


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    return {**env, "PINWHEEL_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}


def test_a_second_bot_on_one_sqlite_file_is_refused_at_start(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'league.db'}"
    with only_bot(url):  # the first bot
        second = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--fast"],
            env=_env(url),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert second.returncode == 2
    assert "Traceback" not in second.stderr
    assert "Another Pinwheel bot is already running on" in second.stderr
    assert "move to PostgreSQL to run several" in second.stderr
    assert not (tmp_path / "league.db").exists()  # refused before anything was created


def test_a_killed_bot_leaves_no_lock_behind(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'league.db'}"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from bot.cli.single import only_bot\n"
            "with only_bot(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)",
            url,
        ],
        env=_env(url),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(CliError, match="already running"), only_bot(url):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    time.sleep(0.05)
    with only_bot(url):  # the kernel dropped the dead process's lock
        pass


def test_postgresql_and_memory_databases_take_no_lock() -> None:
    assert lock_path("postgresql+asyncpg://u@h/db") is None
    assert lock_path("sqlite+aiosqlite:///:memory:") is None
    assert lock_path("sqlite+aiosqlite:////srv/pinwheel.db") == "/srv/pinwheel.db.bot-lock"
