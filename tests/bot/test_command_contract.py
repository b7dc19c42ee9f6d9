"""The slash-command tree as Discord receives it: inside Discord's limits, every option
described, and equal to the committed snapshot (regenerate it deliberately with
`pinwheel commands --json > tests/bot/data/commands.json`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app.service import Pinwheel
from bot.discord_app import build_bot, command_payload
from db.engine import create_database
from tests.app.kit import FakeInterpreter

SNAPSHOT = Path(__file__).parent / "data" / "commands.json"
NAME = re.compile(r"^[-_\w]{1,32}$")
SUBCOMMAND_TYPES = (1, 2)  # sub-command, sub-command group


@pytest.fixture
async def payload(tmp_path: Path) -> list[dict[str, Any]]:
    db = create_database(f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    try:
        return await command_payload(build_bot(Pinwheel(db, FakeInterpreter())))
    finally:
        await db.dispose()


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for option in node.get("options", []):
        yield from walk(option)


def size(node: dict[str, Any]) -> int:
    """Characters Discord counts towards a command's 4000: names, descriptions, choices."""
    total = len(node["name"]) + len(node.get("description", ""))
    for choice in node.get("choices", []):
        total += len(choice["name"]) + len(str(choice["value"]))
    return total + sum(size(o) for o in node.get("options", []))


def test_every_command_fits_discords_limits(payload: list[dict[str, Any]]) -> None:
    assert len(payload) <= 100
    for command in payload:
        assert size(command) <= 4000, command["name"]
        for node in walk(command):
            assert NAME.match(node["name"]) and node["name"] == node["name"].lower(), node
            assert 1 <= len(node["description"]) <= 100, node["name"]
            assert len(node.get("options", [])) <= 25, node["name"]
            assert len(node.get("choices", [])) <= 25, node["name"]


def test_every_option_is_described_in_its_own_words(payload: list[dict[str, Any]]) -> None:
    for command in payload:
        for node in walk(command):
            if node is not command and node.get("type") not in SUBCOMMAND_TYPES:
                assert node["description"] != "…", (command["name"], node["name"])


def test_admin_group_is_guild_only_and_hidden_without_manage_server(
    payload: list[dict[str, Any]],
) -> None:
    (admin,) = [c for c in payload if c["name"] == "admin"]
    assert admin["default_member_permissions"] == 1 << 5  # Manage Server
    assert admin["contexts"] == [0]  # guilds only


def test_command_tree_matches_the_committed_snapshot(payload: list[dict[str, Any]]) -> None:
    expected = json.loads(SNAPSHOT.read_text())
    assert payload == expected, "the tree changed: review it and regenerate the snapshot"


def test_pinwheel_commands_json_prints_the_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.__main__ import main

    assert main(["commands", "--json"]) == 0

    assert json.loads(capsys.readouterr().out) == json.loads(SNAPSHOT.read_text())
