"""Governance decisions, pure: given the state a command reads, the events to append or an error.

Handlers read state under the append lock, call one `decide_*` function and append what it
returns, so every rule of the game lives here and is tested without a database. Tiers, costs
and thresholds come from the rule registry; weights and the tally use exact fractions so a vote
exactly at the threshold or quorum is decided the same way on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from bot.domain.errors import (
    ConflictError,
    CooldownError,
    InsufficientTokensError,
    PermissionDeniedError,
    RuleValidationError,
    ValidationError,
)
from bot.domain.events import (
    TOKEN_TYPES,
    EnrollmentJoined,
    EnrollmentLeft,
    EventPayload,
    ProposalAmended,
    ProposalCancelled,
    ProposalConfirmed,
    ProposalFailed,
    ProposalFlaggedForReview,
    ProposalPassed,
    ProposalReviewCleared,
    ProposalSubmitted,
    ProposalVetoed,
    RevealedVote,
    RuleEnacted,
    RuleRolledBack,
    TokenGranted,
    TokenRefunded,
    TokenRegenerated,
    TokenSpent,
    TokenType,
    VoteCast,
    VoteChoice,
    VoteRevealed,
    WindowClosed,
    WindowOpened,
)
from bot.domain.interpretation import Interpretation
from bot.domain.rules import PARAMS, TIER_NAMES, RuleSet
from bot.domain.settings import LeagueSettings

WILD_TIER = 5  # not a registry tier: "the interpreter could not turn this into a sure change"
WILD_COST = 2
WILD_THRESHOLD = 0.67
STRUCTURE_THRESHOLD = 0.6  # floor for tiers 3 and 4 (league structure, meta-governance)
AMEND_COST = 1
BOOST_COST = 1

OPEN = frozenset({"confirmed", "flagged"})  # open for votes; "flagged" also awaits review
TERMINAL = frozenset({"passed", "failed", "cancelled", "vetoed"})


# --- State the decisions read (built by handlers from projection rows) ----------------------------


@dataclass(frozen=True, slots=True)
class Enrollment:
    governor_id: str
    team_id: str
    team_name: str
    is_active: bool


@dataclass(frozen=True, slots=True)
class Window:
    window_id: str
    season_id: str
    status: str  # open, closed
    round_number: int
    closes_after_round: int

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class Proposal:
    proposal_id: str
    season_id: str
    governor_id: str
    team_id: str | None
    window_id: str | None
    status: str
    text: str
    interpretation: Mapping[str, Any]
    tier: int
    token_cost: int
    threshold: float
    amendment_count: int
    opened_at: datetime | None
    last_sequence: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def parsed_interpretation(self) -> Interpretation:
        return Interpretation.model_validate(dict(self.interpretation))


@dataclass(frozen=True, slots=True)
class Vote:
    """A governor's current vote on a proposal; `cleared` once an amendment voided it."""

    governor_id: str
    team_id: str | None
    vote: VoteChoice
    boost_used: bool
    cleared: bool = False


@dataclass(frozen=True, slots=True)
class Draft:
    """An interpreted proposal shown for confirmation. Nothing has been spent on it."""

    draft_id: str  # becomes the proposal id on confirmation
    season_id: str
    governor_id: str
    raw_text: str
    sanitized_text: str
    interpretation: Mapping[str, Any]
    status: str  # pending, confirmed, discarded
    created_at: datetime


# --- Tiers, costs, thresholds ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assessment:
    tier: int
    token_cost: int
    threshold: float
    interpretation: Interpretation

    @property
    def is_wild(self) -> bool:
        return self.tier == WILD_TIER

    @property
    def tier_name(self) -> str:
        return "wild" if self.is_wild else TIER_NAMES[self.tier]


def _is_range_refusal(reason: str) -> bool:
    # The registry words a value it refuses as "<the rule, in words> must be <allowed>...;
    # got <value>." (RuleParam.check); no other reason a player is given says both.
    return " must be " in reason and "; got " in reason


