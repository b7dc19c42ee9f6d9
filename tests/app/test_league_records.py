"""What a season leaves on record, checked against what happened: the six awards (Coalition
Builder counting accepted trades), lifetime stats of a hooper and a governor, the private
mirror's computed facts, a new season without the old rules, and `pinwheel run --fast`
(both engines)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.__main__ import main
from bot.app.governance.commands import CastVote, ConfirmProposal, SubmitProposal
from bot.app.league.offline import JumpClock
from bot.app.league.runner import Runner
from bot.app.league.setup import StartNewSeason, run_new_season
from bot.app.levers.commands import AcceptTrade, OfferTrade, RejectTrade
from bot.app.ports import BuiltinInterpreter
from bot.app.service import Pinwheel
from bot.domain.rules import DEFAULT_RULES
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.engine import Database
from db.event_store import read_by_type
from db.tables import (
    BoxScoreRow,
    GameResultRow,
    GovernorStatsRow,
    HooperStatsRow,
    MirrorRow,
    SeasonRow,
)
from tests.app.league_kit import play_to_the_end, scripted, setup_short_league

SIX_AWARDS = {
    "MVP",
    "Defensive Player",
    "Most Efficient",
    "Most Active Governor",
    "Coalition Builder",
    "Rule Architect",
}


class Season:
    """A short season with scripted governors joined, driven by hand through the handlers."""

    def __init__(self, database: Database, clock: JumpClock, setup: dict[str, Any], gov: Any):
        self.db, self.clock, self.setup = database, clock, setup
        self.season = setup["season_id"]
        self.ids: dict[str, str] = gov.ids  # name -> governor id, in join order
        self.app = Pinwheel(database, BuiltinInterpreter(), clock=clock)
        self.names = list(self.ids)

    def gov(self, i: int) -> str:
        return self.ids[self.names[i]]

    async def before_next_round(self) -> None:
        async with self.db.read_sessions() as s:
            progress = await repo.get_progress(s, self.season)
        assert progress is not None and progress.next_due_at is not None
        self.clock.jump_to(progress.next_due_at - timedelta(minutes=30))

    async def propose(self, i: int, text: str) -> str:
        draft = await self.app.handle(
            SubmitProposal(self.season, self.gov(i), text), command_id=f"p:{i}:{text}"
        )
        out = await self.app.handle(
            ConfirmProposal(str(draft["draft_id"]), self.gov(i)), command_id=f"c:{i}:{text}"
        )
        return str(out["proposal_id"])

    async def vote(self, proposal_id: str, votes: dict[int, str]) -> None:
        for i, vote in votes.items():
            await self.app.handle(
                CastVote(proposal_id, self.gov(i), vote), command_id=f"v:{proposal_id}:{i}"
            )

    async def trade(self, giver: int, taker: int, accept: bool, n: int) -> None:
        offer = await self.app.handle(
            OfferTrade(self.season, self.gov(giver), self.gov(taker), "propose", 1, "amend", 1),
            command_id=f"t:{n}",
        )
        answer = AcceptTrade if accept else RejectTrade
        await self.app.handle(
            answer(str(offer["trade_id"]), self.gov(taker)), command_id=f"t:{n}:answer"
        )

    async def play_out(self) -> None:
        await play_to_the_end(
            self.db, Runner(self.db, clock=self.clock, instant=True), self.clock, self.season
        )


async def _season(database: Database, governors: int = 4) -> Season:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    joined = await scripted(database, clock, setup["season_id"], governors)
    season = Season(database, clock, setup, joined)
    await season.before_next_round()
    return season


async def test_the_six_awards_go_to_who_earned_them_coalition_builder_by_accepted_trades(
    database: Database,
) -> None:
    s = await _season(database)
    proposal = await s.propose(0, "make three-pointers worth 4")
    await s.vote(proposal, {0: "yes", 1: "yes", 2: "yes", 3: "yes"})
    # Governor 0 has two trades accepted; governor 3 offers four that are all turned down.
    await s.trade(0, 1, True, 1)
    await s.trade(2, 0, True, 2)
    for n, other in enumerate((0, 1, 2, 0), start=3):
        await s.trade(3, other, False, n)
    await s.play_out()

    async with database.read_sessions() as session:
        progress = await repo.get_progress(session, s.season)
        accepted = await read_by_type(session, s.season, ["trade.accepted"])
    assert progress is not None and progress.awards is not None
    found = {a["title"]: a for a in progress.awards["awards"]}
    assert set(found) == SIX_AWARDS
    assert len(accepted) == 2
    assert found["Coalition Builder"]["id"] == s.gov(0)
    assert found["Coalition Builder"]["why"] == "2 trades accepted"
    assert found["Rule Architect"]["id"] == s.gov(0)
    assert found["Most Active Governor"]["id"] == s.gov(0)  # a proposal and a vote
    hoopers = {h.id for t in (await _teams(database, s.season)).values() for h in t.hoopers}
    assert {found[t]["id"] for t in ("MVP", "Defensive Player", "Most Efficient")} <= hoopers


async def _teams(database: Database, season: str) -> dict[str, Any]:
    async with database.read_sessions() as session:
        return await repo.load_teams(session, season)


def _streaks(results: list[bool]) -> tuple[int, int]:
    """(current, longest) run of wins in a sequence of results."""
    current = longest = 0
    for won in results:
        current = current + 1 if won else 0
        longest = max(longest, current)
    return current, longest


async def test_lifetime_stats_of_a_hooper_and_a_governor_follow_their_games(
    database: Database,
) -> None:
    s = await _season(database)
    await s.play_out()
    async with database.read_sessions() as session:
        games = {
            g.id: g
            for g in (
                await session.execute(
                    select(GameResultRow).order_by(
                        GameResultRow.round_number, GameResultRow.matchup_index
                    )
                )
            ).scalars()
        }
        lines = (await session.execute(select(BoxScoreRow))).scalars().all()
        hooper_rows = {
            r.hooper_id: r for r in (await session.execute(select(HooperStatsRow))).scalars()
        }
        governor_rows = {
            r.governor_id: r for r in (await session.execute(select(GovernorStatsRow))).scalars()
        }
        enrolled = await gov_repo.active_enrollments(session, s.season)
    order = list(games)
    checked_hoopers = 0
    for hooper_id, row in hooper_rows.items():
        mine = sorted(
            (ln for ln in lines if ln.hooper_id == hooper_id),
            key=lambda ln: order.index(ln.game_id),
        )
        results = [games[ln.game_id].winner_team_id == ln.team_id for ln in mine]
        current, longest = _streaks(results)
        assert (row.games_played, row.games_won) == (len(mine), sum(results))
        assert row.highest_points == max(ln.points for ln in mine)
        assert row.points == sum(ln.points for ln in mine)
        assert (row.current_win_streak, row.longest_win_streak) == (current, longest)
        checked_hoopers += 1
    assert checked_hoopers == 16
    streaky = [r for r in hooper_rows.values() if r.longest_win_streak >= 2]
    assert streaky, "a known sequence with a winning run"
    for e in enrolled:
        team_games = [g for g in games.values() if e.team_id in (g.home_team_id, g.away_team_id)]
        results = [g.winner_team_id == e.team_id for g in team_games]
        current, longest = _streaks(results)
        row = governor_rows[e.governor_id]
        assert (row.team_games, row.team_wins) == (len(results), sum(results))
        assert (row.current_streak, row.best_streak) == (current, longest)


async def test_a_private_mirror_counts_votes_against_the_team_and_points_around_a_rule(
    database: Database,
) -> None:
    # Nine governors on four teams: governors 0, 4 and 8 share a team.
    s = await _season(database, governors=9)
    team = {i: await _team_of(database, s, i) for i in (0, 4, 8)}
    assert len(set(team.values())) == 1
    proposal = await s.propose(0, "make three-pointers worth 4")
    votes = {i: "yes" for i in range(9)} | {8: "no"}
    await s.vote(proposal, votes)
    await s.play_out()

    async with database.read_sessions() as session:
        [enacted] = [
            e
            for e in await read_by_type(session, s.season, ["rule.enacted"])
            if e.payload["proposal_id"] == proposal
        ]
        mirrors = (
            (
                await session.execute(
                    select(MirrorRow)
                    .where(MirrorRow.mirror_type == "private")
                    .order_by(MirrorRow.round_number)
                )
            )
            .scalars()
            .all()
        )
        games = (await session.execute(select(GameResultRow))).scalars().all()
    cut = enacted.payload["round_enacted"]

    def context(i: int, round_number: int) -> dict[str, Any]:
        [m] = [m for m in mirrors if m.governor_id == s.gov(i) and m.round_number == round_number]
        assert m.context_snapshot is not None
        return m.context_snapshot

    # The window that tallied the proposal: 8 voted against a 2-1 team majority, 4 with it.
    assert (context(8, cut)["votes"], context(8, cut)["against_team"]) == (1, 1)
    assert (context(4, cut)["votes"], context(4, cut)["against_team"]) == (1, 0)
    assert context(0, cut)["against_team"] == 0
    # A window later, the author's rule is measured on the games either side of it.
    later = max(m.round_number for m in mirrors if m.governor_id == s.gov(0))
    assert later > cut
    [rule] = context(0, later)["my_rules"]
    before = [g.home_score + g.away_score for g in games if g.round_number <= cut]
    after = [g.home_score + g.away_score for g in games if cut < g.round_number <= later]
    assert rule["games_after"] == len(after) > 0
    assert rule["avg_before"] == pytest.approx(sum(before) / len(before))
    assert rule["avg_after"] == pytest.approx(sum(after) / len(after))


async def test_a_private_mirror_says_when_a_governors_rules_passed_together(
    database: Database,
) -> None:
    s = await _season(database)
    threes = await s.propose(0, "make three-pointers worth 4")
    s.clock.jump_to(s.clock() + timedelta(minutes=2))  # past the cooldown on /propose
    clock = await s.propose(0, "make the shot clock 30 seconds")
    for proposal in (threes, clock):
        await s.vote(proposal, dict.fromkeys(range(4), "yes"))
    await s.play_out()

    async with database.read_sessions() as session:
        enacted = {
            e.payload["proposal_id"]: e.payload["round_enacted"]
            for e in await read_by_type(session, s.season, ["rule.enacted"])
        }
        mirrors = (
            (
                await session.execute(
                    select(MirrorRow)
                    .where(MirrorRow.mirror_type == "private", MirrorRow.governor_id == s.gov(0))
                    .order_by(MirrorRow.round_number)
                )
            )
            .scalars()
            .all()
        )
    assert enacted[threes] == enacted[clock]  # one window close enacted both
    # The first private mirror after that close with games to measure the rules by.
    later = next(
        m
        for m in mirrors
        if m.context_snapshot and any(r["games_after"] for r in m.context_snapshot["my_rules"])
    )
    assert later.context_snapshot is not None
    rules = later.context_snapshot["my_rules"]
    assert sorted(r["text"] for r in rules) == [
        "make the shot clock 30 seconds",
        "make three-pointers worth 4",
    ]
    assert [r["passed_with"] for r in rules] == [1, 1]
    for text in ("make three-pointers worth 4", "make the shot clock 30 seconds"):
        assert f"'{text}' passed together with 1 other rule; since then" in later.content
        assert f"Since '{text}' passed" not in later.content
    assert "which none of them did alone" in later.content


async def _team_of(database: Database, s: Season, i: int) -> str:
    async with database.read_sessions() as session:
        enrolled = await gov_repo.active_enrollments(session, s.season)
    return next(e.team_id for e in enrolled if e.governor_id == s.gov(i))


async def test_a_new_season_without_carried_rules_starts_from_the_default_rules(
    database: Database,
) -> None:
    s = await _season(database)
    proposal = await s.propose(0, "make three-pointers worth 4")
    await s.vote(proposal, {0: "yes", 1: "yes", 2: "yes", 3: "yes"})
    await s.play_out()
    async with database.read_sessions() as session:
        old_rules = await gov_repo.current_rules(session, s.season)
    assert old_rules.three_point_value == 4 and old_rules != DEFAULT_RULES

    out = await run_new_season(
        database,
        StartNewSeason(s.setup["league_id"], carry_rules=False),
        clock=s.clock,
        command_id="new:fresh",
    )
    async with database.read_sessions() as session:
        new_rules = await gov_repo.current_rules(session, out["season_id"])
        row = (
            await session.execute(select(SeasonRow).where(SeasonRow.id == out["season_id"]))
        ).scalar_one()
        enrolled = await gov_repo.active_enrollments(session, out["season_id"])
    assert new_rules == DEFAULT_RULES
    assert row.starting_ruleset == DEFAULT_RULES.model_dump(mode="json")
    assert len(enrolled) == 4  # governors still carry over


async def test_pinwheel_run_fast_plays_a_whole_offline_season(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", db_url)
    monkeypatch.setenv("DISCORD_TOKEN", "")
    # The command line runs its own event loop: call it from a thread.
    assert await asyncio.to_thread(main, ["run", "--fast", "--seed", "cli"]) == 0
    out = capsys.readouterr().out
    assert "season over: champion" in out
    async with database.read_sessions() as session:
        league = await repo.league_for_guild(session, "offline")
        assert league is not None
        season = await repo.latest_season(session, league)
        assert season is not None
        progress = await repo.get_progress(session, season.season_id)
        kinds = [
            e.event_type
            for e in await read_by_type(
                session, season.season_id, ["proposal.confirmed", "vote.cast", "trade.accepted"]
            )
        ]
    assert progress is not None and progress.phase == "complete"
    assert progress.champion_team_id is not None
    assert {"proposal.confirmed", "vote.cast", "trade.accepted"} <= set(kinds)
