"""Effects: registered and repealed by passed proposals at a window's close; expiry recorded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.app.governance._common import envelopes
from bot.app.levers.commands import ExpireEffects
from bot.domain.governance import Proposal
from bot.domain.levers import decide_effects_for_passed, decide_expire_effects
from db import levers_repo
from db.uow import UnitOfWork


async def register_effects(
    uow: UnitOfWork,
    season_id: str,
    passed: Sequence[Proposal],
    *,
    round_number: int,
    window_id: str,
) -> list[dict[str, Any]]:
    """Append the effect events of the proposals that just passed (same transaction)."""
    out: list[dict[str, Any]] = []
    for proposal in passed:
        interpretation = proposal.parsed_interpretation()
        if not (interpretation.effects or interpretation.repeals):
            continue
        active = await levers_repo.repealable_effects(uow.session, season_id, round_number)
        events = decide_effects_for_passed(
            proposal.proposal_id, interpretation, round_number=round_number, active=active
        )
        await uow.append(
            envelopes(events, season_id, window_id=window_id, round_number=round_number)
        )
        out += [{"event_type": e.event_type, **e.model_dump(mode="json")} for e in events]
    return out


async def expire_effects(uow: UnitOfWork, cmd: ExpireEffects) -> dict[str, Any]:
    lapsed = await levers_repo.lapsed_effects(uow.session, cmd.season_id, cmd.round_number)
    events = decide_expire_effects(lapsed, round_number=cmd.round_number)
    if events:
        await uow.append(envelopes(events, cmd.season_id, round_number=cmd.round_number))
    return {"expired": list(lapsed)}
