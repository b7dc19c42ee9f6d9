"""The rule-parameter registry: ranges, cross-field checks and complete metadata."""

from __future__ import annotations

import pytest

from bot.domain.errors import DomainError, RuleValidationError
from bot.domain.rules import (
    DEFAULT_RULES,
    PARAMS,
    TIER_NAMES,
    RuleParam,
    RuleSet,
    param,
    parse_ruleset,
)

NUMERIC = [p for p in PARAMS.values() if p.type is not bool]


def test_registry_lists_every_ruleset_field_once() -> None:
    assert list(PARAMS) == list(RuleSet.model_fields)


@pytest.mark.parametrize("name", list(PARAMS))
def test_every_parameter_has_complete_metadata(name: str) -> None:
    p = PARAMS[name]
    assert p.description.strip()
    assert p.unit.strip()
    assert p.tier in (1, 2, 3, 4)
    assert p.tier in TIER_NAMES
    assert len(p.synonyms) >= 1
    assert all(s.strip() for s in p.synonyms)


@pytest.mark.parametrize("name", list(PARAMS))
def test_default_lies_inside_the_allowed_range(name: str) -> None:
    p = PARAMS[name]
    assert p.check(p.default) == p.default
    assert getattr(DEFAULT_RULES, name) == p.default


@pytest.mark.parametrize("p", NUMERIC, ids=lambda p: p.name)
def test_value_above_range_names_the_rule_by_its_label_and_the_range(p: RuleParam) -> None:
    assert p.maximum is not None
    too_big = p.maximum + (1 if p.type is int else 0.5)
    with pytest.raises(RuleValidationError) as err:
        DEFAULT_RULES.with_changes({p.name: too_big})
    assert str(err.value).startswith(f"{p.label} must be ")
    assert p.allowed in str(err.value)
    assert p.name not in str(err.value)


@pytest.mark.parametrize("p", NUMERIC, ids=lambda p: p.name)
def test_value_below_range_names_the_rule_by_its_label_and_the_range(p: RuleParam) -> None:
    assert p.minimum is not None
    too_small = p.minimum - (1 if p.type is int else 0.5)
    with pytest.raises(RuleValidationError) as err:
        param(p.name).check(too_small)
    message = str(err.value)
    assert message.startswith(f"{p.label} must be ")
    assert p.allowed in message and p.unit in message and p.name not in message


def test_every_rule_has_a_label_and_a_sentence() -> None:
    for p in PARAMS.values():
        assert p.label and "_" not in p.label
        assert "{n}" in p.says
        assert p.name not in p.sentence(p.default)


def test_range_error_is_a_friendly_domain_error() -> None:
    with pytest.raises(DomainError, match=r"Three-point value must be 1 to 10 \(points\); got 11"):
        DEFAULT_RULES.with_changes({"three_point_value": 11})


def test_integer_parameters_refuse_fractions_and_booleans() -> None:
    with pytest.raises(RuleValidationError):
        param("three_point_value").check(4.5)
    with pytest.raises(RuleValidationError):
        param("three_point_value").check(True)


def test_boolean_parameter_accepts_only_on_or_off() -> None:
    assert param("home_court_enabled").check(False) is False
    with pytest.raises(RuleValidationError, match="on or off"):
        param("home_court_enabled").check(1)


def test_float_parameter_refuses_nan() -> None:
    with pytest.raises(RuleValidationError, match="Home-court strength must be"):
        param("home_court_strength").check(float("nan"))


def test_unknown_parameter_is_named_in_the_error() -> None:
    with pytest.raises(RuleValidationError, match="no rule called 'dunk_value'"):
        DEFAULT_RULES.with_changes({"dunk_value": 4})
    with pytest.raises(RuleValidationError, match="no rule called 'dunk_value'"):
        param("dunk_value")
    with pytest.raises(RuleValidationError, match="no rule called 'dunk_value'"):
        parse_ruleset({**DEFAULT_RULES.model_dump(), "dunk_value": 4})


def test_playoff_teams_must_be_one_of_its_choices() -> None:
    with pytest.raises(RuleValidationError, match="2, 4, 8"):
        param("playoff_teams").check(6)
    with pytest.raises(RuleValidationError, match="playoff_teams must be 2, 4 or 8"):
        DEFAULT_RULES.with_changes({"playoff_teams": 6})


def test_more_playoff_teams_than_league_teams_is_refused() -> None:
    with pytest.raises(RuleValidationError, match=r"playoff_teams \(8\) cannot exceed"):
        DEFAULT_RULES.with_changes({"playoff_teams": 8, "teams_per_league": 6})


def test_series_lengths_must_be_odd() -> None:
    with pytest.raises(RuleValidationError, match="semifinal_series_length must be an odd"):
        DEFAULT_RULES.with_changes({"semifinal_series_length": 4})
    with pytest.raises(RuleValidationError, match="final_series_length must be an odd"):
        DEFAULT_RULES.with_changes({"final_series_length": 2})


def test_shot_clock_longer_than_a_quarter_is_refused() -> None:
    with pytest.raises(RuleValidationError, match="Shot clock must be 10 to 60"):
        DEFAULT_RULES.with_changes({"quarter_minutes": 1, "shot_clock_seconds": 61})
    assert DEFAULT_RULES.with_changes({"quarter_minutes": 1, "shot_clock_seconds": 60})


def test_initial_tokens_above_the_cap_are_refused() -> None:
    with pytest.raises(RuleValidationError, match=r"initial_tokens \(7\) cannot exceed"):
        DEFAULT_RULES.with_changes({"initial_tokens": 7, "token_cap": 6})


def test_with_changes_returns_a_new_rule_set_and_leaves_the_old_one() -> None:
    changed = DEFAULT_RULES.with_changes({"three_point_value": 5})
    assert changed.three_point_value == 5
    assert DEFAULT_RULES.three_point_value == 3
    assert changed.changed_from(DEFAULT_RULES) == {"three_point_value": (3, 5)}


def test_rule_set_round_trips_through_a_dict() -> None:
    changed = DEFAULT_RULES.with_changes({"elam_margin": 20, "home_court_strength": 1.5})
    assert parse_ruleset(changed.model_dump()) == changed


def test_rule_sets_are_frozen() -> None:
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own frozen error
        DEFAULT_RULES.three_point_value = 5  # type: ignore[misc]


def test_every_rule_has_a_name_and_a_sentence_in_words() -> None:
    for p in PARAMS.values():
        assert p.label and p.label[0].isupper() and "_" not in p.label
        low, high = (False, True) if p.type is bool else (p.minimum, p.maximum)
        for value in (low, p.default, high):
            said = p.sentence(value)
            assert "{n}" not in said and "(s)" not in said and "_" not in said, said


def test_a_change_reads_as_a_sentence_with_the_old_value() -> None:
    assert PARAMS["three_point_value"].change(3, 4, bold=True) == (
        "Three-pointers are worth **4** points (now 3)"
    )
    assert PARAMS["vote_threshold"].change(0.5, 0.6) == (
        "A proposal passes with more than 60% of weighted yes votes (now 50%)"
    )
    assert PARAMS["shot_clock_seconds"].sentence(1) == "The shot clock is 1 second"
    assert PARAMS["foul_rate_modifier"].sentence(1.5) == "Fouls happen at 1.5× the usual rate"
    assert PARAMS["home_court_enabled"].sentence(False) == "Home-court advantage is off"
