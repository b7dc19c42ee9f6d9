"""What the governance handlers share: envelopes for decided events, and context reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.errors import NotFoundError
from bot.domain.events import EventPayload, NewEvent
from bot.domain.governance import Proposal
from bot.domain.rules import RuleSet
from bot.domain.settings import LeagueSettings
from db import governance_repo as repo
from db.uow import UnitOfWork


def envelopes(
    payloads: Iterable[EventPayload],
    season_id: str,
    *,
    governor_id: str | None = None,
    team_id: str | None = None,
    window_id: str | None = None,
    round_number: int | None = None,
    new_aggregate: str | None = None,
) -> list[NewEvent]:
    """Wrap decided payloads; an event about a governor is filed under that governor.

    `new_aggregate`: the id of an aggregate these events create, appended only if it has no
    events yet (a second confirmation of one draft cannot make a second proposal).
    """
    wrapped = []
    seen_new = False
    for payload in payloads:
        expected = None
        if new_aggregate is not None and payload.aggregate_id() == new_aggregate and not seen_new:
            expected, seen_new = 0, True
        wrapped.append(
            NewEvent(
                payload=payload,
                season_id=season_id,
                round_number=round_number,
                governance_window_id=window_id,
                governor_id=getattr(payload, "governor_id", None) or governor_id,
                team_id=getattr(payload, "team_id", None) or team_id,
                expected_version=expected,
            )
        )
    return wrapped


@dataclass(frozen=True)
class SeasonContext:
    season_id: str
    league_id: str
    rules: RuleSet
    settings: LeagueSettings


async def season_context(uow: UnitOfWork, season_id: str) -> SeasonContext:
    league_id = await repo.season_league(uow.session, season_id)
    if league_id is None:
        raise NotFoundError("That season does not exist.")
    rules = await repo.current_rules(uow.session, season_id)
    settings = await repo.league_settings(uow.session, league_id)
    return SeasonContext(season_id, league_id, rules, settings)


async def load_proposal(uow: UnitOfWork, proposal_id: str) -> Proposal:
    found = await repo.proposal(uow.session, proposal_id)
    if found is None:
        raise NotFoundError("There is no such proposal.")
    return found


def proposal_snapshot(p: Proposal) -> dict[str, object]:
    """A proposal as the admin log records it before and after an admin action."""
    return {
        "proposal_id": p.proposal_id,
        "status": p.status,
        "governor_id": p.governor_id,
        "text": p.text,
        "tier": p.tier,
        "token_cost": p.token_cost,
        "threshold": p.threshold,
        "amendment_count": p.amendment_count,
    }
