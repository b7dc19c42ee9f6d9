"""A round shown live in a real (simulated) server, through SimCord: one live message per
game in #play-by-play, edited as the game goes, each becoming its final card with the
score-flow chart and a Box score button that outlives a restart; team channels get their
team's card; the results and mirrors only once every card is out. A restart, a crash between
a post and its mark, a 429 and a moderator deleting a live message lose nothing and double
nothing."""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import discord
import pytest
from PIL import Image
from sqlalchemy import select

from bot.app.league.outbox import POST_LEASE, drain
from bot.app.league.runner import Runner
from bot.cogs import channels
from bot.cogs.poster import DiscordPoster
from bot.domain.errors import ConflictError
from db import discord_repo
from db import league_repo as repo
from db import presentation_repo as shows
from db.tables import GameResultRow, OutboxRow
from tests.bot.conftest import World
from tests.bot.test_league_admin_cogs import NewServer, new_server

SHOW_SECONDS = "20"
LIVE_TITLE = re.compile(r" (\d+) – (\d+) ")


@dataclass
class Show:
    world: World
    server: NewServer
    league_id: str
    season_id: str
    runner: Runner

    @property
    def db(self) -> Any:
        return self.world.league.db

    def channel(self, name: str) -> Any:
        (found,) = [c for c in self.server.guild.channels.values() if c.name == name]
        return found

    def live(self) -> list[discord.Message]:
        found = [c for c in self.server.guild.channels.values() if c.name == "play-by-play"]
        return found[0].history() if found else []

    async def step(self, seconds: float = 1.0) -> None:
        """A second of the background loop: the clock moves, the show moves, posts go out."""
        self.world.league.clock.advance(seconds)
        await self.runner.tick()
        await self.drain()

    async def drain(self) -> None:
        await drain(
            self.db,
            DiscordPoster(self.world.env.bot, self.league_id),
            league_id=self.league_id,
            clock=self.world.league.clock,
        )

    async def on(self) -> bool:
        async with self.db.read_sessions() as s:
            return bool(await shows.running(s)) or bool(await repo.unsent(s, self.league_id))

    async def games(self) -> dict[str, GameResultRow]:
        async with self.db.read_sessions() as s:
            rows = (await s.execute(select(GameResultRow))).scalars().all()
        return {r.id: r for r in rows if r.season_id == self.season_id}


async def set_up(world: World) -> Show:
    """A server set up by its admin, with shows of 20 seconds; nothing played yet."""
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")
    await server.admin.slash(
        server.channel, "admin settings set", key="presentation.round_seconds", value=SHOW_SECONDS
    )
    league = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert league is not None and league.season_id is not None
    return Show(
        world,
        server,
        league.league_id,
        league.season_id,
        Runner(world.league.db, clock=world.league.clock),
    )


async def start_show(world: World) -> Show:
    """`set_up`, and round 1 just played: its show has begun."""
    show = await set_up(world)
    await show.runner.run_round(show.season_id)
    await show.drain()
    return show


def scores(message: discord.Message) -> tuple[int, int]:
    found = LIVE_TITLE.search(f" {message.embeds[0].title} ")
    assert found, message.embeds[0].title
    return int(found[1]), int(found[2])


def is_final(message: discord.Message) -> bool:
    return message.embeds[0].author.name == "FINAL"


async def watch(show: Show, *, limit: int = 120) -> dict[int, list[tuple[int, int]]]:
    """Step until the show is over; what each live message showed at each step (the scores
    of its live frames, home first). Nothing of the round is in #results or #mirrors until
    the last card is out."""
    seen: dict[int, list[tuple[int, int]]] = {}
    for _ in range(limit):
        messages = show.live()
        for m in messages:
            if not is_final(m):
                frames = seen.setdefault(m.id, [])
                if not frames or frames[-1] != scores(m):
                    frames.append(scores(m))
        if not all(is_final(m) for m in messages):
            assert show.channel("results").history() == []  # no spoilers
            assert show.channel("mirrors").history() == []
        if not await show.on():
            return seen
        await show.step()
    raise AssertionError("the show did not end")


