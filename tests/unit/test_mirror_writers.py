"""Mirror writers: the built-in one states only true, computed facts in plain English; the
LLM one may add voice, but its text is refused unless it keeps to the same facts."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.ai.calls import InMemoryAICallLog
from bot.ai.llm import LLMClient, OpenAICompatibleDialect, TransportError
from bot.ai.mirror_writer import LLMMirrorWriter, MirrorRefusedError, accept_mirror_text
from bot.ai.provider import ProviderError
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
    assert "Three-pointers are worth 4 points (was 3)." in text
    assert "shot clock" not in text.lower() and "(was 5)" not in text
    assert "_" not in text  # rules in words, never by their field names


def test_governance_mirror_says_why_a_proposal_failed() -> None:
    context = governance_context([])
    context["resolved"] = [
        {"text": "quarters of 12", "passed": False, "yes": 0, "no": 0,
         "reason": "quorum not met: 0% of team weight voted, 50% needed"}
    ]  # fmt: skip
    text = WRITER.write("governance", context)
    assert (
        "'quarters of 12' failed (0 yes, 0 no): quorum not met: 0% of team weight voted, "
        "50% needed." in text
    )


def test_governance_mirror_compares_each_forecast_with_the_games_since() -> None:
    context = governance_context([])
    context["forecasts"] = [{"text": "threes worth 4", "predicted": 9.2, "actual": 7.5, "games": 8}]
    text = WRITER.write("governance", context)
    assert (
        "'threes worth 4' was forecast to move points per team by +9.2; in the 8 games since, "
        "they moved +7.5." in text
    )


def test_a_private_mirror_credits_no_rule_alone_for_a_change_it_shared() -> None:
    shared = {"text": "threes worth 4", "games_after": 6, "avg_after": 170.0,
              "avg_before": 150.0, "passed_with": 2}  # fmt: skip
    context = {"name": "Ada", "team": "Thorns", "votes": 2, "against_team": 0,
               "my_rules": [shared]}  # fmt: skip
    text = WRITER.write("private", context)
    assert "passed together with 2 other rules" in text and "none of them did alone" in text
    assert "Since 'threes worth 4' passed, games average" not in text


def test_season_mirror_counts_only_enactments_that_changed_a_rule() -> None:
    enacted = [enactment("a", 5, 5), enactment("b", 3, 4), enactment("c", 1, 2)]
    text = WRITER.write("season", season_context(enacted=enacted))
    assert "The governors changed 2 rules along the way." in text
    assert rule_change_count(enacted) == 2


def test_season_mirror_with_no_real_change_says_the_rules_stood() -> None:
    text = WRITER.write("season", season_context(enacted=[enactment("a", 5, 5)]))
    assert "left the rules as they found them" in text
    assert "changed" not in text


def test_league_mirror_pluralises_passed_proposals() -> None:
    one = WRITER.write("league", league_context(proposals=3, passed=1))
    many = WRITER.write("league", league_context(proposals=1, passed=0))
    assert "3 proposals debated, 1 proposal passed." in one
    assert "1 proposal debated, 0 proposals passed." in many
    assert "1 proposals" not in one + many


# --- The LLM writer only proposes: its text is validated against the facts ---------------------

SIM_CONTEXT: dict[str, Any] = {
    "round": 3,
    "window_id": "0f8c6a52-1d2e-4b7a-9c3d-5e6f7a8b9c0d",
    "games": [
        {"winner": "Moths", "loser": "Tides", "winner_score": 83, "loser_score": 78, "margin": 5}
    ],
    "top_scorer": {"name": "Ada 2x", "team": "Moths", "points": 31},
    "leader": {"team": "Moths", "record": "3-0"},
    "avg": 101.3333,
}
SIM_DRAFT = WRITER.write("simulation", SIM_CONTEXT)


def test_every_number_in_the_facts_may_be_stated() -> None:
    text = "Round 3: the Moths (3-0) beat the Tides 83-78; Ada 2x scored 31; games averaged 101.3."
    assert accept_mirror_text(f"  {text}\n", SIM_CONTEXT, SIM_DRAFT) == text


@pytest.mark.parametrize(
    ("answer", "unknown"),
    [
        ("The Moths won by 6.", "6"),
        ("Ada scored 31 of 1,200 points.", "1200"),
        ("Averages hit 101.4 a game.", "101.4"),
        ("Window 52 closed.", "52"),  # digits inside an id are not facts
    ],
)
def test_a_number_not_in_the_facts_is_refused(answer: str, unknown: str) -> None:
    with pytest.raises(MirrorRefusedError, match=f"numbers not in the facts: {unknown}$"):
        accept_mirror_text(answer, SIM_CONTEXT, SIM_DRAFT)


@pytest.mark.parametrize("answer", ["", "   ", "\u200b\u200b", "```\n```", '""'])
def test_an_empty_answer_is_refused(answer: str) -> None:
    with pytest.raises(MirrorRefusedError, match="empty"):
        accept_mirror_text(answer, SIM_CONTEXT, SIM_DRAFT)


def test_an_answer_over_the_length_cap_is_refused() -> None:
    with pytest.raises(MirrorRefusedError, match="the limit is 40"):
        accept_mirror_text("The Moths rolled on. " * 3, SIM_CONTEXT, SIM_DRAFT, max_chars=40)


def test_mentions_fences_and_quotes_are_cleaned_from_the_answer() -> None:
    answer = '```text\n"@everyone <@&77> the Moths roll on, @here."\n```'
    assert accept_mirror_text(answer, SIM_CONTEXT, SIM_DRAFT) == (
        "everyone @role the Moths roll on, here."
    )


def openai_writer(replies: list[object], timeout_s: float = 5.0) -> LLMMirrorWriter:
    @dataclass
    class Scripted:
        replies: list[object]
        bodies: list[Mapping[str, Any]] = field(default_factory=list)

        async def post_json(
            self, url: str, headers: Mapping[str, str], body: Mapping[str, Any], timeout_s: float
        ) -> tuple[int, dict[str, Any]]:
            self.bodies.append(body)
            reply = self.replies.pop(0)
            if reply == "hang":
                await asyncio.Event().wait()
            if isinstance(reply, BaseException):
                raise reply
            assert isinstance(reply, tuple)
            return reply

    client = LLMClient(
        OpenAICompatibleDialect("http://127.0.0.1:8080/v1"),
        model="local",
        transport=Scripted(replies),
    )
    return LLMMirrorWriter(client, timeout_s=timeout_s)


def chat(text: str) -> tuple[int, dict[str, Any]]:
    return 200, {"choices": [{"message": {"content": text}}], "usage": {"prompt_tokens": 9}}


async def test_the_writer_prompt_carries_the_type_the_facts_and_the_draft() -> None:
    log = InMemoryAICallLog()
    writer = openai_writer([chat("The Moths keep rolling: 83-78 over the Tides.")])
    text = await writer.write("simulation", SIM_CONTEXT, SIM_DRAFT, log=log)
    assert text == "The Moths keep rolling: 83-78 over the Tides."
    (call,) = log.calls
    assert (call.purpose, call.provider, call.ok, call.input_tokens) == (
        "mirror_polish.simulation",
        "openai-compatible",
        True,
        9,
    )
    assert "the round of games just played" in call.prompt
    assert '"winner_score": 83' in call.prompt and SIM_DRAFT in call.prompt


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ((500, {"error": "overloaded"}), "HTTP 500"),
        ((200, {"choices": []}), "unexpected response shape"),
        (TransportError("reset"), "transport error: reset"),
        (chat("They won by 40."), "refused mirror: numbers not in the facts: 40"),
        ("hang", "timed out after 0.05 s"),
    ],
)
async def test_every_failure_is_recorded_and_raised(reply: object, error: str) -> None:
    log = InMemoryAICallLog()
    with pytest.raises(ProviderError, match=error):
        await openai_writer([reply], timeout_s=0.05).write(
            "simulation", SIM_CONTEXT, SIM_DRAFT, log=log
        )
    (call,) = log.calls
    assert not call.ok and error in (call.error or "")
