"""The rule-parameter registry and the validated `RuleSet`.

`RuleSet` is the single source of truth for every rule governors can change: each field carries
its type, default, allowed range, unit, tier, one-line description and synonyms. Validation, the
interpreter, `/rules`, the docs and the tests all read `PARAMS`, which is built from it.

Tiers: 1 game mechanics, 2 hooper behaviour, 3 league structure, 4 meta-governance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from bot.domain.errors import RuleValidationError

TIER_NAMES = {
    1: "game mechanics",
    2: "hooper behaviour",
    3: "league structure",
    4: "meta-governance",
}


def _rule(
    default: int | float | bool,
    lo: int | float | None = None,
    hi: int | float | None = None,
    *,
    unit: str,
    tier: int,
    description: str,
    label: str,
    says: str,
    synonyms: tuple[str, ...] = (),
    choices: tuple[int, ...] = (),
) -> Any:
    """Declare one rule parameter: a pydantic Field plus the registry's metadata. `label` names
    it for players ("Shot clock"); `says` states a value as a sentence, `{n}` standing for the
    value in its unit and `(s)` for a plural ending ("The shot clock is {n} second(s)")."""
    extra: dict[str, Any] = {
        "unit": unit,
        "tier": tier,
        "label": label,
        "says": says,
        "synonyms": list(synonyms),
        "choices": list(choices),
    }
    return Field(
        default,
        ge=lo,
        le=hi,
        strict=not isinstance(default, float),
        description=description,
        json_schema_extra=extra,
    )


class RuleSet(BaseModel):
    """Every governable rule of a league, validated field by field and across fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # One compact declaration per rule reads better than the formatter's one-argument-per-line.
    # fmt: off
    # --- Tier 1: game mechanics -------------------------------------------------------------
    quarter_minutes: int = _rule(
        10, 1, 20, unit="minutes", tier=1,
        description="Length of each timed quarter.",
        label="Quarter length", says="Timed quarters last {n} minute(s)",
        synonyms=("quarter length", "quarter time", "quarters", "period length", "periods",
                  "minutes per quarter", "length of each quarter", "game clock"),
    )
    elam_trigger_quarter: int = _rule(
        3, 1, 4, unit="quarters", tier=1,
        description="Timed quarters played before the untimed Elam ending starts.",
        label="Timed quarters", says="The Elam ending starts after {n} timed quarter(s)",
        synonyms=("timed quarters", "number of quarters", "elam trigger", "elam quarter",
                  "when the elam starts", "elam start", "start of the elam", "timed periods",
                  "quarters before the elam"),
    )
    shot_clock_seconds: int = _rule(
        24, 10, 60, unit="seconds", tier=1,
        description="Seconds a team has to attempt a shot on each possession.",
        label="Shot clock", says="The shot clock is {n} second(s)",
        synonyms=("shot clock", "shotclock", "possession clock", "24 second clock", "second clock",
                  "shot timer", "possession timer"),
    )
    two_point_value: int = _rule(
        2, 1, 10, unit="points", tier=1,
        description="Points for a made shot inside the arc.",
        label="Two-point value", says="Two-pointers are worth {n} point(s)",
        synonyms=("twos", "two pointers", "two-pointers", "2s", "two point shots", "layups",
                  "dunks", "mid range", "mid-range", "inside shots", "deuces", "inside the arc",
                  "shots inside the arc", "buckets inside the arc", "2pt", "2pt shots",
                  "two point baskets", "two point buckets", "floaters"),
    )
    three_point_value: int = _rule(
        3, 1, 10, unit="points", tier=1,
        description="Points for a made shot from beyond the arc.",
        label="Three-point value", says="Three-pointers are worth {n} point(s)",
        synonyms=("threes", "three pointers", "three-pointers", "3s", "3-pointers", "triples",
                  "three point shots", "shots from deep", "deep shots", "treys", "downtown",
                  "from downtown", "shots from downtown", "long balls", "long ball", "bombs",
                  "three balls", "beyond the arc", "from beyond the arc",
                  "shots from beyond the arc", "behind the arc", "shots behind the arc", "3pt",
                  "3pt shots", "long range shots", "long range", "outside shots",
                  "three point baskets", "three point buckets", "trifectas"),
    )
    free_throw_value: int = _rule(
        1, 1, 5, unit="points", tier=1,
        description="Points for a made free throw.",
        label="Free-throw value", says="Free throws are worth {n} point(s)",
        synonyms=("free throws", "free-throws", "foul shots", "free throw", "fts",
                  "charity stripe", "the charity stripe", "from the charity stripe",
                  "shots from the charity stripe", "charity shots", "freebies", "free shots",
                  "foul line shots", "shots from the line", "from the line", "free throw shots",
                  "freethrows"),
    )
    three_point_distance_ft: float = _rule(
        22.15, 15.0, 30.0, unit="feet", tier=1,
        description="Distance of the three-point line from the basket.",
        label="Three-point line", says="The three-point line is {n} feet out",
        synonyms=("three point line", "three-point line", "three point distance",
                  "three-point distance", "the arc", "3pt line", "three point arc", "arc",
                  "arc distance", "distance of the arc", "depth of the arc",
                  "three point line distance", "3pt distance"),
    )
    personal_foul_limit: int = _rule(
        5, 3, 10, unit="fouls", tier=1,
        description="Personal fouls that send a hooper out of the game.",
        label="Foul limit", says="A hooper fouls out with {n} foul(s)",
        synonyms=("foul limit", "foul out", "foul-out", "personal fouls", "fouls to foul out",
                  "fouls to disqualify", "disqualification", "foul outs", "fouling out",
                  "fouls per player", "player foul limit", "fouls per hooper",
                  "fouls before fouling out"),
    )
    team_foul_bonus_threshold: int = _rule(
        4, 1, 15, unit="fouls per quarter", tier=1,
        description="Team fouls in a quarter after which every foul gives free throws.",
        label="Bonus threshold", says="The bonus starts after {n} team foul(s) in a quarter",
        synonyms=("bonus", "bonus threshold", "team fouls", "penalty", "team foul limit",
                  "penalty threshold", "foul bonus", "team fouls per quarter",
                  "team fouls a quarter", "fouls until the bonus", "team foul threshold",
                  "bonus line", "penalty situation"),
    )
    elam_margin: int = _rule(
        13, 1, 40, unit="points", tier=1,
        description="Points added to the leading score to set the Elam target.",
        label="Elam margin", says="The Elam target is the leading score plus {n}",
        synonyms=("elam", "elam target", "elam ending", "target score", "elam margin", "target",
                  "elam target score", "elam points", "elam score", "points to win",
                  "target margin", "elam lead", "elam number", "leading score plus",
                  "leading score +"),
    )
    turnover_rate_modifier: float = _rule(
        1.0, 0.0, 3.0, unit="x", tier=1,
        description="Multiplier on how often possessions end in a turnover.",
        label="Turnover rate", says="Turnovers happen at {n} the usual rate",
        synonyms=("turnovers", "turnover rate", "turnover", "giveaways", "steals", "tos",
                  "turnover frequency", "turnover chance", "coughing it up", "cough ups",
                  "lost balls"),
    )
    foul_rate_modifier: float = _rule(
        1.0, 0.0, 3.0, unit="x", tier=1,
        description="Multiplier on how often defenders foul.",
        label="Foul rate", says="Fouls happen at {n} the usual rate",
        synonyms=("fouls", "foul rate", "fouling", "physicality", "physical", "foul calls",
                  "fouls called", "whistles", "whistle", "refs", "referees", "officiating",
                  "fouling rate"),
    )
    offensive_rebound_weight: float = _rule(
        1.0, 0.0, 3.0, unit="x", tier=1,
        description="Multiplier on the offence's chance to grab its own miss.",
        label="Offensive rebounding", says="Offensive rebounds come at {n} the usual rate",
        synonyms=("offensive rebounds", "offensive rebounding", "putbacks", "second chances",
                  "second chance points", "boards", "offensive boards", "o boards", "oboards",
                  "o rebounds", "offensive glass", "the glass", "crashing the glass",
                  "crash the glass", "orebs", "oreb", "tip ins", "second chance shots", "rebounds",
                  "rebounding", "offensive rebound rate", "rebound rate"),
    )
    home_court_enabled: bool = _rule(
        True, unit="on/off", tier=1,
        description="Whether the home team gets a home-court advantage at all.",
        label="Home-court advantage", says="Home-court advantage is {n}",
        synonyms=("home court", "home-court", "home advantage", "home court advantage",
                  "home-court advantage", "home crowd", "home cooking", "home court edge",
                  "home edge", "home team advantage", "homecourt", "homecourt advantage",
                  "home floor advantage", "crowd advantage", "home crowd advantage"),
    )
    home_court_strength: float = _rule(
        1.0, 0.0, 3.0, unit="x", tier=1,
        description="Multiplier on the size of the home-court advantage.",
        label="Home-court strength", says="Home-court advantage is {n} its usual size",
        synonyms=("home court strength", "home-court strength", "crowd noise",
                  "home crowd strength", "home advantage strength", "home court boost",
                  "home court effect", "home crowd noise", "crowd strength",
                  "size of the home court advantage", "home court size", "crowd factor",
                  "home court factor"),
    )

    # --- Tier 2: hooper behaviour ----------------------------------------------------------
    stamina_drain_rate: float = _rule(
        1.0, 0.0, 3.0, unit="x", tier=2,
        description="Multiplier on how fast hoopers tire while on court.",
        label="Stamina drain", says="Hoopers tire at {n} the usual rate",
        synonyms=("stamina drain", "fatigue", "tiredness", "stamina loss", "stamina", "tire",
                  "tiring", "get tired", "getting tired", "tire out", "exhaustion", "fatigue rate",
                  "energy drain", "how fast hoopers tire", "how fast players tire"),
    )
    stamina_recovery_rate: float = _rule(
        1.0, 0.0, 3.0, unit="x", tier=2,
        description="Multiplier on how fast benched hoopers recover stamina.",
        label="Stamina recovery", says="Benched hoopers recover at {n} the usual rate",
        synonyms=("stamina recovery", "recovery", "rest", "recovery rate", "bench recovery",
                  "stamina regen", "stamina regeneration", "recover", "recovering",
                  "recovery speed", "energy recovery", "bench rest", "resting"),
    )
    substitution_threshold: float = _rule(
        0.35, 0.0, 0.9, unit="stamina share", tier=2,
        description="Stamina below which a tired hooper is subbed out if the bench is fresher.",
        label="Substitution threshold", says="Tired hoopers are subbed out below {n} stamina",
        synonyms=("substitution threshold", "substitutions", "subs", "sub threshold",
                  "substitution", "sub out threshold", "subbing", "substitution point",
                  "sub stamina", "bench threshold", "rotation threshold", "sub out", "subbing out",
                  "when to sub"),
    )

    # --- Tier 3: league structure ------------------------------------------------------------
    teams_per_league: int = _rule(
        8, 2, 16, unit="teams", tier=3,
        description="Number of teams in the league (takes effect next season).",
        label="Teams in the league", says="The league has {n} team(s) (from next season)",
        synonyms=("teams", "league size", "number of teams", "teams in the league", "league teams",
                  "expansion", "expansion teams", "franchises", "number of franchises", "clubs",
                  "team count", "teams in league"),
    )
    round_robins_per_season: int = _rule(
        3, 1, 6, unit="round robins", tier=3,
        description="Times every team plays every other team in the regular season.",
        label="Round robins", says="The regular season is {n} round robin(s)",
        synonyms=("round robins", "round-robins", "season length", "regular season length",
                  "round robin", "regular season", "length of the season",
                  "times teams play each other", "times each team plays each other"),
    )
    playoff_teams: int = _rule(
        4, 2, 8, unit="teams", tier=3, choices=(2, 4, 8),
        description="Teams that make the playoffs (2, 4 or 8).",
        label="Playoff teams", says="{n} team(s) make the playoffs",
        synonyms=("playoff teams", "playoffs", "playoff spots", "playoff field",
                  "teams in the playoffs", "postseason teams", "postseason", "playoff berths",
                  "playoff bracket", "bracket", "bracket size", "playoff size", "playoff seeds",
                  "seeds", "postseason spots"),
    )
    semifinal_series_length: int = _rule(
        3, 1, 7, unit="games", tier=3,
        description="Games in a best-of-N semifinal series (odd).",
        label="Semifinal length", says="Semifinals are best of {n}",
        synonyms=("semifinal series", "semifinals", "semis", "semifinal length",
                  "semi-final series", "semi-finals", "semifinal", "semi final", "semi finals",
                  "semi", "semifinal games", "semifinal round"),
    )
    final_series_length: int = _rule(
        5, 1, 9, unit="games", tier=3,
        description="Games in the best-of-N championship series (odd).",
        label="Final length", says="The final is best of {n}",
        synonyms=("final series", "finals", "championship series", "final", "championship",
                  "championship round", "title series", "finals series", "grand final",
                  "championship games", "final round"),
    )
    rounds_per_window: int = _rule(
        3, 1, 10, unit="rounds", tier=3,
        description="Rounds played per governance window.",
        label="Rounds per window", says="A governance window lasts {n} round(s)",
        synonyms=("rounds per window", "governance window", "window length",
                  "governance window length", "rounds between votes", "vote every", "votes every",
                  "voting every", "governance every", "rounds per vote", "voting frequency",
                  "governance frequency", "voting window", "rounds between governance"),
    )

    # --- Tier 4: meta-governance ---------------------------------------------------------------
    proposals_per_window: int = _rule(
        2, 1, 10, unit="proposals per governor", tier=4,
        description="Proposals each governor may submit per governance window.",
        label="Proposals per window", says="Each governor may propose {n} time(s) a window",
        synonyms=("proposal limit", "proposals per window", "proposals per governor",
                  "max proposals", "proposal cap", "proposals allowed", "proposal allowance",
                  "number of proposals", "proposals per person",
                  "proposals per governance window"),
    )
    max_amendments: int = _rule(
        2, 0, 5, unit="amendments", tier=4,
        description="Amendments allowed on a single proposal.",
        label="Amendments allowed", says="A proposal may be amended {n} time(s)",
        synonyms=("amendment limit", "amendments", "max amendments", "amendments per proposal",
                  "amendment cap", "amendments allowed", "amends", "amend limit",
                  "edits per proposal", "number of amendments", "times a proposal can be amended"),
    )
    vote_threshold: float = _rule(
        0.5, 0.5, 0.95, unit="share of yes", tier=4,
        description="Share of weighted yes votes a proposal must strictly exceed to pass.",
        label="Vote threshold", says="A proposal passes with more than {n} of weighted yes votes",
        synonyms=("vote threshold", "voting threshold", "passing threshold", "threshold",
                  "majority needed", "supermajority", "to pass", "needed to pass", "votes to pass",
                  "votes needed to pass", "majority", "majority to pass", "yes votes", "of votes",
                  "of the votes", "of the vote", "pass mark", "passing mark", "pass threshold",
                  "approval threshold", "super majority", "pass rate", "passing percentage",
                  "threshold to pass", "votes needed", "vote share", "yes share"),
    )
    quorum: float = _rule(
        0.5, 0.0, 1.0, unit="share of team weight", tier=4,
        description="Share of all team vote weight that must be cast for a tally to count.",
        label="Quorum", says="A tally counts once {n} of all team vote weight is cast",
        synonyms=("quorum", "turnout", "minimum turnout", "participation", "turnout needed",
                  "minimum participation", "voter turnout", "participation threshold",
                  "quorum threshold", "turnout threshold", "participation rate", "turnout rate"),
    )
    initial_tokens: int = _rule(
        2, 0, 10, unit="tokens of each type", tier=4,
        description="Tokens of each type a governor receives on joining.",
        label="Starting tokens", says="New governors get {n} token(s) of each type",
        synonyms=("starting tokens", "initial tokens", "tokens on joining", "join grant",
                  "new governors", "new governor tokens", "tokens for new governors",
                  "starting balance", "starting token balance", "signup tokens", "sign up tokens",
                  "welcome tokens", "initial token grant", "joining tokens", "tokens when joining",
                  "tokens to start", "starting grant"),
    )
    token_regeneration: int = _rule(
        1, 0, 5, unit="tokens of each type", tier=4,
        description="Tokens of each type regenerated at every window close.",
        label="Token regeneration",
        says="Governors regain {n} token(s) of each type at every window close",
        synonyms=("token regeneration", "token regen", "regeneration", "token refresh",
                  "tokens per window", "regen", "regenerate", "regenerated tokens",
                  "tokens regenerate", "tokens each window", "tokens a window", "token refill",
                  "refill", "token income", "token drip"),
    )
    token_cap: int = _rule(
        6, 1, 50, unit="tokens of each type", tier=4,
        description="Most tokens of one type regeneration can bring a governor to.",
        label="Token cap", says="Regeneration stops at {n} token(s) of each type",
        synonyms=("token cap", "token limit", "max tokens", "maximum tokens", "cap tokens",
                  "tokens cap", "cap on tokens", "token ceiling", "token max", "tokens max",
                  "most tokens", "maximum token balance", "max token balance", "token maximum"),
    )
    # fmt: on

    @model_validator(mode="after")
    def _check_across_fields(self) -> RuleSet:
        # Each check keeps a game or season able to finish; messages name the parameters.
        for name in ("semifinal_series_length", "final_series_length"):
            if getattr(self, name) % 2 == 0:
                raise ValueError(f"{name} must be an odd number of games (best of N)")
        if self.playoff_teams not in (2, 4, 8):
            raise ValueError("playoff_teams must be 2, 4 or 8")
        if self.playoff_teams > self.teams_per_league:
            raise ValueError(
                f"playoff_teams ({self.playoff_teams}) cannot exceed "
                f"teams_per_league ({self.teams_per_league})"
            )
        if self.shot_clock_seconds > self.quarter_minutes * 60:
            raise ValueError(
                f"shot_clock_seconds ({self.shot_clock_seconds}) cannot exceed the quarter "
                f"length ({self.quarter_minutes * 60} seconds)"
            )
        if self.initial_tokens > self.token_cap:
            raise ValueError(
                f"initial_tokens ({self.initial_tokens}) cannot exceed token_cap ({self.token_cap})"
            )
        return self

    def with_changes(self, changes: Mapping[str, object]) -> RuleSet:
        """Return a new rule set with `changes` applied, or raise `RuleValidationError`."""
        for name in changes:
            if name not in PARAMS:
                raise RuleValidationError(f"There is no rule called '{name}'.")
        data = self.model_dump()
        data.update(changes)
        return parse_ruleset(data)

    def changed_from(self, other: RuleSet) -> dict[str, tuple[object, object]]:
        """Parameters whose values differ: name -> (other's value, this value)."""
        mine, theirs = self.model_dump(), other.model_dump()
        return {k: (theirs[k], mine[k]) for k in mine if mine[k] != theirs[k]}


