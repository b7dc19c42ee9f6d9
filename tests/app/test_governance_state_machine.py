"""A hypothesis state machine over random governance by several governors, some of it
concurrent. After every step: balances are never negative, no proposal has more than one
terminal event and its status agrees, and the projections equal a replay (`verify`). At the
end every proposal is settled by closing windows, and each has exactly one terminal state."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from bot.app.governance.commands import (
    AmendProposal,
    CancelProposal,
    CastVote,
    ConfirmProposal,
    LeaveTeam,
    ReviewProposal,
    SubmitProposal,
)
from bot.domain.errors import DomainError
from bot.domain.governance import TERMINAL
from bot.domain.rules import DEFAULT_RULES
from db.engine import create_database
from db.event_store import read_from
from db.governance_repo import season_proposals
from db.projections import TOKEN_BALANCES, table_state
from db.verify import verify
from tests.app.kit import MIN_PERIOD, League, start_league

GOVERNORS = 4
TEXTS = ("three_point_value=5", "rounds_per_window=4", "wild: confetti", "shot_clock_seconds=30")
TERMINAL_EVENTS = {f"proposal.{s}" for s in TERMINAL}
ADMIN = "900000000000000001"
govs = st.integers(0, GOVERNORS - 1)


class GovernanceMachine(RuleBasedStateMachine):
    url_factory: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.league: League | None = None
        self.proposals: list[str] = []

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def attempt(self, coro: Any) -> Any:
        """Run a command; refusals are part of the game, anything else is a failure."""
        try:
            return self.run(coro)
        except DomainError:
            return None

    @property
    def lg(self) -> League:
        assert self.league is not None
        return self.league

    @initialize()
    def setup(self) -> None:
        db = create_database(self.run(type(self).url_factory()), pool_size=8)
        rules = DEFAULT_RULES.with_changes({"initial_tokens": 2, "max_amendments": 1})
        self.league = self.run(start_league(db, governors=GOVERNORS, teams=2, rules=rules))
        # Two proposals from the start, so most steps have something to act on.
        self.proposals = [
            self.run(self.lg.propose(0, TEXTS[0])),
            self.run(self.lg.propose(1, TEXTS[2])),
        ]

    def teardown(self) -> None:
        if self.league is not None:
            try:
                self.settle()
            finally:
                self.run(self.league.db.dispose())
        self.loop.close()

    def settle(self) -> None:
        # Windows keep closing after the voting period until nothing is left open.
        for _ in range(3):
            self.run(self.lg.close())
        self.check_terminal_states(final=True)

    def pick(self, data: st.DataObject) -> str | None:
        if not self.proposals:
            return None
        return data.draw(st.sampled_from(self.proposals))

    # --- rules ---------------------------------------------------------------------------------

    @rule(i=govs, team=st.integers(0, 1))
    def join(self, i: int, team: int) -> None:
        self.attempt(self.lg.join(i, team))

    @rule(i=govs)
    def leave(self, i: int) -> None:
        self.attempt(self.lg.run(LeaveTeam(self.lg.season, self.lg.gov(i))))

    @rule(i=govs, text=st.sampled_from(TEXTS))
    def propose(self, i: int, text: str) -> None:
        out = self.attempt(self.lg.propose(i, text))
        if out is not None:
            self.proposals.append(out)

    @rule(i=govs, copies=st.integers(2, 4))
    def confirm_drafts_concurrently(self, i: int, copies: int) -> None:
        lg = self.lg
        drafts = [
            self.attempt(lg.run(SubmitProposal(lg.season, lg.gov(i), TEXTS[0])))
            for _ in range(copies)
        ]
        ids = [d["draft_id"] for d in drafts if d is not None]

        async def confirm_all() -> list[Any]:
            return await asyncio.gather(
                *(lg.run(ConfirmProposal(d, lg.gov(i))) for d in ids), return_exceptions=True
            )

        for result in self.run(confirm_all()):
            if isinstance(result, BaseException):
                assert isinstance(result, DomainError), result
            else:
                self.proposals.append(result["proposal_id"])

    @rule(i=govs, data=st.data(), text=st.sampled_from(TEXTS))
    def amend(self, i: int, data: st.DataObject, text: str) -> None:
        pid = self.pick(data)
        if pid is not None:
            self.attempt(self.lg.run(AmendProposal(pid, self.lg.gov(i), text)))

    @rule(i=govs, data=st.data())
    def cancel(self, i: int, data: st.DataObject) -> None:
        pid = self.pick(data)
        if pid is not None:
            self.attempt(self.lg.run(CancelProposal(pid, self.lg.gov(i))))

    @rule(data=st.data(), veto=st.booleans())
    def review(self, data: st.DataObject, veto: bool) -> None:
        pid = self.pick(data)
        if pid is not None:
            self.attempt(self.lg.run(ReviewProposal(pid, ADMIN, veto=veto, reason="admin")))

    @rule(i=govs, data=st.data(), yes=st.booleans(), boost=st.booleans())
    def vote(self, i: int, data: st.DataObject, yes: bool, boost: bool) -> None:
        pid = self.pick(data)
        if pid is not None:
            self.attempt(self.lg.vote(i, pid, "yes" if yes else "no", boost))

    @rule(data=st.data(), boost=st.booleans())
    def everyone_votes_at_once(self, data: st.DataObject, boost: bool) -> None:
        pid = self.pick(data)
        if pid is None:
            return
        lg = self.lg

        async def all_votes() -> list[Any]:
            return await asyncio.gather(
                *(lg.run(CastVote(pid, lg.gov(i), "yes", boost)) for i in range(GOVERNORS)),
                return_exceptions=True,
            )

        for result in self.run(all_votes()):
            assert not isinstance(result, BaseException) or isinstance(result, DomainError)

    @rule(wait=st.booleans())
    def close_window(self, wait: bool) -> None:
        self.run(self.lg.close(wait=wait))

    @rule(seconds=st.sampled_from([60, MIN_PERIOD]))
    def time_passes(self, seconds: int) -> None:
        self.lg.clock.advance(seconds)

    # --- invariants ------------------------------------------------------------------------------

    def check_terminal_states(self, *, final: bool = False) -> None:
        lg = self.lg

        async def read() -> tuple[Counter[str], dict[str, str], dict[str, str]]:
            async with lg.db.read_sessions() as s:
                log = await read_from(s, 0, limit=10**6)
                rows = await season_proposals(s, lg.season)
            ends = Counter(e.aggregate_id for e in log if e.event_type in TERMINAL_EVENTS)
            last = {e.aggregate_id: e.event_type for e in log if e.event_type in TERMINAL_EVENTS}
            return ends, last, {p.proposal_id: p.status for p in rows}

        ends, last, status = self.run(read())
        assert all(n == 1 for n in ends.values()), ends
        for pid, kind in last.items():
            assert status[pid] == kind.removeprefix("proposal."), (pid, status[pid], kind)
        if final:
            assert set(status) == set(ends), "a proposal was left without a terminal state"

    @invariant()
    def balances_never_negative_and_projections_equal_a_replay(self) -> None:
        if self.league is None:
            return
        lg = self.lg

        async def check() -> None:
            async with lg.db.read_sessions() as s:
                report = await verify(s)
                balances = await table_state(s, TOKEN_BALANCES)
            assert report.ok, report.problems
            assert all(v >= 0 for v in balances.values())

        self.run(check())
        self.check_terminal_states()


def test_governance_state_machine(run_machine: Callable[..., None]) -> None:
    run_machine(GovernanceMachine, max_examples=10, steps=20)