async def test_a_round_is_shown_as_live_messages_that_become_final_cards(world: World) -> None:
    show = await start_show(world)
    seen = await watch(show)

    games = await show.games()
    messages = show.live()
    assert len(messages) == len(games) == 4  # one live message per game, never a second
    for m in messages:
        frames = seen[m.id]
        assert len(frames) >= 4  # edited several times
        assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in itertools.pairwise(frames))
        assert is_final(m)
    for game in games.values():
        (card,) = [
            m
            for m in messages
            if m.embeds[0].footer.text.endswith(f"Game {game.matchup_index + 1} of 4")
        ]
        winner, loser = sorted((game.home_score, game.away_score), reverse=True)
        assert f" {winner} – {loser} " in card.embeds[0].title  # the stored final score
        (chart,) = card.attachments
        assert chart.filename == "score-flow.png"
        picture = Image.open(io.BytesIO(await chart.read()))
        assert picture.format == "PNG" and picture.size == (1200, 540)
        assert card.embeds[0].image.url == "attachment://score-flow.png"
        labels = [c.label for row in card.components for c in row.children]
        assert labels == ["Box score"]
    (results,) = show.channel("results").history()
    assert results.embeds[0].title == "Round 1 results"
    assert len(show.channel("mirrors").history()) == 1


async def test_each_team_channel_gets_its_own_teams_card(world: World) -> None:
    show = await start_show(world)
    await watch(show)

    games = await show.games()
    for game in games.values():
        for side in ("home_team", "away_team"):
            name = game.inputs[side]["name"]
            (card,) = show.channel(channels.slug(name)).history()
            assert name in card.embeds[0].title and len(card.attachments) == 1


async def test_the_box_score_button_works_after_a_restart(world: World) -> None:
    show = await start_show(world)
    await watch(show)
    card = show.live()[0]

    await world.restart()
    fan = show.server.guild.add_member(world.env.create_user("fan"))
    pressed = await fan.click(card, label="Box score")

    assert pressed.ephemeral
    box = pressed.response.embeds[0]
    assert box.title.startswith("Box score: ")
    assert len(box.fields) == 2 and "Hooper" in box.fields[0].value and "FG" in box.fields[0].value


@pytest.mark.parametrize("dies_after", ["the first live post", "an edit", "a team's card"])
async def test_a_show_interrupted_by_a_crash_and_a_restart_ends_with_one_message_per_game(
    world: World, monkeypatch: pytest.MonkeyPatch, dies_after: str
) -> None:
    # The process dies right after Discord took a post, before the outbox recorded it; a new
    # process takes over once the dead drain's lease on that row ends.
    real = repo.mark_sent
    died: list[str] = []

    async def crash_once(
        s: Any, message_id: int, at: Any, revision: int = 0, ref: Any = None
    ) -> None:
        key = (await s.execute(select(OutboxRow.key).where(OutboxRow.id == message_id))).scalar()
        hit = {
            "the first live post": key.startswith("live:") and revision == 0,
            "an edit": key.startswith("live:") and revision >= 3,
            "a team's card": key.startswith("card:"),
        }[dies_after]
        if hit and not died:
            died.append(key)
            raise SystemExit("killed")
        await real(s, message_id, at, revision, ref)

    show = await set_up(world)
    monkeypatch.setattr(repo, "mark_sent", crash_once)
    try:
        await show.runner.run_round(show.season_id)
        await show.drain()
        for _ in range(40):
            await show.step()
    except SystemExit:
        pass
    assert died, "the crash never came"
    monkeypatch.setattr(repo, "mark_sent", real)

    await world.restart()  # a new process: a new bot, a new runner, the same database
    show.runner = Runner(show.db, clock=world.league.clock)
    world.league.clock.advance(POST_LEASE.total_seconds())
    await watch(show)

    messages = show.live()
    assert len(messages) == 4 and all(is_final(m) for m in messages)
    teams = {
        channels.slug(g.inputs[side]["name"])
        for g in (await show.games()).values()
        for side in ("home_team", "away_team")
    }
    for name in teams:
        assert len(show.channel(name).history()) == 1  # one final card, none missing


