"""The built-in interpreter: the golden corpus, the players' phrasings of every rule, every
registry word, and the result's shape."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from bot.ai.interpreter import interpret_proposal
from bot.ai.resolve import default_step
from bot.ai.vocabulary import _build, vocabulary
from bot.domain.interpretation import Interpretation, ParameterChange
from bot.domain.rules import DEFAULT_RULES, PARAMS, RuleParam, RuleSet

GOLDEN = json.loads((Path(__file__).parents[1] / "data" / "interpreter_golden.json").read_text())
CASES: list[dict[str, Any]] = GOLDEN["cases"]
PHRASINGS: list[dict[str, Any]] = GOLDEN["phrasings"]


def assert_changes(result: Interpretation, expected: dict[str, Any]) -> None:
    got = result.rule_changes()
    assert set(got) == set(expected), result
    for name, value in expected.items():
        assert type(got[name]) is PARAMS[name].type, (name, got[name])
        assert math.isclose(float(got[name]), float(value), abs_tol=1e-4), (name, got[name])


def check_case(case: dict[str, Any]) -> Interpretation:
    rules = DEFAULT_RULES.with_changes(case.get("rules", {}))
    result = interpret_proposal(case["text"], rules)
    assert_changes(result, case["changes"])
    assert result.is_wild is case["wild"], result
    if "reason" in case:
        assert any(case["reason"] in r for r in result.unsure_reasons), result.unsure_reasons
    return result


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_golden_corpus(case: dict[str, Any]) -> None:
    check_case(case)


def test_golden_corpus_is_big_and_covers_every_registry_parameter() -> None:
    assert len(CASES) >= 80
    covered = {name for case in CASES for name in case["changes"]}
    missing = sorted(set(PARAMS) - covered)
    assert not missing, f"add golden phrasings for {missing}"


@pytest.mark.parametrize("case", PHRASINGS, ids=[ascii(c["text"])[1:51] for c in PHRASINGS])
def test_players_phrasings(case: dict[str, Any]) -> None:
    result = check_case(case)
    if not case["wild"]:
        assert result.effects == () and result.repeals == ()


def test_every_rule_has_at_least_two_players_phrasings() -> None:
    counts = {name: 0 for name in PARAMS}
    for case in PHRASINGS:
        if len(case["changes"]) == 1 and not case["wild"]:
            counts[next(iter(case["changes"]))] += 1
    assert not [name for name, n in counts.items() if n < 2], counts


@pytest.mark.parametrize(
    "kind",
    ["joined subjects", "percentages", "numbers in words", "invisible characters", "not a rule"],
)
def test_the_phrasings_cover_each_kind_of_reading(kind: str) -> None:
    texts = [c["text"] for c in PHRASINGS]
    found = {
        "joined subjects": [t for t in texts if " and " in t and len(_case(t)["changes"]) > 1],
        "percentages": [t for t in texts if "%" in t or "percent" in t or "third" in t],
        "numbers in words": [t for t in texts if any(w in t for w in ("twenty", "dozen", "half"))],
        "invisible characters": [t for t in texts if any(ord(ch) > 0x7F for ch in t)],
        "not a rule": [t for t in texts if _case(t)["wild"]],
    }[kind]
    assert len(found) >= 2, kind


def _case(text: str) -> dict[str, Any]:
    return next(c for c in PHRASINGS if c["text"] == text)


def _valid_new_value(p: RuleParam) -> int | float | bool:
    if p.type is bool:
        return not p.default
    candidates: list[float] = [p.default + k * default_step(p) for k in (1, -1, 2, -2)]
    for value in candidates:
        typed: int | float = int(value) if p.type is int else round(value, 4)
        try:
            DEFAULT_RULES.with_changes({p.name: typed})
        except Exception:
            continue
        return typed
    raise AssertionError(f"no valid test value for {p.name}")


def _phrases(p: RuleParam) -> list[str]:
    return [p.name, p.name.replace("_", " "), *p.synonyms]


REGISTRY_PHRASES = [(p.name, phrase) for p in PARAMS.values() for phrase in _phrases(p)]


@pytest.mark.parametrize(("name", "phrase"), REGISTRY_PHRASES)
def test_every_registry_name_and_synonym_is_understood(name: str, phrase: str) -> None:
    p = PARAMS[name]
    value = _valid_new_value(p)
    if isinstance(value, bool):
        text = f"turn {'on' if value else 'off'} the {phrase}"
    else:
        text = f"set the {phrase} to {value}"
    assert_changes(interpret_proposal(text, DEFAULT_RULES), {name: value})


def test_no_registry_phrase_names_two_parameters() -> None:
    ambiguous = {words: owners for words, owners in vocabulary().phrases.items() if len(owners) > 1}
    assert not ambiguous


def test_a_phrase_two_parameters_share_is_reported_not_guessed() -> None:
    a = RuleParam("alpha_rate", float, 1.0, 0.0, 3.0, "x", 1, "A.", ("pace",), ())
    b = RuleParam("beta_rate", float, 1.0, 0.0, 3.0, "x", 1, "B.", ("pace",), ())
    assert _build((a, b)).match(("pace",)) == ("alpha_rate", "beta_rate")


def test_longest_synonym_wins() -> None:
    assert interpret_proposal("foul limit to 6", DEFAULT_RULES).rule_changes() == {
        "personal_foul_limit": 6
    }
    assert interpret_proposal("home court strength to 2", DEFAULT_RULES).rule_changes() == {
        "home_court_strength": 2.0
    }


def test_three_as_a_number_is_not_taken_for_threes() -> None:
    result = interpret_proposal("make twos worth three", DEFAULT_RULES)
    assert result.rule_changes() == {"two_point_value": 3}


def test_out_of_range_request_is_not_clamped_and_names_the_range() -> None:
    result = interpret_proposal("make the shot clock 5 seconds", DEFAULT_RULES)
    assert result.changes == ()
    assert result.is_wild
    assert any("10 to 60" in r for r in result.unsure_reasons)


def test_valid_part_of_a_partly_out_of_range_proposal_is_kept_but_wild() -> None:
    result = interpret_proposal("threes worth 4 and twos worth 50", DEFAULT_RULES)
    assert result.rule_changes() == {"three_point_value": 4}
    assert result.is_wild
    assert "The two-point value must be 1 to 10 points; got 50." in result.unsure_reasons


def test_summary_says_each_change_in_words_with_the_old_value() -> None:
    result = interpret_proposal("make threes worth 4 and turn off home court", DEFAULT_RULES)
    assert result.summary == (
        "Three-pointers are worth 4 points (now 3); Home-court advantage is off (now on)"
    )


def test_summary_shows_shares_as_percentages_and_multipliers_with_a_times_sign() -> None:
    result = interpret_proposal("60 percent to pass and double turnovers", DEFAULT_RULES)
    assert result.summary == (
        "A proposal passes with more than 60% of weighted yes votes (now 50%); "
        "Turnovers happen at 2× the usual rate (now 1×)"
    )


def test_each_change_quotes_the_words_it_came_from() -> None:
    result = interpret_proposal("Make threes worth 4, and shorten the shot clock to 20", RuleSet())
    assert [c.phrase for c in result.changes] == [
        "Make threes worth 4",
        "shorten the shot clock to 20",
    ]


def test_relative_changes_use_the_current_rules() -> None:
    rules = DEFAULT_RULES.with_changes({"three_point_value": 4})
    result = interpret_proposal("double threes", rules)
    assert result.changes == (
        ParameterChange(
            parameter="three_point_value", old_value=4, new_value=8, phrase="double threes"
        ),
    )


def test_a_clear_proposal_is_confident_and_a_guess_is_less_so() -> None:
    clear = interpret_proposal("set the shot clock to 20", DEFAULT_RULES)
    guess = interpret_proposal("shorter shot clock", DEFAULT_RULES)
    assert clear.confidence > guess.confidence >= 0.6
    assert not clear.unsure_reasons


def test_same_text_and_rules_give_the_same_interpretation() -> None:
    text = "double the shot clock and the elam margin, threes +1, quorum to 60%"
    first = interpret_proposal(text, DEFAULT_RULES)
    assert interpret_proposal(text, DEFAULT_RULES) == first
    assert first.model_dump_json() == interpret_proposal(text, DEFAULT_RULES).model_dump_json()


def test_interpretation_survives_a_json_round_trip_with_value_types() -> None:
    result = interpret_proposal("threes to 5, turn off home court, quorum 0.75", DEFAULT_RULES)
    again = Interpretation.model_validate_json(result.model_dump_json())
    assert again == result
    assert [type(c.new_value) for c in again.changes] == [int, bool, float]


def test_an_interpretation_without_changes_must_be_wild() -> None:
    with pytest.raises(ValueError, match="must be wild"):
        Interpretation(confidence=0.9, summary="nothing", is_wild=False)


def test_explain_joins_the_summary_and_the_doubts() -> None:
    result = interpret_proposal("shorter shot clock", DEFAULT_RULES)
    assert result.explain() == (
        "The shot clock is 19 seconds (now 24). No amount was given, so the shot clock moves "
        "by 5 seconds."
    )


@pytest.mark.parametrize(
    ("name", "step"),
    [("shot_clock_seconds", 5), ("three_point_value", 1), ("turnover_rate_modifier", 0.25),
     ("vote_threshold", 0.05), ("quorum", 0.1)],
)  # fmt: skip
def test_default_step_is_about_a_tenth_of_the_range(name: str, step: float) -> None:
    assert default_step(PARAMS[name]) == step
