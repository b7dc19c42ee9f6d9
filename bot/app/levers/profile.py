"""A team's strategy and its hoopers' bios."""

from __future__ import annotations

from typing import Any

from bot.app.governance._common import envelopes, season_context
from bot.app.levers.commands import SetStrategy, UpdateBio
from bot.domain.levers import decide_bio, decide_strategy
from db import governance_repo as repo
from db import levers_repo
from db.uow import UnitOfWork


async def set_strategy(uow: UnitOfWork, cmd: SetStrategy) -> dict[str, Any]:
    s = uow.session
    await season_context(uow, cmd.season_id)
    # The next round with no stored result: a round already being played keeps its strategy.
    effective = await levers_repo.next_round(s, cmd.season_id)
    events = decide_strategy(
        await repo.enrollment(s, cmd.season_id, cmd.governor_id),
        text=cmd.text,
        effective_round=effective,
    )
    await uow.append(envelopes(events, cmd.season_id))
    interpreted = events[-1].model_dump(mode="json")
    return {
        "team_id": interpreted["team_id"],
        "strategy": interpreted["strategy"],
        "confidence": interpreted["confidence"],
        "effective_round": effective,
    }


async def update_bio(uow: UnitOfWork, cmd: UpdateBio) -> dict[str, Any]:
    s = uow.session
    await season_context(uow, cmd.season_id)
    hoopers = {h.hooper_id: h for h in await levers_repo.season_hoopers(s, cmd.season_id)}
    events = decide_bio(
        await repo.enrollment(s, cmd.season_id, cmd.governor_id),
        hoopers.get(cmd.hooper_id),
        text=cmd.text,
    )
    await uow.append(envelopes(events, cmd.season_id))
    return {"hooper_id": cmd.hooper_id, "bio": events[0].model_dump()["bio"]}