def validate_interpretation(interpretation: Interpretation, rules: RuleSet) -> None:
    """Refuse, before anything is spent, any change the registry refuses under `rules`.

    Interpreters are only trusted to propose: each value is checked again here, together with
    the whole change, and a value the interpreter itself found out of range is an error that
    names the allowed range, never a silently clamped or "wild" proposal.
    """
    for change in interpretation.changes:
        if change.parameter not in PARAMS:
            raise RuleValidationError(f"There is no rule called '{change.parameter}'.")
        PARAMS[change.parameter].check(change.new_value)
    if interpretation.changes:
        rules.with_changes(interpretation.rule_changes())
    for reason in interpretation.unsure_reasons:
        if _is_range_refusal(reason):
            raise RuleValidationError(reason)


def assess(interpretation: Interpretation, rules: RuleSet) -> Assessment:
    """Validate an interpretation and price it: tier, token cost and pass threshold."""
    validate_interpretation(interpretation, rules)
    vote_threshold = rules.vote_threshold
    # Effects and repeals are priced like a change of the rule they act on (tier 2, game
    # mechanics, for an effect parameter that is not a rule).
    touched = [
        *(c.parameter for c in interpretation.changes),
        *(e.parameter for e in interpretation.effects),
        *interpretation.repeals,
    ]
    if interpretation.is_wild or not touched:
        return Assessment(WILD_TIER, WILD_COST, max(vote_threshold, WILD_THRESHOLD), interpretation)
    tier = max(PARAMS[name].tier if name in PARAMS else 2 for name in touched)
    threshold = vote_threshold if tier <= 2 else max(vote_threshold, STRUCTURE_THRESHOLD)
    return Assessment(tier, 1, threshold, interpretation)


# --- Join and leave -------------------------------------------------------------------------------


def decide_join(
    governor_id: str, team_id: str, current: Enrollment | None, rules: RuleSet
) -> list[EventPayload]:
    """Join `team_id`; [] when already on it. The initial grant comes with the first join only."""
    if current is not None and current.team_id != team_id:
        raise ConflictError(
            f"You govern {current.team_name} this season; a governor joins one team per season."
        )
    if current is not None and current.is_active:
        return []
    events: list[EventPayload] = [EnrollmentJoined(governor_id=governor_id, team_id=team_id)]
    if current is None and rules.initial_tokens > 0:
        events += [
            TokenGranted(
                governor_id=governor_id,
                token_type=t,
                amount=rules.initial_tokens,
                reason="initial grant on joining",
            )
            for t in TOKEN_TYPES
        ]
    return events


def decide_leave(
    governor_id: str, current: Enrollment | None, *, removed_by: str | None, reason: str = ""
) -> list[EventPayload]:
    if current is None or not current.is_active:
        raise ConflictError("That governor is not on a team this season.")
    return [
        EnrollmentLeft(
            governor_id=governor_id, team_id=current.team_id, removed_by=removed_by, reason=reason
        )
    ]


# --- Proposing ------------------------------------------------------------------------------------


def check_can_propose(
    enrollment: Enrollment | None, window: Window | None, proposals_this_window: int, rules: RuleSet
) -> None:
    if enrollment is None or not enrollment.is_active:
        raise PermissionDeniedError("Join a team with /join before proposing.")
    if window is None or not window.is_open:
        raise ConflictError("No governance window is open right now; proposals wait for the next.")
    if proposals_this_window >= rules.proposals_per_window:
        raise ConflictError(
            f"You have already made {proposals_this_window} proposal(s) this window; "
            f"the limit is {rules.proposals_per_window}."
        )


def check_cooldown(last: datetime | None, now: datetime, cooldown_seconds: float) -> None:
    """A governor drafts at most one proposal per cooldown (a league setting)."""
    if last is None or cooldown_seconds <= 0:
        return
    left = cooldown_seconds - (now - last).total_seconds()
    if left > 0:
        raise CooldownError(
            f"You drafted a proposal moments ago: you can propose again in {math.ceil(left)} s."
        )


