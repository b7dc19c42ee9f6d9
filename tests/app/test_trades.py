"""Token trades end to end through the facade, on SQLite and PostgreSQL.

Given a league, when governors offer, accept, reject, cancel and let offers expire, then the
balances, escrow and projections are what the rules say. Each bug of the earlier implementation
(zero or negative amounts, no balance re-check at acceptance, no expiry) has a test here.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.app.levers.commands import AcceptTrade, CancelTrade, ExpireTrade, RejectTrade
from bot.domain.errors import (
    ConflictError,
    DomainError,
    InsufficientTokensError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from bot.domain.settings import SETTINGS
from db.engine import Database
from db.event_store import read_by_type
from db.levers_repo import accepted_trade_counts, escrow_total
from tests.app.kit import League, start_league
from tests.app.levers_kit import offer

DAY = int(SETTINGS["trades.offer_ttl_seconds"].default)  # seconds


async def trade_events(league: League, kind: str) -> list[str]:
    async with league.db.read_sessions() as s:
        return [e.aggregate_id for e in await read_by_type(s, league.season, [kind])]


async def total_tokens(league: League) -> int:
    """Every token in the season: balances plus escrow."""
    total = 0
    for i in range(len(league.seeded.governor_ids)):
        total += sum((await league.balances(i)).values())
    async with league.db.read_sessions() as s:
        total += sum((await escrow_total(s, league.season)).values())
    return total


async def test_an_offer_holds_the_offered_tokens_in_escrow(database: Database) -> None:
    league = await start_league(database)
    before = await league.balances(0)

    out = await league.run(offer(league, 0, 1, offer_amount=2))

    assert (await league.balances(0))["propose"] == before["propose"] - 2
    pending = await league.app.pending_offers(league.season, league.gov(1))
    assert [p["trade_id"] for p in pending] == [out["trade_id"]]
    assert pending[0]["status"] == "open"
    await league.assert_verified()


async def test_escrowed_tokens_cannot_be_offered_twice(database: Database) -> None:
    league = await start_league(database)
    have = (await league.balances(0))["propose"]
    await league.run(offer(league, 0, 1, offer_amount=have))

    with pytest.raises(InsufficientTokensError):
        await league.run(offer(league, 0, 2, offer_amount=1))


@pytest.mark.parametrize("amount", [0, -1, 11])
async def test_offers_of_zero_negative_or_too_many_tokens_are_refused(
    database: Database, amount: int
) -> None:
    league = await start_league(database)
    with pytest.raises(ValidationError):
        await league.run(offer(league, 0, 1, offer_amount=amount))
    with pytest.raises(ValidationError):
        await league.run(offer(league, 0, 1, request_amount=amount))
    assert await trade_events(league, "trade.offered") == []


async def test_a_governor_cannot_trade_with_themselves_or_outside_the_season(
    database: Database,
) -> None:
    league = await start_league(database, governors=4, join=False)
    for i in range(3):
        await league.join(i, i % 2)
    with pytest.raises(ValidationError):
        await league.run(offer(league, 0, 0))
    with pytest.raises(NotFoundError):  # governor 3 never joined this season
        await league.run(offer(league, 0, 3))


async def test_acceptance_moves_both_sides_in_one_settlement(database: Database) -> None:
    league = await start_league(database)
    a0, a1 = await league.balances(0), await league.balances(1)
    out = await league.run(offer(league, 0, 1, offer_amount=2, request_amount=1))

    await league.run(AcceptTrade(out["trade_id"], league.gov(1)))

    b0, b1 = await league.balances(0), await league.balances(1)
    assert (b0["propose"], b0["boost"]) == (a0["propose"] - 2, a0["boost"] + 1)
    assert (b1["propose"], b1["boost"]) == (a1["propose"] + 2, a1["boost"] - 1)
    assert await league.app.pending_offers(league.season, league.gov(1)) == []
    assert await trade_events(league, "trade.accepted") == [out["trade_id"]]
    await league.assert_verified()


async def test_only_the_target_can_accept_or_reject(database: Database) -> None:
    league = await start_league(database)
    out = await league.run(offer(league, 0, 1))
    for who in (0, 2):
        with pytest.raises(PermissionDeniedError):
            await league.run(AcceptTrade(out["trade_id"], league.gov(who)))
        with pytest.raises(PermissionDeniedError):
            await league.run(RejectTrade(out["trade_id"], league.gov(who)))
    with pytest.raises(PermissionDeniedError):
        await league.run(CancelTrade(out["trade_id"], league.gov(1)))


async def test_acceptance_rechecks_the_targets_balance(database: Database) -> None:
    league = await start_league(database)
    have = (await league.balances(1))["boost"]
    out = await league.run(offer(league, 0, 1, request_amount=have))
    # Governor 1 gives their boost tokens away elsewhere after the offer was made.
    other = await league.run(offer(league, 1, 2, offer_type="boost", offer_amount=have))
    assert (await league.balances(1))["boost"] == 0

    with pytest.raises(InsufficientTokensError):
        await league.run(AcceptTrade(out["trade_id"], league.gov(1)))

    assert (await league.app.trade_offer(out["trade_id"]))["status"] == "open"
    await league.run(CancelTrade(other["trade_id"], league.gov(1)))
    await league.run(AcceptTrade(out["trade_id"], league.gov(1)))
    await league.assert_verified()


@pytest.mark.parametrize("ending", ["reject", "cancel", "expire"])
async def test_reject_cancel_and_expiry_return_the_escrow_exactly_once(
    database: Database, ending: str
) -> None:
    league = await start_league(database)
    before = await league.balances(0)
    out = await league.run(offer(league, 0, 1, offer_amount=2))
    tid = out["trade_id"]

    async def end() -> None:
        if ending == "reject":
            await league.run(RejectTrade(tid, league.gov(1)))
        elif ending == "cancel":
            await league.run(CancelTrade(tid, league.gov(0)))
        else:
            league.clock.advance(DAY)
            await league.app.expire_due()

    await end()
    assert await league.balances(0) == before
    # A second ending of any kind changes nothing.
    for again in (
        RejectTrade(tid, league.gov(1)),
        CancelTrade(tid, league.gov(0)),
        AcceptTrade(tid, league.gov(1)),
    ):
        with pytest.raises(ConflictError):
            await league.run(again)
    await league.run(ExpireTrade(tid))
    assert await league.balances(0) == before
    await league.assert_verified()


async def test_an_expired_offer_cannot_be_accepted_even_before_the_expiry_task_runs(
    database: Database,
) -> None:
    league = await start_league(database)
    out = await league.run(offer(league, 0, 1))
    league.clock.advance(DAY)

    with pytest.raises(ConflictError, match="expired"):
        await league.run(AcceptTrade(out["trade_id"], league.gov(1)))


async def test_an_offer_is_not_expired_before_its_time(database: Database) -> None:
    league = await start_league(database)
    out = await league.run(offer(league, 0, 1))
    league.clock.advance(DAY - 1)

    assert await league.app.expire_due() == {"trades": [], "hooper_trades": []}
    assert (await league.app.trade_offer(out["trade_id"]))["status"] == "open"


async def test_twenty_concurrent_acceptances_settle_once(database: Database) -> None:
    league = await start_league(database)
    total = await total_tokens(league)
    a0, a1 = await league.balances(0), await league.balances(1)
    out = await league.run(offer(league, 0, 1))

    results = await asyncio.gather(
        *(league.run(AcceptTrade(out["trade_id"], league.gov(1))) for _ in range(20)),
        return_exceptions=True,
    )

    settled = [r for r in results if not isinstance(r, BaseException)]
    assert len(settled) == 1
    assert all(isinstance(r, ConflictError) for r in results if isinstance(r, BaseException))
    assert await trade_events(league, "trade.accepted") == [out["trade_id"]]
    b0, b1 = await league.balances(0), await league.balances(1)
    assert (b0["propose"], b0["boost"]) == (a0["propose"] - 1, a0["boost"] + 1)
    assert (b1["propose"], b1["boost"]) == (a1["propose"] + 1, a1["boost"] - 1)
    assert await total_tokens(league) == total
    await league.assert_verified()


async def test_expiry_running_twice_concurrently_expires_once(database: Database) -> None:
    league = await start_league(database)
    before = await league.balances(0)
    out = await league.run(offer(league, 0, 1))
    league.clock.advance(DAY)

    runs = await asyncio.gather(league.app.expire_due(), league.app.expire_due())

    assert sorted(t for r in runs for t in r["trades"]) == [out["trade_id"]]
    assert await trade_events(league, "trade.expired") == [out["trade_id"]]
    assert await league.balances(0) == before
    await league.assert_verified()


async def test_trade_history_and_awards_count_accepted_trades(database: Database) -> None:
    league = await start_league(database)
    first = await league.run(offer(league, 0, 1))
    second = await league.run(offer(league, 0, 2))
    await league.run(AcceptTrade(first["trade_id"], league.gov(1)))
    await league.run(RejectTrade(second["trade_id"], league.gov(2)))

    history = await league.app.trade_history(league.season, league.gov(0))
    assert [(h["trade_id"], h["status"]) for h in history] == [
        (second["trade_id"], "rejected"),
        (first["trade_id"], "accepted"),
    ]
    async with league.db.read_sessions() as s:
        counts = await accepted_trade_counts(s, league.season)
    assert counts == {league.gov(0): 1, league.gov(1): 1}


async def test_a_refused_trade_command_is_logged_and_changes_nothing(database: Database) -> None:
    league = await start_league(database)
    before = await total_tokens(league)
    with pytest.raises(DomainError):
        await league.run(offer(league, 0, 1, offer_amount=0), command_id="discord:1")
    with pytest.raises(DomainError):  # the same interaction again: the stored refusal
        await league.run(offer(league, 0, 1, offer_amount=0), command_id="discord:1")
    assert await total_tokens(league) == before


async def test_a_target_who_left_their_team_cannot_accept_but_can_still_decline(
    database: Database,
) -> None:
    from bot.app.governance.commands import LeaveTeam

    league = await start_league(database)
    before = await league.balances(0)
    out = await league.run(offer(league, 0, 1))
    await league.run(LeaveTeam(league.season, league.gov(1)))

    with pytest.raises(PermissionDeniedError):
        await league.run(AcceptTrade(out["trade_id"], league.gov(1)))
    await league.run(RejectTrade(out["trade_id"], league.gov(1)))
    assert await league.balances(0) == before
