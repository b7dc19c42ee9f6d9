"""A hypothesis state machine over appends, command retries, version conflicts and concurrent
spends. Invariants after every step: the projection equals a replay, the sequence is dense, and
balances equal a simple model that never goes negative."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from bot.domain.errors import ConcurrencyError, InsufficientTokensError
from db.engine import Database, create_database
from db.event_store import EventStore, head, read_from
from db.projections import ALL_BINDINGS, TOKEN_BALANCES, table_state
from db.uow import UnitOfWork, run_command
from db.verify import verify
from tests.factories import Seeded, grant, seed_league, spend

GOVERNORS = 3
TYPES = ("propose", "boost")


class EventStoreMachine(RuleBasedStateMachine):
    url_factory: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.db: Database | None = None
        self.seeded: Seeded | None = None
        self.model: dict[tuple[int, str], int] = {}
        self.commands: dict[str, tuple[dict[str, Any], Mapping[str, Any] | str]] = {}
        self.next_command = 0

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    @initialize()
    def setup(self) -> None:
        url = self.run(type(self).url_factory())
        self.db = create_database(url, pool_size=6)
        self.seeded = self.run(seed_league(self.db, governors=GOVERNORS))

    def teardown(self) -> None:
        if self.db is not None:
            self.run(self.db.dispose())
        self.loop.close()

    # --- helpers -------------------------------------------------------------------------------

    def gov(self, i: int) -> str:
        assert self.seeded is not None
        return self.seeded.governor_ids[i]

    def spend_command(self, i: int, token_type: str, amount: int) -> Any:
        seeded = self.seeded
        assert seeded is not None

        async def handle(uow: UnitOfWork) -> Mapping[str, Any]:
            state = await table_state(uow.session, TOKEN_BALANCES)
            have = state.get((seeded.season_id, self.gov(i), token_type), 0)
            if have < amount:
                raise InsufficientTokensError(f"have {have}, need {amount}")
            await uow.append([spend(seeded.season_id, self.gov(i), amount, token_type)])
            return {"left": have - amount}

        return handle

    async def _spend(self, command_id: str, request: dict[str, Any]) -> Mapping[str, Any] | str:
        assert self.db is not None
        handler = self.spend_command(request["gov"], request["type"], request["amount"])
        try:
            result = await run_command(self.db, handler, command_id=command_id, request=request)
        except InsufficientTokensError:
            return "rejected"
        return result.outcome

    # --- rules ---------------------------------------------------------------------------------

    @rule(i=st.integers(0, GOVERNORS - 1), t=st.sampled_from(TYPES), n=st.integers(1, 3))
    def grant_tokens(self, i: int, t: str, n: int) -> None:
        assert self.db is not None and self.seeded is not None

        async def go() -> None:
            assert self.db is not None and self.seeded is not None
            async with self.db.sessions() as s, s.begin():
                await EventStore(s, projections=ALL_BINDINGS).append(
                    [grant(self.seeded.season_id, self.gov(i), n, t)]
                )

        self.run(go())
        self.model[(i, t)] = self.model.get((i, t), 0) + n

    @rule(i=st.integers(0, GOVERNORS - 1), t=st.sampled_from(TYPES), n=st.integers(1, 3))
    def spend_tokens(self, i: int, t: str, n: int) -> None:
        command_id = f"cmd:{self.next_command}"
        self.next_command += 1
        request = {"gov": i, "type": t, "amount": n}
        outcome = self.run(self._spend(command_id, request))
        have = self.model.get((i, t), 0)
        if have >= n:
            assert outcome == {"left": have - n, "status": "ok"}
            self.model[(i, t)] = have - n
        else:
            assert outcome == "rejected"
        self.commands[command_id] = (request, outcome)

    @rule(data=st.data())
    def retry_a_command(self, data: st.DataObject) -> None:
        if not self.commands:
            return
        command_id = data.draw(st.sampled_from(sorted(self.commands)))
        request, first = self.commands[command_id]
        # A retry returns the first outcome and changes nothing, whatever happened since.
        assert self.run(self._spend(command_id, request)) == first

    @rule(i=st.integers(0, GOVERNORS - 1), tasks=st.integers(2, 6))
    def concurrent_spends_of_one_token_type(self, i: int, tasks: int) -> None:
        have = self.model.get((i, "propose"), 0)

        async def all_at_once() -> list[Any]:
            base = self.next_command
            self.next_command += tasks
            return await asyncio.gather(
                *(
                    self._spend(f"cmd:{base + k}", {"gov": i, "type": "propose", "amount": 1})
                    for k in range(tasks)
                )
            )

        outcomes = self.run(all_at_once())
        successes = sum(1 for o in outcomes if o != "rejected")
        assert successes == min(have, tasks)
        self.model[(i, "propose")] = have - successes

    @rule(i=st.integers(0, GOVERNORS - 1), stale=st.integers(1, 3))
    def stale_version_conflicts(self, i: int, stale: int) -> None:
        assert self.db is not None and self.seeded is not None

        async def go() -> None:
            assert self.db is not None and self.seeded is not None
            async with self.db.sessions() as s, s.begin():
                store = EventStore(s, projections=ALL_BINDINGS)
                version = await store.aggregate_version("token", self.gov(i))
                await store.append(
                    [grant(self.seeded.season_id, self.gov(i), 1, expected_version=version + stale)]
                )

        with pytest.raises(ConcurrencyError):
            self.run(go())

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def projection_equals_replay_and_sequence_is_dense(self) -> None:
        if self.db is None or self.seeded is None:
            return

        async def check() -> None:
            assert self.db is not None and self.seeded is not None
            async with self.db.read_sessions() as s:
                report = await verify(s)
                assert report.ok, report.problems
                events = await read_from(s, 0, limit=10**6)
                assert [e.sequence_number for e in events] == list(range(1, len(events) + 1))
                assert await head(s) == len(events)
                balances = await table_state(s, TOKEN_BALANCES)
            for (i, t), expected in self.model.items():
                assert balances.get((self.seeded.season_id, self.gov(i), t), 0) == expected
            assert all(v >= 0 for v in balances.values())

        self.run(check())


def test_event_store_state_machine(run_machine: Callable[..., None]) -> None:
    run_machine(EventStoreMachine, max_examples=12, steps=12)