async def test_a_rate_limited_edit_pauses_the_show_and_loses_nothing(world: World) -> None:
    show = await start_show(world)
    for _ in range(5):
        await show.step()
    world.env.inject_error("PATCH", "/channels/*/messages/*", status=429, times=1)
    positions = []
    for _ in range(10):
        await show.step()
        async with show.db.read_sessions() as s:
            (running,) = await shows.running(s)
        positions.append(running.position_s)
    # Discord said wait (5 s, the default for a 429 that names no wait): the show stood still
    # for about that long, then went on.
    still = max(len(list(g)) for _, g in groupby(positions))
    assert still >= 4 and positions[-1] > positions[0]
    await watch(show)

    messages = show.live()
    assert len(messages) == 4 and all(is_final(m) for m in messages)


async def test_a_live_message_a_moderator_deleted_is_posted_again_once(world: World) -> None:
    show = await start_show(world)
    mods = show.server.guild.create_role(
        "Moderators", permissions=discord.Permissions(manage_messages=True)
    )
    moderator = show.server.guild.add_member(world.env.create_user("moderator"), roles=[mods])
    for _ in range(4):
        await show.step()
    first = show.live()[0]

    await moderator.delete(first)
    await watch(show)

    messages = show.live()
    assert len(messages) == 4 and first.id not in [m.id for m in messages]
    assert all(is_final(m) for m in messages)
    footers = sorted(m.embeds[0].footer.text for m in messages)
    assert len(set(footers)) == 4  # the game whose message was deleted has one again, once


async def test_standings_schedule_and_game_tell_only_what_has_been_shown(world: World) -> None:
    show = await start_show(world)
    fan = show.server.guild.add_member(world.env.create_user("fan"))
    game_id = sorted(await show.games())[0]
    channel = show.server.channel

    during = await fan.slash(channel, "standings")
    schedule = await fan.slash(channel, "schedule", rounds=1)
    live_box = await fan.slash(channel, "game", game=game_id)
    listed = await fan.autocomplete(channel, "game", "game", "round 1")
    await watch(show)
    after = await fan.slash(channel, "standings")
    box = await fan.slash(channel, "game", game=game_id)

    assert " 0-0 " in during.response.embeds[0].description
    assert schedule.response.embeds[0].description.count("live now in #play-by-play") == 4
    assert "being played right now in #play-by-play" in live_box.response.content
    assert listed == []
    assert " 0-0 " not in after.response.embeds[0].description
    assert len(box.response.embeds[0].fields) == 2
    world.refused(ConflictError)


async def test_a_server_without_play_by_play_gets_the_results_and_no_live_spam(
    world: World,
) -> None:
    show = await set_up(world)
    # An admin removed #play-by-play: the show has nowhere to go, and nothing stands in for it.
    channel = world.env.bot.get_channel(show.channel("play-by-play").id)
    assert isinstance(channel, discord.TextChannel)
    await channel.delete()

    await show.runner.run_round(show.season_id)
    await show.drain()
    await watch(show)

    (results,) = show.channel("results").history()
    assert results.embeds[0].title == "Round 1 results"
    cards = [m for m in show.channel("announcements").history() if m.embeds]
    assert not any((m.embeds[0].author.name or "").startswith(("LIVE", "FINAL")) for m in cards)


async def test_the_background_loop_shows_a_due_round_live_about_every_second(
    world: World,
) -> None:
    from bot.cogs.background import POLL_SECONDS, SHOW_POLL_SECONDS
    from bot.discord_app import BACKGROUND, EXTENSIONS, build_bot

    await world.env.restart_bot(build_bot(world.league.app, extensions=(*EXTENSIONS, BACKGROUND)))
    show = await set_up(world)
    world.league.clock.advance(24 * 3600)  # the first round is due
    await world.env.advance_time(POLL_SECONDS + 1)  # the loop wakes and plays it

    for _ in range(60):  # the loop's clock and Discord's move together, a second at a time
        world.league.clock.advance(SHOW_POLL_SECONDS)
        await world.env.advance_time(SHOW_POLL_SECONDS)
        if show.channel("results").history():
            break
    messages = show.live()
    assert len(messages) == 4 and all(is_final(m) for m in messages)
    patches = [r for r in world.env.backend.http_requests if r.method == "PATCH"]
    assert len(patches) >= 4 * 3  # each live message edited several times while it played
    (results,) = show.channel("results").history()
    assert results.embeds[0].title == "Round 1 results"
    await world.env.bot.get_cog("Background").stop()  # type: ignore[union-attr]
