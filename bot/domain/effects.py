"""Declarative effects: what a passed proposal does to the simulation, as data.

An `Effect` names a hook point (where in a possession it acts), an effect parameter (what it
changes there), an operation (set, add or multiply) with a value, and a target (every team, the
home team, the away team or one team by id). Effects never carry code. The simulation resolves
them once per game into its tables and reads the result at each hook point, so an effect costs
nothing per possession.

Whose hoopers an effect acts on depends on the parameter: shot values, turnovers, shot choice,
makes and offensive rebounds act on the target team's possessions; `foul_probability` on the
target team's fouls; stamina on the target team's hoopers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

HookPoint = Literal[
    "sim.possession.pre",
    "sim.shot.select",
    "sim.shot.make",
    "sim.foul",
    "sim.rebound",
    "sim.fatigue",
]
Operation = Literal["set", "add", "multiply"]
ParameterKind = Literal["points", "probability", "factor"]

HOOK_POINTS: dict[str, str] = {
    "sim.possession.pre": "Before a possession: shot values, turnover chance, possession length.",
    "sim.shot.select": "When a hooper chooses a shot: tendencies toward each shot type.",
    "sim.shot.make": "When a shot or free throw goes up: the chance it goes in.",
    "sim.foul": "When a defender may foul: the chance of a foul.",
    "sim.rebound": "After a miss: the offence's chance to rebound it.",
    "sim.fatigue": "Every second on court or on the bench: stamina drain and recovery.",
}


@dataclass(frozen=True, slots=True)
class EffectParameter:
    """Something an effect can change, where it acts and the range its result is clamped to."""

    name: str
    hook_point: HookPoint
    kind: ParameterKind
    minimum: float
    maximum: float
    description: str


def _p(
    name: str, hook: HookPoint, kind: ParameterKind, lo: float, hi: float, text: str
) -> tuple[str, EffectParameter]:
    return name, EffectParameter(name, hook, kind, lo, hi, text)


EFFECT_PARAMETERS: dict[str, EffectParameter] = dict(
    [
        _p("two_point_value", "sim.possession.pre", "points", 1, 20, "Points for a made two."),
        _p("three_point_value", "sim.possession.pre", "points", 1, 20, "Points for a made three."),
        _p("free_throw_value", "sim.possession.pre", "points", 1, 20, "Points per free throw."),
        _p(
            "turnover_probability",
            "sim.possession.pre",
            "probability",
            0.0,
            0.6,
            "Chance a possession ends in a turnover.",
        ),
        _p(
            "possession_length",
            "sim.possession.pre",
            "factor",
            0.25,
            4.0,
            "Multiplier on the seconds a possession takes.",
        ),
        _p(
            "at_rim_tendency", "sim.shot.select", "factor", 0.0, 20.0, "Weight of shots at the rim."
        ),
        _p("mid_range_tendency", "sim.shot.select", "factor", 0.0, 20.0, "Weight of mid-range."),
        _p("three_point_tendency", "sim.shot.select", "factor", 0.0, 20.0, "Weight of threes."),
        _p("at_rim_make", "sim.shot.make", "probability", 0.01, 0.99, "Make chance at the rim."),
        _p("mid_range_make", "sim.shot.make", "probability", 0.01, 0.99, "Make chance, mid-range."),
        _p("three_point_make", "sim.shot.make", "probability", 0.01, 0.99, "Make chance, threes."),
        _p(
            "free_throw_make", "sim.shot.make", "probability", 0.01, 0.99, "Free throw make chance."
        ),
        _p("foul_probability", "sim.foul", "probability", 0.0, 0.5, "Chance a defender fouls."),
        _p(
            "offensive_rebound_probability",
            "sim.rebound",
            "probability",
            0.0,
            0.9,
            "Chance the offence rebounds its own miss.",
        ),
        _p("stamina_drain", "sim.fatigue", "factor", 0.0, 5.0, "Multiplier on stamina drain."),
        _p("stamina_recovery", "sim.fatigue", "factor", 0.0, 5.0, "Multiplier on recovery."),
    ]
)

TARGET_KEYWORDS = ("all", "home", "away")


class Effect(BaseModel):
    """One declarative change to the simulation, registered by a passed proposal."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    effect_id: str = Field(min_length=1, max_length=100)
    hook_point: HookPoint
    parameter: str
    operation: Operation
    value: float = Field(ge=-1000.0, le=1000.0, allow_inf_nan=False)
    target: str = Field("all", min_length=1, max_length=100)
    description: str = Field("", max_length=500)
    proposal_id: str | None = None

    @model_validator(mode="after")
    def _parameter_fits_hook_point(self) -> Effect:
        spec = EFFECT_PARAMETERS.get(self.parameter)
        if spec is None:
            known = ", ".join(sorted(EFFECT_PARAMETERS))
            raise ValueError(f"unknown effect parameter '{self.parameter}' (known: {known})")
        if spec.hook_point != self.hook_point:
            raise ValueError(
                f"effect parameter '{self.parameter}' acts at {spec.hook_point}, "
                f"not {self.hook_point}"
            )
        return self

    def applies_to(self, team_id: str, is_home: bool) -> bool:
        """Whether this effect acts on the given team in this game."""
        if self.target == "all":
            return True
        if self.target in ("home", "away"):
            return (self.target == "home") == is_home
        return self.target == team_id

    def apply(self, current: float) -> float:
        """The parameter's value after this effect, before clamping."""
        if self.operation == "set":
            return self.value
        if self.operation == "add":
            return current + self.value
        return current * self.value


def resolve_value(
    effects: Iterable[Effect], parameter: str, team_id: str, is_home: bool, base: float
) -> float:
    """`base` after every matching effect in order, clamped to the parameter's range."""
    spec = EFFECT_PARAMETERS[parameter]
    value = base
    for effect in effects:
        if effect.parameter == parameter and effect.applies_to(team_id, is_home):
            value = effect.apply(value)
    return min(spec.maximum, max(spec.minimum, value))


def resolve_affine(
    effects: Iterable[Effect], parameter: str, team_id: str, is_home: bool
) -> tuple[float, float]:
    """Matching effects composed into one map x -> x * scale + shift, applied to a probability.

    A "set" discards what came before (scale 0), so order matters exactly as listed.
    """
    scale, shift = 1.0, 0.0
    for effect in effects:
        if effect.parameter != parameter or not effect.applies_to(team_id, is_home):
            continue
        if effect.operation == "set":
            scale, shift = 0.0, effect.value
        elif effect.operation == "add":
            shift += effect.value
        else:
            scale, shift = scale * effect.value, shift * effect.value
    return scale, shift
