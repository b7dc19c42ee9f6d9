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

from bot.domain.effects import Effect, resolve_affine, resolve_value
from bot.domain.league import Hooper, HooperAttributes, Team
from bot.domain.rules import DEFAULT_RULES, RuleSet
from bot.domain.strategy import TeamStrategy
from bot.sim import calibration as c

_TYPE_PARAMS = ("at_rim", "mid_range", "three_point")


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


@dataclass(frozen=True, slots=True)
class _Context:
    rules: RuleSet
    side: int
    team_id: str
    strategy: TeamStrategy
    opponent_strategy: TeamStrategy
    effects: Sequence[Effect]
    edge: float  # home-court edge: +strength at home, -strength away, 0 on a neutral court


def _n(value: int) -> float:
    return (value - 50) / 50.0


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
    home_strategy, away_strategy = strategies or (TeamStrategy(), TeamStrategy())
    edge = rules.home_court_strength if rules.home_court_enabled else 0.0
    contexts = (
        _Context(rules, 0, home.id, home_strategy, away_strategy, effects, edge),
        _Context(rules, 1, away.id, away_strategy, home_strategy, effects, -edge),
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
    for ctx in contexts:
        _add_side(tables, ctx, home if ctx.side == 0 else away)
    average_contest = [_team_contest(away, contexts[0]), _team_contest(home, contexts[1])]
    for hooper, side in zip(hoopers, side_of, strict=True):
        _add_hooper(tables, hooper, contexts[side], average_contest[side])
    return tables


def _slots(
    hoopers: list[Hooper], side_of: list[int], *, starter: bool
) -> tuple[list[int], list[int]]:
    home = [i for i, h in enumerate(hoopers) if h.starter == starter and side_of[i] == 0]
    away = [i for i, h in enumerate(hoopers) if h.starter == starter and side_of[i] == 1]
    return home, away


def _add_side(t: GameTables, ctx: _Context, team: Team) -> None:
    rules, effects, tid, home = ctx.rules, ctx.effects, ctx.team_id, ctx.side == 0
    two = round(resolve_value(effects, "two_point_value", tid, home, rules.two_point_value))
    three = round(resolve_value(effects, "three_point_value", tid, home, rules.three_point_value))
    t.values.extend((two, two, three))  # at the rim, mid-range, three
    ftv = resolve_value(effects, "free_throw_value", tid, home, rules.free_throw_value)
    t.free_throw_value.append(round(ftv))
    speed = sum(_n(h.attributes.speed) for h in team.hoopers) / len(team.hoopers)
    length = resolve_value(effects, "possession_length", tid, home, 1.0)
    t.pace.append(
        math.exp(c.PACE_STRATEGY * ctx.strategy.pace_modifier - c.PACE_SPEED * speed) * length
    )
    threshold = rules.substitution_threshold + ctx.strategy.substitution_threshold_modifier
    t.sub_threshold.append(_clamp(threshold, (0.0, 0.95)))
    for name in (*_TYPE_PARAMS, "free_throw"):
        t.make_affine.extend(resolve_affine(effects, f"{name}_make", tid, home))
    t.turnover_affine.extend(resolve_affine(effects, "turnover_probability", tid, home))
    t.foul_affine.extend(resolve_affine(effects, "foul_probability", tid, home))
    t.rebound_affine.extend(resolve_affine(effects, "offensive_rebound_probability", tid, home))


def _team_contest(opponent: Team, ctx: _Context) -> list[float]:
    """The average contest, per shot type, of the defenders a hooper will face."""
    rows = [_contest(h.attributes, ctx.opponent_strategy) for h in opponent.hoopers]
    return [sum(r[k] for r in rows) / len(rows) for k in range(3)]


def _contest(a: HooperAttributes, strategy: TeamStrategy) -> list[float]:
    intensity = c.CONTEST_INTENSITY * strategy.defensive_intensity
    rim = c.CONTEST_DEFENSE[0] * _n(a.defense) + c.CONTEST_SPEED_RIM * _n(a.speed)
    return [
        rim + intensity,
        c.CONTEST_DEFENSE[1] * _n(a.defense) + intensity,
        c.CONTEST_DEFENSE[2] * _n(a.defense) + intensity,
    ]


def _base_make(a: HooperAttributes, rules: RuleSet, edge: float) -> list[float]:
    shared = c.MAKE_EGO * _n(a.ego) + c.HOME_MAKE * edge
    make = [
        c.BASE_MAKE[k] + c.MAKE_SCORING[k] * _n(a.scoring) + c.MAKE_IQ[k] * _n(a.iq) + shared
        for k in range(3)
    ]
    make[c.AT_RIM] += c.MAKE_SPEED_RIM * _n(a.speed)
    make[c.THREE] -= c.THREE_PER_FOOT * (rules.three_point_distance_ft - c.ARC_REFERENCE_FT)
    make[c.THREE] = min(make[c.THREE], make[c.MID_RANGE] + c.THREE_OVER_MID_CAP)
    return [_clamp(p, c.PROBABILITY_LIMITS) for p in make]


def _shot_mix(
    t: GameTables, h: Hooper, ctx: _Context, make: list[float], faced: list[float]
) -> tuple[float, float]:
    """Cumulative thresholds (rim, rim + mid) of the value-aware shot choice."""
    a, s, rules = h.attributes, ctx.strategy, ctx.rules
    side = ctx.side
    biases = (s.at_rim_bias, s.mid_range_bias, s.three_point_bias)
    leans = (
        c.TENDENCY_SPEED_RIM * _n(a.speed),
        c.TENDENCY_EGO_MID * _n(a.ego),
        c.TENDENCY_SCORING_THREE * _n(a.scoring) + c.TENDENCY_CHAOS_THREE * _n(a.chaotic_alignment),
    )
    area = (rules.three_point_distance_ft - c.MID_AREA_START_FT) / (
        c.ARC_REFERENCE_FT - c.MID_AREA_START_FT
    )
    gamma = max(0.5, c.VALUE_AWARENESS + c.VALUE_AWARENESS_IQ * _n(a.iq))
    reference_values = (2, 2, 3)
    weights = []
    for k in range(3):
        expected = max(0.01, make[k] - faced[k]) * t.values[side * 3 + k]
        reference = c.BASE_MAKE[k] * reference_values[k]
        w = c.BASE_TENDENCY[k] * math.exp(leans[k] + c.STRATEGY_TENDENCY * biases[k])
        w *= (expected / reference) ** gamma
        w *= resolve_value(ctx.effects, f"{_TYPE_PARAMS[k]}_tendency", ctx.team_id, side == 0, 1.0)
        weights.append(w)
    weights[c.MID_RANGE] *= _clamp(area, c.MID_AREA_LIMITS)
    total = sum(weights)
    if total <= 0.0:
        return 1 / 3, 2 / 3
    return weights[0] / total, (weights[0] + weights[1]) / total


def _add_hooper(t: GameTables, h: Hooper, ctx: _Context, faced: list[float]) -> None:
    a, rules, s = h.attributes, ctx.rules, ctx.strategy
    make = _base_make(a, rules, ctx.edge)
    rim, mid = _shot_mix(t, h, ctx, make, faced)
    t.pick_rim.append(rim)
    t.pick_mid.append(mid)
    t.make.extend(make)
    t.contest.extend(_contest(a, s))
    blk = math.exp(c.BLOCK_DEFENSE * _n(a.defense) + c.BLOCK_SPEED * _n(a.speed))
    t.block.extend(b * blk for b in c.BLOCK)
    draw = math.exp(c.DRAW_SPEED * _n(a.speed) + c.DRAW_SCORING * _n(a.scoring))
    t.draw_foul.extend(f * draw for f in c.SHOOTING_FOUL)
    _add_tendencies(t, h, ctx)
    _add_stamina(t, h, ctx)
    _add_moves(t, h)


def _passive(h: Hooper, kind: str) -> float:
    return sum(m.bonus for m in h.moves if m.kind == kind)


def _add_tendencies(t: GameTables, h: Hooper, ctx: _Context) -> None:
    a, rules, s, edge = h.attributes, ctx.rules, ctx.strategy, ctx.edge
    t.usage.append(
        math.exp(c.USAGE_SCORING * _n(a.scoring) + c.USAGE_EGO * _n(a.ego) + c.USAGE_IQ * _n(a.iq))
    )
    turnover = c.BASE_TURNOVER * rules.turnover_rate_modifier * (1 - c.HOME_TURNOVER * edge)
    turnover *= math.exp(
        c.TURNOVER_PASSING * _n(a.passing)
        + c.TURNOVER_IQ * _n(a.iq)
        + c.TURNOVER_CHAOS * _n(a.chaotic_alignment)
        + c.TURNOVER_EGO * _n(a.ego)
    )
    t.turnover.append(turnover * max(0.0, 1 - _passive(h, "handles")))
    t.pressure.append(
        math.exp(
            c.PRESSURE_DEFENSE * _n(a.defense)
            + c.PRESSURE_SPEED * _n(a.speed)
            + c.PRESSURE_CHAOS * _n(a.chaotic_alignment)
            + c.PRESSURE_INTENSITY * s.defensive_intensity
        )
    )
    steal = c.BASE_STEAL_SHARE + c.STEAL_DEFENSE * _n(a.defense) + c.STEAL_SPEED * _n(a.speed)
    steal += c.STEAL_CHAOS * _n(a.chaotic_alignment) + c.STEAL_INTENSITY * s.defensive_intensity
    t.steal_share.append(_clamp(steal, (0.1, 0.9)))
    foul = rules.foul_rate_modifier * (1 - c.HOME_FOUL * edge)
    foul *= math.exp(
        c.FOUL_IQ * _n(a.iq)
        + c.FOUL_CHAOS * _n(a.chaotic_alignment)
        + c.FOUL_INTENSITY * s.defensive_intensity
    )
    t.foul.append(foul)
    free_throw = c.BASE_FREE_THROW + c.FREE_THROW_SCORING * _n(a.scoring)
    t.free_throw.append(_clamp(free_throw + c.FREE_THROW_IQ * _n(a.iq), c.FREE_THROW_LIMITS))
    t.assist_factor.append(math.exp(c.ASSIST_EGO * _n(a.ego)))
    t.pass_quality.append(math.exp(c.ASSIST_PASSING * _n(a.passing)))
    t.pass_weight.append(
        math.exp(c.PASS_WEIGHT_PASSING * _n(a.passing) + c.PASS_WEIGHT_IQ * _n(a.iq))
    )
    rebound = math.exp(
        c.REBOUND_DEFENSE * _n(a.defense)
        + c.REBOUND_SPEED * _n(a.speed)
        + c.REBOUND_STAMINA * _n(a.stamina)
    )
    t.rebound.append(rebound * (1 + _passive(h, "glass")))
    t.clutch.append(c.CLUTCH_FATE * _n(a.fate))


def _add_stamina(t: GameTables, h: Hooper, ctx: _Context) -> None:
    a, rules, home = h.attributes, ctx.rules, ctx.side == 0
    drain = c.DRAIN_PER_S * math.exp(c.DRAIN_STAMINA * _n(a.stamina)) * rules.stamina_drain_rate
    drain *= (1 + c.DRAIN_INTENSITY * ctx.strategy.defensive_intensity) * max(
        0.0, 1 - _passive(h, "engine")
    )
    t.drain.append(drain * resolve_value(ctx.effects, "stamina_drain", ctx.team_id, home, 1.0))
    rest = rules.stamina_recovery_rate * resolve_value(
        ctx.effects, "stamina_recovery", ctx.team_id, home, 1.0
    )
    t.recovery.append(c.RECOVERY_PER_S * math.exp(c.RECOVERY_STAMINA * _n(a.stamina)) * rest)
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
