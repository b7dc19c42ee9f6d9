"""Joining and leaving a team, and admin token grants to a team's governors."""

from __future__ import annotations

from typing import Any

from bot.app.governance._common import envelopes, season_context
from bot.app.governance.commands import GrantTokens, JoinTeam, LeaveTeam, RemoveGovernor
from bot.domain.errors import NotFoundError, ValidationError
from bot.domain.events import TOKEN_TYPES, TokenGranted
from bot.domain.governance import decide_join, decide_leave
from db import governance_repo as repo
from db.uow import UnitOfWork


async def join_team(uow: UnitOfWork, cmd: JoinTeam) -> dict[str, Any]:
    ctx = await season_context(uow, cmd.season_id)
    name = await repo.team_name(uow.session, cmd.season_id, cmd.team_id)
    if name is None:
        raise NotFoundError("That team is not in this season.")
    governor_id = await repo.ensure_governor(
        uow.session, ctx.league_id, cmd.discord_user_id, cmd.username
    )
    current = await repo.enrollment(uow.session, cmd.season_id, governor_id)
    events = decide_join(governor_id, cmd.team_id, current, ctx.rules)
    await uow.append(envelopes(events, cmd.season_id))
    return {
        "governor_id": governor_id,
        "team_id": cmd.team_id,
        "team_name": name,
        "already_joined": not events,
        "tokens_granted": sum(getattr(e, "amount", 0) for e in events),
    }


async def leave_team(uow: UnitOfWork, cmd: LeaveTeam) -> dict[str, Any]:
    current = await repo.enrollment(uow.session, cmd.season_id, cmd.governor_id)
    events = decide_leave(cmd.governor_id, current, removed_by=None)
    await uow.append(envelopes(events, cmd.season_id))
    assert current is not None
    return {"governor_id": cmd.governor_id, "team_id": current.team_id}


async def remove_governor(uow: UnitOfWork, cmd: RemoveGovernor) -> dict[str, Any]:
    ctx = await season_context(uow, cmd.season_id)
    current = await repo.enrollment(uow.session, cmd.season_id, cmd.governor_id)
    events = decide_leave(cmd.governor_id, current, removed_by=cmd.admin_id, reason=cmd.reason)
    await uow.append(envelopes(events, cmd.season_id))
    assert current is not None
    await repo.log_admin_action(
        uow.session,
        league_id=ctx.league_id,
        actor_id=cmd.admin_id,
        action_type="governor.remove",
        target_table="enrollments",
        target_id=f"{cmd.season_id}:{cmd.governor_id}",
        before={"team_id": current.team_id, "is_active": True},
        after={"team_id": current.team_id, "is_active": False},
        reason=cmd.reason or None,
        at=uow.clock(),
    )
    return {"governor_id": cmd.governor_id, "team_id": current.team_id}


MAX_GRANT = 10


async def grant_tokens(uow: UnitOfWork, cmd: GrantTokens) -> dict[str, Any]:
    if cmd.token_type not in TOKEN_TYPES:
        raise ValidationError(f"Token type must be one of: {', '.join(TOKEN_TYPES)}.")
    if not 1 <= cmd.amount <= MAX_GRANT:
        raise ValidationError(f"A grant is 1 to {MAX_GRANT} tokens.")
    ctx = await season_context(uow, cmd.season_id)
    current = await repo.enrollment(uow.session, cmd.season_id, cmd.governor_id)
    if current is None or not current.is_active:
        raise NotFoundError("That governor is not on a team this season.")
    before = await repo.balance(uow.session, cmd.season_id, cmd.governor_id, cmd.token_type)
    event = TokenGranted(
        governor_id=cmd.governor_id,
        token_type=cmd.token_type,
        amount=cmd.amount,
        reason=cmd.reason,
        granted_by=cmd.admin_id,
    )
    await uow.append(envelopes([event], cmd.season_id))
    after = before + cmd.amount
    await repo.log_admin_action(
        uow.session,
        league_id=ctx.league_id,
        actor_id=cmd.admin_id,
        action_type="token.grant",
        target_table="token_balances",
        target_id=f"{cmd.season_id}:{cmd.governor_id}:{cmd.token_type}",
        before={"balance": before},
        after={"balance": after},
        reason=cmd.reason or None,
        at=uow.clock(),
    )
    return {"governor_id": cmd.governor_id, "token_type": cmd.token_type, "balance": after}
