"""The governance rules, pure: given state, when a command is decided, then events or an error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from bot.domain.errors import (
    ConflictError,
    InsufficientTokensError,
    PermissionDeniedError,
    RuleValidationError,
    ValidationError,
)
from bot.domain.events import (
    ProposalAmended,
    ProposalFailed,
    ProposalPassed,
    RuleEnacted,
    RuleRolledBack,
    TokenGranted,
    TokenRefunded,
    TokenSpent,
    VoteCast,
    WindowClosed,
)
from bot.domain.governance import (
    Draft,
    Enrollment,
    Proposal,
    Vote,
    Window,
    assess,
    decide_amend,
    decide_cancel,
    decide_close_window,
    decide_confirm,
    decide_join,
    decide_review,
    decide_vote,
    enact,
    regenerate,
    tally,
    team_shares,
)
from bot.domain.interpretation import ProposedChange, build_interpretation, wild
from bot.domain.rules import DEFAULT_RULES, RuleSet
from bot.domain.settings import DEFAULT_SETTINGS, SETTINGS, LeagueSettings, parse_stored

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RULES = DEFAULT_RULES
WINDOW = Window("w1", "s1", "open", 1, 3)
ME = Enrollment("g1", "t1", "Team 1", True)


def interp(rules: RuleSet = RULES, **changes: object) -> object:
    return build_interpretation([ProposedChange(k, v) for k, v in changes.items()], rules)


def proposal(status: str = "confirmed", **kw: object) -> Proposal:
    base: dict[str, object] = {
        "proposal_id": "p1",
        "season_id": "s1",
        "governor_id": "g1",
        "team_id": "t1",
        "window_id": "w1",
        "status": status,
        "text": "threes worth 5",
        "interpretation": interp(three_point_value=5).model_dump(mode="json"),  # type: ignore[attr-defined]
        "tier": 1,
        "token_cost": 1,
        "threshold": 0.5,
        "amendment_count": 0,
        "opened_at": NOW - timedelta(hours=1),
        "last_sequence": 1,
    }
    base.update(kw)
    return Proposal(**base)  # type: ignore[arg-type]


def draft(**changes: object) -> Draft:
    meaning = interp(**changes) if changes else wild("nothing")
    return Draft("p1", "s1", "g1", "raw", "text", meaning.model_dump(mode="json"), "pending", NOW)  # type: ignore[attr-defined]


# --- Tiers, costs and thresholds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "tier", "cost", "threshold"),
    [
        ({"three_point_value": 5}, 1, 1, 0.5),
        ({"stamina_drain_rate": 2.0}, 2, 1, 0.5),
        ({"rounds_per_window": 4}, 3, 1, 0.6),
        ({"quorum": 0.6}, 4, 1, 0.6),
        ({"three_point_value": 5, "rounds_per_window": 4}, 3, 1, 0.6),
    ],
)
def test_tier_cost_and_threshold_follow_the_highest_tier_changed(
    changes: dict[str, object], tier: int, cost: int, threshold: float
) -> None:
    a = assess(interp(**changes), RULES)  # type: ignore[arg-type]
    assert (a.tier, a.token_cost, a.threshold) == (tier, cost, threshold)


def test_a_raised_vote_threshold_raises_every_tier_floor() -> None:
    rules = RULES.with_changes({"vote_threshold": 0.7})
    assert assess(interp(rules, three_point_value=5), rules).threshold == 0.7  # type: ignore[arg-type]
    assert assess(interp(rules, rounds_per_window=4), rules).threshold == 0.7  # type: ignore[arg-type]
    assert assess(wild("?"), rules).threshold == 0.7


def test_anything_not_understood_is_wild_costs_two_and_needs_two_thirds() -> None:
    a = assess(wild("The ball is lava."), RULES)
    assert (a.tier_name, a.token_cost, a.threshold) == ("wild", 2, 0.67)


def test_an_out_of_range_request_is_an_error_naming_the_range_not_a_wild_proposal() -> None:
    with pytest.raises(RuleValidationError, match="1 to 10"):
        assess(interp(three_point_value=50), RULES)  # type: ignore[arg-type]


# --- Join -----------------------------------------------------------------------------------------


def test_first_join_grants_initial_tokens_of_each_type() -> None:
    events = decide_join("g1", "t1", None, RULES)
    grants = [e for e in events if isinstance(e, TokenGranted)]
    assert [(g.token_type, g.amount) for g in grants] == [
        ("propose", 2),
        ("amend", 2),
        ("boost", 2),
    ]


def test_joining_your_own_team_again_decides_nothing() -> None:
    assert decide_join("g1", "t1", ME, RULES) == []


def test_rejoining_after_leaving_grants_nothing() -> None:
    left = Enrollment("g1", "t1", "Team 1", False)
    assert [e.event_type for e in decide_join("g1", "t1", left, RULES)] == ["enrollment.joined"]


# --- Confirm --------------------------------------------------------------------------------------


def confirm(d: Draft, **kw: object) -> list[object]:
    args: dict[str, object] = {
        "now": NOW,
        "rules": RULES,
        "settings": DEFAULT_SETTINGS,
        "enrollment": ME,
        "window": WINDOW,
        "proposals_this_window": 0,
        "propose_balance": 2,
    }
    args.update(kw)
    return list(decide_confirm(d, **args)[1])  # type: ignore[arg-type]


def test_confirming_submits_spends_and_opens_in_one_decision() -> None:
    events = confirm(draft(three_point_value=5))
    assert [e.event_type for e in events] == [  # type: ignore[attr-defined]
        "proposal.submitted",
        "token.spent",
        "proposal.confirmed",
    ]


def test_a_wild_draft_needs_two_tokens_and_one_is_not_enough() -> None:
    with pytest.raises(InsufficientTokensError, match="costs 2 propose tokens; you have 1"):
        confirm(draft(), propose_balance=1)


def test_a_wild_draft_is_flagged_for_review() -> None:
    assert confirm(draft())[-1].event_type == "proposal.flagged_for_review"  # type: ignore[attr-defined]


def test_the_proposal_limit_counts_proposals_in_this_window() -> None:
    with pytest.raises(ConflictError, match="limit is 2"):
        confirm(draft(three_point_value=5), proposals_this_window=2)


def test_a_draft_rechecks_against_rules_changed_since_it_was_written() -> None:
    rules = RULES.with_changes({"teams_per_league": 4})
    with pytest.raises(RuleValidationError, match="playoff_teams"):
        confirm(draft(playoff_teams=8), rules=rules)


def test_an_expired_draft_cannot_be_confirmed() -> None:
    with pytest.raises(ConflictError, match="expired"):
        confirm(draft(three_point_value=5), now=NOW + timedelta(hours=1))


# --- Amend, cancel, review ------------------------------------------------------------------------


def amend(p: Proposal, votes: list[Vote], **kw: object) -> list[object]:
    args: dict[str, object] = {
        "amender": ME,
        "amendment_id": "a1",
        "text": "threes worth 6",
        "assessment": assess(interp(three_point_value=6), RULES),  # type: ignore[arg-type]
        "rules": RULES,
        "amend_balance": 1,
        "votes": votes,
        "now": NOW,
    }
    args.update(kw)
    return decide_amend(p, **args)  # type: ignore[arg-type]


def test_an_amendment_clears_live_votes_and_refunds_their_boosts() -> None:
    votes = [
        Vote("g2", "t2", "yes", True),
        Vote("g3", "t1", "no", False),
        Vote("g4", "t2", "yes", True, cleared=True),
    ]
    events = amend(proposal(), votes)
    amended = next(e for e in events if isinstance(e, ProposalAmended))
    assert amended.cleared_voter_ids == ("g2", "g3") and amended.opened_at == NOW
    refunds = [e for e in events if isinstance(e, TokenRefunded)]
    assert [(r.governor_id, r.token_type) for r in refunds] == [("g2", "boost")]
    assert isinstance(events[0], TokenSpent) and events[0].token_type == "amend"


def test_amendments_beyond_the_limit_are_refused() -> None:
    with pytest.raises(ConflictError, match="limit is 2"):
        amend(proposal(amendment_count=2), [])


@pytest.mark.parametrize("status", ["passed", "failed", "cancelled", "vetoed"])
def test_a_resolved_proposal_cannot_be_amended_cancelled_or_voted_on(status: str) -> None:
    p = proposal(status)
    with pytest.raises(ConflictError):
        amend(p, [])
    with pytest.raises(ConflictError):
        decide_cancel(p, governor_id="g1")
    with pytest.raises(ConflictError):
        decide_vote(
            p,
            voter=ME,
            window=WINDOW,
            vote_id="v",
            choice="yes",
            boost=False,
            previous=None,
            boost_balance=0,
        )


def test_cancel_refunds_the_cost_paid_and_only_the_proposer_may() -> None:
    with pytest.raises(PermissionDeniedError):
        decide_cancel(proposal(), governor_id="g2")
    refund = decide_cancel(proposal(token_cost=2), governor_id="g1")[1]
    assert isinstance(refund, TokenRefunded) and refund.amount == 2


def test_only_a_flagged_proposal_can_be_vetoed_and_the_veto_refunds() -> None:
    with pytest.raises(ConflictError, match="not waiting for review"):
        decide_review(proposal(), admin_id="a", veto=True, reason="no")
    events = decide_review(proposal("flagged", token_cost=2), admin_id="a", veto=True, reason="no")
    assert [e.event_type for e in events] == ["proposal.vetoed", "token.refunded"]


# --- Vote -----------------------------------------------------------------------------------------


def vote(previous: Vote | None, boost: bool, balance: int = 1) -> list[object]:
    return decide_vote(
        proposal(),
        voter=ME,
        window=WINDOW,
        vote_id="v",
        choice="yes",
        boost=boost,
        previous=previous,
        boost_balance=balance,
    )  # type: ignore[return-value]


def test_a_boost_is_paid_once_and_stays_on_a_changed_vote() -> None:
    first = vote(None, boost=True)
    assert [e.event_type for e in first] == ["token.spent", "vote.cast"]  # type: ignore[attr-defined]
    again = vote(Vote("g1", "t1", "no", True), boost=False)
    assert len(again) == 1 and isinstance(again[0], VoteCast) and again[0].boost_used


def test_a_boost_without_a_boost_token_is_refused() -> None:
    with pytest.raises(InsufficientTokensError):
        vote(None, boost=True, balance=0)


def test_voting_needs_an_open_window_and_an_enrollment() -> None:
    with pytest.raises(ConflictError):
        decide_vote(
            proposal(),
            voter=ME,
            window=None,
            vote_id="v",
            choice="yes",
            boost=False,
            previous=None,
            boost_balance=0,
        )
    with pytest.raises(PermissionDeniedError):
        decide_vote(
            proposal(),
            voter=None,
            window=WINDOW,
            vote_id="v",
            choice="yes",
            boost=False,
            previous=None,
            boost_balance=0,
        )


# --- Tally ----------------------------------------------------------------------------------------


TWO_TEAMS = [
    Enrollment("a1", "A", "A", True),
    Enrollment("a2", "A", "A", True),
    Enrollment("b1", "B", "B", True),
    Enrollment("b2", "B", "B", False),
]


def test_each_team_weighs_one_shared_by_its_active_governors() -> None:
    assert team_shares(TWO_TEAMS) == {
        "a1": ("A", Fraction(1, 2)),
        "a2": ("A", Fraction(1, 2)),
        "b1": ("B", Fraction(1)),
    }


def test_a_yes_share_strictly_above_the_threshold_passes_and_at_it_fails() -> None:
    shares = team_shares(TWO_TEAMS)
    at = tally(
        proposal(),
        [
            Vote("a1", "A", "yes", False),
            Vote("a2", "A", "yes", False),
            Vote("b1", "B", "no", False),
        ],
        shares,
        RULES,
    )
    assert not at.passed and at.reason.startswith("needed more than 50%")
    above = tally(
        proposal(),
        [Vote("a1", "A", "yes", True), Vote("a2", "A", "yes", False), Vote("b1", "B", "no", False)],
        shares,
        RULES,
    )
    assert above.passed and (above.weighted_yes, above.weighted_no) == (Fraction(3, 2), 1)


def test_boosts_do_not_count_twice_towards_quorum() -> None:
    shares = team_shares(TWO_TEAMS)
    result = tally(
        proposal(), [Vote("a1", "A", "yes", True)], shares, RULES.with_changes({"quorum": 0.3})
    )
    assert result.turnout == Fraction(1, 2) and not result.passed  # 25% < 30%


def test_cleared_votes_and_votes_of_departed_governors_weigh_nothing() -> None:
    shares = team_shares(TWO_TEAMS)
    result = tally(
        proposal(),
        [
            Vote("a1", "A", "yes", False, cleared=True),
            Vote("b2", "B", "yes", False),
            Vote("b1", "B", "no", False),
        ],
        shares,
        RULES,
    )
    assert (result.weighted_yes, result.weighted_no, result.yes_count) == (0, 1, 1)


def test_enactment_rolls_back_a_change_the_current_rules_refuse() -> None:
    p = proposal(interpretation=interp(teams_per_league=4).model_dump(mode="json"))  # type: ignore[attr-defined]
    rules, events = enact(
        RULES.with_changes({"playoff_teams": 8}), p, season_id="s1", round_number=4
    )
    assert isinstance(events[0], RuleRolledBack) and "playoff_teams" in events[0].reason
    assert rules.teams_per_league == 8


def test_enactment_applies_changes_that_only_validate_together() -> None:
    p = proposal(interpretation=interp(teams_per_league=4, playoff_teams=2).model_dump(mode="json"))  # type: ignore[attr-defined]
    rules, events = enact(RULES, p, season_id="s1", round_number=4)
    assert all(isinstance(e, RuleEnacted) for e in events)
    assert (rules.teams_per_league, rules.playoff_teams) == (4, 2)


def test_regeneration_stops_at_the_cap() -> None:
    events = regenerate({("g1", "propose"): 6, ("g1", "boost"): 5}, ["g1"], RULES)
    assert [(e.token_type, e.amount) for e in events] == [("amend", 1), ("boost", 1)]  # type: ignore[attr-defined]


def test_a_proposal_younger_than_the_voting_period_is_carried_over() -> None:
    young = proposal(proposal_id="young", opened_at=NOW - timedelta(seconds=60))
    old = proposal(proposal_id="old", last_sequence=2)
    decision = decide_close_window(
        WINDOW,
        window_id="w1",
        round_number=3,
        now=NOW,
        rules=RULES,
        settings=DEFAULT_SETTINGS,
        proposals=[young, old],
        votes={"old": [Vote("g1", "t1", "yes", False)], "young": [Vote("g1", "t1", "yes", False)]},
        enrollments=[ME],
        balances={},
    )
    assert decision.carried_over == ("young",) and decision.passed == ("old",)
    kinds = [type(e) for e in decision.events]
    assert ProposalPassed in kinds and ProposalFailed not in kinds
    assert isinstance(decision.events[-1], WindowClosed)


def test_settings_default_in_code_and_stored_values_are_validated() -> None:
    assert DEFAULT_SETTINGS.min_voting_period_seconds == 900
    assert (
        parse_stored({"governance.min_voting_period_seconds": "60"}).min_voting_period_seconds == 60
    )
    with pytest.raises(Exception, match="at least"):
        parse_stored({"governance.draft_ttl_seconds": "5"})
    assert all(spec.description for spec in SETTINGS.values())
    assert isinstance(LeagueSettings({}).get("governance.draft_ttl_seconds"), int)


def test_a_typed_setting_value_is_parsed_and_refusals_name_the_range() -> None:
    spec = SETTINGS["governance.draft_ttl_seconds"]
    assert spec.parse_text(" 600 ") == 600
    for bad in ("5", "ten", "600.5"):
        with pytest.raises(ValidationError, match="a whole number from 60 to 86400"):
            spec.parse_text(bad)
