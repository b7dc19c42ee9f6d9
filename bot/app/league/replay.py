"""`pinwheel replay`: rebuild a stored game from its stored inputs, play it again, compare."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.domain.effects import Effect
from bot.domain.league import Team
from bot.domain.rules import parse_ruleset
from bot.domain.strategy import TeamStrategy
from bot.sim import BoxScoreLine, GameResult, PointValues, replay_game
from db import league_repo as repo
from db.engine import Database


@dataclass
class ReplayReport:
    game_id: str
    found: bool
    identical: bool = False
    engine_version: str = ""
    differences: list[str] = field(default_factory=list)


def stored_result(game: dict[str, Any], lines: list[dict[str, Any]]) -> GameResult:
    """The `GameResult` a stored game row and its box score lines describe."""
    inputs = game["inputs"]
    home = Team.model_validate(inputs["home_team"])
    away = Team.model_validate(inputs["away_team"])
    by_hooper = {line["hooper_id"]: line for line in lines}
    box = []
    for team in (home, away):
        for h in team.hoopers:
            line = by_hooper[h.id]
            values = {k: line[k] for k in BoxScoreLine.model_fields if k in line}
            box.append(BoxScoreLine(**{**values, "name": h.name, "starter": h.starter}))
    return GameResult(
        engine_version=game["engine_version"],
        seed=game["seed"],
        rules=parse_ruleset(game["ruleset_snapshot"]),
        home_team=home,
        away_team=away,
        strategies=tuple(TeamStrategy.model_validate(s) for s in inputs["strategies"]),
        effects=tuple(Effect.model_validate(e) for e in inputs["effects"]),
        home_team_id=game["home_team_id"],
        away_team_id=game["away_team_id"],
        home_score=game["home_score"],
        away_score=game["away_score"],
        winner_team_id=game["winner_team_id"],
        quarter_scores=tuple(tuple(q) for q in game["quarter_scores"]),
        elam_target=game["elam_target"] or 0,
        elam_possessions=game["elam_possessions"] or 0,
        total_possessions=game["total_possessions"],
        lead_changes=game["lead_changes"],
        largest_lead=game["largest_lead"],
        duration_seconds=inputs["duration_seconds"],
        point_values=tuple(PointValues.model_validate(v) for v in inputs["point_values"]),
        box_scores=tuple(box),
        play_by_play=tuple(tuple(row) for row in game["play_by_play"]),
    )


async def replay_stored(db: Database, game_id: str) -> ReplayReport:
    async with db.read_sessions() as s:
        game = await repo.game_row(s, game_id)
        lines = await repo.game_box_scores(s, game_id) if game else []
    if game is None:
        return ReplayReport(game_id, found=False)
    stored = stored_result(game, lines)
    again = replay_game(stored)
    before, after = stored.to_dict(), again.to_dict()
    differences = sorted(k for k in before if before[k] != after[k])
    return ReplayReport(
        game_id,
        found=True,
        identical=not differences,
        engine_version=stored.engine_version,
        differences=differences,
    )


async def all_game_ids(db: Database, season_id: str) -> list[str]:
    async with db.read_sessions() as s:
        return [g.game_id for g in await repo.played_games(s, season_id)]
