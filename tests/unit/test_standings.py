"""Standings and tiebreakers: head-to-head, point differential, points scored, then a game."""

from __future__ import annotations

import pytest

from bot.domain.errors import ValidationError
from bot.domain.standings import GameScore, compute_standings, tied_at_cut


def g(home: str, away: str, hs: int, as_: int) -> GameScore:
    return GameScore(home_team_id=home, away_team_id=away, home_score=hs, away_score=as_)


def test_teams_are_ordered_by_winning_percentage() -> None:
    rows = compute_standings(["a", "b", "c"], [g("a", "b", 50, 40), g("a", "c", 50, 40)])
    assert [r.team_id for r in rows] == ["a", "b", "c"]
    assert rows[0].wins == 2 and rows[0].losses == 0 and rows[0].rank == 1
    assert rows[0].home_wins == 2 and rows[0].points_for == 100


def test_head_to_head_breaks_a_two_way_tie_before_point_differential() -> None:
    games = [
        g("a", "b", 41, 40),  # a beats b by 1
        g("b", "c", 90, 40),  # b crushes c
        g("c", "a", 50, 40),  # c beats a
        g("b", "d", 60, 50),
        g("a", "d", 60, 50),
        g("d", "c", 60, 50),
    ]
    rows = compute_standings(["a", "b", "c", "d"], games)
    a, b = rows[0], rows[1]
    assert (a.team_id, b.team_id) == ("a", "b")
    assert a.wins == b.wins == 2
    assert b.point_differential > a.point_differential
    assert a.decided_by == "head-to-head"


def test_point_differential_then_points_scored_break_what_head_to_head_cannot() -> None:
    split = [g("a", "b", 50, 40), g("b", "a", 50, 40)]  # 1-1 head-to-head
    rows = compute_standings(["a", "b", "c"], [*split, g("a", "c", 50, 40), g("b", "c", 60, 40)])
    assert [r.team_id for r in rows][:2] == ["b", "a"]
    assert rows[0].decided_by == "point differential"
    rows = compute_standings(["a", "b", "c"], [*split, g("a", "c", 50, 40), g("b", "c", 60, 50)])
    assert rows[0].point_differential == rows[1].point_differential
    assert [r.team_id for r in rows][:2] == ["b", "a"]
    assert rows[0].decided_by == "points scored"


def test_a_tie_nothing_separates_needs_a_tiebreaker_game() -> None:
    games = [g("a", "b", 50, 40), g("b", "a", 50, 40)]
    rows = compute_standings(["a", "b", "c"], [*games, g("c", "a", 30, 80), g("b", "c", 80, 30)])
    level = [r for r in rows if r.tiebreaker_needed]
    assert {r.team_id for r in level} == {"a", "b"}
    assert len({r.tie_group for r in level}) == 1
    assert all(r.decided_by == "tiebreaker game needed" for r in level)
    assert tied_at_cut(rows, 1) == ("a", "b")
    assert tied_at_cut(rows, 2) == ()


def test_a_three_way_tie_reduced_to_two_restarts_at_head_to_head() -> None:
    games = [
        # Among a, b, c: a beats both; b and c split, c by far more.
        g("a", "b", 50, 40),
        g("a", "c", 50, 40),
        g("b", "c", 50, 49),
        g("c", "b", 70, 40),
        # Against d, so that a, b and c all finish 3-3.
        *[g("d", "a", 60, 50)] * 3,
        g("a", "d", 60, 50),
        *[g("b", "d", 60, 50)] * 2,
        g("d", "b", 60, 50),
        *[g("c", "d", 60, 50)] * 2,
        g("d", "c", 60, 50),
        g("d", "e", 60, 50),
    ]
    rows = compute_standings(["a", "b", "c", "d", "e"], games)
    assert [(r.team_id, r.wins, r.losses) for r in rows][1:4] == [
        ("a", 3, 3),
        ("c", 3, 3),
        ("b", 3, 3),
    ]
    assert rows[1].decided_by == "head-to-head"
    assert rows[2].decided_by == rows[3].decided_by == "point differential"
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]


def test_games_with_unknown_teams_or_ties_are_refused() -> None:
    with pytest.raises(ValidationError):
        compute_standings(["a", "b"], [g("a", "z", 50, 40)])
    with pytest.raises(ValidationError):
        compute_standings(["a", "b"], [g("a", "b", 50, 50)])


def test_teams_without_games_still_appear() -> None:
    rows = compute_standings(["a", "b"], [])
    assert [r.games for r in rows] == [0, 0]
    assert all(r.tiebreaker_needed for r in rows)
