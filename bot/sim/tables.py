"""Compile a game's inputs into flat tables the engine reads without pydantic.

Everything that does not change during a game is computed here once: each hooper's make chances,
shot mix, turnover and foul tendencies; the rules; strategies; home court; and every declarative
effect, resolved at the hook point it names. Hoopers are numbered 0..n-1, home roster first;
per-shot-type tables are flat lists indexed `hooper * 3 + shot_type`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.domain.effects import Effect, resolve_affine, resolve_value
from bot.domain.league import Hooper, HooperAttributes, Team
from bot.domain.rules import DEFAULT_RULES, RuleSet
from bot.domain.strategy import TeamStrategy
from bot.sim import calibration as c

_TYPE_PARAMS = ("at_rim", "mid_range", "three_point")
_REFERENCE_VALUES = (2, 2, 3)  # the default points of each shot type: the calibration's baseline


@dataclass(slots=True)
class GameTables:
    """Everything the engine needs, as plain lists and numbers."""

    hooper_ids: list[str]
    team_ids: tuple[str, str]
    side_of: list[int]
    starters: tuple[list[int], list[int]]
    bench: tuple[list[int], list[int]]
    # Rules (seconds, points, fouls).
    quarter_seconds: float
    timed_periods: int
    shot_clock: float
    foul_limit: int
    bonus_threshold: int
    elam_margin: int
    # Per side.
    values: list[int] = field(default_factory=list)  # side * 3 + shot type: points
    free_throw_value: list[int] = field(default_factory=list)
    pace: list[float] = field(default_factory=list)  # possession-length multiplier
    sub_threshold: list[float] = field(default_factory=list)
    make_affine: list[float] = field(default_factory=list)  # (side*4 + type) * 2: scale, shift
    turnover_affine: list[float] = field(default_factory=list)  # side * 2: scale, shift
    foul_affine: list[float] = field(default_factory=list)  # fouling side * 2
    rebound_affine: list[float] = field(default_factory=list)  # offensive side * 2
    offensive_rebound: float = 0.0
    free_throw_offensive_rebound: float = 0.0
    # Per hooper.
    usage: list[float] = field(default_factory=list)
    pick_rim: list[float] = field(default_factory=list)  # cumulative shot-mix thresholds
    pick_mid: list[float] = field(default_factory=list)
    make: list[float] = field(default_factory=list)  # hooper * 3 + type
    contest: list[float] = field(default_factory=list)  # defender * 3 + type
    block: list[float] = field(default_factory=list)  # defender * 3 + type
    draw_foul: list[float] = field(default_factory=list)  # shooter * 3 + type
    foul: list[float] = field(default_factory=list)  # defender multiplier
    turnover: list[float] = field(default_factory=list)
    pressure: list[float] = field(default_factory=list)
    steal_share: list[float] = field(default_factory=list)
    free_throw: list[float] = field(default_factory=list)
    assist_factor: list[float] = field(default_factory=list)  # as shooter
    pass_quality: list[float] = field(default_factory=list)
    pass_weight: list[float] = field(default_factory=list)
    rebound: list[float] = field(default_factory=list)
    drain: list[float] = field(default_factory=list)  # stamina per second on court
    recovery: list[float] = field(default_factory=list)  # stamina per second on the bench
    break_recovery: list[float] = field(default_factory=list)
    clutch: list[float] = field(default_factory=list)
    move_chance: list[float] = field(default_factory=list)  # hooper * 3 + type
    move_bonus: list[float] = field(default_factory=list)
    move_index: list[int] = field(default_factory=list)
    clutch_move: list[tuple[float, float, int]] = field(default_factory=list)
    lockdown_move: list[tuple[float, float, int]] = field(default_factory=list)


class _Norm(NamedTuple):
    """A hooper's attributes normalised: (attribute - 50) / 50, so 0 is league average."""

    scoring: float
    passing: float
    defense: float
    speed: float
    stamina: float
    iq: float
    ego: float
    chaos: float
    fate: float


def _norm(a: HooperAttributes) -> _Norm:
    return _Norm(
        (a.scoring - 50) / 50.0,
        (a.passing - 50) / 50.0,
        (a.defense - 50) / 50.0,
        (a.speed - 50) / 50.0,
        (a.stamina - 50) / 50.0,
        (a.iq - 50) / 50.0,
        (a.ego - 50) / 50.0,
        (a.chaotic_alignment - 50) / 50.0,
        (a.fate - 50) / 50.0,
    )


