"""The first run shows governance: the offline league, on the league's clock, tallies the
scripted governors' first proposals at its first window whatever the cadence, and never stores
the offline cadence over the league's own settings (both engines)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app.league.offline import play
from bot.app.league.outbox import CollectingPoster
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.engine import Database
from db.event_store import events_table
from db.tables import SettingRow
from tests.app.league_kit import SHORT_RULES

FIRST_WINDOW_RULES = {**SHORT_RULES, "rounds_per_window": 2}


async def _first_window(database: Database) -> tuple[list[str], list[str]]:
    """The event types up to and including the first window close, and what it resolved."""
    async with database.read_sessions() as s:
        rows = (
            await s.execute(
                select(events_table.c.event_type, events_table.c.payload).order_by(
                    events_table.c.sequence_number
                )
            )
        ).all()
    seen: list[str] = []
    for event_type, payload in rows:
        seen.append(event_type)
        if event_type == "window.closed":
            data = payload if isinstance(payload, dict) else __import__("json").loads(payload)
            return seen, list(data["proposals_resolved"])
    raise AssertionError("no governance window closed")


@pytest.mark.parametrize("round_minutes", [1, 0, None], ids=["make-run", "back-to-back", "fast"])
async def test_rules_pass_in_the_first_window_at_every_cadence(
    database: Database, round_minutes: int | None
) -> None:
    await play(
        database,
        seed="first",
        poster=CollectingPoster(),
        fast=True,  # the league's clock jumps to each due round: minutes of play in a second
        governors=6,
        rules=FIRST_WINDOW_RULES,
        round_minutes=round_minutes,
    )
    seen, resolved = await _first_window(database)
    assert resolved, "the first window tallied nothing"
    assert "proposal.passed" in seen, "no rule passed in the first window"
    assert "rule.enacted" in seen


async def test_the_offline_cadence_is_not_stored_over_the_leagues_settings(
    database: Database,
) -> None:
    await play(
        database,
        seed="stored",
        poster=CollectingPoster(),
        fast=True,
        governors=2,
        rules=SHORT_RULES,
        round_minutes=1,
    )
    async with database.read_sessions() as s:
        stored = (await s.execute(select(SettingRow.key))).scalars().all()
        league_id = await repo.league_for_guild(s, "offline")
        assert league_id is not None
        settings = await gov_repo.league_settings(s, league_id)
    assert stored == []
    # Outside the run the league reads its own settings: the defaults, as an operator left them.
    assert settings.number("schedule.round_interval_minutes") == 60
    assert settings.min_voting_period_seconds == 900
