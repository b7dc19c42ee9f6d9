"""The application facade the Discord layer (and the offline runner) calls.

A cog builds one command and calls `Pinwheel.handle(command, command_id=...)`: the command runs
once per id in a unit of work that decides under the append lock, and the outcome (a JSON-able
dict) comes back, or a `DomainError` whose message is written for players. Reads for embeds
are separate methods and never show votes before their reveal.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any, TypeVar

from bot.app.governance import cards, enrollment, proposals, review, voting, windows
from bot.app.governance import settings as governance_settings
from bot.app.governance.commands import (
    AdminCancelProposal,
    AmendProposal,
    CancelProposal,
    CastVote,
    CloseWindow,
    Command,
    ConfirmProposal,
    ControlSeason,
    DiscardDraft,
    GrantTokens,
    JoinTeam,
    LeaveTeam,
    OpenWindow,
    RemoveGovernor,
    ReviewProposal,
    SetNotifications,
    SetSetting,
    SubmitProposal,
)
from bot.app.governance.forecast import Forecaster, Outlook
from bot.app.league import control
from bot.app.levers import effects as lever_effects
from bot.app.levers import hooper_trades, profile, trades
from bot.app.levers.commands import (
    AcceptTrade,
    CancelTrade,
    ExpireEffects,
    ExpireHooperTrade,
    ExpireTrade,
    OfferTrade,
    ProposeHooperTrade,
    RejectTrade,
    SetStrategy,
    UpdateBio,
    VoteHooperTrade,
    expire_hooper_trade_id,
    expire_trade_id,
)
from bot.app.ports import Interpreter
from bot.domain.errors import DomainError, NotFoundError, ValidationError
from bot.domain.interpretation import Interpretation, wild
from bot.domain.text import sanitize_text, storable_value
from db import governance_repo as repo
from db import league_repo, levers_repo
from db.engine import Database
from db.event_store import Clock, utc_now
from db.uow import Scope, ScopeKind, UnitOfWork, run_command

Handler = Callable[[UnitOfWork, Any], Awaitable[dict[str, Any]]]

# Commands decided from their own fields alone; proposals and amendments also need the text
# interpreted first (outside the unit of work).
_HANDLERS: dict[type[Command], Handler] = {
    JoinTeam: enrollment.join_team,
    LeaveTeam: enrollment.leave_team,
    RemoveGovernor: enrollment.remove_governor,
    GrantTokens: enrollment.grant_tokens,
    SetSetting: governance_settings.set_setting,
    SetNotifications: governance_settings.set_notifications,
    ControlSeason: control.control_season,
    ConfirmProposal: proposals.confirm_proposal,
    DiscardDraft: proposals.discard_draft,
    CancelProposal: proposals.cancel_proposal,
    AdminCancelProposal: review.admin_cancel_proposal,
    ReviewProposal: review.review_proposal,
    CastVote: voting.cast_vote,
    OpenWindow: windows.open_window,
    CloseWindow: windows.close_window,
    OfferTrade: trades.offer_trade,
    AcceptTrade: trades.accept_trade,
    RejectTrade: trades.reject_trade,
    CancelTrade: trades.cancel_trade,
    ExpireTrade: trades.expire_trade,
    ProposeHooperTrade: hooper_trades.propose_hooper_trade,
    VoteHooperTrade: hooper_trades.vote_hooper_trade,
    ExpireHooperTrade: hooper_trades.expire_hooper_trade,
    SetStrategy: profile.set_strategy,
    UpdateBio: profile.update_bio,
    ExpireEffects: lever_effects.expire_effects,
}


C = TypeVar("C", bound=Command)

# Commands whose handlers read and write only one league's state, and the id that names it
# (db/uow.py `Scope`): they decide under that league's lock, beside other leagues' commands.
# Any other command decides alone. Each handler here was read for reads or writes of another
# league's state, or of state no league owns, before it joined; a new command joins the same way.
_SCOPE_FIELD: dict[type[Command], tuple[ScopeKind, str]] = {
    **{
        kind: ("season", "season_id")
        for kind in (
            JoinTeam,
            LeaveTeam,
            RemoveGovernor,
            GrantTokens,
            ControlSeason,
            SubmitProposal,
            OpenWindow,
            CloseWindow,
            OfferTrade,
            ProposeHooperTrade,
            SetStrategy,
            UpdateBio,
            ExpireEffects,
        )
    },
    **{
        kind: ("proposal", "proposal_id")
        for kind in (CastVote, AmendProposal, CancelProposal, AdminCancelProposal, ReviewProposal)
    },
    ConfirmProposal: ("draft", "draft_id"),
    DiscardDraft: ("draft", "draft_id"),
    **{
        kind: ("trade", "trade_id") for kind in (AcceptTrade, RejectTrade, CancelTrade, ExpireTrade)
    },
    VoteHooperTrade: ("hooper_trade", "trade_id"),
    ExpireHooperTrade: ("hooper_trade", "trade_id"),
    SetSetting: ("league", "league_id"),
    SetNotifications: ("governor", "governor_id"),
}


def scope_of(command: Command) -> Scope | None:
    """The league `command` is confined to, by the id that names it; None: it decides alone."""
    found = _SCOPE_FIELD.get(type(command))
    if found is None:
        return None
    kind, name = found
    return Scope(kind, str(getattr(command, name)))


# Fields that hold a Discord user's id: a snowflake (or the offline league's "offline-3"),
# 1 to 20 characters, the column's width.
SNOWFLAKE_FIELDS = frozenset({"discord_user_id", "admin_id"})
# Names as Discord gives them, kept to their column's width on both engines alike.
NAME_FIELDS = {"username": 100}
_SNOWFLAKE = re.compile(r"[0-9A-Za-z_-]{1,20}")


def storable_command(command: C) -> C:
    """`command` with NUL characters and lone surrogates taken out of every text field (ids
    included), user ids checked and names kept to their width: what is left is refused or
    accepted the same way on both engines (SQLite would store what PostgreSQL refuses)."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(command):
        value = getattr(command, f.name)
        if not f.init or not isinstance(value, str | tuple | list):
            continue
        cleaned = storable_value(value)
        if f.name in SNOWFLAKE_FIELDS and not _SNOWFLAKE.fullmatch(str(cleaned)):
            raise ValidationError("That is not a Discord user id.")
        if f.name in NAME_FIELDS and isinstance(cleaned, str):
            cleaned = cleaned[: NAME_FIELDS[f.name]]
        if cleaned != value:
            changes[f.name] = cleaned
    return dataclasses.replace(command, **changes) if changes else command


