"""Hooper trades, strategies, bios and effects end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app.levers.commands import (
    ExpireEffects,
    ProposeHooperTrade,
    SetStrategy,
    UpdateBio,
    VoteHooperTrade,
    expire_effects_id,
)
from bot.app.ports import BuiltinInterpreter
from bot.app.service import Pinwheel
from bot.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from bot.domain.settings import SETTINGS
from db.engine import Database, create_database
from db.event_store import read_by_type
from db.tables import HooperTradeVoteRow
from tests.app.kit import League, start_league
from tests.app.levers_kit import add_hoopers, play_round

SWAP_TTL = int(SETTINGS["trades.hooper_trade_ttl_seconds"].default)  # seconds


async def swap(league: League, rosters: dict[str, list[str]], by: int = 0) -> str:
    """Governor `by` (team 0) offers team 0's first hooper for team 1's first."""
    t0, t1 = league.seeded.team_ids[:2]
    out = await league.run(
        ProposeHooperTrade(league.season, league.gov(by), rosters[t0][0], rosters[t1][0])
    )
    return str(out["trade_id"])


# --- Hooper trades --------------------------------------------------------------------------------


async def test_a_hooper_trade_executes_when_each_teams_majority_approves(
    database: Database,
) -> None:
    # Four governors: 0 and 2 on team 0, 1 and 3 on team 1. A majority of two is two.
    league = await start_league(database)
    rosters = await add_hoopers(league)
    t0, t1 = league.seeded.team_ids[:2]
    tid = await swap(league, rosters)

    assert (await league.run(VoteHooperTrade(tid, league.gov(1), True)))["outcome"] == "open"
    assert (await league.run(VoteHooperTrade(tid, league.gov(3), True)))["outcome"] == "open"
    out = await league.run(VoteHooperTrade(tid, league.gov(2), True))

    assert out["outcome"] == "executed"
    after = await league.app.rosters_for_round(league.season, 1)
    assert rosters[t1][0] in after[t0] and rosters[t0][0] in after[t1]
    await league.assert_verified()


async def test_a_hooper_trade_is_rejected_once_a_teams_majority_is_out_of_reach(
    database: Database,
) -> None:
    league = await start_league(database)
    rosters = await add_hoopers(league)
    tid = await swap(league, rosters)

    out = await league.run(VoteHooperTrade(tid, league.gov(1), False))

    # Team 1 has two governors; one "no" leaves at most one "yes": no majority possible.
    assert out["outcome"] == "rejected"
    with pytest.raises(ConflictError):
        await league.run(VoteHooperTrade(tid, league.gov(3), True))
    await league.assert_verified()


async def test_only_governors_of_the_two_teams_vote_on_a_hooper_trade(database: Database) -> None:
    league = await start_league(database, governors=6, teams=3)
    rosters = await add_hoopers(league)
    tid = await swap(league, rosters)
    with pytest.raises(PermissionDeniedError):
        await league.run(VoteHooperTrade(tid, league.gov(2), True))  # governor 2 is on team 2


async def test_a_governor_can_only_offer_their_own_teams_hooper(database: Database) -> None:
    league = await start_league(database)
    rosters = await add_hoopers(league)
    t0, t1 = league.seeded.team_ids[:2]
    with pytest.raises(PermissionDeniedError):
        await league.run(
            ProposeHooperTrade(league.season, league.gov(1), rosters[t0][0], rosters[t1][0])
        )
    with pytest.raises(ValidationError):
        await league.run(
            ProposeHooperTrade(league.season, league.gov(0), rosters[t0][0], rosters[t0][1])
        )


async def test_hooper_trade_votes_survive_a_restart(database: Database, db_url: str) -> None:
    league = await start_league(database)
    rosters = await add_hoopers(league)
    tid = await swap(league, rosters)
    await league.run(VoteHooperTrade(tid, league.gov(1), True))

    # A new process: a fresh engine and facade over the same database.
    fresh_db = create_database(db_url)
    try:
        app = Pinwheel(fresh_db, BuiltinInterpreter(), clock=league.clock)
        seen = await app.hooper_trade(tid)
        assert set(seen["votes"]) == {league.gov(0), league.gov(1)}
        out = await app.handle(VoteHooperTrade(tid, league.gov(3), True), command_id="r:1")
        assert out["outcome"] == "open"
        out = await app.handle(VoteHooperTrade(tid, league.gov(2), True), command_id="r:2")
        assert out["outcome"] == "executed"
    finally:
        await fresh_db.dispose()
    async with league.db.read_sessions() as s:
        from sqlalchemy import func, select

        n = (await s.execute(select(func.count()).select_from(HooperTradeVoteRow))).scalar_one()
    assert n == 4


async def test_a_hooper_trade_takes_effect_from_the_next_unplayed_round(
    database: Database,
) -> None:
    league = await start_league(database, governors=2)
    rosters = await add_hoopers(league)
    t0, t1 = league.seeded.team_ids[:2]
    await play_round(database, league, 1)
    await play_round(database, league, 2)
    tid = await swap(league, rosters)

    await league.run(VoteHooperTrade(tid, league.gov(1), True))

    assert rosters[t0][0] in (await league.app.rosters_for_round(league.season, 2))[t0]
    assert rosters[t0][0] in (await league.app.rosters_for_round(league.season, 3))[t1]


async def test_an_open_hooper_trade_expires_once(database: Database) -> None:
    league = await start_league(database)
    rosters = await add_hoopers(league)
    tid = await swap(league, rosters)
    league.clock.advance(SWAP_TTL)

    first, second = await league.app.expire_due(), await league.app.expire_due()

    assert first["hooper_trades"] == [tid] and second["hooper_trades"] == []
    assert (await league.app.hooper_trade(tid))["status"] == "expired"
    with pytest.raises(ConflictError):
        await league.run(VoteHooperTrade(tid, league.gov(1), True))
    await league.assert_verified()


# --- Strategy and bios ----------------------------------------------------------------------------


async def test_a_strategy_is_interpreted_and_used_from_the_next_round(database: Database) -> None:
    league = await start_league(database, governors=2)
    team = league.seeded.team_ids[0]
    await play_round(database, league, 1)

    out = await league.run(
        SetStrategy(league.season, league.gov(0), "Push the pace and shoot threes")
    )

    assert out["effective_round"] == 2
    assert out["strategy"]["three_point_bias"] > 0 and out["strategy"]["pace_modifier"] < 0
    assert await league.app.team_strategy(team, 1) is None
    now = await league.app.team_strategy(team, 2)
    assert now is not None and now["raw_text"] == "Push the pace and shoot threes"
    await league.assert_verified()


async def test_a_strategy_nobody_can_read_is_refused(database: Database) -> None:
    league = await start_league(database, governors=2)
    with pytest.raises(ValidationError):
        await league.run(SetStrategy(league.season, league.gov(0), "banana pancakes"))


async def test_a_governor_writes_a_sanitised_bio_for_their_own_hooper(database: Database) -> None:
    league = await start_league(database, governors=2)
    rosters = await add_hoopers(league)
    t0, t1 = league.seeded.team_ids[:2]

    await league.run(UpdateBio(league.season, league.gov(0), rosters[t0][0], "Grew up <@123> here"))

    bio = await league.app.hooper_bio(rosters[t0][0])
    assert bio is not None and "<@" not in bio
    with pytest.raises(PermissionDeniedError):
        await league.run(UpdateBio(league.season, league.gov(0), rosters[t1][0], "Not mine"))
    with pytest.raises(ValidationError):
        await league.run(UpdateBio(league.season, league.gov(0), rosters[t0][0], "x" * 501))
    await league.assert_verified()


# --- Effects --------------------------------------------------------------------------------------


async def pass_proposal(league: League, text: str) -> dict[str, Any]:
    pid = await league.propose(0, text)
    for i in range(len(league.seeded.governor_ids)):
        await league.vote(i, pid, "yes")
    return await league.close()


async def test_a_three_round_effect_acts_in_the_next_three_rounds_across_a_restart(
    database: Database, db_url: str
) -> None:
    league = await start_league(database, interpreter=BuiltinInterpreter())
    out = await pass_proposal(league, "for the next 3 rounds, the home team's threes are worth 4")
    r = league.round_number  # the round the window closed in
    assert [e["event_type"] for e in out["effects"]] == ["effect.registered"]

    fresh_db = create_database(db_url)
    try:
        app = Pinwheel(fresh_db, BuiltinInterpreter(), clock=league.clock)
        acting = {n: await app.active_effects(league.season, n) for n in range(r, r + 5)}
        # Expiry bookkeeping running (twice) does not change which rounds it acts in.
        for _ in range(2):
            cmd = ExpireEffects(league.season, r + 4)
            await app.handle(cmd, command_id=expire_effects_id(league.season, r + 4))
        after = {n: await app.active_effects(league.season, n) for n in range(r, r + 5)}
    finally:
        await fresh_db.dispose()
    for seen in (acting, after):
        assert [bool(seen[n]) for n in range(r, r + 5)] == [False, True, True, True, False]
    effect = acting[r + 1][0]
    assert (effect["parameter"], effect["value"], effect["target"]) == (
        "three_point_value",
        4,
        "home",
    )
    async with league.db.read_sessions() as s:
        assert len(await read_by_type(s, league.season, ["effect.expired"])) == 1
    await league.assert_verified()


async def test_a_repeal_proposal_ends_an_effect_after_the_round_it_passed_in(
    database: Database,
) -> None:
    league = await start_league(database, interpreter=BuiltinInterpreter())
    await pass_proposal(league, "for the next 10 rounds, threes are worth 4")
    registered = league.round_number
    await pass_proposal(league, "repeal the three point value effect")
    repealed = league.round_number

    assert await league.app.active_effects(league.season, registered + 1)
    assert await league.app.active_effects(league.season, repealed)
    assert await league.app.active_effects(league.season, repealed + 1) == []
    await league.assert_verified()


async def test_an_effect_proposal_is_priced_like_a_change_of_its_rule_not_as_wild(
    database: Database,
) -> None:
    league = await start_league(database, interpreter=BuiltinInterpreter())
    before = (await league.balances(0))["propose"]

    pid = await league.propose(0, "for the next 2 rounds, threes are worth 4")

    seen = await league.app.proposal(pid)
    assert seen["status"] == "confirmed" and seen["tier"] != 5
    assert (await league.balances(0))["propose"] == before - 1


async def test_a_one_game_effect_acts_in_the_next_round_only(database: Database) -> None:
    league = await start_league(database, interpreter=BuiltinInterpreter())
    await pass_proposal(league, "for one game, free throws are worth 2")
    r = league.round_number
    assert [bool(await league.app.active_effects(league.season, n)) for n in (r, r + 1, r + 2)] == [
        False,
        True,
        False,
    ]


async def test_round_levers_gather_rosters_strategies_and_effects_for_a_round(
    database: Database,
) -> None:
    from db.levers_repo import round_levers

    league = await start_league(database, interpreter=BuiltinInterpreter())
    rosters = await add_hoopers(league)
    await league.run(SetStrategy(league.season, league.gov(0), "full court press"))
    await pass_proposal(league, "for the next 2 rounds, threes are worth 4")
    r = league.round_number

    async with league.db.read_sessions() as s:
        levers = await round_levers(s, league.season, r + 1)

    assert levers.rosters == {t: sorted(h) for t, h in rosters.items()}
    t0, t1 = league.seeded.team_ids[:2]
    assert levers.strategies[t0].defensive_intensity > 0 and levers.strategies[t1].is_neutral
    assert [e.parameter for e in levers.effects] == ["three_point_value"]


async def test_rebuild_reproduces_every_lever_table(database: Database) -> None:
    from sqlalchemy import func, select

    from bot.app.levers.commands import AcceptTrade
    from db.tables import EffectRow, HooperMoveRow, TradeOfferRow
    from db.verify import rebuild
    from tests.app.levers_kit import offer

    league = await start_league(database, governors=2, interpreter=BuiltinInterpreter())
    rosters = await add_hoopers(league)
    t0 = league.seeded.team_ids[0]
    out = await league.run(offer(league, 0, 1))
    await league.run(AcceptTrade(out["trade_id"], league.gov(1)))
    await league.run(offer(league, 1, 0))
    tid = await swap(league, rosters)
    await league.run(VoteHooperTrade(tid, league.gov(1), True))
    await league.run(SetStrategy(league.season, league.gov(0), "shoot threes"))
    await league.run(UpdateBio(league.season, league.gov(0), rosters[t0][1], "A quiet shooter"))
    await pass_proposal(league, "for the next 2 rounds, threes are worth 4")

    async with database.sessions() as s, s.begin():
        await rebuild(s)

    await league.assert_verified()
    async with database.read_sessions() as s:
        for row, n in ((TradeOfferRow, 2), (HooperMoveRow, 2), (EffectRow, 1)):
            assert (await s.execute(select(func.count()).select_from(row))).scalar_one() == n
