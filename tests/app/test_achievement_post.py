"""A round's achievements are one post even when its first part already went out before a
later step of the same round earned more (a restart between steps, say): the post grows and
is edited where it is, never joined by a second one (both engines)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.app.league.offline import JumpClock
from bot.app.league.steps import StepContext, announce_achievements
from db.engine import Database
from db.tables import GovernorRow, OutboxRow, SeasonRow
from db.uow import run_command
from tests.app.league_kit import scripted, setup_short_league


async def _announce(database: Database, ctx: StepContext, stats: dict[str, Any], n: int) -> None:
    async def step(uow: Any) -> dict[str, Any]:
        await announce_achievements(uow, ctx, stats)
        return {}

    await run_command(database, step, command_id=f"achievements:{n}", request={"n": n})


async def test_achievements_earned_after_the_rounds_post_went_out_edit_that_post(
    database: Database,
) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    await scripted(database, clock, season)
    async with database.read_sessions() as s:
        league = (
            await s.execute(select(SeasonRow.league_id).where(SeasonRow.id == season))
        ).scalar_one()
        first, second = (await s.execute(select(GovernorRow.id).limit(2))).scalars().all()
    ctx = StepContext(season, league, 1, hook=None, writer=None)  # type: ignore[arg-type]

    await _announce(database, ctx, {first: {"votes_cast": 1}}, 1)  # the simulate step's
    async with database.sessions() as s, s.begin():  # ...post goes out
        await s.execute(
            update(OutboxRow).where(OutboxRow.kind == "achievement").values(sent_at=clock())
        )
    await _announce(database, ctx, {second: {"votes_cast": 1}}, 2)  # the govern step's

    async with database.read_sessions() as s:
        rows = (
            (await s.execute(select(OutboxRow).where(OutboxRow.kind == "achievement")))
            .scalars()
            .all()
        )
    [post] = rows  # one post for the round, not two
    assert post.key == f"achievements:{season}:1"
    assert post.payload["text"].count(" earned First Ballot.") == 2
    assert post.sent_at is None and post.revision == 1  # to be edited where it went out
