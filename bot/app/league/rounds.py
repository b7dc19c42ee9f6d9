"""The steps of one round, each a handler run once per deterministic command id.

    round:<season>:<n>:simulate   play the round's games; store results, box scores, commentary,
                                  lifetime stats, standings, the simulation mirror and the post
    round:<season>:<n>:govern     close the window if it ends with this round (tally, enact,
                                  regenerate tokens, mirrors) and open the next
    round:<season>:<n>:advance    tick effects, move the phase on (tiebreakers, playoff series,
                                  the championship and its awards, the offseason), schedule the
                                  next games and set when the next round is due

A step never raises a `DomainError` for a state it can meet (that would record the step as
rejected for good); each re-reads the state it decides on under the append lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.app.governance import windows
from bot.app.governance.commands import CloseWindow, OpenWindow
from bot.app.league import awards, commentary, stats
from bot.app.league.mirrors import MirrorSpec, MirrorWriter, publish
from bot.app.league.setup import round_interval
from bot.app.levers.commands import ExpireEffects
from bot.app.levers.effects import expire_effects
from bot.domain.playoffs import Bracket, pending_games, record_game, start_bracket
from bot.domain.rules import RuleSet
from bot.domain.schedule import ScheduledGame, all_games, round_robin
from bot.domain.standings import compute_standings, tied_at_cut
from bot.sim import GameResult, game_seed, simulate_game
from db import governance_repo as gov_repo
from db import league_repo as repo
from db import levers_repo
from db.event_store import read_by_type
from db.league_repo import Progress, stable_id
from db.uow import UnitOfWork

Hook = Callable[[str], None]
PLAYING = ("regular", "tiebreaker", "playoffs")
SEASON_STATUS = {
    "regular": "active",
    "tiebreaker": "tiebreaker",
    "playoffs": "playoffs",
    "offseason": "offseason",
    "complete": "complete",
}


def step_id(season_id: str, round_number: int, step: str) -> str:
    return f"round:{season_id}:{round_number}:{step}"


@dataclass
class StepContext:
    season_id: str
    league_id: str
    round_number: int
    hook: Hook
    writer: MirrorWriter | None


async def _current(uow: UnitOfWork, ctx: StepContext) -> Progress | None:
    p = await repo.get_progress(uow.session, ctx.season_id)
    if p is None or p.next_round != ctx.round_number:
        return None  # another runner already moved this season on
    return p


async def _governors_by_team(uow: UnitOfWork, season_id: str) -> dict[str, list[str]]:
    by_team: dict[str, list[str]] = {}
    for e in await gov_repo.active_enrollments(uow.session, season_id):
        by_team.setdefault(e.team_id, []).append(e.governor_id)
    return by_team


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


async def simulate_round(uow: UnitOfWork, ctx: StepContext) -> dict[str, Any]:
    s, n = uow.session, ctx.round_number
    p = await _current(uow, ctx)
    if p is None or p.phase not in PLAYING:
        return {"games": 0}
    planned = await repo.round_games(s, ctx.season_id, n)
    if not planned:
        return {"games": 0}
    rules = await gov_repo.current_rules(s, ctx.season_id)
    teams = await repo.load_teams(s, ctx.season_id)
    chosen = await levers_repo.strategies_for_round(s, teams, n)
    effects = await levers_repo.active_effects(s, ctx.season_id, n)
    played = [
        (
            g,
            simulate_game(
                teams[g.home_team_id],
                teams[g.away_team_id],
                rules,
                game_seed(ctx.season_id, n, g.matchup_index),
                chosen,
                effects,
            ),
        )
        for g in planned
    ]
    ctx.hook("simulated")
    now = uow.clock()
    for g, r in played:
        game_id = stable_id("game", ctx.season_id, n, g.matchup_index)
        await repo.insert_game(
            s,
            _game_values(r, g, ctx.season_id, game_id, now),
            _box_values(r, game_id),
            commentary.game_commentary(r, game_id, now),
        )
    results = [r for _, r in played]
    origins = await repo.hooper_origins(s, ctx.season_id)
    await stats.record_hooper_games(s, results, now, origins)
    by_team = await _governors_by_team(uow, ctx.season_id)
    gov_stats = await stats.bump_governors(s, stats.team_result_deltas(results, by_team), now)
    await _announce_achievements(uow, ctx, gov_stats)
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
    lines = [f"{g['winner']} {g['winner_score']}, {g['loser']} {g['loser_score']}" for g in games]
    await repo.enqueue(
        uow.session,
        league_id=ctx.league_id,
        key=f"{step_id(ctx.season_id, n, 'results')}",
        kind="results",
        target="results",
        payload={"text": f"Round {n} ({phase}): " + "; ".join(lines), "round": n},
        at=now,
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
        ),
        now,
        ctx.writer,
    )


async def _announce_achievements(
    uow: UnitOfWork, ctx: StepContext, gov_stats: dict[str, dict[str, Any]]
) -> None:
    now = uow.clock()
    earned = await stats.award_achievements(uow.session, gov_stats, ctx.season_id, now)
    if not earned:
        return
    names = await repo.governor_names(uow.session, ctx.league_id)
    for governor_id, a in earned:
        await repo.enqueue(
            uow.session,
            league_id=ctx.league_id,
            key=f"achievement:{governor_id}:{a['id']}",
            kind="achievement",
            target="announcements",
            payload={"text": f"{names.get(governor_id, 'A governor')} earned {a['name']}."},
            at=now,
        )


# --- govern ---------------------------------------------------------------------------------------


async def govern_round(uow: UnitOfWork, ctx: StepContext) -> dict[str, Any]:
    p = await _current(uow, ctx)
    if p is None or p.phase == "complete":
        return {"closed": None}
    window = await gov_repo.open_window(uow.session, ctx.season_id)
    if window is None or window.closes_after_round > ctx.round_number:
        return {"closed": None}
    outcome = await close_and_report(uow, ctx, window.window_id)
    if p.phase in PLAYING:
        await open_next_window(uow, ctx, ctx.round_number + 1, "window")
    return outcome


async def open_next_window(uow: UnitOfWork, ctx: StepContext, first_round: int, kind: str) -> str:
    rules = await gov_repo.current_rules(uow.session, ctx.season_id)
    window_id = stable_id(kind, ctx.season_id, first_round)
    await windows.open_window(
        uow,
        OpenWindow(
            ctx.season_id,
            window_id,
            round_number=first_round,
            closes_after_round=first_round + rules.rounds_per_window - 1,
        ),
    )
    return window_id


async def close_and_report(uow: UnitOfWork, ctx: StepContext, window_id: str) -> dict[str, Any]:
    """Tally the window (the governance handler), then its mirrors, stats and posts."""
    s, n = uow.session, ctx.round_number
    before = len(uow.appended)
    outcome = await windows.close_window(uow, CloseWindow(ctx.season_id, window_id, n))
    ctx.hook("tallying")
    now = uow.clock()
    new_events = uow.appended[before:]
    revealed = {
        e.payload["proposal_id"]: e.payload["votes"]
        for e in new_events
        if e.event_type == "vote.revealed"
    }
    proposals = {p.proposal_id: p for p in await gov_repo.season_proposals(s, ctx.season_id)}
    resolved = []
    deltas: dict[str, dict[str, int]] = {}
    for pid in [*outcome["passed"], *outcome["failed"]]:
        passed = pid in outcome["passed"]
        votes = revealed.get(pid, [])
        prop = proposals[pid]
        resolved.append(
            {
                "proposal_id": pid,
                "text": prop.text[:200],
                "passed": passed,
                "yes": sum(1 for v in votes if v["vote"] == "yes"),
                "no": sum(1 for v in votes if v["vote"] == "no"),
            }
        )
        author = deltas.setdefault(prop.governor_id, {})
        author["proposals_submitted"] = author.get("proposals_submitted", 0) + 1
        author["proposals_passed"] = author.get("proposals_passed", 0) + int(passed)
        for v in votes:
            d = deltas.setdefault(v["governor_id"], {})
            d["votes_cast"] = d.get("votes_cast", 0) + 1
            with_majority = (v["vote"] == "yes") == passed
            d["votes_with_majority"] = d.get("votes_with_majority", 0) + int(with_majority)
    # Token trades accepted since the previous close (both sides count one).
    marks = await read_by_type(s, ctx.season_id, ["trade.accepted", "window.closed"])
    closes = [e.sequence_number for e in marks if e.event_type == "window.closed"]
    since = closes[-2] if len(closes) > 1 else 0
    for e in marks:
        if e.event_type == "trade.accepted" and e.sequence_number > since:
            for side in (e.payload["from_governor_id"], e.payload["to_governor_id"]):
                d = deltas.setdefault(side, {})
                d["trades_accepted"] = d.get("trades_accepted", 0) + 1
    gov_stats = await stats.bump_governors(s, deltas, now) if deltas else {}
    await _announce_achievements(uow, ctx, gov_stats)
    enacted = [
        {"parameter": e["parameter"], "old_value": e["old_value"], "new_value": e["new_value"]}
        for e in outcome["enacted"]
    ]
    context = {"round": n, "window_id": window_id, "resolved": resolved, "enacted": enacted}
    text = (
        "Governance: "
        + ("; ".join(f"{r['text']} {'PASSED' if r['passed'] else 'failed'}" for r in resolved))
        if resolved
        else "Governance: the window closed with nothing to tally."
    )
    await repo.enqueue(
        s,
        league_id=ctx.league_id,
        key=f"window:{window_id}:closed",
        kind="governance",
        target="governance",
        payload={"text": text, "passed": outcome["passed"], "failed": outcome["failed"]},
        at=now,
    )
    await publish(
        s,
        MirrorSpec(
            "governance",
            f"mirror:governance:{window_id}",
            ctx.season_id,
            ctx.league_id,
            context,
            round_number=n,
        ),
        now,
        ctx.writer,
    )
    await _private_mirrors(uow, ctx, window_id, revealed, proposals)
    return {
        "closed": window_id,
        "passed": outcome["passed"],
        "failed": outcome["failed"],
        "enacted": len(enacted),
    }


async def _private_mirrors(
    uow: UnitOfWork,
    ctx: StepContext,
    window_id: str,
    revealed: dict[str, list[dict[str, Any]]],
    proposals: dict[str, Any],
) -> None:
    s, now = uow.session, uow.clock()
    enrolled = await gov_repo.active_enrollments(s, ctx.season_id)
    if not enrolled:
        return
    names = await repo.governor_names(s, ctx.league_id)
    opted_out = await repo.dm_opt_outs(s, [e.governor_id for e in enrolled])
    majority: dict[tuple[str, str | None], str] = {}
    for pid, votes in revealed.items():
        for team in {v["team_id"] for v in votes}:
            yes = sum(1 for v in votes if v["team_id"] == team and v["vote"] == "yes")
            no = sum(1 for v in votes if v["team_id"] == team and v["vote"] == "no")
            if yes != no:
                majority[(pid, team)] = "yes" if yes > no else "no"
    enacted_round = {
        e.payload["proposal_id"]: e.payload.get("round_enacted") or 0
        for e in await read_by_type(s, ctx.season_id, ["rule.enacted"])
    }
    games = await repo.played_games(s, ctx.season_id)
    for e in sorted(enrolled, key=lambda e: e.governor_id):
        mine = [
            v | {"proposal_id": pid}
            for pid, votes in revealed.items()
            for v in votes
            if v["governor_id"] == e.governor_id
        ]
        against = sum(
            1
            for v in mine
            if majority.get((v["proposal_id"], v["team_id"])) not in (None, v["vote"])
        )
        my_rules = []
        for pid, prop in proposals.items():
            if prop.governor_id != e.governor_id or pid not in enacted_round:
                continue
            cut = enacted_round[pid]
            before = [g.home_score + g.away_score for g in games if g.round_number <= cut]
            after = [g.home_score + g.away_score for g in games if g.round_number > cut]
            my_rules.append(
                {
                    "text": prop.text[:120],
                    "games_after": len(after),
                    "avg_after": sum(after) / len(after) if after else 0.0,
                    "avg_before": sum(before) / len(before) if before else 0.0,
                }
            )
        context = {
            "name": names.get(e.governor_id, "governor"),
            "team": e.team_name,
            "votes": len(mine),
            "against_team": against,
            "my_rules": my_rules,
        }
        await publish(
            s,
            MirrorSpec(
                "private",
                f"mirror:private:{window_id}:{e.governor_id}",
                ctx.season_id,
                ctx.league_id,
                context,
                round_number=ctx.round_number,
                team_id=e.team_id,
                governor_id=e.governor_id,
                deliver=e.governor_id not in opted_out,
            ),
            now,
            ctx.writer,
        )


# --- advance --------------------------------------------------------------------------------------


async def advance_round(uow: UnitOfWork, ctx: StepContext) -> dict[str, Any]:
    s, n = uow.session, ctx.round_number
    p = await _current(uow, ctx)
    if p is None or p.phase == "complete":
        return {"phase": p.phase if p else None, "advanced": False}
    await _tick_effects(uow, ctx)
    rules = await gov_repo.current_rules(s, ctx.season_id)
    phase, bracket = p.phase, p.bracket
    values: dict[str, Any] = {}
    if phase == "regular" and n >= p.last_regular_round:
        phase, bracket = await _after_regular_season(uow, ctx, p, rules)
    elif phase == "tiebreaker" and n >= await repo.last_scheduled_round(s, ctx.season_id):
        phase, bracket = await _start_playoffs(uow, ctx, p, rules)
    elif phase == "playoffs" and bracket is not None:
        phase, bracket, champion = await _after_playoff_round(uow, ctx, Bracket(**bracket))
        if champion is not None:
            values["champion_team_id"] = champion
            values["awards"] = await _crown(uow, ctx, champion)
    elif phase == "offseason" and await gov_repo.open_window(s, ctx.season_id) is None:
        phase = "complete"
        await _complete(uow, ctx)
    now = uow.clock()
    interval = round_interval(await gov_repo.league_settings(s, ctx.league_id))
    due = None
    if interval is not None and phase != "complete":
        due = max(now, p.next_due_at or now) + interval
    if phase != p.phase:
        await repo.set_season_status(
            s, ctx.season_id, SEASON_STATUS[phase], now if phase == "complete" else None
        )
    await repo.update_progress(
        s,
        ctx.season_id,
        {
            **values,
            "phase": phase,
            "bracket": bracket,
            "next_round": n + 1,
            "next_due_at": due,
            "updated_at": now,
        },
    )
    return {"phase": phase, "advanced": True, "next_round": n + 1}


async def _tick_effects(uow: UnitOfWork, ctx: StepContext) -> None:
    """Record the expiry of effects whose last round was this one (the levers' handler)."""
    await expire_effects(uow, ExpireEffects(ctx.season_id, ctx.round_number + 1))


async def _after_regular_season(
    uow: UnitOfWork, ctx: StepContext, p: Progress, rules: RuleSet
) -> tuple[str, dict[str, Any] | None]:
    s = uow.session
    teams = await repo.team_names(s, ctx.season_id)
    regular = [g.score() for g in await repo.played_games(s, ctx.season_id, ("regular",))]
    rows = compute_standings(list(teams), regular)
    tied = tied_at_cut(rows, rules.playoff_teams)
    if not tied:
        return await _start_playoffs(uow, ctx, p, rules)
    first = ctx.round_number + 1
    planned = [
        g.model_copy(update={"phase": "tiebreaker"})
        for g in all_games(round_robin(sorted(tied), 1, first_round=first))
    ]
    await repo.insert_schedule(s, ctx.season_id, planned)
    await publish(
        s,
        MirrorSpec(
            "tiebreaker",
            f"mirror:tiebreaker:{ctx.season_id}",
            ctx.season_id,
            ctx.league_id,
            {"teams": [teams[t] for t in tied], "games": len(planned)},
            round_number=ctx.round_number,
        ),
        uow.clock(),
        ctx.writer,
    )
    return "tiebreaker", None


async def _seeds(uow: UnitOfWork, ctx: StepContext, rules: RuleSet) -> list[str]:
    """Final order: the standings, with a tie at the playoff line settled by tiebreaker games."""
    s = uow.session
    teams = await repo.team_names(s, ctx.season_id)
    regular = [g.score() for g in await repo.played_games(s, ctx.season_id, ("regular",))]
    rows = compute_standings(list(teams), regular)
    order = [r.team_id for r in rows]
    tied = set(tied_at_cut(rows, rules.playoff_teams))
    extra = await repo.played_games(s, ctx.season_id, ("tiebreaker",))
    if tied and extra:
        record = {t: [0, 0] for t in tied}
        for g in extra:
            loser = g.away_team_id if g.winner_team_id == g.home_team_id else g.home_team_id
            record[g.winner_team_id][0] += 1
            diff = abs(g.home_score - g.away_score)
            record[g.winner_team_id][1] += diff
            record[loser][1] -= diff
        positions = [i for i, t in enumerate(order) if t in tied]
        resolved = sorted(tied, key=lambda t: (-record[t][0], -record[t][1], t))
        for i, t in zip(positions, resolved, strict=True):
            order[i] = t
    return order


async def _start_playoffs(
    uow: UnitOfWork, ctx: StepContext, p: Progress, rules: RuleSet
) -> tuple[str, dict[str, Any] | None]:
    seeds = await _seeds(uow, ctx, rules)
    bracket = start_bracket(seeds, rules, "p")
    await _schedule_playoff_games(uow, ctx, bracket)
    names = await repo.team_names(uow.session, ctx.season_id)
    field = ", ".join(f"{i}. {names[t]}" for i, t in enumerate(seeds[: rules.playoff_teams], 1))
    await repo.enqueue(
        uow.session,
        league_id=ctx.league_id,
        key=f"season:{ctx.season_id}:playoffs",
        kind="phase",
        target="announcements",
        payload={"text": f"The playoffs are set: {field}."},
        at=uow.clock(),
    )
    return "playoffs", bracket.model_dump(mode="json")


async def _schedule_playoff_games(uow: UnitOfWork, ctx: StepContext, bracket: Bracket) -> None:
    first = ctx.round_number + 1
    planned = [
        ScheduledGame(
            round_number=first,
            matchup_index=i,
            home_team_id=g.home_team_id,
            away_team_id=g.away_team_id,
            phase=g.round_name,
            series_id=g.series_id,
        )
        for i, g in enumerate(pending_games(bracket))
    ]
    await repo.insert_schedule(uow.session, ctx.season_id, planned)


async def _after_playoff_round(
    uow: UnitOfWork, ctx: StepContext, bracket: Bracket
) -> tuple[str, dict[str, Any], str | None]:
    s = uow.session
    names = await repo.team_names(s, ctx.season_id)
    played = [
        g
        for g in await repo.played_games(s, ctx.season_id)
        if g.round_number == ctx.round_number and g.series_id
    ]
    for g in played:
        bracket = record_game(bracket, g.series_id or "", g.winner_team_id)
    for round_ in bracket.rounds:
        for series in round_:
            if series.series_id not in {g.series_id for g in played} or not series.is_over:
                continue
            winner = series.winner_team_id or ""
            loser = (
                series.lower_seed_team_id
                if winner == series.higher_seed_team_id
                else series.higher_seed_team_id
            )
            wins = sorted((series.higher_seed_wins, series.lower_seed_wins), reverse=True)
            await publish(
                s,
                MirrorSpec(
                    "series",
                    f"mirror:series:{ctx.season_id}:{series.series_id}",
                    ctx.season_id,
                    ctx.league_id,
                    {
                        "round_name": series.round_name,
                        "winner": names[winner],
                        "loser": names[loser],
                        "winner_wins": wins[0],
                        "loser_wins": wins[1],
                    },
                    round_number=ctx.round_number,
                ),
                uow.clock(),
                ctx.writer,
            )
    if bracket.champion is not None:
        return "offseason", bracket.model_dump(mode="json"), bracket.champion
    await _schedule_playoff_games(uow, ctx, bracket)
    return "playoffs", bracket.model_dump(mode="json"), None


async def _crown(uow: UnitOfWork, ctx: StepContext, champion: str) -> dict[str, Any]:
    """Awards, the season mirror and the championship post; then the offseason window."""
    s, now = uow.session, uow.clock()
    names = await repo.team_names(s, ctx.season_id)
    season = await repo.season(s, ctx.season_id)
    found = await awards.season_awards(uow, ctx.season_id, ctx.league_id)
    rule_changes = len(await read_by_type(s, ctx.season_id, ["rule.enacted"]))
    await repo.enqueue(
        s,
        league_id=ctx.league_id,
        key=f"season:{ctx.season_id}:champion",
        kind="awards",
        target="announcements",
        payload={
            "text": f"{names[champion]} are the champions! "
            + " ".join(f"{a['title']}: {a['name']}." for a in found),
            "champion_team_id": champion,
            "awards": found,
        },
        at=now,
    )
    await publish(
        s,
        MirrorSpec(
            "season",
            f"mirror:season:{ctx.season_id}",
            ctx.season_id,
            ctx.league_id,
            {
                "champion": names[champion],
                "season": season.name if season else "the season",
                "awards": found,
                "rule_changes": rule_changes,
            },
            round_number=ctx.round_number,
        ),
        now,
        ctx.writer,
    )
    # The window open now (the govern step always opens the next) becomes the offseason's:
    # governance goes on, with no games, until it closes.
    if await gov_repo.open_window(s, ctx.season_id) is None:
        await open_next_window(uow, ctx, ctx.round_number + 1, "offseason")
    rules = await gov_repo.current_rules(s, ctx.season_id)
    await publish(
        s,
        MirrorSpec(
            "offseason",
            f"mirror:offseason:{ctx.season_id}",
            ctx.season_id,
            ctx.league_id,
            {"season": season.name if season else "the season", "rounds": rules.rounds_per_window},
            round_number=ctx.round_number,
        ),
        now,
        ctx.writer,
    )
    return {"awards": found}


async def _complete(uow: UnitOfWork, ctx: StepContext) -> None:
    s, now = uow.session, uow.clock()
    season = await repo.season(s, ctx.season_id)
    proposals = await gov_repo.season_proposals(s, ctx.season_id)
    context = {
        "season": season.name if season else "the season",
        "games": len(await repo.played_games(s, ctx.season_id)),
        "proposals": len(proposals),
        "passed": sum(1 for p in proposals if p.status == "passed"),
        "seasons_complete": season.number if season else 1,  # earlier seasons finished first
    }
    await publish(
        s,
        MirrorSpec(
            "league",
            f"mirror:league:{ctx.season_id}",
            ctx.season_id,
            ctx.league_id,
            context,
            round_number=ctx.round_number,
        ),
        now,
        ctx.writer,
    )
    await repo.enqueue(
        s,
        league_id=ctx.league_id,
        key=f"season:{ctx.season_id}:complete",
        kind="phase",
        target="announcements",
        payload={"text": f"{context['season']} is complete. See you next season."},
        at=now,
    )
