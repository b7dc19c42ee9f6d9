"""What players read of an interpretation names rules in words, never as snake_case names.

Summaries, unsure reasons, explanations and effect descriptions are stored and shown in
several places; each says a change with the registry's sentence for the rule ("Three-pointers
are worth 5 points (now 3)") and names a rule by its label ("The shot clock must be 10 to 60
seconds; got 99.").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given

from bot.ai.interpreter import interpret_proposal
from bot.ai.prompt import parse_answer
from bot.domain.interpretation import (
    Interpretation,
    ParameterChange,
    ProposedChange,
    build_interpretation,
    in_words,
    is_range_refusal,
    refusal,
    rule_name,
    summarize,
)
from bot.domain.rules import DEFAULT_RULES, PARAMS, RuleSet
from tests.unit.test_interpreter import CASES, PHRASINGS
from tests.unit.test_interpreter_abuse import _SETTINGS, HOSTILE, proposal_like, rule_sets
from tests.unit.test_interpreter_abuse import CASES as ABUSE

# "quorum" is a rule's name and an English word; the snake_case names are the ones to avoid.
SNAKE_CASE = sorted((name for name in PARAMS if "_" in name), key=len, reverse=True)
SNAKE_NAME = re.compile(r"\b(?:" + "|".join(SNAKE_CASE) + r")\b")
OTHER_RULES = DEFAULT_RULES.with_changes(
    {"three_point_value": 5, "home_court_enabled": False, "vote_threshold": 0.75, "quorum": 0.6}
)


def shown_to_players(result: Interpretation) -> Iterator[str]:
    yield result.summary
    yield result.explain()
    yield from result.unsure_reasons
    yield from (e.description for e in result.effects)


def assert_in_words(result: Interpretation) -> None:
    for text in shown_to_players(result):
        assert not SNAKE_NAME.search(text), text
        assert "**" not in text, text  # summaries are stored and shown in several places


ALL_TEXTS = sorted({c["text"] for c in [*CASES, *PHRASINGS, *ABUSE, *HOSTILE]})


@pytest.mark.parametrize("rules", [DEFAULT_RULES, OTHER_RULES], ids=["default", "changed"])
def test_no_summary_or_reason_from_any_table_text_names_a_rule_in_snake_case(
    rules: RuleSet,
) -> None:
    for text in ALL_TEXTS:
        assert_in_words(interpret_proposal(text, rules))


@_SETTINGS
@given(proposal_like, rule_sets())
def test_no_summary_or_reason_from_generated_text_names_a_rule_in_snake_case(
    text: str, rules: RuleSet
) -> None:
    assert_in_words(interpret_proposal(text, rules))


# Each of these reaches a different note or refusal of the interpreter.
NOTES = [
    ("home court on or off", "asks for the home-court advantage to be both on and off."),
    ("raise the shot clock or lower it", "asks to both raise and lower the shot clock."),
    ("shot clock by 5", "does not say whether to raise or lower the shot clock"),
    ("lower the shot clock to 30", "The proposal says to lower the shot clock, but 30 would"),
    ("threes from 4 to 5", "The three-point value is 3 now, not 4."),
    ("set the shot clock to 20 feet", "The shot clock is measured in seconds, not feet."),
    ("halve the elam margin", "The Elam margin is a whole number, so 6.5 was rounded to 7."),
    ("make the vote threshold 60", "Read 60 as 60% for the vote threshold."),
    ("raise the voting threshold by 10%", "Read 10% as percentage points of the vote threshold."),
    ("threes to 50%", "The three-point value must be 1 to 10 points, not a percentage."),
    ("remove the shot clock", "The shot clock must be 10 to 60 seconds, so it cannot be"),
    ("no amendments", "Read 'off' as setting the number of amendments allowed to 0."),
    ("shorter shot clock", "No amount was given, so the shot clock moves by 5 seconds."),
    ("higher quorum", "No amount was given, so the quorum moves by 10 percentage points."),
    ("make it 20 seconds", "No rule was named; the shot clock is the only rule measured"),
    ("threes worth 4 or 5", "Two different values were asked for the three-point value (4 and"),
    ("threes to 4, and then threes to 5", "Two different values were asked for the three-point"),
    ("make threes worth three", "Three-pointers are worth 3 points already."),
    ("shot clock to 99", "The shot clock must be 10 to 60 seconds; got 99."),
    ("quorum to 150%", "The quorum must be 0% to 100%; got 150%."),
    ("vote threshold 0.4", "The vote threshold must be 50% to 95%; got 40%."),
    ("set playoff teams to 6", "The number of playoff teams must be 2, 4 or 8; got 6."),
    ("threes worth 2.5", "The three-point value must be a whole number from 1 to 10 points"),
    ("finals best of 4", "The final length must be an odd number of games (best of N); got 4."),
    (
        "set playoff teams to 8 and teams to 6",
        "The number of playoff teams (8) cannot exceed the number of teams in the league (6)",
    ),
]


@pytest.mark.parametrize(("text", "reason"), NOTES, ids=[t for t, _ in NOTES])
def test_notes_and_refusals_name_rules_by_their_labels(text: str, reason: str) -> None:
    result = interpret_proposal(text, DEFAULT_RULES)
    assert any(reason in r for r in result.unsure_reasons), result.unsure_reasons
    assert_in_words(result)


def test_back_to_the_default_is_said_in_words() -> None:
    result = interpret_proposal(
        "reset the shot clock", DEFAULT_RULES.with_changes({"shot_clock_seconds": 30})
    )
    assert "Back to the default: the shot clock is 24 seconds." in result.unsure_reasons


def test_summary_is_each_change_in_the_registry_s_words_joined_by_semicolons() -> None:
    changes = [
        ParameterChange(parameter="three_point_value", old_value=3, new_value=5),
        ParameterChange(parameter="quorum", old_value=0.5, new_value=0.75),
        ParameterChange(parameter="home_court_enabled", old_value=True, new_value=False),
    ]
    assert summarize(changes) == "; ".join(
        PARAMS[c.parameter].change(c.old_value, c.new_value) for c in changes
    )
    assert summarize(changes) == (
        "Three-pointers are worth 5 points (now 3); "
        "A tally counts once 75% of all team vote weight is cast (now 50%); "
        "Home-court advantage is off (now on)"
    )


@pytest.mark.parametrize("name", list(PARAMS))
def test_every_rule_s_refusal_is_in_words_and_recognised_as_a_range_refusal(name: str) -> None:
    p = PARAMS[name]
    too_big = 5 if p.type is bool else 99
    message = refusal(name, too_big)
    assert not SNAKE_NAME.search(message), message
    assert message.startswith(rule_name(name, capital=True) + " must be ")
    assert is_range_refusal(message)
    result = build_interpretation([ProposedChange(name, too_big)], DEFAULT_RULES)
    assert result.changes == () and result.is_wild
    assert result.unsure_reasons == (message,)


def test_the_old_and_the_registry_wordings_are_still_recognised_as_range_refusals() -> None:
    assert is_range_refusal("three_point_value must be 1 to 10 (points); got 50.")
    assert is_range_refusal("Three-point value must be 1 to 10 (points); got 50.")
    assert not is_range_refusal("Three-pointers are worth 3 points already.")


def test_rule_names_read_as_english() -> None:
    assert rule_name("shot_clock_seconds") == "the shot clock"
    assert rule_name("elam_margin", capital=True) == "The Elam margin"
    assert rule_name("playoff_teams") == "the number of playoff teams"
    assert in_words("token_cap (3) cannot exceed initial_tokens") == (
        "The token cap (3) cannot exceed the number of starting tokens"
    )


def test_llm_suggestions_are_refused_and_doubted_in_words() -> None:
    answer = json.dumps(
        {
            "changes": [
                {"parameter": "shot_clock_seconds", "new_value": 5},
                {"parameter": "playoff_teams", "new_value": 8},
                {"parameter": "teams_per_league", "new_value": 6},
                {"parameter": "quorum", "new_value": None},
            ],
            "unsure": ["not sure whether vote_threshold or quorum was meant"],
        }
    )
    result = parse_answer(answer, DEFAULT_RULES, "x")
    assert_in_words(result)
    assert "The shot clock must be 10 to 60 seconds; got 5." in result.unsure_reasons
    assert "The quorum must be 0% to 100%; got None." in result.unsure_reasons
    assert "not sure whether the vote threshold or quorum was meant" in result.unsure_reasons


def test_timed_effects_and_repeals_are_described_in_words() -> None:
    timed = interpret_proposal(
        "for the next 3 rounds, the home team's threes are worth 4", DEFAULT_RULES
    )
    assert [e.description for e in timed.effects] == [
        "Three-pointers are worth 4 points for the home team, for 3 rounds"
    ]
    assert timed.summary == "Three-pointers are worth 4 points for the home team, for 3 rounds"
    game = interpret_proposal("for one game, free throws are worth 2", DEFAULT_RULES)
    assert game.summary == "Free throws are worth 2 points, for one game"
    repeal = interpret_proposal("repeal the home threes and free throws", DEFAULT_RULES)
    assert (
        repeal.summary
        == "Repeal the active effects on the free-throw value and the three-point value."
    )
    for result in (timed, game, repeal):
        assert_in_words(result)


def _cases_with_reasons() -> list[dict[str, Any]]:
    return [c for c in [*CASES, *PHRASINGS, *ABUSE] if "reason" in c]


def test_no_table_expects_a_snake_case_reason() -> None:
    for case in _cases_with_reasons():
        assert not SNAKE_NAME.search(case["reason"]), case
