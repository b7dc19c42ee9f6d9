"""Small builders of direct-table rows that event-store tests need (foreign keys)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import insert

from bot.domain.events import NewEvent, TokenGranted, TokenSpent
from bot.domain.rules import DEFAULT_RULES
from db.engine import Database
from db.tables import GovernorRow, LeagueRow, SeasonRow, SettingRow, TeamRow


@dataclass(frozen=True)
class Seeded:
    league_id: str
    season_id: str
    team_ids: list[str]
    governor_ids: list[str]


async def seed_league(db: Database, *, governors: int = 4, teams: int = 2) -> Seeded:
    league_id, season_id = str(uuid.uuid4()), str(uuid.uuid4())
    team_ids = [str(uuid.uuid4()) for _ in range(teams)]
    governor_ids = [str(uuid.uuid4()) for _ in range(governors)]
    rules = DEFAULT_RULES.model_dump()
    async with db.sessions() as s, s.begin():
        await s.execute(insert(LeagueRow).values(id=league_id, guild_id=league_id[:18], name="L"))
        await s.execute(
            insert(SeasonRow).values(
                id=season_id,
                league_id=league_id,
                number=1,
                name="Season 1",
                status="active",
                starting_ruleset=rules,
                current_ruleset=rules,
                config={},
            )
        )
        await s.execute(
            insert(TeamRow),
            [
                {"id": t, "season_id": season_id, "name": f"Team {i}", "venue": {}}
                for i, t in enumerate(team_ids)
            ],
        )
        # Tests draft proposal after proposal at one instant: no /propose cooldown here (the
        # cooldown's own tests set it).
        await s.execute(
            insert(SettingRow).values(
                league_id=league_id,
                key="governance.propose_cooldown_seconds",
                value_json="0",
                category="governance",
                description="test leagues: no cooldown",
            )
        )
        await s.execute(
            insert(GovernorRow),
            [
                {
                    "id": g,
                    "league_id": league_id,
                    "discord_user_id": str(1000 + i),
                    "discord_username": f"gov{i}",
                }
                for i, g in enumerate(governor_ids)
            ],
        )
    return Seeded(league_id, season_id, team_ids, governor_ids)


def grant(
    season_id: str, governor_id: str, amount: int = 1, token_type: str = "propose", **kw: object
) -> NewEvent:
    payload = TokenGranted(
        governor_id=governor_id,
        token_type=token_type,
        amount=amount,  # type: ignore[arg-type]
        reason="test grant",
    )
    return NewEvent(payload=payload, season_id=season_id, governor_id=governor_id, **kw)  # type: ignore[arg-type]


def spend(
    season_id: str, governor_id: str, amount: int = 1, token_type: str = "propose", **kw: object
) -> NewEvent:
    payload = TokenSpent(
        governor_id=governor_id,
        token_type=token_type,
        amount=amount,  # type: ignore[arg-type]
        reason="test spend",
    )
    return NewEvent(payload=payload, season_id=season_id, governor_id=governor_id, **kw)  # type: ignore[arg-type]
