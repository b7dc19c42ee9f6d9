"""Team strategies and declarative effects as data."""

from __future__ import annotations

import pytest
from pydantic import ValidationError as PydanticValidationError

from bot.domain.effects import EFFECT_PARAMETERS, HOOK_POINTS, Effect, resolve_affine, resolve_value
from bot.domain.strategy import NEUTRAL_STRATEGY, TeamStrategy


def test_default_strategy_is_neutral() -> None:
    assert TeamStrategy().is_neutral
    assert not TeamStrategy(pace_modifier=-0.2).is_neutral
    assert all(v == 0.0 for v in NEUTRAL_STRATEGY.model_dump().values())


@pytest.mark.parametrize("field", list(TeamStrategy.model_fields))
def test_strategy_biases_are_bounded(field: str) -> None:
    with pytest.raises(PydanticValidationError):
        TeamStrategy(**{field: 1.5})
    with pytest.raises(PydanticValidationError):
        TeamStrategy(**{field: float("nan")})


def test_every_effect_parameter_belongs_to_a_known_hook_point() -> None:
    assert {p.hook_point for p in EFFECT_PARAMETERS.values()} == set(HOOK_POINTS)
    for spec in EFFECT_PARAMETERS.values():
        assert spec.minimum < spec.maximum and spec.description


def _effect(**kw: object) -> Effect:
    base: dict[str, object] = {
        "effect_id": "e",
        "hook_point": "sim.possession.pre",
        "parameter": "three_point_value",
        "operation": "set",
        "value": 5,
    }
    return Effect.model_validate({**base, **kw})


def test_an_effect_must_name_a_parameter_of_its_hook_point() -> None:
    with pytest.raises(PydanticValidationError, match=r"acts at sim\.shot\.make"):
        _effect(parameter="three_point_make")
    with pytest.raises(PydanticValidationError, match="unknown effect parameter"):
        _effect(parameter="dunk_power")


def test_effect_values_must_be_finite() -> None:
    with pytest.raises(PydanticValidationError):
        _effect(value=float("inf"))


def test_effects_apply_in_order_and_clamp_to_the_parameter_range() -> None:
    effects = [_effect(value=5), _effect(operation="multiply", value=10)]
    assert resolve_value(effects, "three_point_value", "t", True, 3) == 20  # 50, clamped
    assert (
        resolve_value([_effect(operation="add", value=2)], "three_point_value", "t", True, 3) == 5
    )


def test_targets_select_home_away_or_one_team() -> None:
    home_only = _effect(target="home")
    assert home_only.applies_to("x", is_home=True) and not home_only.applies_to("x", False)
    assert _effect(target="away").applies_to("x", is_home=False)
    team = _effect(target="team-9")
    assert team.applies_to("team-9", False) and not team.applies_to("team-1", False)
    assert resolve_value([home_only], "three_point_value", "x", False, 3) == 3


def test_probability_effects_compose_into_one_affine_map() -> None:
    add = _effect(hook_point="sim.shot.make", parameter="at_rim_make", operation="add", value=0.1)
    double = add.model_copy(update={"operation": "multiply", "value": 2.0})
    scale, shift = resolve_affine([add, double], "at_rim_make", "t", True)
    assert (scale, shift) == (2.0, pytest.approx(0.2))
    setter = add.model_copy(update={"operation": "set", "value": 0.4})
    assert resolve_affine([double, setter], "at_rim_make", "t", True) == (0.0, 0.4)
