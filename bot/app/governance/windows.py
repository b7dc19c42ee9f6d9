"""Opening and closing governance windows; the close tallies, enacts and regenerates tokens."""

from __future__ import annotations

from typing import Any

from bot.app.governance import cards
from bot.app.governance._common import envelopes, season_context
from bot.app.governance.commands import CloseWindow, OpenWindow
from bot.app.levers.effects import register_effects
from bot.domain.governance import decide_close_window, decide_open_window
from db import governance_repo as repo
from db.uow import UnitOfWork


async def open_window(uow: UnitOfWork, cmd: OpenWindow) -> dict[str, Any]:
    await season_context(uow, cmd.season_id)
    events = decide_open_window(
        await repo.open_window(uow.session, cmd.season_id),
        window_id=cmd.window_id,
        round_number=cmd.round_number,
        closes_after_round=cmd.closes_after_round,
    )
    await uow.append(
        envelopes(events, cmd.season_id, window_id=cmd.window_id, round_number=cmd.round_number)
    )
    return {"window_id": cmd.window_id}


async def close_window(uow: UnitOfWork, cmd: CloseWindow) -> dict[str, Any]:
    s = uow.session
    ctx = await season_context(uow, cmd.season_id)
    window = await repo.window(s, cmd.window_id)
    if window is not None and window.season_id != cmd.season_id:
        window = None
    proposals = await repo.open_proposals(s, cmd.season_id)
    decision = decide_close_window(
        window,
        window_id=cmd.window_id,
        round_number=cmd.round_number,
        now=uow.clock(),
        rules=ctx.rules,
        settings=ctx.settings,
        proposals=proposals,
        votes=await repo.votes_for(s, [p.proposal_id for p in proposals]),
        enrollments=await repo.active_enrollments(s, cmd.season_id),
        balances=await repo.season_balances(s, cmd.season_id),
    )
    await uow.append(
        envelopes(
            decision.events, cmd.season_id, window_id=cmd.window_id, round_number=cmd.round_number
        )
    )
    # Proposals that register or repeal effects do so in the same transaction.
    effects = await register_effects(
        uow,
        cmd.season_id,
        sorted(
            (p for p in proposals if p.proposal_id in decision.passed),
            key=lambda p: p.last_sequence,
        ),
        round_number=cmd.round_number,
        window_id=cmd.window_id,
    )
    if decision.rules != ctx.rules:
        # The season's current rules move in the same transaction as their rule.enacted events.
        await repo.set_current_rules(s, cmd.season_id, decision.rules)
    # Decided, or carried to the next close: every card of the window says something new.
    await cards.touch(s, *(p.proposal_id for p in proposals))
    enacted = [p.model_dump(mode="json") for p in decision.events if p.event_type == "rule.enacted"]
    rolled_back = [
        p.model_dump(mode="json") for p in decision.events if p.event_type == "rule.rolled_back"
    ]
    return {
        "window_id": cmd.window_id,
        "passed": list(decision.passed),
        "failed": list(decision.failed),
        "carried_over": list(decision.carried_over),
        "enacted": enacted,
        "rolled_back": rolled_back,
        "effects": effects,
    }