@dataclass(frozen=True, slots=True)
class _Context:
    """One side of the game, with its effects already resolved to numbers."""

    rules: RuleSet
    side: int
    team_id: str
    strategy: TeamStrategy
    opponent_strategy: TeamStrategy
    edge: float  # home-court edge: +strength at home, -strength away, 0 on a neutral court
    tendency: tuple[float, float, float]  # sim.shot.select multipliers
    drain: float  # sim.fatigue multipliers
    recovery: float


def _context(
    rules: RuleSet,
    side: int,
    team_id: str,
    strategies: tuple[TeamStrategy, TeamStrategy],
    effects: Sequence[Effect],
) -> _Context:
    home = side == 0
    edge = rules.home_court_strength if rules.home_court_enabled else 0.0

    def value(name: str) -> float:
        return resolve_value(effects, name, team_id, home, 1.0)

    return _Context(
        rules=rules,
        side=side,
        team_id=team_id,
        strategy=strategies[side],
        opponent_strategy=strategies[1 - side],
        edge=edge if home else -edge,
        tendency=(
            value("at_rim_tendency"),
            value("mid_range_tendency"),
            value("three_point_tendency"),
        ),
        drain=value("stamina_drain"),
        recovery=value("stamina_recovery"),
    )


def _clamp(value: float, limits: tuple[float, float]) -> float:
    return min(limits[1], max(limits[0], value))


def build_tables(
    home: Team,
    away: Team,
    rules: RuleSet = DEFAULT_RULES,
    strategies: tuple[TeamStrategy, TeamStrategy] | None = None,
    effects: Sequence[Effect] = (),
) -> GameTables:
    """Compile both teams, the rules, strategies and effects into `GameTables`."""
    chosen = strategies or (TeamStrategy(), TeamStrategy())
    contexts = (
        _context(rules, 0, home.id, chosen, effects),
        _context(rules, 1, away.id, chosen, effects),
    )
    hoopers = [*home.hoopers, *away.hoopers]
    split = len(home.hoopers)
    side_of = [0] * split + [1] * len(away.hoopers)
    tables = GameTables(
        hooper_ids=[h.id for h in hoopers],
        team_ids=(home.id, away.id),
        side_of=side_of,
        starters=_slots(hoopers, side_of, starter=True),
        bench=_slots(hoopers, side_of, starter=False),
        quarter_seconds=rules.quarter_minutes * 60.0,
        timed_periods=rules.elam_trigger_quarter,
        shot_clock=float(rules.shot_clock_seconds),
        foul_limit=rules.personal_foul_limit,
        bonus_threshold=rules.team_foul_bonus_threshold,
        elam_margin=rules.elam_margin,
        offensive_rebound=c.OFFENSIVE_REBOUND * rules.offensive_rebound_weight,
        free_throw_offensive_rebound=c.FREE_THROW_OFFENSIVE_REBOUND
        * rules.offensive_rebound_weight,
    )
    norms = [_norm(h.attributes) for h in hoopers]
    for ctx in contexts:
        team_norms = [nv for nv, s in zip(norms, side_of, strict=True) if s == ctx.side]
        _add_side(tables, ctx, team_norms, effects)
    contests = [_contest(nv, contexts[s].strategy) for nv, s in zip(norms, side_of, strict=True)]
    faced = [
        _average([x for x, s in zip(contests, side_of, strict=True) if s != side])
        for side in (0, 1)
    ]
    for hooper, nv, side, contest in zip(hoopers, norms, side_of, contests, strict=True):
        ctx = contexts[side]
        make = _base_make(nv, rules, ctx.edge)
        tables.make.extend(make)
        tables.contest.extend(contest)
        shot_value = _add_shot_mix(tables, nv, ctx, make, faced[side])
        _add_offence(tables, hooper, nv, ctx, shot_value)
        _add_defence(tables, nv, ctx)
        _add_stamina(tables, hooper, nv, ctx)
        _add_moves(tables, hooper)
    return tables


def _average(rows: list[list[float]]) -> list[float]:
    return [sum(r[k] for r in rows) / len(rows) for k in range(3)]


def _slots(
    hoopers: list[Hooper], side_of: list[int], *, starter: bool
) -> tuple[list[int], list[int]]:
    home = [i for i, h in enumerate(hoopers) if h.starter == starter and side_of[i] == 0]
    away = [i for i, h in enumerate(hoopers) if h.starter == starter and side_of[i] == 1]
    return home, away