@dataclass(frozen=True, slots=True)
class RuleParam:
    """One governable parameter, as the registry describes it."""

    name: str
    type: type
    default: int | float | bool
    minimum: int | float | None
    maximum: int | float | None
    unit: str
    tier: int
    description: str
    synonyms: tuple[str, ...]
    choices: tuple[int, ...]
    label: str = ""
    says: str = "{n}"

    def show(self, value: object) -> str:
        """A value as players read it: "on", "60%", "1.5×", "22.15" (the unit is the
        sentence's)."""
        if isinstance(value, bool):
            return "on" if value else "off"
        if self.unit in SHARE_UNITS and isinstance(value, int | float):
            return f"{_number(value * 100)}%"
        if self.unit == "x" and isinstance(value, int | float):
            return f"{_number(value)}×"
        return _number(value) if isinstance(value, int | float) else str(value)

    def sentence(self, value: object, *, bold: bool = False) -> str:
        """The rule at `value` in words: "Three-pointers are worth 4 points"."""
        shown = self.show(value)
        one = shown in ("1", "1×")
        text = self.says.replace("(s)", "" if one else "s")
        return text.replace("{n}", f"**{shown}**" if bold else shown)

    def change(self, old: object, new: object, *, bold: bool = False) -> str:
        """A change in words: "Three-pointers are worth 4 points (now 3)"."""
        return f"{self.sentence(new, bold=bold)} (now {self.show(old)})"

    @property
    def allowed(self) -> str:
        """The allowed values, in words, for error messages and `/rules`."""
        if self.type is bool:
            return "on or off"
        if self.choices:
            return ", ".join(str(c) for c in self.choices)
        return f"{_fmt(self.minimum)} to {_fmt(self.maximum)}"

    def check(self, value: object) -> int | float | bool:
        """Validate one value for this parameter alone (range and type)."""
        try:
            validated = RuleSet.__pydantic_validator__.validate_assignment(
                RuleSet.model_construct(), self.name, value
            )
        except PydanticValidationError:
            raise RuleValidationError(
                f"{self.label} must be {self.allowed} ({self.unit}); got {value!r}."
            ) from None
        result: int | float | bool = getattr(validated, self.name)
        if self.choices and result not in self.choices:
            raise RuleValidationError(f"{self.label} must be one of {self.allowed}; got {value!r}.")
        return result


