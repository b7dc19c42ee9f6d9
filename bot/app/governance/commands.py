"""Governance commands: what a governor, an admin or the window loop asks for.

Each is a frozen dataclass whose fields are its whole request; `request()` is what a command
id is bound to, so a retried interaction is recognised and a reused id with different content
is refused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Command:
    def request(self) -> dict[str, Any]:
        return {"command": type(self).__name__, **asdict(self)}


@dataclass(frozen=True)
class JoinTeam(Command):
    season_id: str
    team_id: str
    discord_user_id: str
    username: str


@dataclass(frozen=True)
class LeaveTeam(Command):
    season_id: str
    governor_id: str


@dataclass(frozen=True)
class RemoveGovernor(Command):
    season_id: str
    governor_id: str
    admin_id: str  # the admin's Discord user id
    reason: str = ""


@dataclass(frozen=True)
class GrantTokens(Command):
    """An admin grants a governor tokens of one type (1..10)."""

    season_id: str
    governor_id: str
    token_type: str
    amount: int
    admin_id: str  # the admin's Discord user id
    reason: str


@dataclass(frozen=True)
class SetSetting(Command):
    """An admin changes one league setting; `value` is as typed and validated by the registry."""

    league_id: str
    key: str
    value: str
    admin_id: str  # the admin's Discord user id


@dataclass(frozen=True)
class SetNotifications(Command):
    """A governor's DM and mention opt-outs; None keeps a choice as it is."""

    governor_id: str
    dm_private_mirrors: bool | None = None
    mention_on_results: bool | None = None
    dm_trade_offers: bool | None = None


@dataclass(frozen=True)
class ControlSeason(Command):
    """An admin pauses, resumes or starts (ensures running) the current season."""

    season_id: str
    action: Literal["pause", "resume", "start"]
    admin_id: str  # the admin's Discord user id


@dataclass(frozen=True)
class SubmitProposal(Command):
    """Interpret a proposal and keep it as a draft for its author to confirm. Spends nothing."""

    season_id: str
    governor_id: str
    text: str


@dataclass(frozen=True)
class ConfirmProposal(Command):
    """Open a draft for votes, spending its tokens."""

    draft_id: str
    governor_id: str


@dataclass(frozen=True)
class DiscardDraft(Command):
    """Dismiss a draft (its author's button, or the confirm view timing out). Never refunds:
    a draft has cost nothing, and a confirmed one is no longer a draft."""

    draft_id: str
    governor_id: str


@dataclass(frozen=True)
class AmendProposal(Command):
    proposal_id: str
    governor_id: str
    text: str


@dataclass(frozen=True)
class CancelProposal(Command):
    proposal_id: str
    governor_id: str


@dataclass(frozen=True)
class AdminCancelProposal(Command):
    proposal_id: str
    admin_id: str
    reason: str = ""
    # The league of the server the admin acts in: a proposal of another league is refused.
    # None only for trusted in-process callers (the offline runner, tests).
    league_id: str | None = None


@dataclass(frozen=True)
class ReviewProposal(Command):
    """An admin's decision on a flagged proposal: clear it, or veto it with a reason."""

    proposal_id: str
    admin_id: str
    veto: bool
    reason: str = ""
    league_id: str | None = None  # as for AdminCancelProposal


@dataclass(frozen=True)
class CastVote(Command):
    proposal_id: str
    governor_id: str
    vote: Literal["yes", "no"]
    boost: bool = False


@dataclass(frozen=True)
class OpenWindow(Command):
    season_id: str
    window_id: str
    round_number: int
    closes_after_round: int


@dataclass(frozen=True)
class CloseWindow(Command):
    season_id: str
    window_id: str
    round_number: int