def _add_side(t: GameTables, ctx: _Context, norms: list[_Norm], effects: Sequence[Effect]) -> None:
    rules, tid, home = ctx.rules, ctx.team_id, ctx.side == 0
    two = round(resolve_value(effects, "two_point_value", tid, home, rules.two_point_value))
    three = round(resolve_value(effects, "three_point_value", tid, home, rules.three_point_value))
    t.values.extend((two, two, three))  # at the rim, mid-range, three
    ftv = resolve_value(effects, "free_throw_value", tid, home, rules.free_throw_value)
    t.free_throw_value.append(round(ftv))
    speed = sum(nv.speed for nv in norms) / len(norms)
    length = resolve_value(effects, "possession_length", tid, home, 1.0)
    pace = c.PACE_STRATEGY * ctx.strategy.pace_modifier - c.PACE_SPEED * speed
    t.pace.append(math.exp(pace) * length)
    threshold = rules.substitution_threshold + ctx.strategy.substitution_threshold_modifier
    t.sub_threshold.append(_clamp(threshold, (0.0, 0.95)))
    for name in (*_TYPE_PARAMS, "free_throw"):
        t.make_affine.extend(resolve_affine(effects, f"{name}_make", tid, home))
    t.turnover_affine.extend(resolve_affine(effects, "turnover_probability", tid, home))
    t.foul_affine.extend(resolve_affine(effects, "foul_probability", tid, home))
    t.rebound_affine.extend(resolve_affine(effects, "offensive_rebound_probability", tid, home))


def _contest(nv: _Norm, strategy: TeamStrategy) -> list[float]:
    """Make chance a defender takes away, per shot type (0 for an average defender)."""
    intensity = c.CONTEST_INTENSITY * strategy.defensive_intensity
    rim, mid, three = c.CONTEST_DEFENSE
    return [
        rim * nv.defense + c.CONTEST_SPEED_RIM * nv.speed + intensity,
        mid * nv.defense + intensity,
        three * nv.defense + intensity,
    ]


def _base_make(nv: _Norm, rules: RuleSet, edge: float) -> list[float]:
    shared = c.MAKE_EGO * nv.ego + c.HOME_MAKE * edge
    rim, mid, three = (
        c.BASE_MAKE[k] + c.MAKE_SCORING[k] * nv.scoring + c.MAKE_IQ[k] * nv.iq + shared
        for k in range(3)
    )
    rim += c.MAKE_SPEED_RIM * nv.speed
    three -= c.THREE_PER_FOOT * (rules.three_point_distance_ft - c.ARC_REFERENCE_FT)
    three = min(three, mid + c.THREE_OVER_MID_CAP)
    return [_clamp(p, c.PROBABILITY_LIMITS) for p in (rim, mid, three)]


def _add_shot_mix(
    t: GameTables, nv: _Norm, ctx: _Context, make: list[float], faced: list[float]
) -> float:
    """Add the cumulative thresholds (rim, rim + mid) of the value-aware shot choice.

    Returns the hooper's expected points per shot with that mix (for usage).
    """
    s, side = ctx.strategy, ctx.side
    biases = (s.at_rim_bias, s.mid_range_bias, s.three_point_bias)
    leans = (
        c.TENDENCY_SPEED_RIM * nv.speed,
        c.TENDENCY_EGO_MID * nv.ego,
        c.TENDENCY_SCORING_THREE * nv.scoring + c.TENDENCY_CHAOS_THREE * nv.chaos,
    )
    gamma = max(0.5, c.VALUE_AWARENESS + c.VALUE_AWARENESS_IQ * nv.iq)
    weights: list[float] = []
    expected_points: list[float] = []
    for k in range(3):
        expected = max(0.01, make[k] - faced[k]) * t.values[side * 3 + k]
        expected_points.append(expected)
        reference = c.BASE_MAKE[k] * _REFERENCE_VALUES[k]
        lean = math.exp(leans[k] + c.STRATEGY_TENDENCY * biases[k])
        weights.append(
            c.BASE_TENDENCY[k] * lean * (expected / reference) ** gamma * ctx.tendency[k]
        )
    area = (ctx.rules.three_point_distance_ft - c.MID_AREA_START_FT) / (
        c.ARC_REFERENCE_FT - c.MID_AREA_START_FT
    )
    weights[c.MID_RANGE] *= _clamp(area, c.MID_AREA_LIMITS)
    total = sum(weights)
    if total <= 0.0:
        weights, total = [1.0, 1.0, 1.0], 3.0
    t.pick_rim.append(weights[0] / total)
    t.pick_mid.append((weights[0] + weights[1]) / total)
    return sum(w * e for w, e in zip(weights, expected_points, strict=True)) / total


def _passive(h: Hooper, kind: str) -> float:
    return sum(m.bonus for m in h.moves if m.kind == kind)


