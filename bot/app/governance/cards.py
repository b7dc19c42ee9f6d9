"""Proposal cards: one post per proposal in #governance, kept true as the proposal changes.

The card is queued in the outbox when the proposal opens, in the same transaction. Its
content is not stored: the row names the proposal (`{"view": "proposal", ...}`) and the drain
renders the card as it stands when it is delivered. Every handler that changes what the card
says (a vote cast, an amendment, a review, a withdrawal, the window's close) marks the row to
be delivered again in its own transaction (`touch`), so many votes between two deliveries
become one edit. The card never shows how anyone voted before the close.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.app.governance.forecast import stored
from bot.domain.rules import PARAMS, TIER_NAMES
from bot.render.governance import ProposalCard, proposal_payload
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.event_store import read_aggregate, read_by_type
from db.league_repo import Executor
from db.tables import SeasonRow, VoteRow

TARGET = "governance"


def card_key(proposal_id: str) -> str:
    return f"proposal:{proposal_id}"


async def open_card(s: Executor, proposal_id: str, season_id: str, at: datetime) -> None:
    """Queue the card of a proposal that just opened for votes."""
    league_id = await gov_repo.season_league(s, season_id)
    if league_id is None or await repo.outbox_key_exists(s, card_key(proposal_id)):
        return
    await repo.enqueue(
        s,
        league_id=league_id,
        key=card_key(proposal_id),
        kind="proposal",
        target=TARGET,
        payload={"view": "proposal", "proposal_id": proposal_id, "text": "A new proposal"},
        at=at,
    )


async def touch(s: Executor, *proposal_ids: str) -> None:
    """The proposals' cards say something new: deliver them again (as they stand then)."""
    await repo.refresh(s, [card_key(p) for p in proposal_ids])


async def attach_forecast(s: Executor, proposal_id: str, key: str | None, note: str) -> None:
    """Name the forecast the card shows (or why there is none)."""
    found = await repo.payload_of(s, card_key(proposal_id))
    if found is None:
        return
    if found.get("forecast_key") == key and found.get("forecast_note") == note:
        return
    await repo.revise(
        s, card_key(proposal_id), {**found, "forecast_key": key, "forecast_note": note}
    )


def changes_in_words(interpretation: Mapping[str, Any]) -> tuple[str, ...]:
    said = []
    for c in interpretation.get("changes") or []:
        p = PARAMS.get(str(c.get("parameter")))
        if p is not None:
            said.append(p.change(c.get("old_value"), c.get("new_value"), bold=True))
    for e in interpretation.get("effects") or []:
        if e.get("description"):
            said.append(str(e["description"]))
    for r in interpretation.get("repeals") or []:
        said.append(f"Ends the effect “{r}”")
    return tuple(said)


async def _closing(s: Executor, p: Any) -> tuple[datetime | None, int | None, bool]:
    """(when its window closes, after which round, whether it is too young for that close)."""
    window = await gov_repo.window(s, p.window_id) if p.window_id else None
    if window is None or window.status != "open":
        return None, None, False
    progress = await repo.get_progress(s, p.season_id)
    league_id = await gov_repo.season_league(s, p.season_id)
    settings = await gov_repo.league_settings(s, league_id) if league_id else None
    closes_at = None
    minutes = float(settings.get("schedule.round_interval_minutes")) if settings else 0.0
    if progress is not None and progress.next_due_at is not None and minutes > 0:
        rounds_to_go = max(0, window.closes_after_round - progress.next_round)
        closes_at = progress.next_due_at + timedelta(minutes=minutes * rounds_to_go)
    waits = False
    if closes_at is not None and p.opened_at is not None and settings is not None:
        waits = p.opened_at + timedelta(seconds=settings.min_voting_period_seconds) > closes_at
    return closes_at, window.closes_after_round, waits


