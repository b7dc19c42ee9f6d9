"""Hoopers, teams and the seeded league generator.

A hooper has nine attributes on a 1-100 scale that share a budget (`ATTRIBUTE_BUDGET` points in
all, so the league average is 50 in everything), an archetype that decides where the budget goes,
and a signature move. Teams have four hoopers: three starters and one on the bench.

The seeded generator lives in `bot.domain.league_generator`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ATTRIBUTE_NAMES = (
    "scoring",
    "passing",
    "defense",
    "speed",
    "stamina",
    "iq",
    "ego",
    "chaotic_alignment",
    "fate",
)
ATTRIBUTE_BUDGET = 450  # points shared by a hooper's nine attributes: an average of 50 each
ATTRIBUTE_FLOOR = 20  # every attribute starts here before the archetype spends the rest
ROSTER_SIZE = 4
STARTERS = 3

_Attr = Field(ge=1, le=100, strict=True)


class HooperAttributes(BaseModel):
    """Nine attributes, 1-100, whose total may not exceed `ATTRIBUTE_BUDGET`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scoring: int = _Attr
    passing: int = _Attr
    defense: int = _Attr
    speed: int = _Attr
    stamina: int = _Attr
    iq: int = _Attr
    ego: int = _Attr
    chaotic_alignment: int = _Attr
    fate: int = _Attr

    @property
    def total(self) -> int:
        """Budget points spent."""
        return sum(getattr(self, name) for name in ATTRIBUTE_NAMES)

    @model_validator(mode="after")
    def _within_budget(self) -> HooperAttributes:
        if self.total > ATTRIBUTE_BUDGET:
            raise ValueError(
                f"attributes total {self.total}, over the budget of {ATTRIBUTE_BUDGET} points"
            )
        return self


MoveKind = Literal[
    "at_rim", "mid_range", "three_point", "clutch", "lockdown", "glass", "engine", "handles"
]

MOVE_KINDS: dict[str, str] = {
    "at_rim": "may add `bonus` to the make chance of the hooper's shots at the rim",
    "mid_range": "may add `bonus` to the make chance of the hooper's mid-range shots",
    "three_point": "may add `bonus` to the make chance of the hooper's threes",
    "clutch": "may add `bonus` to the make chance of any shot in the Elam ending",
    "lockdown": "may take `bonus` off the make chance of the shooter the hooper guards",
    "glass": "always on: rebounding weight times (1 + bonus)",
    "engine": "always on: stamina drain times (1 - bonus)",
    "handles": "always on: turnover chance times (1 - bonus)",
}


class Move(BaseModel):
    """A signature move. Rolled moves fire with `chance` per eligible play; others always apply."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    kind: MoveKind
    bonus: float = Field(ge=0.0, le=0.9, allow_inf_nan=False)
    chance: float = Field(1.0, ge=0.0, le=1.0, allow_inf_nan=False)
    description: str = Field("", max_length=300)


class Hooper(BaseModel):
    """A simulated basketball player."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=100)
    archetype: str = Field(min_length=1, max_length=30)
    attributes: HooperAttributes
    moves: tuple[Move, ...] = ()
    backstory: str = Field("", max_length=1000)
    starter: bool = True


class Venue(BaseModel):
    """Where a team plays its home games."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    city: str = Field(min_length=1, max_length=100)
    capacity: int = Field(ge=100, le=100_000)


class Team(BaseModel):
    """A team: three starters and at least zero bench hoopers (generated teams have one)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=100)
    color: str = Field("#888888", pattern=r"^#[0-9a-fA-F]{6}$")
    motto: str = Field("", max_length=200)
    venue: Venue
    hoopers: tuple[Hooper, ...] = Field(min_length=STARTERS, max_length=8)

    @model_validator(mode="after")
    def _three_starters_unique_ids(self) -> Team:
        starters = sum(1 for h in self.hoopers if h.starter)
        if starters != STARTERS:
            raise ValueError(f"a team needs exactly {STARTERS} starters, got {starters}")
        if len({h.id for h in self.hoopers}) != len(self.hoopers):
            raise ValueError("hooper ids must be unique within a team")
        return self

    @property
    def starters(self) -> tuple[Hooper, ...]:
        return tuple(h for h in self.hoopers if h.starter)

    @property
    def bench(self) -> tuple[Hooper, ...]:
        return tuple(h for h in self.hoopers if not h.starter)