def check_balance(have: int, need: int, token_type: TokenType, doing: str) -> None:
    if have < need:
        raise InsufficientTokensError(
            f"{doing} costs {need} {token_type} token{'s' if need != 1 else ''}; you have {have}."
        )


def decide_confirm(
    draft: Draft,
    *,
    now: datetime,
    rules: RuleSet,
    settings: LeagueSettings,
    enrollment: Enrollment | None,
    window: Window | None,
    proposals_this_window: int,
    propose_balance: int,
) -> tuple[Assessment, list[EventPayload]]:
    """Turn a pending draft into an open proposal, spending its tokens in the same decision."""
    if draft.status == "discarded":
        raise ConflictError("That draft was dismissed; use /propose again.")
    if draft.status != "pending":
        raise ConflictError("That draft was already confirmed.")
    if (now - draft.created_at).total_seconds() > settings.draft_ttl_seconds:
        raise ConflictError("That draft has expired; use /propose again.")
    check_can_propose(enrollment, window, proposals_this_window, rules)
    assert enrollment is not None and window is not None
    # Rules may have changed since the draft was interpreted: price it against the current ones.
    assessment = assess(Interpretation.model_validate(dict(draft.interpretation)), rules)
    check_balance(propose_balance, assessment.token_cost, "propose", "This proposal")
    pid = draft.draft_id
    events: list[EventPayload] = [
        ProposalSubmitted(
            proposal_id=pid,
            governor_id=draft.governor_id,
            team_id=enrollment.team_id,
            window_id=window.window_id,
            raw_text=draft.raw_text,
            sanitized_text=draft.sanitized_text,
            interpretation=assessment.interpretation.model_dump(mode="json"),
            tier=assessment.tier,
            token_cost=assessment.token_cost,
            threshold=assessment.threshold,
        ),
        TokenSpent(
            governor_id=draft.governor_id,
            token_type="propose",
            amount=assessment.token_cost,
            reason=f"proposal:{pid}",
            proposal_id=pid,
        ),
        ProposalConfirmed(proposal_id=pid, opened_round=window.round_number, opened_at=now),
    ]
    if assessment.is_wild:
        reasons = assessment.interpretation.unsure_reasons or ("No rule change was understood.",)
        events.append(ProposalFlaggedForReview(proposal_id=pid, reasons=reasons))
    return assessment, events


# --- Amending, cancelling, reviewing --------------------------------------------------------------


def _require_open(proposal: Proposal, doing: str) -> None:
    if not proposal.is_open:
        raise ConflictError(f"That proposal was {proposal.status}; it can no longer be {doing}.")


def decide_amend(
    proposal: Proposal,
    *,
    amender: Enrollment | None,
    amendment_id: str,
    text: str,
    assessment: Assessment,
    rules: RuleSet,
    amend_balance: int,
    votes: Sequence[Vote],
    now: datetime,
) -> list[EventPayload]:
    """Replace the proposal's text and meaning; votes cast so far are cleared (boosts refunded)."""
    _require_open(proposal, "amended")
    if amender is None or not amender.is_active:
        raise PermissionDeniedError("Join a team with /join before amending.")
    if proposal.amendment_count >= rules.max_amendments:
        raise ConflictError(
            f"That proposal has been amended {proposal.amendment_count} time(s); "
            f"the limit is {rules.max_amendments}."
        )
    check_balance(amend_balance, AMEND_COST, "amend", "An amendment")
    live = sorted((v for v in votes if not v.cleared), key=lambda v: v.governor_id)
    pid = proposal.proposal_id
    events: list[EventPayload] = [
        TokenSpent(
            governor_id=amender.governor_id,
            token_type="amend",
            amount=AMEND_COST,
            reason=f"amendment:{amendment_id}",
            proposal_id=pid,
        ),
        ProposalAmended(
            proposal_id=pid,
            amendment_id=amendment_id,
            amending_governor_id=amender.governor_id,
            amendment_text=text,
            new_interpretation=assessment.interpretation.model_dump(mode="json"),
            new_tier=assessment.tier,
            new_threshold=assessment.threshold,
            cleared_voter_ids=tuple(v.governor_id for v in live),
            opened_at=now,
        ),
    ]
    # A boost bought for the old text is returned: the vote it doubled no longer exists.
    events += [
        TokenRefunded(
            governor_id=v.governor_id,
            token_type="boost",
            amount=BOOST_COST,
            reason=f"boost cleared by amendment:{amendment_id}",
            proposal_id=pid,
        )
        for v in live
        if v.boost_used
    ]
    if assessment.is_wild:
        reasons = assessment.interpretation.unsure_reasons or ("No rule change was understood.",)
        events.append(ProposalFlaggedForReview(proposal_id=pid, reasons=reasons))
    return events


