"""The built-in mirror writer states only true, computed facts, in plain English."""

from __future__ import annotations

from typing import Any

from bot.app.league.mirrors import BuiltinMirrorWriter, rule_change_count

WRITER = BuiltinMirrorWriter()


def enactment(parameter: str, old: object, new: object) -> dict[str, Any]:
    return {"parameter": parameter, "old_value": old, "new_value": new}


def governance_context(enacted: list[dict[str, Any]]) -> dict[str, Any]:
    resolved = [{"text": "threes to 4", "passed": True, "yes": 3, "no": 1}]
    return {"round": 2, "window_id": "w", "resolved": resolved, "enacted": enacted}


def season_context(**extra: Any) -> dict[str, Any]:
    return {"champion": "Rockets", "season": "Season 1", "awards": [], **extra}


def league_context(proposals: int, passed: int) -> dict[str, Any]:
    return {
        "season": "Season 1",
        "games": 12,
        "proposals": proposals,
        "passed": passed,
        "seasons_complete": 1,
    }


def test_governance_mirror_skips_an_enactment_that_changed_nothing() -> None:
    text = WRITER.write(
        "governance",
        governance_context(
            [enactment("shot_clock_seconds", 5, 5), enactment("three_point_value", 3, 4)]
        ),
    )
    assert "three_point_value is now 4 (was 3)." in text
    assert "shot_clock_seconds" not in text and "(was 5)" not in text


def test_season_mirror_counts_only_enactments_that_changed_a_rule() -> None:
    enacted = [enactment("a", 5, 5), enactment("b", 3, 4), enactment("c", 1, 2)]
    text = WRITER.write("season", season_context(enacted=enacted, rule_changes=3))
    assert "The governors changed 2 rules along the way." in text
    assert rule_change_count(enacted) == 2


def test_season_mirror_with_no_real_change_says_the_rules_stood() -> None:
    text = WRITER.write("season", season_context(enacted=[enactment("a", 5, 5)]))
    assert "left the rules as they found them" in text
    assert "changed" not in text


def test_season_mirror_still_reads_a_plain_count() -> None:
    text = WRITER.write("season", season_context(rule_changes=1))
    assert "The governors changed 1 rule along the way." in text


def test_league_mirror_pluralises_passed_proposals() -> None:
    one = WRITER.write("league", league_context(proposals=3, passed=1))
    many = WRITER.write("league", league_context(proposals=1, passed=0))
    assert "3 proposals debated, 1 proposal passed." in one
    assert "1 proposal debated, 0 proposals passed." in many
    assert "1 proposals" not in one + many