@dataclass(frozen=True, slots=True)
class Archetype:
    """Where a kind of hooper spends the budget, and the move it is known for."""

    name: str
    emphasis: dict[str, float]  # extra weight per attribute when spending the budget
    move: Move
    blurb: str


def _move(name: str, kind: MoveKind, bonus: float, chance: float, text: str) -> Move:
    return Move(name=name, kind=kind, bonus=bonus, chance=chance, description=text)


ARCHETYPES: dict[str, Archetype] = {
    a.name: a
    for a in (
        Archetype(
            "sharpshooter",
            {"scoring": 3.0, "iq": 2.0},
            _move("Deep Range", "three_point", 0.10, 0.3, "Pulls up from anywhere."),
            "lives beyond the arc",
        ),
        Archetype(
            "slasher",
            {"speed": 3.0, "scoring": 2.0},
            _move(
                "Downhill", "at_rim", 0.10, 0.35, "Gets to the rim and finishes through contact."
            ),
            "attacks the basket",
        ),
        Archetype(
            "floor_general",
            {"passing": 3.0, "iq": 3.0},
            _move("Handles", "handles", 0.3, 1.0, "Almost never gives the ball away."),
            "runs the offence",
        ),
        Archetype(
            "lockdown",
            {"defense": 3.0, "speed": 1.0, "stamina": 1.0},
            _move("Clamp", "lockdown", 0.08, 0.35, "Smothers the hooper in front of them."),
            "guards the best scorer",
        ),
        Archetype(
            "glass_cleaner",
            {"defense": 2.0, "stamina": 2.0, "speed": 1.0},
            _move("Glass Eater", "glass", 0.6, 1.0, "Every miss is a rebound opportunity."),
            "owns the boards",
        ),
        Archetype(
            "wildcard",
            {"chaotic_alignment": 3.0, "scoring": 1.0, "ego": 1.0},
            _move(
                "Chaos Step", "mid_range", 0.12, 0.3, "Nobody, including them, knows what's next."
            ),
            "makes the improbable routine",
        ),
        Archetype(
            "closer",
            {"fate": 3.0, "scoring": 2.0, "ego": 1.0},
            _move("Ice Veins", "clutch", 0.12, 0.5, "Wants the ball when the target is in sight."),
            "wants the last shot",
        ),
        Archetype(
            "iron_horse",
            {"stamina": 3.0, "defense": 1.0, "passing": 1.0},
            _move("Second Wind", "engine", 0.35, 1.0, "Never seems to tire."),
            "plays every minute",
        ),
    )
}


def apply_rosters(
    teams: Mapping[str, Team], rosters: Mapping[str, Sequence[str]]
) -> dict[str, Team]:
    """The teams as they play with `rosters` (team id -> hooper ids after executed trades).

    An arriving hooper takes the role (starter or bench) of the one who left, so every team
    keeps its three starters; a team whose roster did not change is returned as it was.
    """
    by_id = {h.id: h for team in teams.values() for h in team.hoopers}
    played: dict[str, Team] = {}
    for team_id, team in teams.items():
        wanted = set(rosters.get(team_id, [h.id for h in team.hoopers]))
        leaving = [h for h in team.hoopers if h.id not in wanted]
        arriving = sorted(wanted - {h.id for h in team.hoopers})
        if not leaving and not arriving:
            played[team_id] = team
            continue
        if len(leaving) != len(arriving):
            raise ValueError(f"roster of {team.name} changed size: trades are one for one")
        role = {new: old.starter for old, new in zip(leaving, arriving, strict=True)}
        hoopers = [h for h in team.hoopers if h.id in wanted] + [
            by_id[new].model_copy(update={"starter": role[new]}) for new in arriving
        ]
        # Validated, not copied: the three-starters rule must hold for the team that plays.
        played[team_id] = Team.model_validate({**dict(team), "hoopers": tuple(hoopers)})
    return played
