"""Frames: what a live scoreboard shows of a game, moment by moment, paced over a show.

A game is presented from its stored play-by-play. `moments` folds the rows into one state per
possession (the score, the period and clock, the play in words, what happened: a lead change,
a run, the Elam ending) with a weight: how much screen time it deserves, a close finish more
than garbage time. `frames` spreads the moments over a show of `seconds`, one edit every `gap`
seconds at most, and returns what the live message shows at each edit, ending on the final
score. `scoring` gives the score after each change, for the score-flow chart. Pure: the same
film gives the same frames.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.sim import playbyplay as pbp

PLAYS_SHOWN = 3  # lines of play-by-play on a live scoreboard
RUN_SHOWN = 8  # unanswered points before a run is called out
CLOSE = 6  # points: a margin this small late in a game is a big moment
_STORED_LINE = re.compile(r"^P\d+ \d+:\d\d (?P<text>.*?)(?: \(\d+-\d+\))?$")

Row = Sequence[int]


@dataclass(frozen=True, slots=True)
class Film:
    """A stored game as the presenter reads it: names, rules that shape the clock, the rows."""

    home: str
    away: str
    names: tuple[str, ...]  # hooper names in play-by-play order (home roster first)
    rows: tuple[tuple[int, ...], ...]
    home_score: int
    away_score: int
    elam_target: int  # 0: the game had no Elam ending
    timed_periods: int
    quarter_seconds: float
    commentary: Mapping[int, tuple[str, str]] = field(default_factory=dict)  # possession ->
    # (line, energy: low, medium, high or peak)


@dataclass(frozen=True, slots=True)
class Moment:
    """The game right after one possession (or the Elam target being set)."""

    possession: int
    home_score: int
    away_score: int
    period: int
    seconds: float  # of play since tip-off
    line: str
    energy: str
    lead_change: bool
    run: tuple[int, int]  # (side: 0 home, 1 away, points scored unanswered)
    elam_target: int  # 0 until the Elam ending has begun
    weight: float
    elam_start: bool = False  # this moment is the Elam target being set


@dataclass(frozen=True, slots=True)
class Frame:
    """What the live message shows at one edit."""

    index: int
    at: float  # seconds into the show
    possession: int
    home_score: int
    away_score: int
    period: int
    clock: str  # "Q2 4:31", "Elam · first to 59", "Final"
    elam_target: int | None  # once the Elam ending has begun
    plays: tuple[str, ...]  # the last few plays in words, newest last
    markers: tuple[str, ...]  # "Lead change", "Foxes on a 10-0 run", "Final", ...
    leader: int  # 0 home, 1 away, -1 tied
    final: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "at": round(self.at, 2),
            "home_score": self.home_score,
            "away_score": self.away_score,
            "period": self.period,
            "clock": self.clock,
            "elam_target": self.elam_target,
            "plays": list(self.plays),
            "markers": list(self.markers),
            "final": self.final,
        }


def stored_line(text: str) -> str:
    """A stored commentary line without the clock and score `describe` wraps it in."""
    found = _STORED_LINE.match(text)
    return found.group("text") if found else text


def period_name(period: int, timed_periods: int) -> str:
    return "Elam" if period > timed_periods else f"Q{period}"


def _clock(film: Film, period: int, seconds: float, target: int) -> str:
    if target:
        return f"Elam · first to {target}"
    left = max(0, int(period * film.quarter_seconds - seconds + 0.999))
    if left == 0:
        return f"End of {period_name(period, film.timed_periods)}"
    return f"{period_name(period, film.timed_periods)} {left // 60}:{left % 60:02d}"


def possession_line(rows: Sequence[Row], names: Sequence[str]) -> str:
    """One possession in words: how it ended, with who helped or stopped it ("" when nothing
    worth a line happened)."""

    def who(h: int) -> str:
        return names[h] if 0 <= h < len(names) else "someone"

    line, basket, credit = "", "", ""
    made = tries = 0
    shooter = -1
    for i, row in enumerate(rows):
        code, h, aux = row[0], row[5], row[6]
        if code == pbp.SHOT_MADE:
            basket = f"{who(h)} makes {pbp.shot_name(aux)}"
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            credit = (
                f", assisted by {who(nxt[5])}" if nxt is not None and nxt[0] == pbp.ASSIST else ""
            )
            if any(r[0] == pbp.SIGNATURE_MOVE and r[5] == h for r in rows[:i]):
                credit += " with a signature move"
            line, shooter = basket + credit, h
            made = tries = 0
        elif code in (pbp.FREE_THROW_MADE, pbp.FREE_THROW_MISSED):
            if h != shooter:
                shooter, made, tries, basket = h, 0, 0, ""
            made += code == pbp.FREE_THROW_MADE
            tries += 1
            if basket:  # an and-one
                line = basket + (" and the free throw" if made else ", misses the free throw")
                line += credit
            elif not made:
                line = f"{who(h)} misses " + ("a free throw" if tries == 1 else "both free throws")
            else:
                shots = "free throw" if tries == 1 else "free throws"
                line = f"{who(h)} makes {made} of {tries} {shots}"
        elif code == pbp.SHOT_MISSED:
            line, basket = f"{who(h)} misses {pbp.shot_name(aux)}", ""
        elif code == pbp.BLOCK:
            line = f"{who(h)} blocks {who(aux)}"
        elif code == pbp.REBOUND_DEFENSIVE and line and not basket:
            line += f"; {who(h)} rebounds"
        elif code == pbp.STEAL:
            loser = rows[i - 1][5] if i and rows[i - 1][0] == pbp.TURNOVER else -1
            line = f"{who(h)} steals it from {who(loser)}" if loser >= 0 else f"{who(h)} steals it"
        elif code == pbp.TURNOVER and aux != pbp.TURNOVER_STOLEN:
            line = pbp.words(row, names)
        elif code == pbp.FOUL_OUT:
            line = f"{who(h)} fouls out"
    return line


def _energy(period: int, timed_periods: int, margin: int, target: int, leading: int) -> str:
    if target:
        return "peak" if leading >= target - CLOSE else "high"
    if margin <= 3:
        return "high" if period >= timed_periods else "medium"
    return "low" if margin > 12 else "medium"


def _weight(m_period: int, film: Film, margin: int, target: int, leading: int) -> float:
    """Screen time a moment deserves, relative to an ordinary possession (1)."""
    if target:
        return 3.5 if leading >= target - CLOSE else 2.0
    if m_period >= film.timed_periods and margin <= CLOSE:
        return 1.8
    if margin >= 20:
        return 0.4
    if margin >= 14:
        return 0.7
    return 1.0


def moments(film: Film) -> list[Moment]:
    """One moment per possession that changed something on the scoreboard or the ticker."""
    found: list[Moment] = []
    groups: dict[int, list[Row]] = {}
    order: list[int] = []
    target = 0
    elam_at: int | None = None  # the possession after which the Elam target was set
    for row in film.rows:
        code, possession = row[0], row[1]
        if code == pbp.ELAM_START:
            elam_at = possession
            target = row[6]
            continue
        if code in (pbp.PERIOD_START, pbp.PERIOD_END, pbp.SUBSTITUTION):
            continue
        if possession not in groups:
            groups[possession] = []
            order.append(possession)
        groups[possession].append(row)
    home = away = 0
    leader = 0  # +1 home, -1 away
    run_side, run_points = -1, 0
    period, seconds = 1, 0.0
    target_now = 0
    if elam_at is not None and elam_at < (order[0] if order else 0):
        target_now = target  # an Elam ending from the tip (no timed periods)
    for possession in order:
        rows = groups[possession]
        last = rows[-1]
        period, seconds = last[2], last[3] / 10
        if elam_at is not None and not target_now and period > film.timed_periods:
            target_now = target
            found.append(_elam_moment(film, possession - 1, home, away, period, seconds, target))
        new_home, new_away = last[7], last[8]
        for side, points in ((0, new_home - home), (1, new_away - away)):
            if points > 0:
                run_side, run_points = (
                    (side, run_points + points) if run_side == side else (side, points)
                )
        home, away = new_home, new_away
        now = 1 if home > away else (-1 if away > home else 0)
        changed = now != 0 and leader != 0 and now != leader
        if now != 0:
            leader = now
        margin, leading = abs(home - away), max(home, away)
        stored = film.commentary.get(possession)
        if stored and "Elam ending" in stored[0]:
            stored = None  # an older store's Elam line: the Elam moment says it
        line = stored_line(stored[0]) if stored else possession_line(rows, film.names)
        energy = (
            stored[1]
            if stored
            else _energy(period, film.timed_periods, margin, target_now, leading)
        )
        weight = _weight(period, film, margin, target_now, leading)
        if changed:
            weight *= 1.5
        if energy == "peak":
            weight *= 1.5
        found.append(
            Moment(
                possession=possession,
                home_score=home,
                away_score=away,
                period=period,
                seconds=seconds,
                line=line,
                energy=energy,
                lead_change=changed,
                run=(run_side, run_points),
                elam_target=target_now,
                weight=weight,
            )
        )
    return found


def _elam_moment(
    film: Film, possession: int, home: int, away: int, period: int, seconds: float, target: int
) -> Moment:
    return Moment(
        possession=possession,
        home_score=home,
        away_score=away,
        period=period,
        seconds=seconds,
        line=f"Elam ending: first to {target} wins",
        energy="high",
        lead_change=False,
        run=(-1, 0),
        elam_target=target,
        weight=3.0,
        elam_start=True,
    )


def frames(film: Film, seconds: float, gap: float, offset: float = 0.0) -> list[Frame]:
    """The live message's frames over a show of `seconds`: the tip-off at `offset`, then at
    most one every `gap` seconds (each the latest moment whose time has come, a moment's time
    proportional to the screen time before it), ending on the final score at
    `seconds + offset`. A show of 0 seconds is the final frame alone."""
    found = moments(film)
    if seconds <= 0 or not found:
        return [_final(film, found, -1, max(seconds, 0.0) + offset, 0)]
    total = sum(m.weight for m in found)
    times: list[float] = []
    elapsed = 0.0
    for m in found:
        elapsed += m.weight
        times.append(seconds * elapsed / total)
    shown = [_tip_off(film, offset)]
    last_shown = -1  # index into `found` of the moment the last frame showed
    k = 1
    i = -1
    while offset + k * gap < seconds + offset - gap / 2:
        at = k * gap
        while i + 1 < len(found) and times[i + 1] <= at:
            i += 1
        if i > last_shown and i < len(found) - 1:
            shown.append(_frame(film, found, last_shown, i, len(shown), offset + at))
            last_shown = i
        k += 1
    shown.append(_final(film, found, last_shown, seconds + offset, len(shown)))
    return shown


def _tip_off(film: Film, at: float) -> Frame:
    start_clock = _clock(film, 1, 0.0, 0) if film.timed_periods else "Elam"
    return Frame(
        index=0,
        at=at,
        possession=0,
        home_score=0,
        away_score=0,
        period=1,
        clock=start_clock,
        elam_target=None,
        plays=("Tip-off",),
        markers=(),
        leader=-1,
        final=False,
    )


def _markers(film: Film, found: Sequence[Moment], after: int, upto: int) -> list[str]:
    span = found[after + 1 : upto + 1]
    markers = []
    if any(m.elam_start for m in span):
        markers.append(f"Elam ending: first to {found[upto].elam_target}")
    changes = sum(m.lead_change for m in span)
    if changes:
        markers.append("Lead change" if changes == 1 else f"{changes} lead changes")
    side, points = found[upto].run
    if side >= 0 and points >= RUN_SHOWN:
        article = "an" if points in (8, 11, 18) or 80 <= points < 90 else "a"
        markers.append(f"{(film.home, film.away)[side]} on {article} {points}-0 run")
    return markers


def _frame(
    film: Film, found: Sequence[Moment], after: int, upto: int, index: int, at: float
) -> Frame:
    m = found[upto]
    plays = tuple(x.line for x in found[max(0, upto - PLAYS_SHOWN + 1) : upto + 1] if x.line)
    return Frame(
        index=index,
        at=at,
        possession=m.possession,
        home_score=m.home_score,
        away_score=m.away_score,
        period=m.period,
        clock=_clock(film, m.period, m.seconds, m.elam_target),
        elam_target=m.elam_target or None,
        plays=plays,
        markers=tuple(_markers(film, found, after, upto)),
        leader=0 if m.home_score > m.away_score else (1 if m.away_score > m.home_score else -1),
        final=False,
    )


def _final(film: Film, found: Sequence[Moment], after: int, at: float, index: int) -> Frame:
    """The final frame: the stored final score, whatever the rows say."""
    base = _frame(film, found, after, len(found) - 1, index, at) if found else _tip_off(film, at)
    home, away = film.home_score, film.away_score
    return Frame(
        index=index,
        at=at,
        possession=base.possession,
        home_score=home,
        away_score=away,
        period=base.period,
        clock="Final",
        elam_target=film.elam_target or None,
        plays=base.plays,
        markers=(*(x for x in base.markers if "run" not in x), "Final"),
        leader=0 if home > away else (1 if away > home else -1),
        final=True,
    )


def scoring(film: Film) -> list[tuple[float, int, int]]:
    """(seconds of play, home, away) at the tip and after every change of the score."""
    points = [(0.0, 0, 0)]
    for row in film.rows:
        home, away = row[7], row[8]
        if (home, away) != points[-1][1:]:
            points.append((row[3] / 10, home, away))
    return points


def period_ends(film: Film) -> tuple[list[float], float | None, float]:
    """(seconds at which each timed period ended, when the Elam ending began or None, the
    seconds of play at the final whistle)."""
    ends: list[float] = []
    elam: float | None = None
    last = 0.0
    for row in film.rows:
        last = max(last, row[3] / 10)
        if row[0] == pbp.PERIOD_END and row[6] <= film.timed_periods:
            ends.append(row[3] / 10)
        elif row[0] == pbp.ELAM_START:
            elam = row[3] / 10
    return ends, elam, last