def _add_offence(t: GameTables, h: Hooper, nv: _Norm, ctx: _Context, shot_value: float) -> None:
    rules, edge = ctx.rules, ctx.edge
    lean = c.USAGE_SCORING * nv.scoring + c.USAGE_EGO * nv.ego + c.USAGE_IQ * nv.iq
    t.usage.append(math.exp(lean) * shot_value**c.USAGE_VALUE)
    lean = (
        c.TURNOVER_PASSING * nv.passing
        + c.TURNOVER_IQ * nv.iq
        + c.TURNOVER_CHAOS * nv.chaos
        + c.TURNOVER_EGO * nv.ego
    )
    turnover = c.BASE_TURNOVER * rules.turnover_rate_modifier * (1 - c.HOME_TURNOVER * edge)
    t.turnover.append(turnover * math.exp(lean) * max(0.0, 1 - _passive(h, "handles")))
    draw = math.exp(c.DRAW_SPEED * nv.speed + c.DRAW_SCORING * nv.scoring)
    t.draw_foul.extend(f * draw for f in c.SHOOTING_FOUL)
    free_throw = c.BASE_FREE_THROW + c.FREE_THROW_SCORING * nv.scoring + c.FREE_THROW_IQ * nv.iq
    t.free_throw.append(_clamp(free_throw, c.FREE_THROW_LIMITS))
    t.assist_factor.append(math.exp(c.ASSIST_EGO * nv.ego))
    t.pass_quality.append(math.exp(c.ASSIST_PASSING * nv.passing))
    t.pass_weight.append(math.exp(c.PASS_WEIGHT_PASSING * nv.passing + c.PASS_WEIGHT_IQ * nv.iq))
    rebound = c.REBOUND_DEFENSE * nv.defense + c.REBOUND_SPEED * nv.speed
    rebound += c.REBOUND_STAMINA * nv.stamina
    t.rebound.append(math.exp(rebound) * (1 + _passive(h, "glass")))
    t.clutch.append(c.CLUTCH_FATE * nv.fate)


def _add_defence(t: GameTables, nv: _Norm, ctx: _Context) -> None:
    intensity = ctx.strategy.defensive_intensity
    blk = math.exp(c.BLOCK_DEFENSE * nv.defense + c.BLOCK_SPEED * nv.speed)
    t.block.extend(b * blk for b in c.BLOCK)
    pressure = c.PRESSURE_DEFENSE * nv.defense + c.PRESSURE_SPEED * nv.speed
    pressure += c.PRESSURE_CHAOS * nv.chaos + c.PRESSURE_INTENSITY * intensity
    t.pressure.append(math.exp(pressure))
    steal = c.BASE_STEAL_SHARE + c.STEAL_DEFENSE * nv.defense + c.STEAL_SPEED * nv.speed
    steal += c.STEAL_CHAOS * nv.chaos + c.STEAL_INTENSITY * intensity
    t.steal_share.append(_clamp(steal, (0.1, 0.9)))
    lean = c.FOUL_IQ * nv.iq + c.FOUL_CHAOS * nv.chaos + c.FOUL_INTENSITY * intensity
    foul = ctx.rules.foul_rate_modifier * (1 - c.HOME_FOUL * ctx.edge)
    t.foul.append(foul * math.exp(lean))


def _add_stamina(t: GameTables, h: Hooper, nv: _Norm, ctx: _Context) -> None:
    rules = ctx.rules
    drain = c.DRAIN_PER_S * math.exp(c.DRAIN_STAMINA * nv.stamina) * rules.stamina_drain_rate
    drain *= 1 + c.DRAIN_INTENSITY * ctx.strategy.defensive_intensity
    t.drain.append(drain * max(0.0, 1 - _passive(h, "engine")) * ctx.drain)
    rest = rules.stamina_recovery_rate * ctx.recovery
    t.recovery.append(c.RECOVERY_PER_S * math.exp(c.RECOVERY_STAMINA * nv.stamina) * rest)
    t.break_recovery.append(c.BREAK_RECOVERY * rest)


def _add_moves(t: GameTables, h: Hooper) -> None:
    chance, bonus, index = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [-1, -1, -1]
    clutch, lockdown = (0.0, 0.0, -1), (0.0, 0.0, -1)
    for i, move in enumerate(h.moves):
        if move.kind in _TYPE_PARAMS:
            k = _TYPE_PARAMS.index(move.kind)
            chance[k], bonus[k], index[k] = move.chance, move.bonus, i
        elif move.kind == "clutch":
            clutch = (move.chance, move.bonus, i)
        elif move.kind == "lockdown":
            lockdown = (move.chance, move.bonus, i)
    t.move_chance.extend(chance)
    t.move_bonus.extend(bonus)
    t.move_index.extend(index)
    t.clutch_move.append(clutch)
    t.lockdown_move.append(lockdown)
