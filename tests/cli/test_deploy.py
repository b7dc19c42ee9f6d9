"""What the container relies on: `pinwheel health` reads the background loop's heartbeat, the
image refuses to play the offline league unless asked, the offline loop beats, and the image
installs its dependencies from the lock, in their own layer, with a HEALTHCHECK."""

from __future__ import annotations

import os
import re
import time
import tomllib
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app.heartbeat import age, beat
from bot.app.league.offline import play
from bot.app.league.outbox import CollectingPoster
from db.engine import Database
from tests.app.league_kit import SHORT_RULES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("PINWHEEL_") or name == "DISCORD_TOKEN":
            monkeypatch.delenv(name)
    return tmp_path


def test_health_is_ok_only_while_the_loop_beats(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    heart = env / "heartbeat"
    assert main(["health"]) == 2  # nothing configured to check
    assert "PINWHEEL_HEARTBEAT_FILE is not set" in capsys.readouterr().err
    monkeypatch.setenv("PINWHEEL_HEARTBEAT_FILE", str(heart))
    assert main(["health"]) == 1
    assert "No heartbeat yet" in capsys.readouterr().err

    beat(heart)
    assert main(["health"]) == 0
    assert "healthy" in capsys.readouterr().out

    stale = time.time() - 600
    os.utime(heart, (stale, stale))
    assert main(["health", "--max-age", "180"]) == 1
    assert "last beat 600 s ago" in capsys.readouterr().err
    assert main(["health", "--max-age", "900"]) == 0


def test_the_container_refuses_the_offline_league_unless_asked(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PINWHEEL_IN_CONTAINER", "1")
    assert main(["run", "--fast"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in err and "PINWHEEL_OFFLINE=1" in err
    assert list(env.iterdir()) == []  # no league was made


async def test_the_offline_loop_beats_as_it_plays(database: Database, tmp_path: Path) -> None:
    heart = tmp_path / "beat"
    await play(
        database,
        seed="beat",
        poster=CollectingPoster(),
        fast=True,
        governors=2,
        rules=SHORT_RULES,
        heartbeat=heart,
    )
    seconds = age(heart)
    assert seconds is not None and seconds < 60


def test_the_image_installs_the_lock_in_its_own_layer_and_checks_its_health() -> None:
    docker = (ROOT / "Dockerfile").read_text()
    steps = [line.split()[0] for line in docker.splitlines() if re.match(r"^[A-Z]+ ", line)]
    copies = [line for line in docker.splitlines() if line.startswith("COPY ")]
    assert copies[0] == "COPY requirements.lock ./"  # dependencies before any code
    assert "RUN pip install --require-hashes -r requirements.lock" in docker
    assert steps.index("HEALTHCHECK") > steps.index("USER")
    assert 'CMD ["pinwheel", "health"]' in docker
    assert "PINWHEEL_IN_CONTAINER=1" in docker and "PINWHEEL_HEARTBEAT_FILE=" in docker
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "*.db", "*.db-wal", ".env"} <= set(ignored)


def test_the_lock_pins_every_dependency_at_the_version_pyproject_names() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {
        m.group(1).lower().replace("_", "-").replace(".", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", lock, re.MULTILINE)
    }
    for requirement in declared:
        name, _, version = re.sub(r"\[.*\]", "", requirement).partition("==")
        key = name.lower().replace("_", "-").replace(".", "-")
        assert pinned.get(key) == version, f"{requirement} is not pinned so in requirements.lock"
    assert all("--hash=sha256:" in block for block in lock.split("==")[1:])


def test_every_library_the_code_imports_is_declared_and_the_license_is_spdx() -> None:
    import ast
    import sys
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"  # an SPDX string: no deprecation box on install
    assert (ROOT / "LICENSE").exists() and "LICENSE" in project["license-files"]
    declared = {
        re.split(r"[\[=<>]", d)[0].lower().replace("_", "-") for d in project["dependencies"]
    }
    first_party = {"bot", "db", "migrations"}
    imported: set[str] = set()
    for package in first_party:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    imported.add(node.module.split(".")[0])
    third_party = imported - first_party - set(sys.stdlib_module_names) - {"__future__"}
    owners = packages_distributions()
    for module in sorted(third_party):
        dists = {d.lower().replace("_", "-") for d in owners.get(module, [])}
        assert dists & declared, f"{module} is imported; {dists or module} is not declared"


def test_the_project_points_to_nothing_outside_it() -> None:
    texts = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
    for package in ("bot", "db", "migrations", "tests", "bench"):
        texts += (ROOT / package).rglob("*.py")
    for path in texts:
        text = path.read_text()
        assert "../" + "shared" not in text, path  # (spelled so this file passes itself)
        assert not re.search(r"\bseeds?/|\bseed 0" + r"0\d", text), path
