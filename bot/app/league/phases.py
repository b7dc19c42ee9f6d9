"""The advance step: tick effects, move the season through its phases (regular season,
tiebreakers, playoff series, the championship and its awards, the offseason, complete),
schedule the next games and set when the next round is due."""

from __future__ import annotations

from typing import Any

from bot.app.league import awards
from bot.app.league.govern import close_and_report, open_next_window
from bot.app.league.mirrors import MirrorSpec, publish
from bot.app.league.setup import round_interval
from bot.app.league.steps import (
    SEASON_STATUS,
    StepContext,
    current_progress,
    hold_for_show,
)
from bot.app.levers.commands import ExpireEffects
from bot.app.levers.effects import expire_effects
from bot.domain.governance import Window
from bot.domain.playoffs import Bracket, pending_games, record_game, start_bracket
from bot.domain.rules import RuleSet
from bot.domain.schedule import ScheduledGame, all_games, round_robin
from bot.domain.standings import compute_standings, tied_at_cut
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.event_store import read_by_type
from db.league_repo import Progress
from db.uow import UnitOfWork

# --- advance --------------------------------------------------------------------------------------


async def advance_round(uow: UnitOfWork, ctx: StepContext) -> dict[str, Any]:
    await hold_for_show(uow, ctx)
    s, n = uow.session, ctx.round_number
    p = await current_progress(uow, ctx)
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
    paused = await repo.season_paused(s, ctx.season_id)
    if interval is not None and phase != "complete" and not paused:
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
            held_by=ctx.hold,
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
        held_by=ctx.hold,
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
                    held_by=ctx.hold,
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
    enacted = [e.payload for e in await read_by_type(s, ctx.season_id, ["rule.enacted"])]
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
        held_by=ctx.hold,
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
                "enacted": enacted,  # the writer counts those that changed a value
            },
            round_number=ctx.round_number,
            held_by=ctx.hold,
        ),
        now,
        ctx.writer,
    )
    offseason = await _open_offseason(uow, ctx)
    await publish(
        s,
        MirrorSpec(
            "offseason",
            f"mirror:offseason:{ctx.season_id}",
            ctx.season_id,
            ctx.league_id,
            {
                "season": season.name if season else "the season",
                "rounds": offseason.closes_after_round - offseason.round_number + 1,
            },
            round_number=ctx.round_number,
            held_by=ctx.hold,
        ),
        now,
        ctx.writer,
    )
    return {"awards": found}


async def _open_offseason(uow: UnitOfWork, ctx: StepContext) -> Window:
    """The offseason's own window: governance only, its rounds all after the crowning.

    A window that spans games already played (the crowning came mid-window) is closed and
    tallied now, and a fresh one opened from the next round. A window the govern step has
    just opened for the next round has no games in it: it is the offseason window as it is.
    """
    s, first = uow.session, ctx.round_number + 1
    current = await gov_repo.open_window(s, ctx.season_id)
    if current is not None and current.round_number < first:
        await close_and_report(uow, ctx, current.window_id)
        current = None
    if current is None:
        await open_next_window(uow, ctx, first, "offseason")
        current = await gov_repo.open_window(s, ctx.season_id)
    assert current is not None
    return current


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
            held_by=ctx.hold,
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
        held_by=ctx.hold,
    )
