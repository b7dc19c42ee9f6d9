"""What a stored game shows: its card (bot/render/game.py), its film (bot/sim/frames.py) and
its score-flow chart, read from what the database keeps of it.

Everything is derived from the stored game (its inputs, rules, play-by-play and box score),
its commentary and the season's schedule, so the same game always shows the same way, on
Discord, in the terminal, on the web and in `pinwheel present`.
"""

from __future__ import annotations

import contextlib
import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from bot.domain.settings import DEFAULT_SETTINGS
from bot.render.chart import ScoreFlow, score_flow_png_async
from bot.render.game import CHART_FILE, BoxLine, GameCard, lead_changes, short_name
from bot.sim import frames as fr
from bot.sim import playbyplay as pbp
from db import governance_repo as gov_repo
from db import league_repo as repo
from db import presentation_repo as shows
from db.engine import Database
from db.league_repo import Executor
from db.tables import SeasonRow

STAGES = {"regular": "", "tiebreaker": "Tiebreaker"}  # a regular-season game needs no label
EDIT_GAP_MIN = 3.0  # seconds between edits of one live message, at the least
CHANNEL_EDIT_S = 1.25  # seconds between edits in one channel: the round's games take turns


@dataclass(frozen=True)
class Show:
    """One game, ready to present."""

    card: GameCard
    film: fr.Film
    season_id: str
    round_number: int
    slot: int  # matchup index: its turn among the round's live messages
    games_in_round: int
    home_team_id: str
    away_team_id: str

    def frames(self, seconds: float) -> list[fr.Frame]:
        """The live message's frames over a show of `seconds` (0: the final frame alone)."""
        gap = edit_gap(self.games_in_round)
        return fr.frames(self.film, seconds, gap, offset=self.slot * gap / self.games_in_round)

    def flow(self) -> ScoreFlow:
        ends, elam_start, end = fr.period_ends(self.film)
        card = self.card
        changes = lead_changes(card.lead_changes)
        context = " · ".join(p for p in (f"Round {card.round_number}", card.stage, changes) if p)
        return ScoreFlow(
            title=f"{card.home} {card.home_score} – {card.away_score} {card.away}",
            subtitle=context,
            home=card.home,
            away=card.away,
            home_colour=card.home_colour,
            away_colour=card.away_colour,
            points=tuple(fr.scoring(self.film)),
            period_ends=tuple(ends),
            period_labels=card.period_labels,
            elam_start=elam_start if card.elam_target else None,
            elam_target=card.elam_target or None,
            end=end,
        )


def edit_gap(games_in_round: int) -> float:
    """Seconds between two frames of one game: the round's games share a channel, and one
    channel gets about one edit a second at most."""
    return max(EDIT_GAP_MIN, CHANNEL_EDIT_S * games_in_round)


def _series_text(names: tuple[str, str], wins: dict[int, int], best_of: int, final: bool) -> str:
    """ "Thorns lead 2-1", "Series tied 1-1", "Thorns win the series 3-1"."""
    need = best_of // 2 + 1
    lead = 0 if wins[0] >= wins[1] else 1
    hi, lo = wins[lead], wins[1 - lead]
    team = short_name(names[lead], 30)
    if hi >= need:
        if final:
            return f"{team} are the champions" + (f", {hi}-{lo}" if best_of > 1 else "")
        return f"{team} win the series {hi}-{lo}" if best_of > 1 else f"{team} advance"
    if hi == lo:
        return f"Series tied {hi}-{lo}" if hi else ""
    return f"{team} lead {hi}-{lo}"


async def _stage(s: Executor, game: dict[str, Any], names: tuple[str, str]) -> tuple[str, str, str]:
    """(stage, series before this game, series after it)."""
    meta = game.get("metadata") or {}
    phase = str(meta.get("phase") or "regular")
    if phase in STAGES:
        return STAGES[phase], "", ""
    series_id = meta.get("series_id")
    rules = game["ruleset_snapshot"]
    key = "final_series_length" if phase == "final" else "semifinal_series_length"
    best_of = int(rules.get(key, 1) or 1)
    sides = (game["home_team_id"], game["away_team_id"])
    before = {0: 0, 1: 0}
    number = 1
    if series_id:
        for g in await repo.played_games(s, game["season_id"]):
            if g.series_id == series_id and g.round_number < game["round_number"]:
                before[sides.index(g.winner_team_id)] += 1
                number += 1
    after = dict(before)
    after[sides.index(game["winner_team_id"])] += 1
    name = phase.capitalize()
    stage = f"{name}, game {number}" if best_of > 1 else name
    final = phase == "final"
    return (
        stage,
        _series_text(names, before, best_of, final) if best_of > 1 else "",
        _series_text(names, after, best_of, final),
    )


STAT_COLUMNS = (
    "points",
    "field_goals_made",
    "field_goals_attempted",
    "three_pointers_made",
    "three_pointers_attempted",
    "free_throws_made",
    "free_throws_attempted",
    "rebounds",
    "assists",
    "steals",
    "blocks",
    "turnovers",
    "plus_minus",
)


