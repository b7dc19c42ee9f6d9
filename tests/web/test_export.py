"""`pinwheel export` writes the public record as one archive whose digest `pinwheel verify
--export` checks, playing every game again and recomputing the standings and the rules; a
tampered archive fails (both engines)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app.export import digest_of, export, verify_export
from tests.web.conftest import ROUNDS_PLAYED, Played


async def test_an_export_verifies_and_any_tampering_is_caught(shared: Played) -> None:
    document = await export(shared.db)
    [season] = document["seasons"]
    assert len(season["games"]) == ROUNDS_PLAYED * 2
    assert document["events"] and document["digest"].startswith("sha256:")
    assert verify_export(document) == []

    changed = copy.deepcopy(document)
    changed["seasons"][0]["games"][0]["result"]["home_score"] += 1
    assert any("digest" in p for p in verify_export(changed))

    resealed = copy.deepcopy(changed)
    resealed["digest"] = digest_of(resealed)  # a forger who recomputes the digest...
    problems = verify_export(resealed)
    assert any("plays differently" in p for p in problems), problems  # ...is caught by replay

    standings = copy.deepcopy(document)
    standings["seasons"][0]["standings"][0]["wins"] += 1
    standings["digest"] = digest_of(standings)
    assert any("standings do not follow" in p for p in verify_export(standings))

    rules = copy.deepcopy(document)
    rules["seasons"][0]["rules"]["shot_clock_seconds"] = 99
    rules["digest"] = digest_of(rules)
    assert any("rules do not follow" in p for p in verify_export(rules))


async def test_the_cli_exports_and_verifies_an_archive(
    played: Played,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", db_url)
    await played.db.dispose()  # the CLI opens its own engine (and its own event loop)
    archive = tmp_path / "league.json"
    import asyncio

    code = await asyncio.to_thread(main, ["export", "--season", played.season_id])
    assert code == 0
    archive.write_text(capsys.readouterr().out)
    assert json.loads(archive.read_text())["format"] == "pinwheel-export/1"
    assert main(["verify", "--export", str(archive), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {"ok": True, "games": ROUNDS_PLAYED * 2, "problems": []}

    broken = json.loads(archive.read_text())
    broken["seasons"][0]["games"][0]["result"]["away_score"] += 3
    archive.write_text(json.dumps(broken))
    assert main(["verify", "--export", str(archive)]) == 1
    assert "the archive was changed" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["export", "--season", "no-such-season"]) == 2
