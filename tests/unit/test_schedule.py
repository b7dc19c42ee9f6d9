"""The round-robin schedule: every pair meets, nobody plays twice a round, venues balance."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import ValidationError
from bot.domain.schedule import all_games, round_robin


def _teams(n: int) -> list[str]:
    return [f"team-{i}" for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 16), cycles=st.integers(1, 6))
def test_every_pair_meets_once_per_round_robin(n: int, cycles: int) -> None:
    games = all_games(round_robin(_teams(n), cycles))
    pairs = Counter(frozenset((g.home_team_id, g.away_team_id)) for g in games)
    assert len(pairs) == n * (n - 1) // 2
    assert set(pairs.values()) == {cycles}


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 16), cycles=st.integers(1, 6))
def test_nobody_plays_twice_in_a_round_and_byes_cover_the_rest(n: int, cycles: int) -> None:
    rounds = round_robin(_teams(n), cycles)
    per_cycle = n - 1 if n % 2 == 0 else n
    assert len(rounds) == cycles * per_cycle
    for number, rnd in enumerate(rounds, start=1):
        assert rnd.round_number == number
        playing = [t for g in rnd.games for t in (g.home_team_id, g.away_team_id)]
        assert len(playing) == len(set(playing))
        assert sorted(playing + list(rnd.byes)) == sorted(_teams(n))
        assert len(rnd.byes) == n % 2
        assert [g.matchup_index for g in rnd.games] == list(range(len(rnd.games)))


@pytest.mark.parametrize("n", range(2, 17))
def test_home_and_away_balance_within_one_game_per_round_robin(n: int) -> None:
    games = all_games(round_robin(_teams(n), 1))
    home = Counter(g.home_team_id for g in games)
    away = Counter(g.away_team_id for g in games)
    assert max(abs(home[t] - away[t]) for t in _teams(n)) <= (n - 1) % 2


@pytest.mark.parametrize("n", range(2, 17))
def test_home_and_away_mostly_alternate(n: int) -> None:
    venues: dict[str, list[str]] = {t: [] for t in _teams(n)}
    for rnd in round_robin(_teams(n), 1):
        for g in rnd.games:
            venues[g.home_team_id].append("H")
            venues[g.away_team_id].append("A")
    breaks = sum(sum(a == b for a, b in itertools.pairwise(v)) for v in venues.values())
    assert breaks <= max(0, n - 2)  # the minimum possible for a round robin


def test_second_round_robin_mirrors_the_first_so_each_pair_visits_both_venues() -> None:
    games = all_games(round_robin(_teams(6), 2))
    hosted = Counter((g.home_team_id, g.away_team_id) for g in games)
    assert set(hosted.values()) == {1}
    assert len(hosted) == 6 * 5


def test_rounds_can_start_after_earlier_ones() -> None:
    rounds = round_robin(_teams(4), 1, first_round=10)
    assert [r.round_number for r in rounds] == [10, 11, 12]


def test_bad_team_lists_are_refused() -> None:
    with pytest.raises(ValidationError):
        round_robin(["solo"])
    with pytest.raises(ValidationError):
        round_robin(["a", "a", "b"])
    with pytest.raises(ValidationError):
        round_robin(["a", "b"], 0)