def _refund(proposal: Proposal, why: str) -> TokenRefunded:
    return TokenRefunded(
        governor_id=proposal.governor_id,
        token_type="propose",
        amount=proposal.token_cost,
        reason=f"{why}:{proposal.proposal_id}",
        proposal_id=proposal.proposal_id,
    )


def decide_cancel(
    proposal: Proposal,
    *,
    governor_id: str | None = None,
    admin_id: str | None = None,
    reason: str = "",
) -> list[EventPayload]:
    """Withdraw an open proposal (its proposer, or an admin) and refund its cost, once."""
    if admin_id is None and governor_id != proposal.governor_id:
        raise PermissionDeniedError("Only the governor who proposed it can cancel a proposal.")
    _require_open(proposal, "cancelled")
    actor = admin_id if admin_id is not None else governor_id
    assert actor is not None
    return [
        ProposalCancelled(
            proposal_id=proposal.proposal_id,
            cancelled_by=actor,
            by_admin=admin_id is not None,
            reason=reason,
        ),
        _refund(proposal, "cancelled"),
    ]


def decide_review(
    proposal: Proposal, *, admin_id: str, veto: bool, reason: str = ""
) -> list[EventPayload]:
    """Clear or veto a flagged proposal; a veto refunds the proposer once."""
    if proposal.status in TERMINAL:
        raise ConflictError(f"That proposal was already {proposal.status}; it cannot be reviewed.")
    if proposal.status != "flagged":
        raise ConflictError("That proposal is not waiting for review.")
    pid = proposal.proposal_id
    if not veto:
        return [ProposalReviewCleared(proposal_id=pid, admin_id=admin_id)]
    if not reason.strip():
        raise ValidationError("A veto needs a reason; the proposer will see it.")
    return [
        ProposalVetoed(proposal_id=pid, admin_id=admin_id, reason=reason),
        _refund(proposal, "vetoed"),
    ]


# --- Voting ---------------------------------------------------------------------------------------


def decide_vote(
    proposal: Proposal,
    *,
    voter: Enrollment | None,
    window: Window | None,
    vote_id: str,
    choice: VoteChoice,
    boost: bool,
    previous: Vote | None,
    boost_balance: int,
) -> list[EventPayload]:
    """Cast or change a vote. A boost is paid once per proposal text and stays on later votes."""
    if not proposal.is_open:
        raise ConflictError(f"Voting on that proposal is closed: it was {proposal.status}.")
    if window is None or not window.is_open:
        raise ConflictError("No governance window is open right now.")
    if voter is None or not voter.is_active:
        raise PermissionDeniedError("Join a team with /join before voting.")
    boosted = previous is not None and not previous.cleared and previous.boost_used
    events: list[EventPayload] = []
    if boost and not boosted:
        check_balance(boost_balance, BOOST_COST, "boost", "A boost")
        events.append(
            TokenSpent(
                governor_id=voter.governor_id,
                token_type="boost",
                amount=BOOST_COST,
                reason=f"boost:{proposal.proposal_id}",
                proposal_id=proposal.proposal_id,
            )
        )
    events.append(
        VoteCast(
            proposal_id=proposal.proposal_id,
            vote_id=vote_id,
            governor_id=voter.governor_id,
            team_id=voter.team_id,
            vote=choice,
            boost_used=boost or boosted,
        )
    )
    return events


# --- Tally ----------------------------------------------------------------------------------------