def _box_lines(game: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[BoxLine, ...]:
    """The stored box score in play-by-play order (home roster first), named as at the game."""
    inputs = game["inputs"]
    hoopers = {h["id"]: h for side in ("home_team", "away_team") for h in inputs[side]["hoopers"]}
    order = {hooper_id: i for i, hooper_id in enumerate(hoopers)}
    lines = []
    for r in sorted(rows, key=lambda r: order.get(r["hooper_id"], len(order))):
        h = hoopers.get(r["hooper_id"], {})
        lines.append(
            BoxLine(
                name=str(h.get("name", "?")),
                side=0 if r["team_id"] == game["home_team_id"] else 1,
                starter=bool(h.get("starter", True)),
                minutes=float(r["minutes"]),
                **{column: int(r[column]) for column in STAT_COLUMNS},
            )
        )
    return tuple(lines)


def _finisher(film: fr.Film) -> str:
    """Who scored the last points (in an Elam ending: who reached the target)."""
    for row in reversed(film.rows):
        if row[0] in (pbp.SHOT_MADE, pbp.FREE_THROW_MADE) and 0 <= row[5] < len(film.names):
            return film.names[row[5]]
    return ""


async def load_show(s: Executor, game_id: str) -> Show | None:
    """The game's show, or None for an unknown game."""
    game = await repo.game_row(s, game_id)
    if game is None:
        return None
    inputs, rules = game["inputs"], game["ruleset_snapshot"]
    home, away = inputs["home_team"], inputs["away_team"]
    timed = int(rules.get("elam_trigger_quarter", 3))
    film = fr.Film(
        home=home["name"],
        away=away["name"],
        names=tuple(h["name"] for h in (*home["hoopers"], *away["hoopers"])),
        rows=tuple(tuple(r) for r in game["play_by_play"]),
        home_score=game["home_score"],
        away_score=game["away_score"],
        elam_target=int(game["elam_target"] or 0),
        timed_periods=timed,
        quarter_seconds=float(rules.get("quarter_minutes", 10)) * 60.0,
        commentary=await shows.commentary(s, game_id),
    )
    season = (
        await s.execute(select(SeasonRow.name).where(SeasonRow.id == game["season_id"]))
    ).scalar_one_or_none()
    in_round = (
        await s.execute(
            select(func.count())
            .select_from(repo.games)
            .where(
                repo.games.c.season_id == game["season_id"],
                repo.games.c.round_number == game["round_number"],
            )
        )
    ).scalar_one()
    stage, before, after = await _stage(s, game, (home["name"], away["name"]))
    periods = len(game["quarter_scores"])
    labels = tuple(fr.period_name(i, timed) for i in range(1, periods + 1))
    moments = fr.moments(film)
    card = GameCard(
        game_id=game_id,
        season=str(season or "Season"),
        round_number=game["round_number"],
        game_number=game["matchup_index"] + 1,
        games_in_round=max(int(in_round), game["matchup_index"] + 1),
        home=home["name"],
        away=away["name"],
        home_colour=home.get("color") or "#888888",
        away_colour=away.get("color") or "#888888",
        home_score=game["home_score"],
        away_score=game["away_score"],
        period_scores=tuple((int(h), int(a)) for h, a in game["quarter_scores"]),
        period_labels=labels,
        elam_target=int(game["elam_target"] or 0),
        lead_changes=game["lead_changes"],
        largest_lead=game["largest_lead"],
        stage=stage,
        series_before=before,
        series_after=after,
        finisher=_finisher(film),
        last_play=moments[-1].line if moments else "",
        lines=_box_lines(game, await repo.game_box_scores(s, game_id)),
    )
    return Show(
        card,
        film,
        game["season_id"],
        game["round_number"],
        game["matchup_index"],
        card.games_in_round,
        game["home_team_id"],
        game["away_team_id"],
    )


_CHARTS: OrderedDict[str, bytes] = OrderedDict()
CHARTS_KEPT = 32  # rendered charts kept in memory (a card goes to three channels)


async def chart(show: Show) -> bytes:
    """The game's score-flow PNG, rendered off the event loop (and kept for a while: the same
    card goes to #play-by-play and both teams' channels)."""
    found = _CHARTS.get(show.card.game_id)
    if found is None:
        found = await score_flow_png_async(show.flow())
        _CHARTS[show.card.game_id] = found
        while len(_CHARTS) > CHARTS_KEPT:
            _CHARTS.popitem(last=False)
    # The web companion's thread renders charts too: another thread may have just dropped it.
    with contextlib.suppress(KeyError):
        _CHARTS.move_to_end(show.card.game_id)
    return found


async def attachment(db: Database, spec: dict[str, Any]) -> tuple[str, bytes] | None:
    """The file an outbox payload names (`{"name", "chart", "game_id"}`), or None if its game
    is gone."""
    async with db.read_sessions() as s:
        found = await load_show(s, str(spec.get("game_id")))
    if found is None:
        return None
    return str(spec.get("name") or CHART_FILE), await chart(found)


async def pacing_of(s: Executor, game_id: str) -> float:
    """How long the show of this game's round lasts (or lasted): as its show was set up, or
    for a game shown before shows were kept, the league's pacing now."""
    found = await shows.game_show_seconds(s, game_id)
    if found is not None:
        return found
    league_id = await shows.game_league(s, game_id)
    settings = await gov_repo.league_settings(s, league_id) if league_id else DEFAULT_SETTINGS
    return show_seconds(settings.presentation_round_seconds, None)


def show_seconds(setting: float, round_interval_s: float | None) -> float:
    """How long a round's show lasts: the league's `presentation.round_seconds`, shortened
    to fit well inside the time between rounds (a show never runs into the next round)."""
    if setting <= 0:
        return 0.0
    if round_interval_s is not None and round_interval_s > 0:
        return float(min(setting, math.floor(round_interval_s * 0.75)))
    return float(setting)
