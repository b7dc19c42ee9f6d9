"""An admin pausing, resuming or starting a season.

Paused is a flag in the season's config, and its `next_due_at` is cleared so the runner finds
nothing due; the advance step keeps it cleared while paused. Resuming makes the next round due
one interval from now. Setup starts a season at once, so `start` ensures it is not paused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.app.governance.commands import ControlSeason
from bot.app.league.setup import round_interval
from bot.domain.errors import ConflictError, NotFoundError
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.league_repo import Executor
from db.uow import UnitOfWork

CADENCE_KEY = "schedule.round_interval_minutes"


async def control_season(uow: UnitOfWork, cmd: ControlSeason) -> dict[str, Any]:
    s = uow.session
    progress = await repo.get_progress(s, cmd.season_id)
    if progress is None:
        raise NotFoundError("That season does not exist.")
    if progress.phase == "complete":
        raise ConflictError("The season is over; start the next one with /admin season new.")
    paused = await repo.season_paused(s, cmd.season_id)
    before = {"paused": paused, "next_due_at": progress.next_due_at}
    if cmd.action == "pause" and paused:
        raise ConflictError("The season is already paused.")
    if cmd.action == "resume" and not paused:
        raise ConflictError("The season is not paused.")
    due = progress.next_due_at
    if cmd.action == "pause":
        due = None
        await repo.set_season_paused(s, cmd.season_id, True)
        await repo.update_progress(s, cmd.season_id, {"next_due_at": None})
    elif paused:  # resume, or start of a paused season
        interval = round_interval(await gov_repo.league_settings(s, progress.league_id))
        due = uow.clock() + interval if interval is not None else None
        await repo.set_season_paused(s, cmd.season_id, False)
        await repo.update_progress(s, cmd.season_id, {"next_due_at": due})
    after = {"paused": cmd.action == "pause", "next_due_at": due}
    await gov_repo.log_admin_action(
        s,
        league_id=progress.league_id,
        actor_id=cmd.admin_id,
        action_type=f"season.{cmd.action}",
        target_table="season_progress",
        target_id=cmd.season_id,
        before=before,
        after=after,
        reason=None,
        at=uow.clock(),
    )
    return {"action": cmd.action, "was_paused": paused, "next_due_at": due}


async def reschedule_league(db: Executor, league_id: str, now: datetime) -> list[str]:
    """After the round interval changed: each unfinished, unpaused season of the league has
    its next round due one new interval from now, or not at all when rounds are manual.
    Runs in the transaction that stores the setting. Returns the seasons rescheduled."""
    interval = round_interval(await gov_repo.league_settings(db, league_id))
    moved = []
    for p in await repo.active_progress(db):
        if p.league_id != league_id or await repo.season_paused(db, p.season_id):
            continue  # a paused season gets its due time when it is resumed
        due = now + interval if interval is not None else None
        await repo.update_progress(db, p.season_id, {"next_due_at": due})
        moved.append(p.season_id)
    return moved