def team_shares(enrollments: Iterable[Enrollment]) -> dict[str, tuple[str, Fraction]]:
    """Each active governor's (team, share): a team's weight of 1 split equally among them."""
    by_team: dict[str, list[str]] = {}
    for e in enrollments:
        if e.is_active:
            by_team.setdefault(e.team_id, []).append(e.governor_id)
    return {gov: (team, Fraction(1, len(govs))) for team, govs in by_team.items() for gov in govs}


@dataclass(frozen=True, slots=True)
class Tally:
    passed: bool
    weighted_yes: Fraction
    weighted_no: Fraction
    turnout: Fraction  # share of all team weight that voted (boosts do not count twice)
    team_weight: int  # teams with at least one active governor
    yes_count: int
    no_count: int
    revealed: tuple[RevealedVote, ...]
    reason: str


def _exact(value: float) -> Fraction:
    # Rule values are short decimals; read them as written, not as their binary approximation.
    return Fraction(str(value))


def tally(
    proposal: Proposal,
    votes: Iterable[Vote],
    shares: Mapping[str, tuple[str, Fraction]],
    rules: RuleSet,
) -> Tally:
    """Weigh the current votes with today's enrollments and decide pass or fail."""
    yes = no = turnout = Fraction(0)
    yes_count = no_count = 0
    revealed: list[RevealedVote] = []
    for v in sorted(votes, key=lambda v: v.governor_id):
        if v.cleared:
            continue
        team, share = shares.get(v.governor_id, (v.team_id, Fraction(0)))
        weight = share * 2 if v.boost_used else share
        turnout += share
        if v.vote == "yes":
            yes, yes_count = yes + weight, yes_count + 1
        else:
            no, no_count = no + weight, no_count + 1
        revealed.append(
            RevealedVote(
                governor_id=v.governor_id,
                team_id=team,
                vote=v.vote,
                weight=float(weight),
                boost_used=v.boost_used,
            )
        )
    teams = len({team for team, _ in shares.values()})
    quorum = _exact(rules.quorum)
    threshold = _exact(proposal.threshold)
    if teams == 0 or turnout < quorum * teams:
        share = turnout / teams if teams else Fraction(0)
        reason = (
            f"quorum not met: {float(share):.0%} of team weight voted, {float(quorum):.0%} needed"
        )
        passed = False
    elif yes + no == 0 or yes / (yes + no) <= threshold:
        reason = f"needed more than {float(threshold):.0%} yes"
        passed = False
    else:
        reason, passed = "", True
    return Tally(passed, yes, no, turnout, teams, yes_count, no_count, tuple(revealed), reason)


def outcome_events(proposal: Proposal, result: Tally, rules: RuleSet) -> list[EventPayload]:
    common = {
        "proposal_id": proposal.proposal_id,
        "weighted_yes": float(result.weighted_yes),
        "weighted_no": float(result.weighted_no),
        "total_weight": float(result.weighted_yes + result.weighted_no),
        "threshold": proposal.threshold,
        "quorum": rules.quorum,
        "yes_count": result.yes_count,
        "no_count": result.no_count,
    }
    reveal = VoteRevealed(proposal_id=proposal.proposal_id, votes=result.revealed)
    if result.passed:
        return [reveal, ProposalPassed(**common)]
    return [reveal, ProposalFailed(**common, reason=result.reason)]


def enact(
    rules: RuleSet, proposal: Proposal, *, season_id: str, round_number: int | None
) -> tuple[RuleSet, list[EventPayload]]:
    """Apply a passed proposal's changes to `rules`, in one piece when they validate together,
    else change by change; a change the current rules refuse is rolled back with the reason."""
    changes = proposal.parsed_interpretation().changes
    events: list[EventPayload] = []
    try:
        rules.with_changes({c.parameter: c.new_value for c in changes})
        batches: list[Sequence[Any]] = [changes]
    except RuleValidationError:
        batches = [[c] for c in changes]
    for batch in batches:
        try:
            new_rules = rules.with_changes({c.parameter: c.new_value for c in batch})
        except RuleValidationError as exc:
            c = batch[0]
            events.append(
                RuleRolledBack(
                    season_id=season_id,
                    proposal_id=proposal.proposal_id,
                    parameter=c.parameter,
                    attempted_value=c.new_value,
                    reason=str(exc),
                )
            )
            continue
        for c in batch:
            events.append(
                RuleEnacted(
                    season_id=season_id,
                    proposal_id=proposal.proposal_id,
                    parameter=c.parameter,
                    old_value=getattr(rules, c.parameter),
                    new_value=getattr(new_rules, c.parameter),
                    round_enacted=round_number,
                )
            )
        rules = new_rules
    return rules, events


