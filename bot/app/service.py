"""The application facade the Discord layer (and the offline runner) calls.

A cog builds one command and calls `Pinwheel.handle(command, command_id=...)`: the command runs
once per id in a unit of work that decides under the append lock, and the outcome (a JSON-able
dict) comes back, or a `DomainError` whose message is written for players. Reads for embeds
are separate methods and never show votes before their reveal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.app.governance import enrollment, proposals, review, voting, windows
from bot.app.governance.commands import (
    AdminCancelProposal,
    AmendProposal,
    CancelProposal,
    CastVote,
    CloseWindow,
    Command,
    ConfirmProposal,
    DiscardDraft,
    JoinTeam,
    LeaveTeam,
    OpenWindow,
    RemoveGovernor,
    ReviewProposal,
    SubmitProposal,
)
from bot.app.ports import Interpreter
from bot.domain.errors import DomainError, NotFoundError
from bot.domain.interpretation import Interpretation, wild
from bot.domain.text import sanitize_text
from db import governance_repo as repo
from db.engine import Database
from db.event_store import Clock, utc_now
from db.uow import UnitOfWork, run_command

Handler = Callable[[UnitOfWork, Any], Awaitable[dict[str, Any]]]

# Commands decided from their own fields alone; proposals and amendments also need the text
# interpreted first (outside the unit of work).
_HANDLERS: dict[type[Command], Handler] = {
    JoinTeam: enrollment.join_team,
    LeaveTeam: enrollment.leave_team,
    RemoveGovernor: enrollment.remove_governor,
    ConfirmProposal: proposals.confirm_proposal,
    DiscardDraft: proposals.discard_draft,
    CancelProposal: proposals.cancel_proposal,
    AdminCancelProposal: review.admin_cancel_proposal,
    ReviewProposal: review.review_proposal,
    CastVote: voting.cast_vote,
    OpenWindow: windows.open_window,
    CloseWindow: windows.close_window,
}


class Pinwheel:
    """One league engine: a database, an interpreter and a clock."""

    def __init__(self, db: Database, interpreter: Interpreter, clock: Clock = utc_now) -> None:
        self.db = db
        self.interpreter = interpreter
        self.clock = clock

    async def handle(self, command: Command, *, command_id: str | None) -> dict[str, Any]:
        """Run `command` once per `command_id` (e.g. `discord:<interaction id>`)."""
        if isinstance(command, SubmitProposal | AmendProposal):
            return await self._interpreted(command, command_id)
        handler = _HANDLERS[type(command)]
        return await self._run(lambda uow: handler(uow, command), command, command_id)

    async def _run(
        self,
        handle: Callable[[UnitOfWork], Awaitable[Mapping[str, Any]]],
        command: Command,
        command_id: str | None,
    ) -> dict[str, Any]:
        result = await run_command(
            self.db, handle, command_id=command_id, request=command.request(), clock=self.clock
        )
        return {**result.outcome, "replayed": result.replayed}

    async def _interpreted(
        self, command: SubmitProposal | AmendProposal, command_id: str | None
    ) -> dict[str, Any]:
        interpretation = await self._interpret(command)
        if isinstance(command, SubmitProposal):
            return await self._run(
                lambda uow: proposals.submit_proposal(uow, command, interpretation),
                command,
                command_id,
            )
        return await self._run(
            lambda uow: proposals.amend_proposal(uow, command, interpretation),
            command,
            command_id,
        )

    async def _interpret(self, command: SubmitProposal | AmendProposal) -> Interpretation:
        try:
            text = sanitize_text(command.text)
        except DomainError:
            # The handler sanitises again and rejects (and logs) the command itself.
            return wild("unreadable text")
        async with self.db.read_sessions() as s:
            if isinstance(command, SubmitProposal):
                season_id = command.season_id
            else:
                found = await repo.proposal(s, command.proposal_id)
                if found is None:
                    raise NotFoundError("There is no such proposal.")
                season_id = found.season_id
            rules = await repo.current_rules(s, season_id)
        # Slow AI work happens here, with no lock held; the handler validates its answer again.
        return await self.interpreter.interpret(text, rules)

    # --- Reads for the Discord layer ---------------------------------------------------------

    async def governor_id(self, league_id: str, discord_user_id: str) -> str | None:
        async with self.db.read_sessions() as s:
            return await repo.governor_id_for(s, league_id, discord_user_id)

    async def balances(self, season_id: str, governor_id: str) -> dict[str, int]:
        async with self.db.read_sessions() as s:
            return {
                t: await repo.balance(s, season_id, governor_id, t)
                for t in ("propose", "amend", "boost")
            }

    async def proposal(self, proposal_id: str) -> dict[str, Any]:
        """A proposal as anyone may see it: votes appear only once revealed."""
        async with self.db.read_sessions() as s:
            found = await repo.proposal(s, proposal_id)
            if found is None:
                raise NotFoundError("There is no such proposal.")
            tallies = await repo.tally(s, proposal_id)
        return {
            "proposal_id": found.proposal_id,
            "governor_id": found.governor_id,
            "status": found.status,
            "text": found.text,
            "tier": found.tier,
            "threshold": found.threshold,
            "amendment_count": found.amendment_count,
            "opened_at": found.opened_at.isoformat() if found.opened_at else None,
            "interpretation": dict(found.interpretation),
            "tally": tallies,
        }

    async def open_proposals(self, season_id: str) -> list[dict[str, Any]]:
        async with self.db.read_sessions() as s:
            found = await repo.open_proposals(s, season_id)
        return [
            {"proposal_id": p.proposal_id, "status": p.status, "text": p.text, "tier": p.tier}
            for p in found
        ]

    async def my_vote(self, proposal_id: str, governor_id: str) -> dict[str, Any] | None:
        """A governor's own current vote (theirs to see before the reveal)."""
        async with self.db.read_sessions() as s:
            v = await repo.vote(s, proposal_id, governor_id)
        if v is None or v.cleared:
            return None
        return {"vote": v.vote, "boost_used": v.boost_used}
