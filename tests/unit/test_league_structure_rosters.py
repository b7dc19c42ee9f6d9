"""apply_rosters: a one-for-one swap keeps three starters per team, in the leavers' roles."""

from __future__ import annotations

import pytest

from bot.domain.league import apply_rosters
from bot.domain.league_generator import generate_league


def test_a_swap_moves_hoopers_and_the_arrival_takes_the_leavers_role() -> None:
    a, b = generate_league("rosters", 2)
    starter = next(h for h in a.hoopers if h.starter)
    bench = next(h for h in b.hoopers if not h.starter)
    rosters = {
        a.id: [h.id for h in a.hoopers if h.id != starter.id] + [bench.id],
        b.id: [h.id for h in b.hoopers if h.id != bench.id] + [starter.id],
    }
    played = apply_rosters({a.id: a, b.id: b}, rosters)
    arrived_a = next(h for h in played[a.id].hoopers if h.id == bench.id)
    arrived_b = next(h for h in played[b.id].hoopers if h.id == starter.id)
    assert arrived_a.starter and not arrived_b.starter
    assert all(len(t.starters) == 3 for t in played.values())


def test_unchanged_rosters_return_the_same_teams() -> None:
    a, b = generate_league("rosters", 2)
    same = {t.id: [h.id for h in t.hoopers] for t in (a, b)}
    played = apply_rosters({a.id: a, b.id: b}, same)
    assert played[a.id] is a and played[b.id] is b


def test_a_roster_that_changes_size_is_refused() -> None:
    a, b = generate_league("rosters", 2)
    with pytest.raises(ValueError, match="one for one"):
        apply_rosters(
            {a.id: a, b.id: b}, {a.id: [a.hoopers[0].id], b.id: [h.id for h in b.hoopers]}
        )
