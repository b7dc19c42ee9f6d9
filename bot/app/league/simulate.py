"""The simulate step: play a round's games; store results, box scores, commentary, lifetime
stats and standings; write the simulation mirror and the results post."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.app.league import commentary, stats
from bot.app.league.mirrors import MirrorSpec, publish
from bot.app.league.setup import round_interval
from bot.app.league.show import show_seconds
from bot.app.league.steps import (
    PLAYING,
    StepContext,
    announce_achievements,
    current_progress,
    governors_by_team,
    step_id,
)
from bot.domain.league import apply_rosters
from bot.domain.schedule import ScheduledGame
from bot.domain.standings import compute_standings
from bot.render.results import results_embed, results_text
from bot.sim import GameResult, game_seed, simulate_game
from db import governance_repo as gov_repo
from db import league_repo as repo
from db import levers_repo
from db import presentation_repo as shows
from db.engine import Database
from db.league_repo import stable_id
from db.uow import UnitOfWork

# --- simulate -------------------------------------------------------------------------------------


def _game_values(
    result: GameResult, game: ScheduledGame, season_id: str, game_id: str, at: Any
) -> dict[str, Any]:
    return {
        "id": game_id,
        "season_id": season_id,
        "round_number": game.round_number,
        "matchup_index": game.matchup_index,
        "home_team_id": result.home_team_id,
        "away_team_id": result.away_team_id,
        "home_score": result.home_score,
        "away_score": result.away_score,
        "winner_team_id": result.winner_team_id,
        "seed": result.seed,
        "engine_version": result.engine_version,
        "ruleset_snapshot": result.rules.model_dump(mode="json"),
        "inputs": {
            "home_team": result.home_team.model_dump(mode="json"),
            "away_team": result.away_team.model_dump(mode="json"),
            "strategies": [s.model_dump(mode="json") for s in result.strategies],
            "effects": [e.model_dump(mode="json") for e in result.effects],
            "point_values": [v.model_dump(mode="json") for v in result.point_values],
            "duration_seconds": result.duration_seconds,
        },
        "quarter_scores": [list(q) for q in result.quarter_scores],
        "elam_target": result.elam_target,
        "elam_possessions": result.elam_possessions,
        "total_possessions": result.total_possessions,
        "lead_changes": result.lead_changes,
        "largest_lead": result.largest_lead,
        "metadata": {"phase": game.phase, "series_id": game.series_id},
        "play_by_play": [list(row) for row in result.play_by_play],
        "created_at": at,
    }


def _box_values(result: GameResult, game_id: str) -> list[dict[str, Any]]:
    skip = {"name", "starter"}
    return [
        {
            "id": stable_id("box", game_id, line.hooper_id),
            "game_id": game_id,
            **{k: v for k, v in line.model_dump().items() if k not in skip},
        }
        for line in result.box_scores
    ]


@dataclass(frozen=True)
class Inputs:
    """Everything a round's games are played from; equal inputs play equal games (the
    simulation is deterministic in them and the seed, which the round fixes)."""

    planned: list[ScheduledGame]
    rules: Any
    teams: dict[str, Any]
    strategies: Any
    effects: Any


@dataclass(frozen=True)
class Preplay:
    inputs: Inputs
    played: list[tuple[ScheduledGame, GameResult]]


async def _inputs(s: Any, ctx: StepContext) -> Inputs | None:
    n = ctx.round_number
    planned = await repo.round_games(s, ctx.season_id, n)
    if not planned:
        return None
    rules = await gov_repo.current_rules(s, ctx.season_id)
    # Hooper trades executed before this round apply to it (never to a round in progress).
    teams = apply_rosters(
        await repo.load_teams(s, ctx.season_id),
        await levers_repo.rosters_for_round(s, ctx.season_id, n),
    )
    chosen = await levers_repo.strategies_for_round(s, teams, n)
    effects = await levers_repo.active_effects(s, ctx.season_id, n)
    return Inputs(planned, rules, teams, chosen, effects)


def play_games(ctx: StepContext, inputs: Inputs) -> list[tuple[ScheduledGame, GameResult]]:
    return [
        (
            g,
            simulate_game(
                inputs.teams[g.home_team_id],
                inputs.teams[g.away_team_id],
                inputs.rules,
                game_seed(ctx.season_id, ctx.round_number, g.matchup_index),
                inputs.strategies,
                inputs.effects,
            ),
        )
        for g in inputs.planned
    ]


async def preplay(db: Database, ctx: StepContext) -> Preplay | None:
    """The round's games, played from what is stored now, before the simulate step's
    transaction: the simulation (most of the step's time) then holds no lock (on SQLite the
    file's one write lock, which every command waits for; on PostgreSQL the league's rows).
    The step plays them again only if its own reads of the inputs differ (a strategy, a rule
    or a trade committed in between)."""
    async with db.read_sessions() as s:
        inputs = await _inputs(s, ctx)
    if inputs is None:
        return None
    return Preplay(inputs, play_games(ctx, inputs))


async def simulate_round(uow: UnitOfWork, ctx: StepContext) -> dict[str, Any]:
    s, n = uow.session, ctx.round_number
    p = await current_progress(uow, ctx)
    if p is None or p.phase not in PLAYING:
        return {"games": 0}
    inputs = await _inputs(s, ctx)
    if inputs is None:
        return {"games": 0}
    ready = ctx.preplayed
    if isinstance(ready, Preplay) and ready.inputs == inputs:
        played = ready.played
    else:
        played = play_games(ctx, inputs)
    teams = inputs.teams
    ctx.hook("simulated")
    now = uow.clock()
    game_ids = []
    for g, r in played:
        game_id = stable_id("game", ctx.season_id, n, g.matchup_index)
        game_ids.append(game_id)
        await repo.insert_game(
            s,
            _game_values(r, g, ctx.season_id, game_id, now),
            _box_values(r, game_id),
            commentary.game_commentary(r, game_id, now),
        )
    # The round's show (bot/app/league/presenter.py): its posts wait until it is over.
    settings = await gov_repo.league_settings(s, ctx.league_id)
    interval = round_interval(settings)
    ctx.hold = await shows.create(
        s,
        league_id=ctx.league_id,
        season_id=ctx.season_id,
        round_number=n,
        round_seconds=show_seconds(
            settings.presentation_round_seconds,
            interval.total_seconds() if interval is not None else None,
        ),
        game_ids=game_ids,
        at=now,
    )
    results = [r for _, r in played]
    origins = await repo.hooper_origins(s, ctx.season_id)
    await stats.record_hooper_games(s, results, now, origins)
    by_team = await governors_by_team(uow, ctx.season_id)
    gov_stats = await stats.bump_governors(s, stats.team_result_deltas(results, by_team), now)
    await announce_achievements(uow, ctx, gov_stats)
    standings = p.standings
    if any(g.phase == "regular" for g, _ in played):
        regular = [x.score() for x in await repo.played_games(s, ctx.season_id, ("regular",))]
        standings = [r.model_dump() for r in compute_standings(list(teams), regular)]
        await repo.update_progress(s, ctx.season_id, {"standings": standings, "updated_at": now})
    names = {t.id: t.name for t in teams.values()}
    await _post_results(uow, ctx, played, names, standings)
    return {"games": len(played), "winners": [r.winner_team_id for r in results]}


async def _post_results(
    uow: UnitOfWork,
    ctx: StepContext,
    played: Sequence[tuple[ScheduledGame, GameResult]],
    names: dict[str, str],
    standings: list[Any],
) -> None:
    now, n = uow.clock(), ctx.round_number
    games = []
    best: tuple[int, str, str] | None = None
    for _, r in played:
        loser = r.away_team_id if r.home_won else r.home_team_id
        hi, lo = max(r.home_score, r.away_score), min(r.home_score, r.away_score)
        games.append(
            {
                "winner": names[r.winner_team_id],
                "loser": names[loser],
                "winner_score": hi,
                "loser_score": lo,
                "margin": hi - lo,
            }
        )
        for line in r.box_scores:
            if best is None or line.points > best[0]:
                best = (line.points, line.name, names[line.team_id])
    context: dict[str, Any] = {"round": n, "games": games}
    if best is not None:
        context["top_scorer"] = {"points": best[0], "name": best[1], "team": best[2]}
    if standings and standings[0]["games"]:
        top = standings[0]
        context["leader"] = {
            "team": names[top["team_id"]],
            "record": f"{top['wins']}-{top['losses']}",
        }
    phase = played[0][0].phase
    season = await repo.season(uow.session, ctx.season_id)
    embed = results_embed(
        n,
        phase,
        games,
        season=season.name if season else "",
        top_scorer=context.get("top_scorer"),
        leader=context.get("leader"),
    )
    await repo.enqueue(
        uow.session,
        league_id=ctx.league_id,
        key=f"{step_id(ctx.season_id, n, 'results')}",
        kind="results",
        target="results",
        payload={
            "text": results_text(n, phase, games),
            "embed": embed,
            "signature": embed["footer"]["text"],
            "round": n,
            "season_id": ctx.season_id,
            # Whose governors the post may ping (each unless they opted out).
            "team_ids": sorted({t for _, r in played for t in (r.home_team_id, r.away_team_id)}),
        },
        at=now,
        held_by=ctx.hold,
    )
    await publish(
        uow.session,
        MirrorSpec(
            "simulation",
            f"mirror:simulation:{ctx.season_id}:{n}",
            ctx.season_id,
            ctx.league_id,
            context,
            round_number=n,
            held_by=ctx.hold,
        ),
        now,
        ctx.writer,
    )
