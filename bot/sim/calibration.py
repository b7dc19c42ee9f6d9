"""Calibration constants of the simulation, tuned so default rules play like real basketball.

Attributes enter every formula normalised: n = (attribute - 50) / 50, so a league-average hooper
(50 everywhere) has n = 0 and plays exactly at the base rates below. `bench/sim.py` measures the
realism bands these constants were tuned to. Changing any of them changes results for the same
seed: bump `ENGINE_VERSION` when you do.
"""

from __future__ import annotations

ENGINE_VERSION = "1.0.0"

# Shot types, in the order every per-type table uses.
AT_RIM, MID_RANGE, THREE = 0, 1, 2
SHOT_TYPES = ("at_rim", "mid_range", "three_point")

# --- Possession length (seconds) -----------------------------------------------------------------
OVERHEAD_S = 3.0  # bringing the ball up before the half-court set starts
PACE_SPAN = 0.55  # share of the rest of the shot clock, per unit of (r1 + r2), a set takes
RESET_S = 2.0  # after an offensive rebound that is not put back: seconds to reset
RESET_SPAN = 0.35  # share of the shot clock a reset set may take
PUTBACK_S = 1.5  # a putback's seconds (plus up to as much again)
MIN_POSSESSION_S = 1.0  # less left than this in a quarter and it simply ends
SHOT_CLOCK_VIOLATION = 0.3  # chance a set that runs out of clock is a violation, not a heave
PACE_STRATEGY = 0.4  # exp(PACE_STRATEGY * pace_modifier) scales possession length
PACE_SPEED = 0.1  # faster teams play faster: exp(-PACE_SPEED * team speed n)

# --- Shot choice ---------------------------------------------------------------------------------
BASE_TENDENCY = (0.38, 0.27, 0.35)  # at rim, mid-range, three: shot-mix weights at n = 0
TENDENCY_SPEED_RIM = 0.5
TENDENCY_EGO_MID = 0.3
TENDENCY_SCORING_THREE = 0.3
TENDENCY_CHAOS_THREE = 0.2
STRATEGY_TENDENCY = 1.1  # exp(STRATEGY_TENDENCY * bias): a bias of +1 triples a type's weight
VALUE_AWARENESS = 2.0  # weight * (expected points / reference)^gamma; gamma at iq n = 0
VALUE_AWARENESS_IQ = 1.0  # gamma rises with iq: smarter hoopers chase value harder
ARC_REFERENCE_FT = 22.15  # three-point distance the base rates are calibrated for (feet)
MID_AREA_START_FT = 10.0  # mid-range starts here; its area scales the mid-range weight
MID_AREA_LIMITS = (0.25, 1.8)

# --- Making shots (probability points) -----------------------------------------------------------
BASE_MAKE = (0.555, 0.35, 0.31)  # at n = 0 against an average defender
MAKE_SCORING = (0.10, 0.10, 0.10)
MAKE_IQ = (0.02, 0.03, 0.03)
MAKE_SPEED_RIM = 0.04
MAKE_EGO = -0.02  # hero ball: ego takes worse shots
THREE_PER_FOOT = 0.016  # three-point make chance lost per foot the arc moves out
THREE_OVER_MID_CAP = 0.03  # a three is never more than this easier than a mid-range shot
CONTEST_DEFENSE = (0.06, 0.05, 0.04)  # make chance an elite defender (n = 1) takes away
CONTEST_SPEED_RIM = 0.02
CONTEST_INTENSITY = 0.015  # per unit of defensive intensity, every shot type
FOULED_MAKE = 0.6  # make chance multiplier when fouled in the act
RUSHED_MAKE = 0.75  # make chance multiplier for late-clock and buzzer shots
FATIGUE_MAKE = 0.15  # make chance lost at zero stamina, as a share
FATIGUE_DEFENSE = 0.04  # make chance gained against a defender at zero stamina
CLUTCH_FATE = 0.03  # make chance gained in the Elam ending at fate n = 1
URGENCY = 0.002  # make chance gained per point behind (lost per point ahead): comebacks
URGENCY_CAP = 15  # points of lead or deficit beyond which urgency stops growing
PROBABILITY_LIMITS = (0.01, 0.99)

# --- Free throws ---------------------------------------------------------------------------------
BASE_FREE_THROW = 0.765
FREE_THROW_SCORING = 0.12
FREE_THROW_IQ = 0.04
FREE_THROW_LIMITS = (0.3, 0.97)