def regenerate(
    balances: Mapping[tuple[str, str], int], governors: Iterable[str], rules: RuleSet
) -> list[EventPayload]:
    """Each governor's tokens of each type rise by `token_regeneration`, up to `token_cap`."""
    events: list[EventPayload] = []
    for governor in sorted(set(governors)):
        for token_type in TOKEN_TYPES:
            room = rules.token_cap - balances.get((governor, token_type), 0)
            amount = min(rules.token_regeneration, room)
            if amount > 0:
                events.append(
                    TokenRegenerated(
                        governor_id=governor,
                        token_type=token_type,
                        amount=amount,
                        reason="window regeneration",
                    )
                )
    return events


# --- Windows --------------------------------------------------------------------------------------


def decide_open_window(
    current: Window | None, *, window_id: str, round_number: int, closes_after_round: int
) -> list[EventPayload]:
    if current is not None and current.is_open:
        raise ConflictError("A governance window is already open for this season.")
    if closes_after_round < round_number:
        raise ValidationError("A window cannot close before the round it opens in.")
    return [
        WindowOpened(
            window_id=window_id, round_number=round_number, closes_after_round=closes_after_round
        )
    ]


@dataclass(frozen=True, slots=True)
class CloseDecision:
    events: list[EventPayload]
    rules: RuleSet
    passed: tuple[str, ...]
    failed: tuple[str, ...]
    carried_over: tuple[str, ...]  # open, but not yet for the minimum voting period


def decide_close_window(
    window: Window | None,
    *,
    window_id: str,
    round_number: int,
    now: datetime,
    rules: RuleSet,
    settings: LeagueSettings,
    proposals: Sequence[Proposal],
    votes: Mapping[str, Sequence[Vote]],
    enrollments: Sequence[Enrollment],
    balances: Mapping[tuple[str, str], int],
) -> CloseDecision:
    """Tally every proposal open long enough, enact what passed, regenerate tokens, close."""
    if window is None or window.window_id != window_id:
        raise ConflictError("That governance window does not exist for this season.")
    if not window.is_open:
        raise ConflictError("That governance window is already closed.")
    shares = team_shares(enrollments)
    min_age = settings.min_voting_period_seconds
    events: list[EventPayload] = []
    passed: list[str] = []
    failed: list[str] = []
    carried: list[str] = []
    season_id = window.season_id
    for proposal in sorted(proposals, key=lambda p: p.last_sequence):
        if not proposal.is_open:
            continue
        opened = proposal.opened_at
        if opened is None or (now - opened).total_seconds() < min_age:
            carried.append(proposal.proposal_id)
            continue
        result = tally(proposal, votes.get(proposal.proposal_id, ()), shares, rules)
        events += outcome_events(proposal, result, rules)
        if result.passed:
            passed.append(proposal.proposal_id)
            rules, enacted = enact(rules, proposal, season_id=season_id, round_number=round_number)
            events += enacted
        else:
            failed.append(proposal.proposal_id)
    # Regeneration follows the tally so it uses the token rules as they now stand.
    events += regenerate(balances, (e.governor_id for e in enrollments if e.is_active), rules)
    events.append(
        WindowClosed(
            window_id=window_id,
            round_number=round_number,
            proposals_resolved=tuple(passed + failed),
        )
    )
    return CloseDecision(events, rules, tuple(passed), tuple(failed), tuple(carried))