class Pinwheel:
    """One league engine: a database, an interpreter, a clock and, where forecasts are wanted,
    a forecaster (bot/app/governance/forecast.py)."""

    def __init__(
        self,
        db: Database,
        interpreter: Interpreter,
        clock: Clock = utc_now,
        forecaster: Forecaster | None = None,
    ) -> None:
        self.db = db
        self.interpreter = interpreter
        self.clock = clock
        self.forecaster = forecaster

    async def handle(self, command: Command, *, command_id: str | None) -> dict[str, Any]:
        """Run `command` once per `command_id` (e.g. `discord:<interaction id>`)."""
        command = storable_command(command)
        if isinstance(command, SubmitProposal | AmendProposal):
            out = await self._interpreted(command, command_id)
        else:
            handler = _HANDLERS[type(command)]
            out = await self._run(lambda uow: handler(uow, command), command, command_id)
        if isinstance(command, ConfirmProposal | AmendProposal) and out.get("proposal_id"):
            await self._forecast_card(str(out["proposal_id"]))
        return out

    async def forecast(
        self, season_id: str, changes: Mapping[str, object], *, wait: float = 0.0
    ) -> Outlook | None:
        """What `changes` would do to this season's games (None without a forecaster)."""
        if self.forecaster is None:
            return None
        return await self.forecaster.outlook(season_id, changes, wait=wait)

    async def _forecast_card(self, proposal_id: str) -> None:
        """Put the forecast of the proposal's current text on its card (asked for now; the
        card is revised when it lands)."""
        if self.forecaster is None:
            return
        async with self.db.read_sessions() as s:
            found = await repo.proposal(s, proposal_id)
        if found is None:
            return
        changes = found.parsed_interpretation().rule_changes()
        outlook = await self.forecaster.outlook(
            found.season_id, changes, posts=[cards.card_key(proposal_id)]
        )
        async with self.db.sessions() as s, s.begin():
            await cards.attach_forecast(s, proposal_id, outlook.key, outlook.note)

    async def _run(
        self,
        handle: Callable[[UnitOfWork], Awaitable[Mapping[str, Any]]],
        command: Command,
        command_id: str | None,
    ) -> dict[str, Any]:
        result = await run_command(
            self.db,
            handle,
            command_id=command_id,
            request=command.request(),
            clock=self.clock,
            scope=scope_of(command),
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
            if await league_repo.season(s, season_id) is None:
                raise NotFoundError("There is no such season in this league.")
            rules = await repo.current_rules(s, season_id)
        # Slow AI work happens here, with no lock held; the handler validates its answer again.
        return await self.interpreter.interpret(text, rules)

    async def adopt_post(
        self, league_id: str, key: str, *, target: str, ref: str, payload: Mapping[str, Any]
    ) -> None:
        """Keep a message the Discord layer posted itself (an interaction's reply) so that the
        outbox edits it when what it shows settles (a trade offer accepted or expired)."""
        async with self.db.sessions() as s, s.begin():
            await league_repo.adopt(
                s,
                league_id=league_id,
                key=key,
                kind="adopted",
                target=target,
                payload=payload,
                ref=ref,
                at=self.clock(),
            )

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

    # --- Levers: trades, hooper trades, strategies, bios, effects ----------------------------

    async def expire_due(
        self, now: datetime | None = None, *, owns: Callable[[str], bool] | None = None
    ) -> dict[str, list[str]]:
        """Expire every offer and hooper trade whose time is up (of the leagues `owns` says
        are this process's, when given: the background loop's leases). Each expiry runs under
        a deterministic command id, so concurrent runs (or processes) expire each one once."""
        at = now or self.clock()
        async with self.db.read_sessions() as s:
            offers = await levers_repo.due_offers(s, at)
            swaps = await levers_repo.due_hooper_trades(s, at)
        expired: dict[str, list[str]] = {"trades": [], "hooper_trades": []}
        for trade_id, league_id in offers:
            if owns is not None and not owns(league_id):
                continue
            out = await self.handle(ExpireTrade(trade_id), command_id=expire_trade_id(trade_id))
            if out.get("expired") and not out["replayed"]:
                expired["trades"].append(trade_id)
        for trade_id, league_id in swaps:
            if owns is not None and not owns(league_id):
                continue
            command = ExpireHooperTrade(trade_id)
            out = await self.handle(command, command_id=expire_hooper_trade_id(trade_id))
            if out.get("expired") and not out["replayed"]:
                expired["hooper_trades"].append(trade_id)
        return expired

    async def pending_offers(self, season_id: str, governor_id: str) -> list[dict[str, Any]]:
        """Open token offers made to or by a governor, oldest first."""
        async with self.db.read_sessions() as s:
            found = await levers_repo.pending_offers(s, season_id, governor_id)
        return [trades.offer_view(o) for o in found]

    async def trade_offer(self, trade_id: str) -> dict[str, Any]:
        async with self.db.read_sessions() as s:
            found = await levers_repo.trade_offer(s, trade_id)
        if found is None:
            raise NotFoundError("There is no such trade offer.")
        return trades.offer_view(found)

    async def trade_history(self, season_id: str, governor_id: str) -> list[dict[str, Any]]:
        """Every offer a governor made or received this season, newest first."""
        async with self.db.read_sessions() as s:
            found = await levers_repo.trade_history(s, season_id, governor_id)
        return [trades.offer_view(o) for o in found]

    async def hooper_trade(self, trade_id: str) -> dict[str, Any]:
        """A hooper trade and its votes so far (hooper trade votes are public)."""
        async with self.db.read_sessions() as s:
            found = await levers_repo.hooper_trade(s, trade_id)
            if found is None:
                raise NotFoundError("There is no such hooper trade.")
            votes = await levers_repo.hooper_trade_votes_for(s, trade_id)
        return {
            **asdict(found),
            "expires_at": found.expires_at.isoformat(),
            "votes": {g: {"team_id": t, "approve": a} for g, (t, a) in votes.items()},
        }

    async def open_hooper_trades(self, season_id: str) -> list[dict[str, Any]]:
        async with self.db.read_sessions() as s:
            found = await levers_repo.open_hooper_trades(s, season_id)
        return [{**asdict(t), "expires_at": t.expires_at.isoformat()} for t in found]

    async def team_strategy(
        self, team_id: str, round_number: int | None = None
    ) -> dict[str, Any] | None:
        """A team's strategy for a round (its latest when None); None if never set."""
        async with self.db.read_sessions() as s:
            found = await levers_repo.team_strategy(s, team_id, round_number)
        if found is None:
            return None
        return {**found, "strategy": found["strategy"].model_dump()}

    async def active_effects(self, season_id: str, round_number: int) -> list[dict[str, Any]]:
        """The effects acting in `round_number`, in registration order."""
        async with self.db.read_sessions() as s:
            found = await levers_repo.active_effects(s, season_id, round_number)
        return [e.model_dump() for e in found]

    async def hooper_bio(self, hooper_id: str) -> str | None:
        async with self.db.read_sessions() as s:
            return await levers_repo.hooper_bio(s, hooper_id)

    async def rosters_for_round(self, season_id: str, round_number: int) -> dict[str, list[str]]:
        """Hooper ids per team as they play `round_number` (executed trades applied)."""
        async with self.db.read_sessions() as s:
            return await levers_repo.rosters_for_round(s, season_id, round_number)
