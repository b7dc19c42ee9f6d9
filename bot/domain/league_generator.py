"""The seeded league generator: teams, venues, hoopers and their attributes.

Everything comes from one `random.Random(seed)` and ids are uuid5 of the seed, so the same seed
gives the same league in any process. Every generated hooper spends the whole attribute budget;
teams differ by how their archetypes fit together, not by how many points they were given.
"""

from __future__ import annotations

import random
import uuid

from bot.domain.errors import ValidationError
from bot.domain.league import (
    ARCHETYPES,
    ATTRIBUTE_BUDGET,
    ATTRIBUTE_FLOOR,
    ATTRIBUTE_NAMES,
    ROSTER_SIZE,
    STARTERS,
    Archetype,
    Hooper,
    HooperAttributes,
    Team,
    Venue,
)

MAX_TEAMS = 16
_NAMESPACE = uuid.UUID("6f1c2b7e-3f0a-5d8e-9c41-70696e776865")

_PLACES = (
    ("Rose City", "Portland"),
    ("Burnside", "Portland"),
    ("St. Johns", "Portland"),
    ("Hawthorne", "Portland"),
    ("Alberta", "Portland"),
    ("Sellwood", "Portland"),
    ("Foster", "Portland"),
    ("Mississippi", "Portland"),
    ("Belmont", "Portland"),
    ("Division", "Portland"),
    ("Pearl", "Portland"),
    ("Kenton", "Portland"),
    ("Laurelhurst", "Portland"),
    ("Montavilla", "Portland"),
    ("Woodstock", "Portland"),
    ("Lents", "Portland"),
)
_MASCOTS = (
    "Thorns",
    "Breakers",
    "Herons",
    "Hammers",
    "Pinwheels",
    "Comets",
    "Foxes",
    "Lanterns",
    "Owls",
    "Tides",
    "Sparks",
    "Ravens",
    "Cyclones",
    "Moths",
    "Otters",
    "Kites",
)
_COLORS = (
    "#C8102E",
    "#1D428A",
    "#00788C",
    "#F58426",
    "#6F263D",
    "#007A33",
    "#FDB927",
    "#5A2D81",
    "#E03A3E",
    "#0C2340",
    "#00A3AD",
    "#B4975A",
    "#CE1141",
    "#236192",
    "#2C5234",
    "#EF3B24",
)
_MOTTOS = (
    "The rules bend; we don't.",
    "Spin it again.",
    "Every possession is a vote.",
    "Fortune favours the fast.",
    "We read the fine print.",
    "Loud in the paint, quiet in the window.",
    "Nothing is certain but the rim.",
    "Three on three, all of us.",
    "Win the rebound, win the day.",
    "The target is always in sight.",
    "Play it like it's written.",
    "Chaos is a ladder.",
    "Defend the arc.",
    "Fast hands, slow hearts.",
    "One more pass.",
    "Whatever the rules say, we're ready.",
)
_VENUE_KINDS = ("Arena", "Fieldhouse", "Gym", "Pavilion", "Court", "Dome", "Hall", "Coliseum")
_FIRST_NAMES = (
    "Ada", "Bea", "Cal", "Dez", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jax", "Kit", "Lou", "Mo",
    "Nell", "Otis", "Pia", "Quin", "Rae", "Sol", "Tam", "Uma", "Vic", "Wren", "Xan", "Yuki",
    "Zed", "Ari", "Bo", "Cy", "Dot", "Emm", "Flo", "Gil", "Hob", "Ines", "Jun", "Kai", "Lia",
)  # fmt: skip
_LAST_NAMES = (
    "Okafor", "Lindqvist", "Marchetti", "Nakamura", "Adeyemi", "Vasquez", "Brennan", "Kowalski",
    "Haddad", "Osei", "Petrov", "Quintero", "Rasmussen", "Sato", "Tremblay", "Umarov", "Varga",
    "Whitlock", "Xiong", "Yilmaz", "Zamora", "Abara", "Bergstrom", "Castellanos", "Dubois",
    "Eriksen", "Fontaine", "Guerrero", "Holloway", "Ibarra", "Jovanovic", "Kealoha",
)  # fmt: skip


