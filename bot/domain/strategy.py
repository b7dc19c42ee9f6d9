"""A team's strategy: bounded biases a governor sets and the simulation reads.

Every field defaults to neutral (0.0), so `TeamStrategy()` plays exactly like no strategy at all.
Biases are relative, not absolute: a `three_point_bias` of +1 roughly triples the weight a hooper
gives to threes before the value-aware shot choice; -1 divides it by three.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TeamStrategy(BaseModel):
    """How a team wants to play. Every field is a bounded float; 0.0 means neutral."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    three_point_bias: float = Field(
        0.0,
        ge=-1.0,
        le=1.0,
        allow_inf_nan=False,
        description="Lean toward (+) or away from threes.",
    )
    mid_range_bias: float = Field(
        0.0, ge=-1.0, le=1.0, allow_inf_nan=False, description="Lean toward mid-range jumpers."
    )
    at_rim_bias: float = Field(
        0.0, ge=-1.0, le=1.0, allow_inf_nan=False, description="Lean toward shots at the rim."
    )
    defensive_intensity: float = Field(
        0.0,
        ge=-1.0,
        le=1.0,
        allow_inf_nan=False,
        description="Pressure: more contests and steals, but more fouls and faster fatigue.",
    )
    pace_modifier: float = Field(
        0.0,
        ge=-1.0,
        le=1.0,
        allow_inf_nan=False,
        description="Relative change in possession length: negative pushes the pace.",
    )
    substitution_threshold_modifier: float = Field(
        0.0,
        ge=-0.5,
        le=0.5,
        allow_inf_nan=False,
        description="Added to the league's substitution threshold (stamina share).",
    )

    @property
    def is_neutral(self) -> bool:
        """True when every bias is zero."""
        return self == NEUTRAL_STRATEGY


NEUTRAL_STRATEGY = TeamStrategy()