async def _outcome(s: Executor, p: Any) -> tuple[str, str]:
    """(why it ended as it did, the revealed tally) from its own events."""
    why, tally = "", ""
    for e in await read_aggregate(s, "proposal", p.proposal_id):
        data = e.payload
        if e.event_type in ("proposal.passed", "proposal.failed"):
            tally = (
                f"Weighted {data['weighted_yes']:.3g} yes – {data['weighted_no']:.3g} no "
                f"(of {data['total_weight']:.3g}) · {data['yes_count']} yes, "
                f"{data['no_count']} no"
            )
            why = str(data.get("reason", ""))
        elif e.event_type == "proposal.vetoed":
            why = f"an admin vetoed it: {data['reason']}"
        elif e.event_type == "proposal.cancelled":
            reason = f": {data['reason']}" if data.get("reason") else ""
            why = "an admin withdrew it" if data.get("by_admin") else "its author withdrew it"
            why += reason
    if p.status == "passed":
        rolled = [
            e.payload
            for e in await read_by_type(s, p.season_id, ["rule.rolled_back"])
            if e.payload.get("proposal_id") == p.proposal_id
        ]
        if rolled:
            why = "; ".join(f"rolled back: {_rules_in_words(str(r['reason']))}" for r in rolled)
    return why, tally


def _rules_in_words(reason: str) -> str:
    """A validation message with each rule's name as players read it ("playoff teams (8)
    cannot exceed teams in the league (4)", not the parameters' names)."""
    for name in sorted(PARAMS, key=len, reverse=True):
        label = PARAMS[name].label or name.replace("_", " ")
        if not label.startswith("Elam"):
            label = label[0].lower() + label[1:]
        reason = re.sub(rf"\b{name}\b", label, reason)
    return reason


async def _review_reasons(s: Executor, proposal_id: str) -> tuple[str, ...]:
    for e in reversed(await read_aggregate(s, "proposal", proposal_id)):
        if e.event_type == "proposal.flagged_for_review":
            return tuple(str(r) for r in e.payload.get("reasons", ()))
    return ()


async def render_proposal(s: Executor, payload: dict[str, Any]) -> dict[str, Any]:
    """The card of `payload["proposal_id"]` as it stands now."""
    p = await gov_repo.proposal(s, str(payload["proposal_id"]))
    if p is None:
        return {"text": "This proposal is gone.", "embed": {"title": "Proposal withdrawn"}}
    names = await repo.governor_names(s, await gov_repo.season_league(s, p.season_id) or "")
    voted = (
        await s.execute(
            select(func.count())
            .select_from(VoteRow)
            .where(VoteRow.proposal_id == p.proposal_id, VoteRow.cleared.is_(False))
        )
    ).scalar_one()
    governors = len(await gov_repo.active_enrollments(s, p.season_id))
    rules = await gov_repo.current_rules(s, p.season_id)
    closes_at, after_round, waits = await _closing(s, p)
    outcome, tally = await _outcome(s, p)
    forecast: tuple[str, ...] = ()
    if payload.get("forecast_note"):
        forecast = (str(payload["forecast_note"]),)
    elif payload.get("forecast_key"):
        found = await stored(s, str(payload["forecast_key"]))
        forecast = (
            tuple(found.words())
            if found is not None
            else ("Being worked out: this card is updated when it is ready.",)
        )
    season = (
        await s.execute(select(SeasonRow.name).where(SeasonRow.id == p.season_id))
    ).scalar_one_or_none()
    card = ProposalCard(
        proposal_id=p.proposal_id,
        author=names.get(p.governor_id, "a governor"),
        text=p.text,
        status=p.status,
        changes=changes_in_words(dict(p.interpretation)),
        tier=p.tier,
        tier_name=TIER_NAMES.get(p.tier, "wild"),
        token_cost=p.token_cost,
        threshold=p.threshold,
        quorum=rules.quorum,
        voted=int(voted),
        governors=governors,
        closes_at=closes_at,
        closes_after_round=after_round,
        waits=waits,
        amendments=p.amendment_count,
        review_reasons=await _review_reasons(s, p.proposal_id) if p.status == "flagged" else (),
        forecast=forecast,
        outcome=outcome,
        tally=tally,
        season=str(season or ""),
    )
    return proposal_payload(card)
