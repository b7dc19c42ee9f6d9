"""The possession loop: plays one game from compiled `GameTables` and a seed.

This is the hot path (about 150 possessions a game, thousands of games a second), so it is
written for speed rather than for the house style of short functions: one function whose helpers
are closures over plain lists and local numbers, no pydantic, no attribute lookups per
possession. Hoopers are integers (see `GameTables`); sides are 0 (home) and 1 (away). Every random
draw comes from one `random.Random(seed)`, in an order that never depends on whether
play-by-play is recorded, so recording changes nothing else.

Stamina, minutes and plus-minus are tracked lazily: each hooper keeps the clock and the value at
their last substitution, and the current value is computed from the drain or recovery rate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.domain.errors import DomainError
from bot.sim import calibration as c
from bot.sim.playbyplay import (
    ASSIST,
    BLOCK,
    ELAM_START,
    FOUL,
    FOUL_NON_SHOOTING,
    FOUL_OFFENSIVE,
    FOUL_OUT,
    FOUL_SHOOTING,
    FREE_THROW_MADE,
    FREE_THROW_MISSED,
    PERIOD_END,
    PERIOD_START,
    REBOUND_DEFENSIVE,
    REBOUND_OFFENSIVE,
    SHOT_MADE,
    SHOT_MISSED,
    SIGNATURE_MOVE,
    STEAL,
    SUBSTITUTION,
    TURNOVER,
    TURNOVER_LOST_BALL,
    TURNOVER_OFFENSIVE_FOUL,
    TURNOVER_SHOT_CLOCK,
    TURNOVER_STOLEN,
)
from bot.sim.tables import GameTables

_INF = float("inf")


class SimulationError(DomainError):
    """The engine could not finish a game (a bug: valid rules always finish)."""


@dataclass(slots=True)
class RawGame:
    """What one game produced, as plain lists; `bot.sim.result` turns it into a `GameResult`."""

    score: list[int]
    period_scores: list[tuple[int, int]]
    elam_target: int
    elam_possessions: int
    possessions: int
    lead_changes: int
    largest_lead: int
    elapsed_seconds: float
    box: dict[str, list[int]]
    seconds_played: list[float]
    play_by_play: list[tuple[int, ...]] = field(default_factory=list)


BOX_COLUMNS = (
    "points",
    "field_goals_made",
    "field_goals_attempted",
    "three_pointers_made",
    "three_pointers_attempted",
    "free_throws_made",
    "free_throws_attempted",
    "offensive_rebounds",
    "defensive_rebounds",
    "assists",
    "steals",
    "blocks",
    "turnovers",
    "fouls",
    "plus_minus",
)


def run_game(tb: GameTables, seed: int, record: bool) -> RawGame:
    """Play one game. `record` adds play-by-play without changing anything else."""
    rng = random.Random(seed)
    rnd = rng.random
    n = len(tb.hooper_ids)
    side_of = tb.side_of
    sign = [1 if s == 0 else -1 for s in side_of]

    # Box score counters, one slot per hooper.
    pts, fgm, fga, tpm, tpa = [0] * n, [0] * n, [0] * n, [0] * n, [0] * n
    ftm, fta, orb, drb, ast = [0] * n, [0] * n, [0] * n, [0] * n, [0] * n
    stl, blk, tov, pf, pm = [0] * n, [0] * n, [0] * n, [0] * n, [0] * n
    played = [0.0] * n  # seconds

    # Who is where; lazily tracked stamina (share of a full tank) and plus-minus.
    court = (list(tb.starters[0]), list(tb.starters[1]))
    bench = (list(tb.bench[0]), list(tb.bench[1]))
    on_court = [False] * n
    for h in court[0] + court[1]:
        on_court[h] = True
    since = [0.0] * n
    stamina_at = [1.0] * n
    diff_at = [0] * n
    fouled_out = [False] * n
    caution = [0.0] * n  # stamina the coach discounts for foul trouble (share of a tank)

    # Tables, as locals.
    usage, pick_rim, pick_mid = tb.usage, tb.pick_rim, tb.pick_mid
    make, contest, block, draw_foul = tb.make, tb.contest, tb.block, tb.draw_foul
    turnover, pressure, steal_share = tb.turnover, tb.pressure, tb.steal_share
    foul = list(tb.foul)  # a copy: hoopers in foul trouble defend more carefully
    free_throw, assist_factor = tb.free_throw, tb.assist_factor
    pass_quality, pass_weight, rebound = tb.pass_quality, tb.pass_weight, tb.rebound
    drain, recovery, clutch = tb.drain, tb.recovery, tb.clutch
    move_chance, move_bonus, move_index = tb.move_chance, tb.move_bonus, tb.move_index
    clutch_move, lockdown_move = tb.clutch_move, tb.lockdown_move
    values, ft_value, pace, sub_threshold = (
        tb.values,
        tb.free_throw_value,
        tb.pace,
        tb.sub_threshold,
    )
    make_affine, turnover_affine = tb.make_affine, tb.turnover_affine
    foul_affine, rebound_affine = tb.foul_affine, tb.rebound_affine
    shot_clock, foul_limit, bonus_threshold = tb.shot_clock, tb.foul_limit, tb.bonus_threshold
    orb_base, ft_orb_base = tb.offensive_rebound, tb.free_throw_offensive_rebound
    set_span = (shot_clock - c.OVERHEAD_S) * c.PACE_SPAN
    reset_span = shot_clock * c.RESET_SPAN
    fat_make, fat_def, fat_tov = c.FATIGUE_MAKE, c.FATIGUE_DEFENSE, c.FATIGUE_TURNOVER
    lo_p, hi_p = c.PROBABILITY_LIMITS
    assist_base = c.ASSIST
    urgency, urgency_cap = c.URGENCY, c.URGENCY_CAP
    # Calibration constants, as locals (module attribute lookups are slow in the hot loop).
    k_assist_limit = c.ASSIST_LIMIT
    k_at_rim = c.AT_RIM
    k_fouled_make = c.FOULED_MAKE
    k_foul_limit = c.FOUL_LIMIT
    k_foul_trouble = c.FOUL_TROUBLE
    k_foul_trouble_sit = c.FOUL_TROUBLE_SIT
    k_max_possessions = c.MAX_POSSESSIONS
    k_min_possession_s = c.MIN_POSSESSION_S
    k_non_shooting_foul = c.NON_SHOOTING_FOUL
    k_offensive_foul_share = c.OFFENSIVE_FOUL_SHARE
    k_offensive_rebound_limit = c.OFFENSIVE_REBOUND_LIMIT
    k_overhead_s = c.OVERHEAD_S
    k_putback = c.PUTBACK
    k_putback_s = c.PUTBACK_S
    k_reset_s = c.RESET_S
    k_rushed_make = c.RUSHED_MAKE
    k_shot_clock_violation = c.SHOT_CLOCK_VIOLATION
    k_sub_margin = c.SUB_MARGIN
    k_sub_recheck_s = c.SUB_RECHECK_S
    k_turnover_limit = c.TURNOVER_LIMIT

    # Game state.
    score = [0, 0]
    period_score = [0, 0]
    period_scores: list[tuple[int, int]] = []
    team_fouls = [0, 0]
    next_check = [0.0, 0.0]
    clock = 0.0  # seconds of play so far, Elam included
    remaining = 0.0  # seconds left in the current timed period
    period = 0
    possession_number = 0
    elam = False
    target = 0
    finished = False
    leader = 0  # +1 home, -1 away, 0 nobody yet
    lead_changes = 0
    largest_lead = 0
    log: list[tuple[int, ...]] = []
    note = log.append

    def event(code: int, side: int, h: int, aux: int) -> None:
        note((code, possession_number, period, int(clock * 10), side, h, aux, score[0], score[1]))

    def stamina(h: int) -> float:
        if on_court[h]:
            s = stamina_at[h] - drain[h] * (clock - since[h])
            return s if s > 0.0 else 0.0
        s = stamina_at[h] + recovery[h] * (clock - since[h])
        return s if s < 1.0 else 1.0

    def readiness(h: int) -> float:
        """Stamina as the coach sees it: foul trouble makes a hooper look tired."""
        return stamina(h) - caution[h]

    def swap(side: int, slot: int, h_in: int) -> None:
        h_out = court[side][slot]
        diff = score[0] - score[1]
        stamina_at[h_out] = stamina(h_out)
        played[h_out] += clock - since[h_out]
        pm[h_out] += diff * sign[h_out] - diff_at[h_out]
        on_court[h_out] = False
        since[h_out] = clock
        stamina_at[h_in] = stamina(h_in)
        on_court[h_in] = True
        since[h_in] = clock
        diff_at[h_in] = diff * sign[h_in]
        court[side][slot] = h_in
        bench[side].remove(h_in)
        bench[side].append(h_out)
        if record:
            event(SUBSTITUTION, side, h_in, h_out)

    def freshest_bench(side: int) -> int:
        best, best_s = -1, -1.0
        for h in bench[side]:
            if not fouled_out[h]:
                s = readiness(h)
                if s > best_s:
                    best, best_s = h, s
        return best

    def plan_check(side: int) -> None:
        threshold = sub_threshold[side]
        soonest = _INF
        if freshest_bench(side) >= 0:
            for h in court[side]:
                s = readiness(h)
                if s < threshold:
                    soonest = min(soonest, clock + k_sub_recheck_s)
                elif drain[h] > 0.0:
                    soonest = min(soonest, clock + (s - threshold) / drain[h])
        next_check[side] = soonest

    def check_subs(side: int) -> None:
        tired_slot, tired_s = -1, sub_threshold[side]
        for slot, h in enumerate(court[side]):
            s = readiness(h)
            if s < tired_s:
                tired_slot, tired_s = slot, s
        if tired_slot >= 0:
            fresh = freshest_bench(side)
            if fresh >= 0 and readiness(fresh) >= tired_s + k_sub_margin:
                swap(side, tired_slot, fresh)
        plan_check(side)

    def personal_foul(side: int, h: int, kind: int) -> None:
        pf[h] += 1
        if pf[h] >= foul_limit - 2:
            foul[h] *= k_foul_trouble
        if pf[h] == foul_limit - 1:
            caution[h] = k_foul_trouble_sit
            next_check[side] = clock
        team_fouls[side] += 1
        if record:
            event(FOUL, side, h, kind)
        if pf[h] >= foul_limit and not fouled_out[h]:
            fouled_out[h] = True
            if record:
                event(FOUL_OUT, side, h, pf[h])
            fresh = freshest_bench(side)
            if on_court[h] and fresh >= 0:
                swap(side, court[side].index(h), fresh)
            plan_check(side)

    def add_points(side: int, h: int, points: int) -> None:
        nonlocal leader, lead_changes, largest_lead, finished
        score[side] += points
        period_score[side] += points
        pts[h] += points
        diff = score[0] - score[1]
        now = 1 if diff > 0 else (-1 if diff < 0 else 0)
        if now != 0 and now != leader:
            if leader != 0:
                lead_changes += 1
            leader = now
        if diff > largest_lead:
            largest_lead = diff
        elif -diff > largest_lead:
            largest_lead = -diff
        if elam and score[side] >= target:
            finished = True

    def free_throws(side: int, h: int, count: int) -> bool:
        """Shoot up to `count`; True when the last one missed and is live."""
        scale, shift = make_affine[side * 8 + 6], make_affine[side * 8 + 7]
        p = free_throw[h] * scale + shift
        p = lo_p if p < lo_p else (hi_p if p > hi_p else p)
        missed = False
        for _ in range(count):
            if finished:
                return False
            fta[h] += 1
            if rnd() < p:
                ftm[h] += 1
                add_points(side, h, ft_value[side])
                missed = False
                if record:
                    event(FREE_THROW_MADE, side, h, 0)
            else:
                missed = True
                if record:
                    event(FREE_THROW_MISSED, side, h, 0)
        return missed

    def rebound_after(off: int, base: float) -> int:
        """Who gets the miss; returns the rebounder (on either side)."""
        co, cd = court[off], court[1 - off]
        ro = rebound[co[0]] + rebound[co[1]] + rebound[co[2]]
        rd = rebound[cd[0]] + rebound[cd[1]] + rebound[cd[2]]
        p = base * (ro / rd) ** 0.5 * rebound_affine[off * 2] + rebound_affine[off * 2 + 1]
        if rnd() < (
            0.0 if p < 0.0 else (k_offensive_rebound_limit if p > k_offensive_rebound_limit else p)
        ):
            r = rnd() * ro
            h = co[0] if r < rebound[co[0]] else (co[1] if r < ro - rebound[co[2]] else co[2])
            orb[h] += 1
            if record:
                event(REBOUND_OFFENSIVE, off, h, 0)
            return h
        r = rnd() * rd
        h = cd[0] if r < rebound[cd[0]] else (cd[1] if r < rd - rebound[cd[2]] else cd[2])
        drb[h] += 1
        if record:
            event(REBOUND_DEFENSIVE, 1 - off, h, 0)
        return h

    def credit_assist(off: int, h: int, k: int) -> None:
        co = court[off]
        a, b = (co[1], co[2]) if h == co[0] else ((co[0], co[2]) if h == co[1] else (co[0], co[1]))
        p = assist_base[k] * assist_factor[h] * (pass_quality[a] + pass_quality[b]) * 0.5
        r = rnd()
        if r < (p if p < k_assist_limit else k_assist_limit):
            wa = pass_weight[a]
            passer = a if r < p * wa / (wa + pass_weight[b]) else b
            ast[passer] += 1
            if record:
                event(ASSIST, off, passer, h)

    def lose_ball(off: int, h: int, dh: int) -> None:
        tov[h] += 1
        r = rnd()
        if r < steal_share[dh]:
            stl[dh] += 1
            if record:
                event(TURNOVER, off, h, TURNOVER_STOLEN)
                event(STEAL, 1 - off, dh, 0)
        elif r > 1.0 - k_offensive_foul_share:
            if record:
                event(TURNOVER, off, h, TURNOVER_OFFENSIVE_FOUL)
            personal_foul(off, h, FOUL_OFFENSIVE)
        elif record:
            event(TURNOVER, off, h, TURNOVER_LOST_BALL)

    def possession(off: int) -> None:
        nonlocal clock, remaining
        de = 1 - off
        co, cd = court[off], court[de]
        first = True
        putback = -1
        while True:
            # Seconds this set takes, the shot clock and the period clock.
            rushed = False
            if putback >= 0:
                t = k_putback_s * (1.0 + rnd())
            elif first:
                t = (k_overhead_s + set_span * (rnd() + rnd())) * pace[off]
            else:
                t = (k_reset_s + reset_span * rnd()) * pace[off]
            violation = False
            if t > shot_clock:
                t = shot_clock
                rushed = True
                violation = rnd() < k_shot_clock_violation
            if t >= remaining:
                t = remaining
                rushed = True
                violation = False
            clock += t
            remaining -= t
            first = False

            # Who has the ball, and who guards them.
            if putback >= 0:
                h = putback
                slot = co.index(h)
                k = k_at_rim
            else:
                u0, u1 = usage[co[0]], usage[co[1]]
                r = rnd() * (u0 + u1 + usage[co[2]])
                slot = 0 if r < u0 else (1 if r < u0 + u1 else 2)
                h = co[slot]
            dh = cd[slot]
            if violation:
                tov[h] += 1
                if record:
                    event(TURNOVER, off, h, TURNOVER_SHOT_CLOCK)
                return
            s_h = stamina_at[h] - drain[h] * (clock - since[h])
            if s_h < 0.0:
                s_h = 0.0
            scale, shift = foul_affine[de * 2], foul_affine[de * 2 + 1]
            if putback < 0:
                p_to = turnover[h] * pressure[dh] * (1.0 + fat_tov * (1.0 - s_h))
                p_to = p_to * turnover_affine[off * 2] + turnover_affine[off * 2 + 1]
                p_to = (
                    0.0 if p_to < 0.0 else (k_turnover_limit if p_to > k_turnover_limit else p_to)
                )
                p_nsf = k_non_shooting_foul * foul[dh] * scale + shift
                p_nsf = 0.0 if p_nsf < 0.0 else (k_foul_limit if p_nsf > k_foul_limit else p_nsf)
                r = rnd()
                if r < p_to:
                    lose_ball(off, h, dh)
                    return
                if r < p_to + p_nsf:
                    personal_foul(de, dh, FOUL_NON_SHOOTING)
                    if team_fouls[de] > bonus_threshold:
                        if not free_throws(off, h, 2) or finished:
                            return
                        putback = rebound_after(off, ft_orb_base)
                        if side_of[putback] != off or remaining <= 0.0:
                            return
                        if rnd() >= k_putback:
                            putback = -1
                    continue
                r = rnd()
                k = 0 if r < pick_rim[h] else (1 if r < pick_mid[h] else 2)
            putback = -1

            # The shot.
            hk, dk = h * 3 + k, dh * 3 + k
            p = (make[hk] - contest[dk]) * (1.0 - fat_make * (1.0 - s_h))
            s_d = stamina_at[dh] - drain[dh] * (clock - since[dh])
            p += fat_def * (1.0 - (s_d if s_d > 0.0 else 0.0))
            behind = score[de] - score[off]
            if behind > urgency_cap:
                behind = urgency_cap
            elif behind < -urgency_cap:
                behind = -urgency_cap
            p += urgency * behind
            if rushed:
                p *= k_rushed_make
            if elam:
                p += clutch[h]
                chance, bonus, index = clutch_move[h]
                if chance > 0.0 and rnd() < chance:
                    p += bonus
                    if record:
                        event(SIGNATURE_MOVE, off, h, index)
            chance = move_chance[hk]
            if chance > 0.0 and rnd() < chance:
                p += move_bonus[hk]
                if record:
                    event(SIGNATURE_MOVE, off, h, move_index[hk])
            chance, bonus, index = lockdown_move[dh]
            if chance > 0.0 and rnd() < chance:
                p -= bonus
                if record:
                    event(SIGNATURE_MOVE, de, dh, index)
            p_sf = draw_foul[hk] * foul[dh] * scale + shift
            fouled = rnd() < (
                0.0 if p_sf < 0.0 else (k_foul_limit if p_sf > k_foul_limit else p_sf)
            )
            if fouled:
                p *= k_fouled_make
            ai = (off * 4 + k) * 2
            p = p * make_affine[ai] + make_affine[ai + 1]
            p = lo_p if p < lo_p else (hi_p if p > hi_p else p)
            if rnd() < p:
                fga[h] += 1
                fgm[h] += 1
                if k == 2:
                    tpa[h] += 1
                    tpm[h] += 1
                add_points(off, h, values[off * 3 + k])
                if record:
                    event(SHOT_MADE, off, h, k)
                credit_assist(off, h, k)
                if fouled and not finished:
                    personal_foul(de, dh, FOUL_SHOOTING)
                    if free_throws(off, h, 1) and not finished:
                        putback = rebound_after(off, ft_orb_base)
                        if side_of[putback] == off and remaining > 0.0:
                            if rnd() >= k_putback:
                                putback = -1
                            continue
                return
            if record:
                event(SHOT_MISSED, off, h, k)
            if fouled:  # a missed shot that drew a foul is not a field-goal attempt
                personal_foul(de, dh, FOUL_SHOOTING)
                if not free_throws(off, h, 3 if k == 2 else 2) or finished:
                    return
                putback = rebound_after(off, ft_orb_base)
            else:
                fga[h] += 1
                if k == 2:
                    tpa[h] += 1
                if rnd() < block[dk]:
                    blk[dh] += 1
                    if record:
                        event(BLOCK, de, dh, h)
                putback = rebound_after(off, orb_base)
            if side_of[putback] != off or remaining <= 0.0:
                return
            if rnd() >= k_putback:
                putback = -1

    def start_period(number: int) -> None:
        nonlocal period
        period = number
        team_fouls[0] = team_fouls[1] = 0
        period_score[0] = period_score[1] = 0
        if number > 1:
            for h in range(n):
                s = stamina(h) + tb.break_recovery[h]
                stamina_at[h] = s if s < 1.0 else 1.0
                if on_court[h]:
                    played[h] += clock - since[h]
                since[h] = clock
        check_subs(0)
        check_subs(1)
        if record:
            event(PERIOD_START, -1, -1, number)

    def end_period() -> None:
        period_scores.append((period_score[0], period_score[1]))
        if record:
            event(PERIOD_END, -1, -1, period)

    tip = 0 if rnd() < 0.5 else 1
    for number in range(1, tb.timed_periods + 1):
        start_period(number)
        off = tip if number % 2 == 1 else 1 - tip
        remaining = tb.quarter_seconds
        while remaining >= k_min_possession_s:
            if clock >= next_check[0]:
                check_subs(0)
            if clock >= next_check[1]:
                check_subs(1)
            possession_number += 1
            possession(off)
            off = 1 - off
        end_period()

    elam = True
    target = max(score) + tb.elam_margin
    remaining = _INF
    start_period(tb.timed_periods + 1)
    if record:
        event(ELAM_START, -1, -1, target)
    off = tip if (tb.timed_periods + 1) % 2 == 1 else 1 - tip
    timed_possessions = possession_number
    while not finished:
        if possession_number >= k_max_possessions:
            raise SimulationError(f"game with seed {seed} did not finish")
        if clock >= next_check[0]:
            check_subs(0)
        if clock >= next_check[1]:
            check_subs(1)
        possession_number += 1
        possession(off)
        off = 1 - off
    end_period()

    diff = score[0] - score[1]
    for h in range(n):
        if on_court[h]:
            played[h] += clock - since[h]
            pm[h] += diff * sign[h] - diff_at[h]
    box = dict(
        zip(
            BOX_COLUMNS,
            (pts, fgm, fga, tpm, tpa, ftm, fta, orb, drb, ast, stl, blk, tov, pf, pm),
            strict=True,
        )
    )
    return RawGame(
        score=score,
        period_scores=period_scores,
        elam_target=target,
        elam_possessions=possession_number - timed_possessions,
        possessions=possession_number,
        lead_changes=lead_changes,
        largest_lead=largest_lead,
        elapsed_seconds=clock,
        box=box,
        seconds_played=played,
        play_by_play=log,
    )
