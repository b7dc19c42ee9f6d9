"""The league runner's parts: cadence, the advisory lock, mirrors, DMs, achievements,
commentary, setup, and the demo command."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from bot.__main__ import main
from bot.app.league.offline import JumpClock
from bot.app.league.outbox import CollectingPoster
from bot.app.league.runner import Runner
from bot.app.league.setup import SetupLeague, run_setup
from bot.domain.errors import ConflictError
from db import league_repo as repo
from db.engine import Database
from db.tables import (
    AchievementRow,
    AICallRow,
    CommentaryRow,
    GameResultRow,
    GovernorAchievementRow,
    GovernorPreferencesRow,
    GovernorRow,
    GovernorStatsRow,
    MirrorRow,
    OutboxRow,
    ScheduleRow,
    SettingRow,
)
from db.verify import verify
from tests.app.league_kit import SHORT_RULES, play_to_the_end, scripted, setup_short_league


async def _all(database: Database, query: Any) -> list[Any]:
    async with database.read_sessions() as s:
        return list((await s.execute(query)).all())


async def test_a_guild_gets_one_league_and_a_repeated_setup_command_writes_nothing(
    database: Database,
) -> None:
    clock = JumpClock()
    first = await setup_short_league(database, clock)
    again = await run_setup(database, SetupLeague("g1", "Test League", "test", SHORT_RULES))
    assert again == first
    with pytest.raises(ConflictError):
        await run_setup(
            database, SetupLeague("g1", "Other", "x", SHORT_RULES), command_id="setup:other"
        )


async def test_a_round_is_not_played_before_it_is_due(database: Database) -> None:
    clock = JumpClock()
    await setup_short_league(database, clock)
    runner = Runner(database, clock=clock, instant=True)
    assert await runner.tick() == []
    assert not await _all(database, select(GameResultRow.id))


async def test_manual_cadence_plays_a_round_only_when_asked(database: Database) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    season = setup["season_id"]
    async with database.sessions() as s, s.begin():
        await s.execute(
            insert(SettingRow).values(
                league_id=setup["league_id"],
                key="schedule.round_interval_minutes",
                value_json="0",
                category="schedule",
                description="manual",
            )
        )
    runner = Runner(database, clock=clock, instant=True)
    first = await runner.run_round(season)  # an admin's "play the next round"
    assert first is not None and first.outcomes["simulate"]["games"] == 2
    async with database.read_sessions() as s:
        progress = await repo.get_progress(s, season)
    assert progress is not None and progress.next_due_at is None
    clock.jump_to(clock() + timedelta(days=30))
    assert await runner.tick() == []
    second = await runner.run_round(season)
    assert second is not None and second.round_number == 2


# Advisory locks are PostgreSQL's; on SQLite every step is serialised by BEGIN IMMEDIATE.
@pytest.mark.parametrize("backend", ["postgres"])
async def test_a_second_runner_skips_a_league_whose_advisory_lock_is_held(
    database: Database,
) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    holder, other = (
        Runner(database, clock=clock, instant=True),
        Runner(database, clock=clock, instant=True),
    )
    async with holder.league_lock(setup["league_id"]) as held:
        assert held
        assert await other.run_round(setup["season_id"]) is None
    assert await other.run_round(setup["season_id"]) is not None


async def test_season_mirrors_keep_their_context_and_each_writing_is_an_ai_call(
    database: Database,
) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    governors = await scripted(database, clock, season)
    # One governor opts out of DMs: their private mirrors are kept but never sent.
    quiet = sorted(governors.ids.values())[0]
    async with database.sessions() as s, s.begin():
        await s.execute(
            insert(GovernorPreferencesRow).values(governor_id=quiet, dm_private_mirrors=False)
        )
    poster = CollectingPoster()
    await play_to_the_end(
        database,
        Runner(database, clock=clock, poster=poster, instant=True),
        clock,
        season,
        governors,
    )
    mirrors = await _all(
        database, select(MirrorRow.id, MirrorRow.mirror_type, MirrorRow.context_snapshot)
    )
    assert mirrors and all(m.context_snapshot is not None for m in mirrors)
    calls = await _all(
        database, select(AICallRow.purpose).where(AICallRow.purpose.like("mirror.%"))
    )
    assert len(calls) == len(mirrors)
    private = await _all(
        database, select(MirrorRow.governor_id).where(MirrorRow.mirror_type == "private")
    )
    assert quiet in {p.governor_id for p in private}
    dm_targets = {m[2] for m in poster.messages if m[2].startswith("dm:")}
    assert f"dm:{quiet}" not in dm_targets and len(dm_targets) == 3


async def test_achievements_are_earned_once_and_announced(database: Database) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    governors = await scripted(database, clock, season)
    await play_to_the_end(
        database, Runner(database, clock=clock, instant=True), clock, season, governors
    )
    earned = await _all(
        database,
        select(GovernorAchievementRow.governor_id, GovernorAchievementRow.achievement_id),
    )
    assert ("first_vote" in {a for _, a in earned}) and len(earned) == len(set(earned))
    # One post per round that earned any, naming each achievement once.
    posts = await _all(
        database, select(OutboxRow.key, OutboxRow.payload).where(OutboxRow.kind == "achievement")
    )
    lines = [line for post in posts for line in post.payload["text"].splitlines()]
    assert len(lines) == len(earned) and len(posts) < len(earned)
    assert len({key.rsplit(":", 1)[0] for key, _ in posts}) == 1  # achievements:<season>:<n>
    assert max(Counter(achievement_round(key) for key, _ in posts).values()) == 1
    names = await _all(database, select(AchievementRow.id, AchievementRow.name))
    named = dict(names)
    assert sorted(line.split(" earned ")[1].rstrip(".") for line in lines) == sorted(
        named[a] for _, a in earned
    )


def achievement_round(key: str) -> int:
    """The round of an achievements post: `achievements:<season>:<n>`, and a later post of
    the same round (if its first had already gone out) `achievements:<season>:<n>:...`."""
    prefix, _season, n, *_ = key.split(":")
    assert prefix == "achievements"
    return int(n)


async def test_a_rounds_achievements_go_out_as_one_post(database: Database) -> None:
    # As the bot runs: each round's posts go out (a poster drains them) before the next round.
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    governors = await scripted(database, clock, season)
    # One game short of Centurion: round 1's games earn it (the simulate step) in the round
    # whose window close earns First Ballot (the govern step).
    async with database.sessions() as s, s.begin():
        for governor_id in (await s.execute(select(GovernorRow.id))).scalars().all():
            await s.execute(
                insert(GovernorStatsRow).values(
                    governor_id=governor_id, team_games=24, updated_at=clock()
                )
            )
    poster = CollectingPoster()
    runner = Runner(database, clock=clock, instant=True, poster=poster)
    await play_to_the_end(database, runner, clock, season, governors)

    posts = await _all(
        database,
        select(OutboxRow.key, OutboxRow.payload, OutboxRow.sent_at).where(
            OutboxRow.kind == "achievement"
        ),
    )
    assert posts and all(sent is not None for *_, sent in posts)
    per_round = Counter(achievement_round(key) for key, *_ in posts)
    assert max(per_round.values()) == 1, per_round
    (first,) = [payload["text"] for key, payload, _ in posts if achievement_round(key) == 1]
    assert " earned Centurion." in first and " earned First Ballot." in first
    delivered = [key for key, kind, *_ in poster.messages if kind == "achievement"]
    assert sorted(delivered) == sorted(key for key, *_ in posts)  # each posted once


async def test_every_game_has_commentary_ending_on_a_peak(database: Database) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    await Runner(database, clock=clock, instant=True).run_round(season)
    rows = await _all(
        database,
        select(CommentaryRow.game_id, CommentaryRow.energy, CommentaryRow.possession_index),
    )
    games = {r.game_id for r in rows}
    assert len(games) == 2
    assert {r.energy for r in rows} <= {"low", "medium", "high", "peak"}
    for game in games:
        last = max((r for r in rows if r.game_id == game), key=lambda r: r.possession_index)
        assert last.energy == "peak"


def test_demo_prints_a_json_summary_of_a_whole_season(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--seed", "unit", "--json", "--teams", "4", "--governors", "4"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(summary) >= {
        "champion",
        "games",
        "rounds",
        "proposals",
        "passed",
        "events",
        "mirrors",
    }
    assert summary["champion"] and summary["games"] >= 18 and summary["mirrors"] > 0


async def test_outbox_counts_match_after_a_season(database: Database) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    poster = CollectingPoster()
    await play_to_the_end(
        database, Runner(database, clock=clock, poster=poster, instant=True), clock, season
    )
    async with database.read_sessions() as s:
        queued = (await s.execute(select(func.count()).select_from(OutboxRow))).scalar_one()
    assert queued == len(poster.messages)


async def test_offline_play_resumes_and_then_starts_the_next_season(database: Database) -> None:
    from bot.app.league.offline import play

    first = await play(
        database, seed="o", poster=CollectingPoster(), fast=True, governors=4, rules=SHORT_RULES
    )
    second = await play(
        database, seed="o", poster=CollectingPoster(), fast=True, governors=4, rules=SHORT_RULES
    )
    assert first[0].champion and second[0].champion
    assert first[0].season_id != second[0].season_id
    async with database.read_sessions() as s:
        report = await verify(s)
    assert report.ok, report.problems


async def test_verify_reports_an_unplayed_game_and_standings_that_disagree_with_results(
    database: Database,
) -> None:
    clock = JumpClock()
    setup = await setup_short_league(database, clock)
    season = setup["season_id"]
    await Runner(database, clock=clock, instant=True).run_round(season)
    a, b = setup["team_ids"][:2]
    async with database.sessions() as s, s.begin():
        await s.execute(
            insert(ScheduleRow).values(
                id=repo.stable_id("extra"),
                season_id=season,
                round_number=1,
                matchup_index=9,
                home_team_id=a,
                away_team_id=b,
            )
        )
        await repo.update_progress(s, season, {"standings": []})
    async with database.read_sessions() as s:
        report = await verify(s)
    assert any("(1, 9) was never played" in p for p in report.problems)
    assert any("standings differ" in p for p in report.problems)


async def test_pinwheel_replay_reports_a_stored_game_identical(
    database: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    await Runner(database, clock=clock, instant=True).run_round(season)
    [game_id, *_] = await _all(database, select(GameResultRow.id))
    monkeypatch.setenv("PINWHEEL_DATABASE_URL", db_url)
    # The command line runs its own event loop: call it from a thread.
    assert await asyncio.to_thread(main, ["replay", game_id[0]]) == 0
    assert "replayed identically" in capsys.readouterr().out


def test_a_private_mirror_states_the_governors_own_record() -> None:
    from bot.app.league.mirrors import BuiltinMirrorWriter

    context = {
        "name": "Ada",
        "team": "Thorns",
        "votes": 3,
        "against_team": 1,
        "my_rules": [{"text": "threes worth 4", "games_after": 6, "avg_after": 151.5,
                      "avg_before": 140.25}],
    }  # fmt: skip
    text = BuiltinMirrorWriter().write("private", context)
    assert "3 votes, 1 against your team's majority" in text
    assert "games average 151.5 points (140.2 before)" in text
    assert BuiltinMirrorWriter().write("private", context) == text  # deterministic


async def test_one_leagues_failing_round_neither_stops_the_others_nor_is_lost(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.app.league.simulate import simulate_round as real

    clock = JumpClock()
    good = (await setup_short_league(database, clock, guild="good"))["season_id"]
    bad = (await setup_short_league(database, clock, guild="bad"))["season_id"]

    async def broken(uow: Any, ctx: Any) -> dict[str, Any]:
        if ctx.season_id == bad:
            raise RuntimeError("the simulation host fell over")
        return await real(uow, ctx)

    monkeypatch.setattr("bot.app.league.runner.simulate_round", broken)
    runner = Runner(database, clock=clock, instant=True)
    async with database.read_sessions() as s:
        progress = await repo.get_progress(s, good)
    assert progress is not None and progress.next_due_at is not None
    clock.jump_to(progress.next_due_at)
    assert [r.season_id for r in await runner.tick()] == [good]
    monkeypatch.setattr("bot.app.league.runner.simulate_round", real)
    assert [r.season_id for r in await runner.tick()] == [bad]
    assert len(await _all(database, select(GameResultRow.id))) == 4


@pytest.mark.parametrize("backend", ["postgres"])  # advisory locks are PostgreSQL's
async def test_a_second_process_does_not_drain_a_league_another_is_draining(
    database: Database,
) -> None:
    from bot.app.league.locks import advisory_lock
    from bot.app.league.outbox import drain

    clock = JumpClock()
    league = (await setup_short_league(database, clock))["league_id"]
    poster = CollectingPoster()
    async with advisory_lock(database, f"pinwheel-outbox:{league}") as held:
        assert held
        assert await drain(database, poster, league_id=league) == 0
        assert await drain(database, poster) == 0
    assert await drain(database, poster) == 1 and len(poster.messages) == 1


async def test_a_governor_with_nothing_to_hear_about_gets_no_private_mirror(
    database: Database,
) -> None:
    # Four governors joined; nobody proposes or votes: the window closes with nothing to tell
    # any of them, so nobody gets a "you cast no votes" DM.
    clock = JumpClock()
    season = (await setup_short_league(database, clock))["season_id"]
    await scripted(database, clock, season)  # they join, and then do nothing
    poster = CollectingPoster()
    runner = Runner(database, clock=clock, poster=poster, instant=True)
    async with database.read_sessions() as s:
        progress = await repo.get_progress(s, season)
    assert progress is not None and progress.next_due_at is not None
    clock.jump_to(progress.next_due_at)
    await runner.tick()  # round 1: a window closes after every round in the short league

    kinds = [m[1] for m in poster.messages]
    assert "mirror.governance" in kinds and "mirror.private" not in kinds
    private = await _all(database, select(MirrorRow.id).where(MirrorRow.mirror_type == "private"))
    assert private == []