def _fmt(value: int | float | None) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


SHARE_UNITS = ("share of yes", "share of team weight", "stamina share")  # shown as percentages


def _number(value: int | float) -> str:
    """Whole numbers without '.0', at most two decimals."""
    if isinstance(value, float):
        rounded = round(value, 2)
        return str(int(rounded)) if rounded.is_integer() else f"{rounded:g}"
    return str(value)


def _build_registry() -> dict[str, RuleParam]:
    registry: dict[str, RuleParam] = {}
    for name, field in RuleSet.model_fields.items():
        extra = field.json_schema_extra
        assert isinstance(extra, dict)
        lo: int | float | None = None
        hi: int | float | None = None
        for meta in field.metadata:
            lo = getattr(meta, "ge", lo)
            hi = getattr(meta, "le", hi)
        annotation = {int: int, float: float, bool: bool}[field.annotation]  # type: ignore[index]
        synonyms = extra["synonyms"]
        choices = extra["choices"]
        assert isinstance(synonyms, list) and isinstance(choices, list)
        registry[name] = RuleParam(
            name=name,
            type=annotation,
            default=field.default,
            minimum=lo,
            maximum=hi,
            unit=str(extra["unit"]),
            tier=int(str(extra["tier"])),
            description=field.description or "",
            synonyms=tuple(str(s) for s in synonyms),
            choices=tuple(int(str(c)) for c in choices),
            label=str(extra["label"]),
            says=str(extra["says"]),
        )
    return registry


PARAMS: dict[str, RuleParam] = _build_registry()
DEFAULT_RULES = RuleSet()


def parse_ruleset(data: Mapping[str, object]) -> RuleSet:
    """Validate a whole rule set (e.g. from storage), raising `RuleValidationError`."""
    try:
        return RuleSet.model_validate(dict(data))
    except PydanticValidationError as exc:
        raise RuleValidationError(_explain(exc)) from None


def _explain(exc: PydanticValidationError) -> str:
    messages = []
    for err in exc.errors():
        loc = err.get("loc") or ()
        name = str(loc[0]) if loc else ""
        if name in PARAMS:
            p = PARAMS[name]
            messages.append(f"{p.label} must be {p.allowed} ({p.unit}); got {err.get('input')!r}.")
        elif err.get("type") == "extra_forbidden":
            messages.append(f"There is no rule called '{name}'.")
        else:
            messages.append(str(err.get("msg", "invalid rule set")).removeprefix("Value error, "))
    return " ".join(messages)


def param(name: str) -> RuleParam:
    """Look a parameter up by its exact name."""
    try:
        return PARAMS[name]
    except KeyError:
        raise RuleValidationError(f"There is no rule called '{name}'.") from None
