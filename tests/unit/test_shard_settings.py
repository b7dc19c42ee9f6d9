"""PINWHEEL_SHARD_COUNT and PINWHEEL_SHARD_IDS: unset, one process takes every shard Discord
recommends; set, a process takes the slice it names. A bad value stops startup with one
sentence naming the variable (the CLI's side of that is in tests/cli/test_cli_errors.py)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.cli.errors import settings_problem
from bot.config import Settings, parse_shard_ids

SHARD_VARS = ("PINWHEEL_SHARD_COUNT", "PINWHEEL_SHARD_IDS")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in SHARD_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def settings(env: pytest.MonkeyPatch, count: str | None = None, ids: str | None = None) -> Settings:
    if count is not None:
        env.setenv("PINWHEEL_SHARD_COUNT", count)
    if ids is not None:
        env.setenv("PINWHEEL_SHARD_IDS", ids)
    return Settings(_env_file=None)


def test_unset_or_blank_leaves_the_shards_to_discord(env: pytest.MonkeyPatch) -> None:
    s = settings(env)
    assert (s.shard_count, s.shard_ids) == (None, None)
    s = settings(env, count=" ", ids="")
    assert (s.shard_count, s.shard_ids) == (None, None)


def test_a_count_alone_means_this_process_takes_every_shard(env: pytest.MonkeyPatch) -> None:
    s = settings(env, count=" 4 ")
    assert (s.shard_count, s.shard_ids) == (4, None)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("0,2,4", [0, 2, 4]),
        ("5", [5]),
        ("0-3", [0, 1, 2, 3]),
        (" 0-1 , 4 ", [0, 1, 4]),
        ("3-3", [3]),
        ("2,0", [2, 0]),
    ],
)
def test_shard_ids_are_a_comma_list_of_numbers_and_ranges(
    env: pytest.MonkeyPatch, written: str, meant: list[int]
) -> None:
    assert parse_shard_ids(written) == meant
    assert settings(env, count="6", ids=written).shard_ids == meant


@pytest.mark.parametrize(
    ("count", "ids", "says"),
    [
        ("0", None, "PINWHEEL_SHARD_COUNT must be a whole number of shards, 1 or more; got '0'"),
        ("two", None, "PINWHEEL_SHARD_COUNT must be a whole number of shards, 1 or more"),
        ("-1", None, "PINWHEEL_SHARD_COUNT must be a whole number of shards, 1 or more"),
        (None, "0,1", "PINWHEEL_SHARD_IDS needs PINWHEEL_SHARD_COUNT too"),
        ("2", "2", "PINWHEEL_SHARD_IDS must be between 0 and 1 (PINWHEEL_SHARD_COUNT=2); got 2"),
        ("4", "0-5", "PINWHEEL_SHARD_IDS must be between 0 and 3"),
        ("4", "1,0-2", "PINWHEEL_SHARD_IDS lists shard 1 more than once"),
        ("4", "a,b", "PINWHEEL_SHARD_IDS must be shard numbers or ranges separated by commas"),
        ("4", "[0, 1]", "PINWHEEL_SHARD_IDS must be shard numbers or ranges"),
        ("4", "-1", "PINWHEEL_SHARD_IDS must be shard numbers or ranges"),
        ("4", "0,,1", "PINWHEEL_SHARD_IDS must be shard numbers or ranges"),
        ("4", "3-1", "PINWHEEL_SHARD_IDS ranges run low to high (0-3); got '3-1'"),
    ],
)
def test_a_bad_shard_setting_is_one_sentence_naming_it(
    env: pytest.MonkeyPatch, count: str | None, ids: str | None, says: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        settings(env, count=count, ids=ids)
    assert len(raised.value.errors()) == 1  # a bad count is not also reported as missing
    problem = settings_problem(raised.value)
    assert problem.startswith("PINWHEEL_SHARD_") and says in problem
