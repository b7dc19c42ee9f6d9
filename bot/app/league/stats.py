"""Lifetime stats and achievements (docs/design.md), kept on game and window completion."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.sim import GameResult
from db import league_repo as repo
from db.league_repo import Executor

# A stable key each; thresholds read the governor's lifetime stats row.
ACHIEVEMENTS: tuple[dict[str, Any], ...] = (
    {
        "id": "first_vote",
        "name": "First Ballot",
        "description": "Cast a vote that was counted.",
        "category": "governance",
        "rarity": "common",
        "requirement": {"field": "votes_cast", "at_least": 1},
    },
    {
        "id": "lawmaker",
        "name": "Lawmaker",
        "description": "Wrote a proposal that passed.",
        "category": "governance",
        "rarity": "uncommon",
        "requirement": {"field": "proposals_passed", "at_least": 1},
    },
    {
        "id": "prolific",
        "name": "Prolific",
        "description": "Put five proposals to a vote.",
        "category": "governance",
        "rarity": "rare",
        "requirement": {"field": "proposals_submitted", "at_least": 5},
    },
    {
        "id": "hot_streak",
        "name": "Hot Streak",
        "description": "Governed a team through five straight wins.",
        "category": "results",
        "rarity": "uncommon",
        "requirement": {"field": "best_streak", "at_least": 5},
    },
    {
        "id": "centurion",
        "name": "Centurion",
        "description": "Governed a team through 25 games.",
        "category": "results",
        "rarity": "rare",
        "requirement": {"field": "team_games", "at_least": 25},
    },
)

_GOV_FIELDS = (
    "proposals_submitted",
    "proposals_passed",
    "votes_cast",
    "votes_with_majority",
    "trades_accepted",
    "team_games",
    "team_wins",
    "current_streak",
    "best_streak",
)


async def record_hooper_games(
    db: Executor, results: Sequence[GameResult], at: datetime, origins: Mapping[str, str]
) -> None:
    """Add each box score line to its hooper's lifetime row (under the hooper's first id)."""
    ids = [origins.get(line.hooper_id, line.hooper_id) for r in results for line in r.box_scores]
    current = await repo.hooper_stats_for(db, ids)
    for r in results:
        for line in r.box_scores:
            key = origins.get(line.hooper_id, line.hooper_id)
            s = current.get(key) or {
                "hooper_id": key,
                "games_played": 0,
                "games_won": 0,
                "points": 0,
                "rebounds": 0,
                "assists": 0,
                "steals": 0,
                "blocks": 0,
                "highest_points": 0,
                "current_win_streak": 0,
                "longest_win_streak": 0,
                "last_game_at": None,
            }
            won = line.team_id == r.winner_team_id
            streak = s["current_win_streak"] + 1 if won else 0
            current[key] = {
                **s,
                "games_played": s["games_played"] + 1,
                "games_won": s["games_won"] + int(won),
                "points": s["points"] + line.points,
                "rebounds": s["rebounds"] + line.rebounds,
                "assists": s["assists"] + line.assists,
                "steals": s["steals"] + line.steals,
                "blocks": s["blocks"] + line.blocks,
                "highest_points": max(s["highest_points"], line.points),
                "current_win_streak": streak,
                "longest_win_streak": max(s["longest_win_streak"], streak),
                "last_game_at": at,
            }
    await repo.save_hooper_stats(db, list(current.values()))


def _blank(governor_id: str) -> dict[str, Any]:
    return {"governor_id": governor_id, **dict.fromkeys(_GOV_FIELDS, 0)}


async def bump_governors(
    db: Executor, deltas: Mapping[str, Mapping[str, int]], at: datetime
) -> dict[str, dict[str, Any]]:
    """Add counters to governors' lifetime stats; `team_result` of +1/-1 moves the streaks."""
    current = await repo.governor_stats_for(db, deltas)
    for governor_id, delta in deltas.items():
        s = dict(current.get(governor_id) or _blank(governor_id))
        for field, amount in delta.items():
            if field == "team_result":
                s["current_streak"] = s["current_streak"] + 1 if amount > 0 else 0
                s["best_streak"] = max(s["best_streak"], s["current_streak"])
            else:
                s[field] += amount
        s["updated_at"] = at
        current[governor_id] = s
    await repo.save_governor_stats(db, [current[g] for g in deltas])
    return {g: current[g] for g in deltas}


def team_result_deltas(
    results: Iterable[GameResult], governors_by_team: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, int]]:
    deltas: dict[str, dict[str, int]] = {}
    for r in results:
        for team in (r.home_team_id, r.away_team_id):
            won = team == r.winner_team_id
            for gov in governors_by_team.get(team, ()):
                d = deltas.setdefault(gov, {"team_games": 0, "team_wins": 0})
                d["team_games"] += 1
                d["team_wins"] += int(won)
                d["team_result"] = 1 if won else -1
    return deltas


async def award_achievements(
    db: Executor, stats: Mapping[str, Mapping[str, Any]], season_id: str, at: datetime
) -> list[tuple[str, dict[str, Any]]]:
    """Grant what the stats now earn; return (governor, achievement) pairs newly earned."""
    have = await repo.earned_achievements(db, stats)
    earned = []
    for governor_id, s in sorted(stats.items()):
        for a in ACHIEVEMENTS:
            req = a["requirement"]
            if (governor_id, a["id"]) not in have and s.get(req["field"], 0) >= req["at_least"]:
                await repo.grant_achievement(db, governor_id, a["id"], season_id, at)
                earned.append((governor_id, a))
    return earned
