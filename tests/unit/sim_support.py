"""Shared helpers for simulation tests: hypothesis strategies and the invariant checker."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from bot.domain.effects import EFFECT_PARAMETERS, Effect
from bot.domain.league import (
    ARCHETYPES,
    ATTRIBUTE_BUDGET,
    ATTRIBUTE_NAMES,
    Hooper,
    HooperAttributes,
    Team,
    Venue,
)
from bot.domain.rules import PARAMS, RuleSet, parse_ruleset
from bot.domain.strategy import TeamStrategy
from bot.sim import GameResult
from bot.sim import playbyplay as pbp

SIM_PARAMS = [p for p in PARAMS.values() if p.tier in (1, 2)]


def _param_values(name: str) -> st.SearchStrategy[object]:
    p = PARAMS[name]
    if p.type is bool:
        return st.booleans()
    assert p.minimum is not None and p.maximum is not None
    if p.type is int:
        return st.integers(int(p.minimum), int(p.maximum))
    return st.floats(float(p.minimum), float(p.maximum), allow_nan=False)


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    """Any valid rule set: every tier 1-2 parameter anywhere in its range."""
    changes = {p.name: draw(_param_values(p.name)) for p in SIM_PARAMS}
    return parse_ruleset(changes)


@st.composite
def attributes(draw: st.DrawFn) -> HooperAttributes:
    values = draw(st.lists(st.integers(1, 100), min_size=9, max_size=9))
    total = sum(values)
    if total > ATTRIBUTE_BUDGET:
        values = [max(1, v * ATTRIBUTE_BUDGET // total) for v in values]
        while sum(values) > ATTRIBUTE_BUDGET:
            values[values.index(max(values))] -= 1
    return HooperAttributes(**dict(zip(ATTRIBUTE_NAMES, values, strict=True)))


@st.composite
def teams(draw: st.DrawFn, team_id: str) -> Team:
    """A team of 3 starters and 0-2 bench hoopers with any attributes within the budget."""
    size = draw(st.integers(3, 5))
    hoopers = []
    for slot in range(size):
        archetype = ARCHETYPES[draw(st.sampled_from(sorted(ARCHETYPES)))]
        hoopers.append(
            Hooper(
                id=f"{team_id}-h{slot}",
                name=f"{team_id} hooper {slot}",
                archetype=archetype.name,
                attributes=draw(attributes()),
                moves=(archetype.move,),
                starter=slot < 3,
            )
        )
    return Team(
        id=team_id,
        name=f"Team {team_id}",
        venue=Venue(name="Gym", city="Town", capacity=1000),
        hoopers=tuple(hoopers),
    )


_BIAS = st.floats(-1.0, 1.0, allow_nan=False)

team_strategies = st.builds(
    TeamStrategy,
    three_point_bias=_BIAS,
    mid_range_bias=_BIAS,
    at_rim_bias=_BIAS,
    defensive_intensity=_BIAS,
    pace_modifier=_BIAS,
    substitution_threshold_modifier=st.floats(-0.5, 0.5, allow_nan=False),
)


@st.composite
def effects(draw: st.DrawFn) -> Effect:
    """An effect with any parameter and operation; values kept within a sane game."""
    name = draw(st.sampled_from(sorted(EFFECT_PARAMETERS)))
    spec = EFFECT_PARAMETERS[name]
    operation = draw(st.sampled_from(["set", "add", "multiply"]))
    value = draw(st.floats(-5.0, 5.0, allow_nan=False))
    if spec.kind == "probability" and operation == "set":
        value = draw(st.floats(0.05, 2.0, allow_nan=False))  # even out of range: clamped
    return Effect(
        effect_id=f"fx-{name}",
        hook_point=spec.hook_point,
        parameter=name,
        operation=operation,
        value=value,
        target=draw(st.sampled_from(["all", "home", "away", "A", "B"])),
    )


def team_totals(result: GameResult, team_id: str) -> dict[str, int]:
    lines = result.team_lines(team_id)
    keys = [k for k in type(lines[0]).model_fields if isinstance(getattr(lines[0], k), int)]
    return {k: sum(getattr(line, k) for line in lines) for k in keys if k != "starter"}


def check_invariants(result: GameResult) -> None:
    """Every bookkeeping and Elam invariant a finished game must satisfy."""
    scores = (result.home_score, result.away_score)
    for side, team_id in enumerate((result.home_team_id, result.away_team_id)):
        t = team_totals(result, team_id)
        values = result.point_values[side]
        twos = t["field_goals_made"] - t["three_pointers_made"]
        expected = (
            twos * values.two_point
            + t["three_pointers_made"] * values.three_point
            + t["free_throws_made"] * values.free_throw
        )
        assert expected == scores[side], "score is made shots times values plus free throws"
        assert t["points"] == scores[side], "hooper points sum to the team's"
        assert t["assists"] <= t["field_goals_made"]
    for line in result.box_scores:
        assert line.field_goals_made <= line.field_goals_attempted
        assert line.three_pointers_made <= line.three_pointers_attempted
        assert line.three_pointers_attempted <= line.field_goals_attempted
        assert line.three_pointers_made <= line.field_goals_made
        assert line.free_throws_made <= line.free_throws_attempted
        assert line.rebounds == line.offensive_rebounds + line.defensive_rebounds
        assert math.isfinite(line.minutes) and line.minutes >= 0
    assert tuple(map(sum, zip(*result.quarter_scores, strict=True))) == scores
    assert len(result.quarter_scores) == result.rules.elam_trigger_quarter + 1
    winner, loser = max(scores), min(scores)
    assert winner >= result.elam_target > loser
    assert result.winner_team_id == (
        result.home_team_id if scores[0] > scores[1] else result.away_team_id
    )
    assert math.isfinite(result.duration_seconds)
    for side, team_id in enumerate((result.home_team_id, result.away_team_id)):
        played = sum(line.minutes for line in result.team_lines(team_id))
        assert abs(played - 3 * result.duration_seconds / 60) < 0.05, f"3 on court, side {side}"
    if result.play_by_play:
        _check_play_by_play(result)


def _check_play_by_play(result: GameResult) -> None:
    """Replay substitutions: always three per team; nothing scored after the Elam target."""
    side_of = [0 if line.team_id == result.home_team_id else 1 for line in result.box_scores]
    court = [
        {i for i, line in enumerate(result.box_scores) if line.starter and side_of[i] == s}
        for s in (0, 1)
    ]
    reached = False
    last = (0, 0)
    for row in result.play_by_play:
        code, side, hooper, aux = row[0], row[4], row[5], row[6]
        if code == pbp.SUBSTITUTION:
            assert aux in court[side] and hooper not in court[side]
            assert side_of[hooper] == side
            court[side] = (court[side] - {aux}) | {hooper}
        assert len(court[0]) == 3 and len(court[1]) == 3
        score = (row[7], row[8])
        if reached:
            assert score == last, "nothing is scored after the Elam target is reached"
        if code in (pbp.SHOT_MADE, pbp.FREE_THROW_MADE):
            assert hooper in court[side], "only hoopers on court score"
        reached = reached or max(score) >= result.elam_target
        last = score
    assert last == (result.home_score, result.away_score)
