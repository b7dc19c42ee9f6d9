"""An admin setting the league up, starting a new season or playing a round by hand, each
written to `admin_log` with before and after snapshots. Setup and new seasons are logged in the
same transaction as the action; a round is several transactions of its own (simulate, govern,
advance), so playing it by hand is recorded (with its log entry) when it is asked for, and the
round is played after."""

from __future__ import annotations

from typing import Any

from bot.app.league.runner import RoundReport, Runner
from bot.app.league.setup import SetupLeague, StartNewSeason, setup_league, start_new_season
from bot.domain.errors import ConflictError
from db import governance_repo as gov_repo
from db import league_repo
from db.engine import Database
from db.event_store import Clock
from db.uow import Scope, UnitOfWork, run_command


async def _log(
    uow: UnitOfWork,
    *,
    league_id: str,
    admin_id: str,
    action_type: str,
    target_table: str,
    target_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    await gov_repo.log_admin_action(
        uow.session,
        league_id=league_id,
        actor_id=admin_id,
        action_type=action_type,
        target_table=target_table,
        target_id=target_id,
        before=before,
        after=after,
        reason=None,
        at=uow.clock(),
    )


async def run_logged_setup(
    db: Database, cmd: SetupLeague, *, admin_id: str, clock: Clock
) -> dict[str, Any]:
    """Set the guild's league up once (the command id is the guild's, as for `run_setup`)."""

    async def handle(uow: UnitOfWork) -> dict[str, Any]:
        out = await setup_league(uow, cmd)
        await _log(
            uow,
            league_id=out["league_id"],
            admin_id=admin_id,
            action_type="league.setup",
            target_table="leagues",
            target_id=out["league_id"],
            before=None,
            after={"name": cmd.name, "season_id": out["season_id"], "teams": len(out["team_ids"])},
        )
        return out

    result = await run_command(
        db, handle, command_id=f"setup:{cmd.guild_id}", request=cmd.request(), clock=clock
    )
    return result.outcome


async def run_logged_new_season(
    db: Database, cmd: StartNewSeason, *, admin_id: str, clock: Clock, command_id: str
) -> dict[str, Any]:
    async def handle(uow: UnitOfWork) -> dict[str, Any]:
        s = uow.session
        previous = await league_repo.latest_season(s, cmd.league_id)
        progress = await league_repo.get_progress(s, previous.season_id) if previous else None
        out = await start_new_season(uow, cmd)  # refuses when there is no season yet
        assert previous is not None
        await _log(
            uow,
            league_id=cmd.league_id,
            admin_id=admin_id,
            action_type="season.new",
            target_table="seasons",
            target_id=out["season_id"],
            before={
                "season_id": previous.season_id,
                "number": previous.number,
                "phase": progress.phase if progress else None,
            },
            after={
                "season_id": out["season_id"],
                "number": previous.number + 1,
                "carry_rules": cmd.carry_rules,
                "replaced_unfinished": progress is not None and progress.phase != "complete",
                "governors_carried": out["governors_carried"],
            },
        )
        return out

    result = await run_command(
        db,
        handle,
        command_id=command_id,
        request=cmd.request(),
        clock=clock,
        scope=Scope("league", cmd.league_id),
    )
    return result.outcome


async def _progress(db: Database, season_id: str) -> dict[str, Any] | None:
    async with db.read_sessions() as s:
        found = await league_repo.get_progress(s, season_id)
    return {"phase": found.phase, "next_round": found.next_round} if found else None


async def advance_season(
    db: Database, season_id: str, *, admin_id: str, clock: Clock, command_id: str
) -> RoundReport | None:
    """Play the season's next round now, once per command id however often it is delivered.

    The command is recorded first, with the round it asks for and its `admin_log` entry, in
    one transaction under the league's lock; the round is played after. A redelivery finds the
    command recorded and plays only that same round, and only if it is not played yet (its
    first delivery died before finishing it: the round's steps are idempotent and finish it
    once); it never plays a second one. None when there is nothing to play: the season is over,
    the round was played already, or another process is playing the league."""

    async def handle(uow: UnitOfWork) -> dict[str, Any]:
        progress = await league_repo.get_progress(uow.session, season_id)
        if progress is None or progress.phase == "complete":
            raise ConflictError("The season is over: there is no round to play.")
        league_id = await gov_repo.season_league(uow.session, season_id)
        assert league_id is not None  # the season has progress, so it has a league
        await _log(
            uow,
            league_id=league_id,
            admin_id=admin_id,
            action_type="season.advance",
            target_table="season_progress",
            target_id=season_id,
            before={"phase": progress.phase, "next_round": progress.next_round},
            after={"round_played": progress.next_round},
        )
        return {"round_number": progress.next_round}

    request = {"command": "AdvanceSeason", "season_id": season_id}
    try:
        result = await run_command(
            db,
            handle,
            command_id=command_id,
            request=request,
            clock=clock,
            scope=Scope("season", season_id),
        )
    except ConflictError:
        return None
    wanted = int(result.outcome["round_number"])
    now = await _progress(db, season_id)
    if now is None or now["next_round"] != wanted:
        return None  # that round is played already (this command's, or someone else's)
    return await Runner(db, clock=clock).run_round(season_id)
