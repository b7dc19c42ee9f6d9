"""`pinwheel sim` and `pinwheel whatif` from the command line."""

from __future__ import annotations

import json

import pytest

from bot.__main__ import main
from bot.app.sim_cli import parse_assignments
from bot.domain.errors import RuleValidationError

SIM_KEYS = {
    "games",
    "games_per_second",
    "points_per_possession",
    "efg",
    "three_rate",
    "ft_rate",
    "ft_pct",
    "tov_per_100",
    "orb_pct",
    "assisted_share",
    "home_win_rate",
    "possessions_per_game",
    "margin_le5_share",
    "margin_ge20_share",
    "elam_games_share",
    "digest",
}


def test_sim_json_reports_every_statistic_and_the_speed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "--games", "40", "--seed", "7", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= SIM_KEYS
    assert report["games"] == 40 and report["games_per_second"] > 0


def test_sim_digest_is_the_same_with_or_without_play_by_play(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["sim", "--games", "30", "--seed", "3", "--json"])
    with_pbp = json.loads(capsys.readouterr().out)
    main(["sim", "--games", "30", "--seed", "3", "--json", "--no-play-by-play"])
    without = json.loads(capsys.readouterr().out)
    assert with_pbp["digest"] == without["digest"]
    main(["sim", "--games", "30", "--seed", "4", "--json"])
    assert json.loads(capsys.readouterr().out)["digest"] != with_pbp["digest"]


def test_sim_table_shows_bands_and_speed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "--games", "30", "--set", "elam_margin=20"]) == 0
    out = capsys.readouterr().out
    assert "elam_margin=20" in out
    assert "Effective FG%" in out and "games/s" in out


def test_whatif_reports_changes_with_standard_errors(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["whatif", "--set", "three_point_value=5", "--games", "150", "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["changes"] == {"three_point_value": {"current": 3, "changed": 5}}
    three_rate = report["stats"]["three_rate"]
    assert three_rate["detectable"] and three_rate["change"] > 0
    assert report["stats"]["elam_games_share"]["detectable"] is False


def test_whatif_table_says_when_there_is_no_detectable_effect(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["whatif", "--set", "stamina_recovery_rate=1.05", "--games", "60"]) == 0
    out = capsys.readouterr().out
    assert "no detectable effect" in out
    assert "stamina_recovery_rate 1.0 -> 1.05" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sim", "--set", "dunk_value=3"], "no rule called 'dunk_value'"),
        (["sim", "--set", "three_point_value=11"], "Three-point value must be 1 to 10"),
        (["whatif", "--set", "three_point_value=five"], "must be a number"),
        (["whatif", "--set", "home_court_enabled=maybe"], "on or off"),
        (["whatif", "--set", "elam_margin"], "name=value"),
        (["whatif"], "--set name=value"),
    ],
)
def test_bad_rule_input_prints_the_friendly_error_and_exits_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--games", "2"]) == 2
    assert message in capsys.readouterr().err


def test_assignments_convert_by_parameter_type() -> None:
    rules = parse_assignments(["home_court_enabled=off", "elam_margin=20", "foul_rate_modifier=2"])
    assert rules.home_court_enabled is False
    assert rules.elam_margin == 20
    assert rules.foul_rate_modifier == 2.0
    with pytest.raises(RuleValidationError):
        parse_assignments(["elam_margin=2.5"])
