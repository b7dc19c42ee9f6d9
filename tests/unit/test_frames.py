"""What a live scoreboard shows of a game (bot.sim.frames): frames paced over a show, ending
on the stored final score; big moments get more of the show than garbage time."""

from __future__ import annotations

import dataclasses
from itertools import pairwise

import pytest

from bot.app.league.commentary import game_commentary
from bot.domain.league_generator import generate_league
from bot.domain.rules import DEFAULT_RULES
from bot.sim import GameResult, derive_seed, simulate_game
from bot.sim import playbyplay as pbp
from bot.sim.frames import (
    Film,
    frames,
    moments,
    period_ends,
    possession_line,
    scoring,
    stored_line,
)

TEAMS = generate_league("frames", 4)


def film_of(result: GameResult, *, commentary: bool = True) -> Film:
    notes = game_commentary(result, "game", None) if commentary else []
    return Film(
        home=result.home_team.name,
        away=result.away_team.name,
        names=tuple(line.name for line in result.box_scores),
        rows=result.play_by_play,
        home_score=result.home_score,
        away_score=result.away_score,
        elam_target=result.elam_target,
        timed_periods=result.rules.elam_trigger_quarter,
        quarter_seconds=result.rules.quarter_minutes * 60.0,
        commentary={n["possession_index"]: (n["commentary_text"], n["energy"]) for n in notes},
    )


def game(n: int) -> GameResult:
    home, away = TEAMS[n % 2], TEAMS[2 + n % 2]
    return simulate_game(home, away, DEFAULT_RULES, derive_seed("frames", n))


@pytest.mark.parametrize("n", range(12))
def test_a_show_starts_at_the_tip_and_ends_on_the_stored_final_score(n: int) -> None:
    result = game(n)
    shown = frames(film_of(result), 180, 5.0, offset=1.25)

    first, last = shown[0], shown[-1]
    assert (first.home_score, first.away_score, first.plays) == (0, 0, ("Tip-off",))
    assert first.at == 1.25 and last.at == 180 + 1.25
    assert last.final and (last.home_score, last.away_score) == (
        result.home_score,
        result.away_score,
    )
    assert "Final" in last.markers and last.clock == "Final"
    assert [f.index for f in shown] == list(range(len(shown)))
    assert sum(f.final for f in shown) == 1


@pytest.mark.parametrize("n", range(12))
def test_scores_never_go_down_and_edits_keep_their_distance(n: int) -> None:
    shown = frames(film_of(game(n)), 180, 5.0)

    for a, b in pairwise(shown):
        assert a.home_score <= b.home_score and a.away_score <= b.away_score
        assert b.at - a.at >= 5.0 - 1e-9
    assert 180 / 5 - 4 <= len(shown) <= 180 / 5 + 2  # about one frame a gap


def test_a_show_of_no_seconds_is_the_final_frame_alone() -> None:
    result = game(0)
    (only,) = frames(film_of(result), 0, 5.0)
    assert only.final and (only.home_score, only.away_score) == (
        result.home_score,
        result.away_score,
    )


def test_the_same_game_always_shows_the_same_frames() -> None:
    assert frames(film_of(game(3)), 180, 5.0) == frames(film_of(game(3)), 180, 5.0)


def test_the_elam_ending_is_announced_once_and_its_target_is_the_clock() -> None:
    result = game(1)
    shown = frames(film_of(result), 180, 3.0)

    announced = [f for f in shown if f"Elam ending: first to {result.elam_target}" in f.markers]
    assert len(announced) == 1
    after = shown[shown.index(announced[0]) : -1]
    assert all(f.clock == f"Elam · first to {result.elam_target}" for f in after)
    assert all(f.elam_target == result.elam_target for f in after)
    before = shown[1 : shown.index(announced[0])]
    assert all(f.clock.startswith(("Q", "End of Q")) and f.elam_target is None for f in before)


