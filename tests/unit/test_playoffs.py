"""Playoff brackets: seeding, home court in odd games, series that stop once clinched."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import ConflictError, NotFoundError, ValidationError
from bot.domain.playoffs import Bracket, Series, pending_games, record_game, start_bracket
from bot.domain.rules import DEFAULT_RULES, RuleSet

SEEDED = [f"seed-{i}" for i in range(1, 9)]


def _rules(teams: int, semis: int = 3, final: int = 5) -> RuleSet:
    return DEFAULT_RULES.with_changes(
        {"playoff_teams": teams, "semifinal_series_length": semis, "final_series_length": final}
    )


def _play_out(bracket: Bracket, rng: random.Random) -> tuple[Bracket, list[tuple[str, int]]]:
    played: list[tuple[str, int]] = []
    while bracket.champion is None:
        for game in pending_games(bracket):
            winner = game.home_team_id if rng.random() < 0.6 else game.away_team_id
            played.append((game.series_id, game.game_number))
            bracket = record_game(bracket, game.series_id, winner)
    return bracket, played


def test_four_team_bracket_pairs_one_with_four_and_two_with_three() -> None:
    bracket = start_bracket(SEEDED, _rules(4), "s1")
    pairs = [(s.higher_seed, s.lower_seed, s.best_of) for s in bracket.current_round]
    assert pairs == [(1, 4, 3), (2, 3, 3)]
    assert all(s.round_name == "semifinal" for s in bracket.current_round)


def test_eight_team_bracket_keeps_the_top_seeds_apart() -> None:
    bracket = start_bracket(SEEDED, _rules(8), "s1")
    assert [(s.higher_seed, s.lower_seed) for s in bracket.current_round] == [
        (1, 8),
        (4, 5),
        (2, 7),
        (3, 6),
    ]


def test_two_team_playoff_is_just_the_final() -> None:
    bracket = start_bracket(SEEDED, _rules(2, final=7), "s1")
    (final,) = bracket.current_round
    assert (final.round_name, final.best_of) == ("final", 7)
    assert (final.higher_seed_team_id, final.lower_seed_team_id) == ("seed-1", "seed-2")


def test_higher_seed_hosts_the_odd_numbered_games() -> None:
    series = start_bracket(SEEDED, _rules(2, final=7), "s1").current_round[0]
    hosts = []
    while not series.is_over:
        game = series.next_game()
        assert game is not None
        hosts.append(game.home_team_id)
        # Alternate winners to play all seven games.
        series = series.with_winner(
            game.away_team_id if game.game_number < 7 else game.home_team_id
        )
    assert hosts == ["seed-1", "seed-2", "seed-1", "seed-2", "seed-1", "seed-2", "seed-1"]


def test_a_series_ends_as_soon_as_it_is_clinched() -> None:
    series = start_bracket(SEEDED, _rules(2, final=5), "s1").current_round[0]
    for _ in range(3):
        series = series.with_winner("seed-2")
    assert series.is_over and series.winner_team_id == "seed-2"
    assert series.games_played == 3
    assert series.next_game() is None
    with pytest.raises(ConflictError):
        series.with_winner("seed-1")


@settings(max_examples=60, deadline=None)
@given(size=st.sampled_from([2, 4, 8]), semis=st.sampled_from([1, 3, 5, 7]), seed=st.integers())
def test_any_bracket_plays_out_to_one_champion(size: int, semis: int, seed: int) -> None:
    bracket, played = _play_out(
        start_bracket(SEEDED, _rules(size, semis, 5), "s"), random.Random(seed)
    )
    assert bracket.champion in SEEDED[:size]
    assert len(bracket.rounds) == {2: 1, 4: 2, 8: 3}[size]
    for rnd in bracket.rounds:
        for series in rnd:
            assert series.is_over
            assert max(series.higher_seed_wins, series.lower_seed_wins) == series.wins_needed
            assert min(series.higher_seed_wins, series.lower_seed_wins) < series.wins_needed
    assert len(played) == len(set(played))


def test_winners_meet_in_bracket_order_with_the_better_seed_at_home() -> None:
    bracket = start_bracket(SEEDED, _rules(8, semis=1), "s1")
    winners = {"s1:quarterfinal:0": "seed-8", "s1:quarterfinal:1": "seed-4"}
    for game in pending_games(bracket):
        bracket = record_game(
            bracket, game.series_id, winners.get(game.series_id, game.home_team_id)
        )
    semis = bracket.current_round
    assert [(s.higher_seed_team_id, s.lower_seed_team_id) for s in semis] == [
        ("seed-4", "seed-8"),
        ("seed-2", "seed-3"),
    ]


def test_bad_brackets_and_unknown_series_are_refused() -> None:
    with pytest.raises(ValidationError):
        start_bracket(SEEDED[:3], _rules(4), "s1")
    bracket = start_bracket(SEEDED, _rules(4), "s1")
    with pytest.raises(NotFoundError):
        record_game(bracket, "s1:final:0", "seed-1")
    with pytest.raises(ValidationError):
        record_game(bracket, "s1:semifinal:0", "seed-2")


def test_a_series_cannot_be_built_with_an_even_length() -> None:
    with pytest.raises(ValueError, match="odd"):
        Series(
            series_id="x",
            round_name="final",
            higher_seed=1,
            lower_seed=2,
            higher_seed_team_id="a",
            lower_seed_team_id="b",
            best_of=4,
        )