# --- Turnovers (per set) -------------------------------------------------------------------------
BASE_TURNOVER = 0.103
TURNOVER_PASSING = -0.35
TURNOVER_IQ = -0.25
TURNOVER_CHAOS = 0.25
TURNOVER_EGO = 0.1
PRESSURE_DEFENSE = 0.3
PRESSURE_SPEED = 0.15
PRESSURE_CHAOS = 0.15
PRESSURE_INTENSITY = 0.25
FATIGUE_TURNOVER = 0.3  # turnover chance gained at zero stamina, as a share
TURNOVER_LIMIT = 0.6
BASE_STEAL_SHARE = 0.5  # share of turnovers that are steals at n = 0
STEAL_DEFENSE, STEAL_SPEED, STEAL_CHAOS, STEAL_INTENSITY = 0.15, 0.1, 0.1, 0.1
OFFENSIVE_FOUL_SHARE = 0.1  # share of turnovers that are charges (a personal foul, no free throws)

# --- Fouls ---------------------------------------------------------------------------------------
SHOOTING_FOUL = (0.25, 0.08, 0.027)  # chance a shot of each type draws a foul at n = 0
DRAW_SPEED, DRAW_SCORING = 0.3, 0.2
NON_SHOOTING_FOUL = 0.045  # chance per set of a foul away from the shot
FOUL_IQ, FOUL_CHAOS, FOUL_INTENSITY = -0.3, 0.2, 0.35
FOUL_LIMIT = 0.5
FOUL_TROUBLE = 0.5  # foul chance multiplier per foul once two short of fouling out
FOUL_TROUBLE_SIT = 0.35  # one foul short: the coach sees the hooper this much more tired

# --- Blocks, rebounds, assists -------------------------------------------------------------------
BLOCK = (0.25, 0.05, 0.02)  # share of misses of each type that are blocks at n = 0
BLOCK_DEFENSE, BLOCK_SPEED = 0.6, 0.3
OFFENSIVE_REBOUND = 0.27  # chance the offence rebounds a missed shot, equal rebounders
FREE_THROW_OFFENSIVE_REBOUND = 0.13
REBOUND_DEFENSE, REBOUND_SPEED, REBOUND_STAMINA = 0.4, 0.3, 0.2
OFFENSIVE_REBOUND_LIMIT = 0.9
PUTBACK = 0.45  # chance an offensive rebounder goes straight back up at the rim
ASSIST = (0.55, 0.45, 0.85)  # chance a make of each type was assisted at n = 0
ASSIST_PASSING = 0.4  # exp(ASSIST_PASSING * mean passer n) scales the assist chance
ASSIST_EGO = -0.3  # ego hoopers create their own shot
PASS_WEIGHT_PASSING, PASS_WEIGHT_IQ = 1.0, 0.3
ASSIST_LIMIT = 0.95

# --- Usage: who takes the shot -------------------------------------------------------------------
USAGE_SCORING, USAGE_EGO, USAGE_IQ = 0.8, 0.6, 0.1
USAGE_VALUE = 1.5  # usage * (expected points per shot)^USAGE_VALUE: the rules decide who shoots

# --- Stamina (share of a full tank, per second) --------------------------------------------------
DRAIN_PER_S = 0.00075  # on court at n = 0: a full tank lasts about 22 minutes
DRAIN_STAMINA = -0.6
DRAIN_INTENSITY = 0.2
RECOVERY_PER_S = 0.0016  # on the bench at n = 0
RECOVERY_STAMINA = 0.3
BREAK_RECOVERY = 0.12  # between periods, for everyone
SUB_MARGIN = 0.1  # the bench must be this much fresher than the tired hooper
SUB_RECHECK_S = 30.0  # when a tired hooper could not be subbed, look again after this long

# --- Home court ----------------------------------------------------------------------------------
HOME_MAKE = 0.0045  # make chance added for the home team, taken from the away team, per unit
HOME_TURNOVER = 0.02  # turnover share taken from the home team, added to the away team
HOME_FOUL = 0.04  # foul share taken from the home team, added to the away team

# --- Safety --------------------------------------------------------------------------------------
MAX_POSSESSIONS = 20_000  # a game that needs more has a bug; valid rules finish in a few hundred