def test_a_possession_with_stored_commentary_is_told_in_its_words_and_energy() -> None:
    result = game(2)
    film = film_of(result)
    plain = {
        m.possession: m for m in moments(film_of(result, commentary=False)) if not m.elam_start
    }
    # Two possessions whose stored lines (as `describe` stores them: clock before, score
    # after) say something the play-by-play alone would not, with an energy it would not pick.
    stored = dict(film.commentary)
    told = [p for p in plain if plain[p].line][:: len(plain) // 3][:2]
    for p in told:
        other = "low" if plain[p].energy != "low" else "peak"
        stored[p] = (f"P1 7:41 The crowd rises for possession {p} (12-10)", other)
    film = dataclasses.replace(film, commentary=stored)

    found = {m.possession: m for m in moments(film) if not m.elam_start}
    assert len(told) == 2 and len(stored) > 2  # the game's own commentary and the two
    for p, (text, energy) in stored.items():
        if "Elam ending" in text:
            continue
        assert found[p].line == stored_line(text)
        assert found[p].energy == energy
    for p in told:  # and the made-up lines really are what the ticker shows
        assert found[p].line == f"The crowd rises for possession {p}"
        assert found[p].line != plain[p].line and found[p].energy != plain[p].energy


def _seconds_per_possession(n: int) -> tuple[float, float]:
    """(show seconds per possession in the timed quarters, in the Elam ending)."""
    film = film_of(game(n))
    found = moments(film)
    total = sum(m.weight for m in found)
    timed = [m for m in found if not m.elam_target]
    elam = [m for m in found if m.elam_target]
    per = 180 / total
    return (
        per * sum(m.weight for m in timed) / len(timed),
        per * sum(m.weight for m in elam) / len(elam),
    )


@pytest.mark.parametrize("n", range(8))
def test_the_elam_ending_gets_more_of_the_show_than_the_timed_quarters(n: int) -> None:
    timed, elam = _seconds_per_possession(n)
    assert elam > 1.5 * timed


def test_garbage_time_gets_less_of_the_show_than_a_close_game() -> None:
    blowouts, close = [], []
    for n in range(40):
        found = moments(film_of(game(n), commentary=False))
        for m in found:
            if m.elam_target:
                continue
            margin = abs(m.home_score - m.away_score)
            (blowouts if margin >= 20 else close if margin <= 3 else []).append(m.weight)
    assert blowouts and close
    assert max(blowouts) < min(close)


def test_lead_changes_and_runs_are_called_out() -> None:
    lead_changes = runs = 0
    for n in range(12):
        for f in frames(film_of(game(n)), 180, 5.0):
            lead_changes += any("lead change" in m.lower() for m in f.markers)
            runs += any(m.endswith("-0 run") for m in f.markers)
    assert lead_changes > 0 and runs > 0


def test_a_frame_shows_the_last_few_plays_in_words_newest_last() -> None:
    shown = frames(film_of(game(2)), 180, 5.0)
    middle = shown[len(shown) // 2]
    assert 1 <= len(middle.plays) <= 3
    assert all(p and not p.startswith("P") and not p.endswith(")") for p in middle.plays)


def test_the_score_flow_follows_every_change_of_the_score() -> None:
    result = game(4)
    film = film_of(result)
    points = scoring(film)
    ends, elam, end = period_ends(film)

    assert points[0] == (0.0, 0, 0) and points[-1][1:] == (result.home_score, result.away_score)
    assert all(a[0] <= b[0] for a, b in pairwise(points))
    assert len(ends) == DEFAULT_RULES.elam_trigger_quarter
    assert elam is not None and ends[-1] <= elam <= end


def _row(code: int, hooper: int = -1, aux: int = 0, home: int = 0, away: int = 0) -> tuple:
    return (code, 1, 1, 100, 0, hooper, aux, home, away)


NAMES = ("Ada", "Bo", "Cy", "Dee", "Eli", "Fay")


def test_a_possession_is_told_as_how_it_ended_with_who_helped() -> None:
    assist = [_row(pbp.SHOT_MADE, 0, 2, 3), _row(pbp.ASSIST, 1, 0, 3)]
    and_one = [
        _row(pbp.SHOT_MADE, 0, 0, 2),
        _row(pbp.ASSIST, 2, 0, 2),
        _row(pbp.FOUL, 3, pbp.FOUL_SHOOTING, 2),
        _row(pbp.FREE_THROW_MADE, 0, 0, 3),
    ]
    steal = [_row(pbp.TURNOVER, 0, pbp.TURNOVER_STOLEN), _row(pbp.STEAL, 4)]
    miss = [_row(pbp.SHOT_MISSED, 0, 1), _row(pbp.BLOCK, 3, 0), _row(pbp.REBOUND_DEFENSIVE, 4)]
    free_throws = [_row(pbp.FREE_THROW_MADE, 5), _row(pbp.FREE_THROW_MISSED, 5)]

    assert possession_line(assist, NAMES) == "Ada makes a three, assisted by Bo"
    assert possession_line(and_one, NAMES) == (
        "Ada makes a shot at the rim and the free throw, assisted by Cy"
    )
    assert possession_line(steal, NAMES) == "Eli steals it from Ada"
    assert possession_line(miss, NAMES) == "Dee blocks Ada; Eli rebounds"
    assert possession_line(free_throws, NAMES) == "Fay makes 1 of 2 free throws"
