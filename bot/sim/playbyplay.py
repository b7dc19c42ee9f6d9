"""The compact play-by-play: one tuple of nine integers per event.

Each row is `(code, possession, period, clock, side, hooper, aux, home_score, away_score)`:
`clock` is tenths of a second of play since tip-off (the Elam period included), `side` is 0 home,
1 away or -1 for the whole game, `hooper` indexes `GameResult.box_scores` (-1 for none), and
`aux` depends on the code (see `CODES`). Scores are after the event.
"""

from __future__ import annotations

from collections.abc import Sequence

PERIOD_START = 0
SHOT_MADE = 1
SHOT_MISSED = 2
ASSIST = 3
BLOCK = 4
REBOUND_OFFENSIVE = 5
REBOUND_DEFENSIVE = 6
TURNOVER = 7
STEAL = 8
FOUL = 9
FREE_THROW_MADE = 10
FREE_THROW_MISSED = 11
SUBSTITUTION = 12
FOUL_OUT = 13
SIGNATURE_MOVE = 14
ELAM_START = 15
PERIOD_END = 16

CODES: dict[int, tuple[str, str]] = {
    PERIOD_START: ("period_start", "aux = period number"),
    SHOT_MADE: ("shot_made", "aux = shot type: 0 at the rim, 1 mid-range, 2 three"),
    SHOT_MISSED: ("shot_missed", "aux = shot type"),
    ASSIST: ("assist", "hooper = passer, aux = scorer"),
    BLOCK: ("block", "hooper = blocker, aux = shooter"),
    REBOUND_OFFENSIVE: ("rebound_offensive", ""),
    REBOUND_DEFENSIVE: ("rebound_defensive", ""),
    TURNOVER: ("turnover", "aux = kind: 0 lost ball, 1 stolen, 2 shot clock, 3 offensive foul"),
    STEAL: ("steal", ""),
    FOUL: ("foul", "hooper = fouler, aux = kind: 0 shooting, 1 away from the ball, 2 offensive"),
    FREE_THROW_MADE: ("free_throw_made", ""),
    FREE_THROW_MISSED: ("free_throw_missed", ""),
    SUBSTITUTION: ("substitution", "hooper = coming in, aux = going out"),
    FOUL_OUT: ("foul_out", "aux = personal fouls"),
    SIGNATURE_MOVE: ("signature_move", "aux = index into the hooper's moves"),
    ELAM_START: ("elam_start", "aux = target score"),
    PERIOD_END: ("period_end", "aux = period number"),
}

TURNOVER_LOST_BALL, TURNOVER_STOLEN, TURNOVER_SHOT_CLOCK, TURNOVER_OFFENSIVE_FOUL = 0, 1, 2, 3
FOUL_SHOOTING, FOUL_NON_SHOOTING, FOUL_OFFENSIVE = 0, 1, 2

_SHOTS = ("a shot at the rim", "a mid-range jumper", "a three")
_TURNOVERS = ("loses the ball", "is stripped", "runs out the shot clock", "is called for a charge")
_FOULS = ("fouls the shooter", "fouls away from the ball", "commits an offensive foul")


def _clock(period: int, tenths: int) -> str:
    seconds = tenths // 10
    return f"P{period} {seconds // 60}:{seconds % 60:02d}"


def describe(row: Sequence[int], names: Sequence[str]) -> str:
    """One event in words with its clock and the score after it, for logs, commentary
    prompts and tests."""
    _, _, period, tenths, _, _, _, home, away = row
    return f"{_clock(period, tenths)} {words(row, names)} ({home}-{away})"


def shot_name(kind: int) -> str:
    """A shot type (`SHOT_MADE`'s aux) in words: "a three"."""
    return _SHOTS[kind]


def words(row: Sequence[int], names: Sequence[str]) -> str:
    """One event in words alone: "Cal Osei makes a three"."""
    code, _, _, _, _, hooper, aux, _, _ = row
    who = names[hooper] if 0 <= hooper < len(names) else ""
    text = {
        PERIOD_START: lambda: f"Period {aux} begins",
        SHOT_MADE: lambda: f"{who} makes {_SHOTS[aux]}",
        SHOT_MISSED: lambda: f"{who} misses {_SHOTS[aux]}",
        ASSIST: lambda: f"{who} assists {names[aux]}",
        BLOCK: lambda: f"{who} blocks {names[aux]}",
        REBOUND_OFFENSIVE: lambda: f"{who} grabs the offensive rebound",
        REBOUND_DEFENSIVE: lambda: f"{who} grabs the defensive rebound",
        TURNOVER: lambda: f"{who} {_TURNOVERS[aux]}",
        STEAL: lambda: f"{who} steals it",
        FOUL: lambda: f"{who} {_FOULS[aux]}",
        FREE_THROW_MADE: lambda: f"{who} makes a free throw",
        FREE_THROW_MISSED: lambda: f"{who} misses a free throw",
        SUBSTITUTION: lambda: f"{who} checks in for {names[aux]}",
        FOUL_OUT: lambda: f"{who} fouls out",
        SIGNATURE_MOVE: lambda: f"{who} pulls out a signature move",
        ELAM_START: lambda: f"Elam ending: first to {aux} wins",
        PERIOD_END: lambda: f"End of period {aux}",
    }[code]()
    return text