def derived_id(seed: int | str, *parts: object) -> str:
    """A stable id from the seed and a path (uuid5, never uuid4)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in (seed, *parts))))


def generate_attributes(
    rng: random.Random, archetype: Archetype, budget: int = ATTRIBUTE_BUDGET
) -> HooperAttributes:
    """Spend exactly `budget` points, in chunks of 5, leaning toward the archetype's emphasis."""
    lowest, highest = ATTRIBUTE_FLOOR * len(ATTRIBUTE_NAMES), min(ATTRIBUTE_BUDGET, 900)
    if not lowest <= budget <= highest:
        raise ValidationError(f"attribute budget must be {lowest} to {highest}; got {budget}.")
    values = dict.fromkeys(ATTRIBUTE_NAMES, ATTRIBUTE_FLOOR)
    weights = [1.0 + archetype.emphasis.get(name, 0.0) for name in ATTRIBUTE_NAMES]
    left = budget - lowest
    while left > 0:
        name = rng.choices(ATTRIBUTE_NAMES, weights)[0]
        step = min(5, left, 100 - values[name])
        values[name] += step
        left -= step
    return HooperAttributes(**values)


def generate_hooper(
    rng: random.Random, hooper_id: str, archetype: Archetype, *, starter: bool
) -> Hooper:
    """One hooper of the given archetype, with a name and a one-line backstory."""
    name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
    return Hooper(
        id=hooper_id,
        name=name,
        archetype=archetype.name,
        attributes=generate_attributes(rng, archetype),
        moves=(archetype.move,),
        backstory=f"{name.split()[0]} {archetype.blurb}.",
        starter=starter,
    )


def generate_team(rng: random.Random, seed: int | str, index: int) -> Team:
    """Team number `index` of the league generated from `seed`."""
    place, city = _PLACES[index]
    archetypes = rng.sample(sorted(ARCHETYPES), ROSTER_SIZE)
    hoopers = tuple(
        generate_hooper(
            rng,
            derived_id(seed, "team", index, "hooper", slot),
            ARCHETYPES[kind],
            starter=slot < STARTERS,
        )
        for slot, kind in enumerate(archetypes)
    )
    venue = Venue(
        name=f"{place} {rng.choice(_VENUE_KINDS)}",
        city=city,
        capacity=rng.randrange(2_000, 20_001, 500),
    )
    return Team(
        id=derived_id(seed, "team", index),
        name=f"{place} {_MASCOTS[index]}",
        color=_COLORS[index],
        motto=_MOTTOS[index],
        venue=venue,
        hoopers=hoopers,
    )


def generate_league(seed: int | str, team_count: int = 8) -> tuple[Team, ...]:
    """`team_count` teams (2 to 16) generated from `seed`; the same seed, the same league."""
    if not 2 <= team_count <= MAX_TEAMS:
        raise ValidationError(f"a league needs 2 to {MAX_TEAMS} teams; got {team_count}.")
    rng = random.Random(f"pinwheel-league/{seed}")
    order = rng.sample(range(MAX_TEAMS), team_count)
    return tuple(generate_team(rng, seed, index) for index in order)


def mirror_team(team: Team, seed: int | str, name: str) -> Team:
    """A copy of `team` with new ids and name: the same hoopers' attributes, for fair tests."""
    hoopers = tuple(
        h.model_copy(update={"id": derived_id(seed, "mirror", team.id, h.id)}) for h in team.hoopers
    )
    return team.model_copy(
        update={"id": derived_id(seed, "mirror", team.id), "name": name, "hoopers": hoopers}
    )


def mid_table_pair(seed: int | str) -> tuple[Team, Team]:
    """Two equal teams: a generated team and its mirror, for realism checks and what-ifs."""
    rng = random.Random(f"pinwheel-pair/{seed}")
    home = generate_team(rng, f"pair/{seed}", 0)
    return home, mirror_team(home, seed, f"{home.name} Mirror")
