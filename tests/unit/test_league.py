"""Hoopers, teams and the seeded league generator."""

from __future__ import annotations

import pytest
from pydantic import ValidationError as PydanticValidationError

from bot.domain.errors import ValidationError
from bot.domain.league import (
    ARCHETYPES,
    ATTRIBUTE_BUDGET,
    ATTRIBUTE_NAMES,
    HooperAttributes,
    Team,
)
from bot.domain.league_generator import generate_league, mid_table_pair


def test_the_same_seed_gives_the_same_league_ids_included() -> None:
    assert generate_league(42) == generate_league(42)
    assert generate_league("guild-7/season-2") == generate_league("guild-7/season-2")


def test_different_seeds_give_different_leagues() -> None:
    first, second = generate_league(1), generate_league(2)
    assert {t.id for t in first}.isdisjoint({t.id for t in second})
    assert [h.attributes for h in first[0].hoopers] != [h.attributes for h in second[0].hoopers]


def test_generated_teams_have_three_starters_one_bench_and_unique_names() -> None:
    league = generate_league(5, 16)
    assert len({t.name for t in league}) == 16
    assert len({t.color for t in league}) == 16
    for team in league:
        assert len(team.starters) == 3 and len(team.bench) == 1
        assert team.motto and team.venue.name
    hooper_ids = [h.id for t in league for h in t.hoopers]
    assert len(set(hooper_ids)) == len(hooper_ids)


def test_every_generated_hooper_spends_exactly_the_budget() -> None:
    for team in generate_league(9, 16):
        for hooper in team.hoopers:
            assert hooper.attributes.total == ATTRIBUTE_BUDGET
            assert hooper.archetype in ARCHETYPES
            assert hooper.moves == (ARCHETYPES[hooper.archetype].move,)


def test_archetypes_lean_toward_their_emphasis() -> None:
    hoopers = [h for t in generate_league(3, 16) for h in t.hoopers]
    for name, archetype in ARCHETYPES.items():
        mine = [h.attributes for h in hoopers if h.archetype == name]
        if not mine:
            continue
        top = max(archetype.emphasis, key=lambda k: archetype.emphasis[k])
        mean_top = sum(getattr(a, top) for a in mine) / len(mine)
        assert mean_top > ATTRIBUTE_BUDGET / len(ATTRIBUTE_NAMES), name


def test_attributes_over_the_budget_are_refused() -> None:
    with pytest.raises(PydanticValidationError, match="over the budget"):
        HooperAttributes(**dict.fromkeys(ATTRIBUTE_NAMES, 60))


def test_attributes_outside_one_to_hundred_are_refused() -> None:
    values = dict.fromkeys(ATTRIBUTE_NAMES, 40)
    with pytest.raises(PydanticValidationError):
        HooperAttributes(**{**values, "scoring": 0})
    with pytest.raises(PydanticValidationError):
        HooperAttributes(**{**values, "scoring": 101})


def test_a_team_needs_exactly_three_starters() -> None:
    team = generate_league(1, 2)[0]
    benchless = [h.model_copy(update={"starter": True}) for h in team.hoopers]
    with pytest.raises(PydanticValidationError, match="exactly 3 starters"):
        Team(**{**team.model_dump(), "hoopers": [h.model_dump() for h in benchless]})


def test_league_size_is_bounded() -> None:
    with pytest.raises(ValidationError):
        generate_league(1, 1)
    with pytest.raises(ValidationError):
        generate_league(1, 17)


def test_mid_table_pair_is_two_equal_teams_with_different_ids() -> None:
    home, away = mid_table_pair(3)
    assert home.id != away.id
    assert {h.id for h in home.hoopers}.isdisjoint({h.id for h in away.hoopers})
    assert [h.attributes for h in home.hoopers] == [h.attributes for h in away.hoopers]
    assert mid_table_pair(3) == (home, away)
