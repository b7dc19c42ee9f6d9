"""Helpers for the lever tests: hoopers on the seeded teams, played rounds, short commands."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert

from bot.app.levers.commands import OfferTrade
from db.engine import Database
from db.tables import GameResultRow, HooperRow
from tests.app.kit import League


async def add_hoopers(league: League, per_team: int = 2) -> dict[str, list[str]]:
    """`per_team` hoopers on each team: team id -> hooper ids."""
    rosters: dict[str, list[str]] = {}
    rows = []
    for t, team_id in enumerate(league.seeded.team_ids):
        for i in range(per_team):
            hooper_id = str(uuid.uuid4())
            rosters.setdefault(team_id, []).append(hooper_id)
            rows.append(
                {
                    "id": hooper_id,
                    "team_id": team_id,
                    "season_id": league.season,
                    "name": f"Hooper {t}-{i}",
                    "archetype": "sharpshooter",
                    "attributes": {},
                }
            )
    async with league.db.sessions() as s, s.begin():
        await s.execute(insert(HooperRow), rows)
    return rosters


async def play_round(db: Database, league: League, round_number: int) -> None:
    """Store one game result for `round_number`, as the round runner would."""
    home, away = league.seeded.team_ids[:2]
    row: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "season_id": league.season,
        "round_number": round_number,
        "matchup_index": 0,
        "home_team_id": home,
        "away_team_id": away,
        "home_score": 21,
        "away_score": 19,
        "winner_team_id": home,
        "seed": 1,
        "engine_version": "test",
        "ruleset_snapshot": {},
        "inputs": {},
        "quarter_scores": [],
        "play_by_play": [],
        "total_possessions": 40,
        "lead_changes": 1,
        "largest_lead": 4,
    }
    async with db.sessions() as s, s.begin():
        await s.execute(insert(GameResultRow), [row])


def offer(
    league: League,
    frm: int,
    to: int,
    offer_amount: int = 1,
    request_amount: int = 1,
    offer_type: str = "propose",
    request_type: str = "boost",
) -> OfferTrade:
    return OfferTrade(
        league.season,
        league.gov(frm),
        league.gov(to),
        offer_type,
        offer_amount,
        request_type,
        request_amount,
    )
