"""The governance state machine extended with the levers: token offers (accepted, rejected,
cancelled, expired, some concurrently), hooper trades and strategies mixed into random
governance. After every step, on top of the governance invariants: no balance is negative,
balances plus escrow equal every token ever credited minus every token spent, each offer ended
at most once, and the projections equal a replay."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from bot.app.levers.commands import (
    AcceptTrade,
    CancelTrade,
    OfferTrade,
    ProposeHooperTrade,
    RejectTrade,
    SetStrategy,
    VoteHooperTrade,
)
from bot.domain.errors import DomainError
from db.event_store import read_from
from db.levers_repo import escrow_total
from db.projections import TOKEN_BALANCES, table_state
from tests.app.levers_kit import add_hoopers
from tests.app.test_governance_state_machine import GOVERNORS, GovernanceMachine, govs

TOKENS = st.sampled_from(["propose", "amend", "boost"])
CREDITS = {"token.granted", "token.regenerated", "token.refunded"}
OFFER_ENDS = {"trade.accepted", "trade.rejected", "trade.cancelled", "trade.expired"}
STRATEGIES = ("push the pace and shoot threes", "full court press", "banana pancakes")


class LeversMachine(GovernanceMachine):
    def __init__(self) -> None:
        super().__init__()
        self.offers: list[str] = []
        self.swaps: list[str] = []
        self.rosters: dict[str, list[str]] = {}

    @initialize()
    def setup(self) -> None:
        super().setup()
        self.rosters = self.run(add_hoopers(self.lg))
        # An offer from the start, so most trade steps have something to act on.
        self.offer(0, 1, "amend", "boost", 1, 1)

    def pick_from(self, data: st.DataObject, ids: list[str]) -> str | None:
        return data.draw(st.sampled_from(ids)) if ids else None

    @rule(
        i=govs,
        step=st.sampled_from([1, 1, 2, 3, 0]),  # 0: an offer to oneself
        give=TOKENS,
        want=TOKENS,
        n=st.sampled_from([1, 1, 2, 0, -1]),
        m=st.sampled_from([1, 2, 0]),
    )
    def offer_tokens(self, i: int, step: int, give: str, want: str, n: int, m: int) -> None:
        self.offer(i, (i + step) % GOVERNORS, give, want, n, m)

    def offer(self, i: int, j: int, give: str, want: str, n: int, m: int) -> None:
        lg = self.lg
        command = OfferTrade(lg.season, lg.gov(i), lg.gov(j), give, n, want, m)
        out = self.attempt(lg.run(command))
        if out is not None:
            self.offers.append(out["trade_id"])

    @rule(i=govs, data=st.data())
    def accept(self, i: int, data: st.DataObject) -> None:
        tid = self.pick_from(data, self.offers)
        if tid is not None:
            self.attempt(self.lg.run(AcceptTrade(tid, self.lg.gov(i))))

    @rule(data=st.data(), copies=st.integers(2, 6))
    def accept_concurrently(self, data: st.DataObject, copies: int) -> None:
        tid = self.pick_from(data, self.offers)
        if tid is None:
            return
        lg = self.lg

        async def accept_all() -> list[Any]:
            target = (await lg.app.trade_offer(tid))["to_governor_id"]
            return await asyncio.gather(
                *(lg.run(AcceptTrade(tid, target)) for _ in range(copies)),
                return_exceptions=True,
            )

        results = self.run(accept_all())
        assert all(not isinstance(r, BaseException) or isinstance(r, DomainError) for r in results)
        assert sum(1 for r in results if not isinstance(r, BaseException)) <= 1

    @rule(i=govs, data=st.data())
    def reject(self, i: int, data: st.DataObject) -> None:
        tid = self.pick_from(data, self.offers)
        if tid is not None:
            self.attempt(self.lg.run(RejectTrade(tid, self.lg.gov(i))))

    @rule(i=govs, data=st.data())
    def cancel_offer(self, i: int, data: st.DataObject) -> None:
        tid = self.pick_from(data, self.offers)
        if tid is not None:
            self.attempt(self.lg.run(CancelTrade(tid, self.lg.gov(i))))

    @rule(hours=st.sampled_from([1, 24]))
    def expiry_runs_twice_at_once(self, hours: int) -> None:
        lg = self.lg
        lg.clock.advance(hours * 3600)

        async def both() -> list[dict[str, list[str]]]:
            return list(await asyncio.gather(lg.app.expire_due(), lg.app.expire_due()))

        first, second = self.run(both())
        assert not set(first["trades"]) & set(second["trades"])

    @rule(i=govs, a=st.integers(0, 1), b=st.integers(0, 1))
    def propose_swap(self, i: int, a: int, b: int) -> None:
        lg = self.lg
        t0, t1 = lg.seeded.team_ids[:2]
        command = ProposeHooperTrade(lg.season, lg.gov(i), self.rosters[t0][a], self.rosters[t1][b])
        out = self.attempt(lg.run(command))
        if out is not None:
            self.swaps.append(out["trade_id"])

    @rule(i=govs, data=st.data(), approve=st.booleans())
    def vote_swap(self, i: int, data: st.DataObject, approve: bool) -> None:
        tid = self.pick_from(data, self.swaps)
        if tid is not None:
            self.attempt(self.lg.run(VoteHooperTrade(tid, self.lg.gov(i), approve)))

    @rule(i=govs, text=st.sampled_from(STRATEGIES))
    def set_strategy(self, i: int, text: str) -> None:
        self.attempt(self.lg.run(SetStrategy(self.lg.season, self.lg.gov(i), text)))

    @invariant()
    def tokens_are_conserved_and_offers_end_once(self) -> None:
        if self.league is None:
            return
        lg = self.lg

        async def check() -> None:
            async with lg.db.read_sessions() as s:
                log = await read_from(s, 0, limit=10**6)
                balances = await table_state(s, TOKEN_BALANCES)
                escrow = await escrow_total(s, lg.season)
            credited = sum(e.payload["amount"] for e in log if e.event_type in CREDITS)
            spent = sum(e.payload["amount"] for e in log if e.event_type == "token.spent")
            assert all(v >= 0 for v in balances.values())
            assert all(v >= 0 for v in escrow.values())
            assert sum(balances.values()) + sum(escrow.values()) == credited - spent
            ends = Counter(e.aggregate_id for e in log if e.event_type in OFFER_ENDS)
            assert all(n == 1 for n in ends.values()), ends

        self.run(check())


def test_levers_state_machine(run_machine: Callable[..., None]) -> None:
    run_machine(LeversMachine, max_examples=10, steps=25)
