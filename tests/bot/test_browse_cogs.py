"""Browsing the league through SimCord: /hooper, /leaders, /history, /effects, the `season`
option of /standings and /rules, /leave, paginators that time out and proposal autocomplete,
after a round has been played and between seasons alike."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.league.setup import SetupLeague, run_setup
from bot.app.ports import BuiltinInterpreter
from bot.domain.effects import EFFECT_PARAMETERS
from bot.domain.errors import ConflictError, NotFoundError
from bot.domain.interpretation import Interpretation
from bot.domain.league import ATTRIBUTE_NAMES
from bot.domain.rules import PARAMS, RuleSet
from bot.ui.pagination import PAGE_TIMEOUT
from db import discord_repo
from db.tables import EnrollmentRow
from tests.app.kit import FakeInterpreter
from tests.app.league_kit import SHORT_RULES
from tests.bot.conftest import World
from tests.bot.test_admin_and_reading_cogs import flagged
from tests.bot.test_governance_cogs import open_proposal
from tests.bot.test_league_admin_cogs import NewServer, cards_at_once, new_server
from tests.bot.test_presentation_cogs import start_show, watch

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Every stored key a player must never read: rule and effect names, attribute names.
SNAKE = {n for n in (*PARAMS, *EFFECT_PARAMETERS, *ATTRIBUTE_NAMES) if "_" in n}


class Interpreter:
    """The tests' `param=value` reader for such texts, the built-in one for plain words (so
    a proposal can register a timed effect)."""

    def __init__(self) -> None:
        self.fake, self.builtin = FakeInterpreter(), BuiltinInterpreter()

    async def interpret(self, text: str, rules: RuleSet) -> Interpretation:
        if "=" in text or text.startswith("wild"):
            return await self.fake.interpret(text, rules)
        return await self.builtin.interpret(text, rules)


@pytest.fixture
def interpreter() -> Interpreter:
    return Interpreter()


# --- helpers -------------------------------------------------------------------------------------


def text_of(message: Any) -> str:
    """Everything a player reads in a message: content, embeds, button labels."""
    parts = [message.content or ""]
    for e in message.embeds:
        parts += [e.title or "", e.description or "", e.footer.text or ""]
        parts += [f"{f.name}\n{f.value}" for f in e.fields]
    parts += [c.get("label") or "" for row in message.components for c in row["components"]]
    return "\n".join(parts)


def readable(text: str) -> str:
    """`text`, checked to hold no id and no stored snake_case name."""
    assert not UUID.search(text), text
    assert not [name for name in SNAKE if name in text], text
    return text


def buttons(message: Any) -> dict[str, bool]:
    """Label -> disabled, for every button of a message."""
    return {
        c["label"]: bool(c.get("disabled")) for row in message.components for c in row["components"]
    }


async def league_server(world: World) -> NewServer:
    """A server with the full 8-team league, a round played and its cards shown at once."""
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")
    await cards_at_once(server)
    await server.admin.slash(server.channel, "admin season advance")
    return server


async def short_server(world: World) -> NewServer:
    """A server with a short league (4 teams, 3 rounds, a one-game final, a window a round)
    set up through the app layer, its channels bound and its cards shown at once."""
    server = new_server(world)
    await run_setup(
        world.league.db,
        SetupLeague(str(server.guild.id), "Short Court", "browse", SHORT_RULES),
        clock=world.league.clock,
    )
    await server.admin.slash(server.channel, "admin setup")
    await cards_at_once(server)
    return server


async def live_season(world: World, server: NewServer) -> str | None:
    league = await discord_repo.guild_league(world.league.db, server.guild.id)
    assert league is not None
    return league.season_id


async def play_out(world: World, server: NewServer) -> int:
    """Advance until the season is complete (no live season); returns the rounds advanced."""
    for n in range(1, 13):
        await server.admin.slash(server.channel, "admin season advance")
        if await live_season(world, server) is None:
            return n
    raise AssertionError("the season did not finish")


async def first_hooper(world: World, server: NewServer, who: Any = None) -> dict[str, Any]:
    choices = await (who or server.admin).autocomplete(server.channel, "hooper", "name", "")
    assert choices
    return dict(choices[0])


# --- /hooper ---------------------------------------------------------------------------------


async def test_hooper_autocomplete_shows_each_hoopers_team(world: World) -> None:
    server = await league_server(world)

    choices = await server.admin.autocomplete(server.channel, "hooper", "name", "")
    teams = await discord_repo.teams(world.league.db, await live_season(world, server) or "")

    assert len(choices) == 25  # 32 hoopers, Discord's most
    names = {name for _, name in teams}
    assert all(re.fullmatch(r".+ \((.+)\)", c["name"]) for c in choices)
    assert all(c["name"].rsplit(" (", 1)[1][:-1] in names for c in choices)


async def test_hooper_shows_ratings_moves_stats_and_last_games(world: World) -> None:
    server = await league_server(world)
    picked = await first_hooper(world, server)

    result = await server.admin.slash(server.channel, "hooper", name=picked["value"])

    shown = result.response.embeds[0]
    name, team = picked["name"].rsplit(" (", 1)
    assert shown.title == name and f"**{team[:-1]}**" in shown.description
    fields = {f.name: f.value for f in shown.fields}
    assert list(fields) == ["Ratings", "Moves", "Season 1", "Lifetime", "Last games"]
    assert "Scoring: **" in fields["Ratings"] and "Basketball IQ: **" in fields["Ratings"]
    assert (
        "make chance" in fields["Moves"]
        or "turnovers" in fields["Moves"]
        or ("rebounds" in fields["Moves"] or "tires" in fields["Moves"])
    )
    assert fields["Season 1"].startswith("1 game, ")
    assert "Per game: " in fields["Season 1"] and " pts · " in fields["Season 1"]
    assert re.search(r"FG \d+\.\d%|FG —", fields["Season 1"])
    assert fields["Lifetime"] == fields["Season 1"]
    assert re.match(r"Season 1, round 1: \*\*[WL] \d+-\d+\*\* vs ", fields["Last games"])
    readable(text_of(result.response))


async def test_hooper_takes_a_typed_name_and_refuses_an_unknown_one(world: World) -> None:
    server = await league_server(world)
    picked = await first_hooper(world, server)
    name = picked["name"].rsplit(" (", 1)[0]

    typed = await server.admin.slash(server.channel, "hooper", name=name.upper())
    unknown = await server.admin.slash(server.channel, "hooper", name="Nobody At All")

    assert typed.response.embeds[0].title == name
    assert "no hooper by that name" in unknown.response.content
    world.refused(NotFoundError)


async def test_a_hooper_of_another_league_is_not_shown(world: World) -> None:
    server = await league_server(world)
    picked = await first_hooper(world, server)

    result = await world.bob.slash(world.channel, "hooper", name=picked["value"])

    assert "no hooper by that name" in result.response.content
    world.refused(NotFoundError)


# --- /leaders and pages that time out --------------------------------------------------------


def leader_values(description: str) -> list[float]:
    return [float(v) for v in re.findall(r"· \*\*([\d.]+)\*\*", description)]


async def test_leaders_rank_per_game_over_pages_whose_buttons_time_out(world: World) -> None:
    server = await league_server(world)

    result = await server.admin.slash(server.channel, "leaders", stat="points")
    message = result.response
    first = message.embeds[0]
    await server.admin.click(message, label="Next")
    second = message.embeds[0]
    await world.env.advance_time(PAGE_TIMEOUT + 1)

    assert first.title == "Points leaders · Season 1"
    assert first.description.startswith("Points per game in Season 1; at least 1 game played.")
    assert first.footer.text == "Page 1/4" and second.footer.text == "Page 2/4"
    values = leader_values(first.description) + leader_values(second.description)
    assert len(values) == 20 and values == sorted(values, reverse=True)
    assert "**11. " in second.description
    assert buttons(message) == {"Previous": True, "Next": True}
    readable(text_of(message))


async def test_leaders_in_lifetime_scope_rank_totals(world: World) -> None:
    server = await league_server(world)

    result = await server.admin.slash(
        server.channel, "leaders", stat="three-pointers", scope="lifetime"
    )

    page = result.response.embeds[0]
    assert page.title == "Three-pointers leaders · all time"
    assert page.description.startswith("Three-pointers made over every season of the league.")
    assert "**1. " in page.description and " per game in 1 game)" in page.description


async def test_leaders_before_any_game_say_so(world: World) -> None:
    server = new_server(world)
    await server.admin.slash(server.channel, "admin setup")

    result = await server.admin.slash(server.channel, "leaders", stat="assists")

    assert "No games have been played yet." in result.response.embeds[0].description


# --- /history, /standings and /rules of a season -----------------------------------------------


async def test_history_standings_and_rules_after_a_round(world: World) -> None:
    server = await league_server(world)

    history = await server.admin.slash(server.channel, "history")
    standings = await server.admin.slash(server.channel, "standings", season="Season 1")
    rules = await server.admin.slash(server.channel, "rules")

    page = history.response.embeds[0]
    fields = {f.name: f.value for f in page.fields}
    assert page.title == "Season 1 · in progress" and page.footer.text == "4 games played"
    assert fields["Champions"] == "Still to be decided." and fields["Rules passed"] == "None."
    assert fields["Standings"].startswith("1. ") and fields["Standings"].count("\n") == 3
    assert standings.response.embeds[0].title == "Standings · Season 1"
    assert standings.response.embeds[0].description.startswith("**1. ")
    assert rules.response.embeds[0].title == "The rules · Season 1"
    assert (
        "**Shot clock**: The shot clock is **24** seconds" in rules.response.embeds[0].description
    )
    for message in (history.response, standings.response, rules.response):
        readable(text_of(message))


async def test_season_autocomplete_and_an_unknown_season(world: World) -> None:
    server = await league_server(world)

    choices = await server.admin.autocomplete(server.channel, "standings", "season", "")
    unknown = await server.admin.slash(server.channel, "rules", season="Season 9")

    assert choices == [{"name": "Season 1 (current)", "value": "Season 1"}]
    assert "no season by that name" in unknown.response.content
    world.refused(NotFoundError)


async def test_every_reading_command_answers_between_seasons(world: World) -> None:
    server = await short_server(world)
    fan = server.guild.add_member(world.env.create_user("fan"))
    await play_out(world, server)
    assert await live_season(world, server) is None

    picked = await first_hooper(world, server, fan)
    seasons = await fan.autocomplete(server.channel, "rules", "season", "season")
    replies = {
        "hooper": await fan.slash(server.channel, "hooper", name=picked["value"]),
        "leaders": await fan.slash(server.channel, "leaders", stat="points"),
        "lifetime": await fan.slash(server.channel, "leaders", stat="blocks", scope="lifetime"),
        "history": await fan.slash(server.channel, "history"),
        "standings": await fan.slash(server.channel, "standings", season="Season 1"),
        "rules": await fan.slash(server.channel, "rules", season="Season 1"),
        "effects": await fan.slash(server.channel, "effects"),
        "schedule": await fan.slash(server.channel, "schedule"),
        "mirrors": await fan.slash(server.channel, "mirrors"),
    }

    assert seasons == [{"name": "Season 1 (finished)", "value": "Season 1"}]
    assert not world.env.errors
    for name, result in replies.items():
        assert result.response.embeds, name
        readable(text_of(result.response))
    hooper = {f.name: f.value for f in replies["hooper"].response.embeds[0].fields}
    assert re.match(r"[34] games, ", hooper["Season 1"])  # 3 rounds, and the final for two
    leaders = replies["leaders"].response.embeds[0].description
    assert "at least 2 games played" in leaders
    page = replies["history"].response.embeds[0]
    fields = {f.name: f.value for f in page.fields}
    assert page.title == "Season 1" and page.footer.text == "7 games played"
    assert fields["Champions"].startswith("**") and "**MVP**: " in fields["Awards"]
    assert fields["Final standings"].startswith("1. ")
    standings = replies["standings"].response.embeds[0].description
    assert standings.startswith("**1. ") and f"Champions: {fields['Champions']}" in standings
    assert replies["rules"].response.embeds[0].title == "The rules · Season 1"
    effects = replies["effects"].response.embeds[0]
    assert (effects.title, effects.description) == (
        "Effects · Season 1",
        "No effects were passed in Season 1.",
    )


async def test_leave_and_plain_standings_and_rules_answer_between_seasons(world: World) -> None:
    server = await short_server(world)
    fan = server.guild.add_member(world.env.create_user("fan"))
    governor = server.guild.add_member(world.env.create_user("gov"))
    (team, *_) = await governor.autocomplete(server.channel, "join", "team", "")
    await governor.slash(server.channel, "join", team=team["value"])
    await play_out(world, server)
    assert await live_season(world, server) is None

    for who in (fan, governor):
        standings = await who.slash(server.channel, "standings")
        rules = await who.slash(server.channel, "rules")
        left = await who.slash(server.channel, "leave")

        # With no season running, both show the season that just ended.
        shown = standings.response.embeds[0]
        assert shown.title == "Standings · Season 1" and shown.description.startswith("**1. ")
        assert "Champions: **" in shown.description
        assert rules.response.embeds[0].title == "The rules · Season 1"
        assert left.ephemeral
        assert left.response.content == "No season is running in this league right now."
        for result in (standings, rules, left):
            assert "Something went wrong" not in readable(text_of(result.response))
        for result in (standings, rules):
            assert "No season is running" not in text_of(result.response)
    world.refused(NotFoundError)  # /leave, twice: there is no team to leave


async def test_a_replaced_season_stays_browsable_beside_the_new_one(world: World) -> None:
    server = await league_server(world)
    picked = await first_hooper(world, server)
    name = picked["name"].rsplit(" (", 1)[0]
    await server.admin.slash(server.channel, "admin season new", replace_unfinished=True)

    now = await server.admin.slash(server.channel, "standings")
    then = await server.admin.slash(server.channel, "standings", season="1")
    history = await server.admin.slash(server.channel, "history")
    hooper = await server.admin.slash(server.channel, "hooper", name=name)
    seasons = await server.admin.autocomplete(server.channel, "standings", "season", "")

    assert now.response.embeds[0].title == "Standings · Season 2"
    assert " 0-0 " in now.response.embeds[0].description
    assert then.response.embeds[0].title == "Standings · Season 1"
    assert " 0-0 " not in then.response.embeds[0].description
    assert [c["name"] for c in seasons] == ["Season 2 (current)", "Season 1 (finished)"]
    message = history.response
    assert message.embeds[0].title == "Season 2 · in progress"
    await server.admin.click(message, label="Next")
    second = {f.name: f.value for f in message.embeds[0].fields}
    assert message.embeds[0].footer.text == "Page 2/2 · 4 games played"
    assert second["Champions"].startswith("None: the season ended before")
    fields = {f.name: f.value for f in hooper.response.embeds[0].fields}
    assert fields["Season 2"] == "No games played yet."
    assert fields["Lifetime"].startswith("1 game, ")  # carried over from Season 1
    assert fields["Last games"].startswith("Season 1, round 1: ")


# --- /effects --------------------------------------------------------------------------------


async def pass_in_round_one(world: World, server: NewServer, text: str) -> Any:
    """A fan joins, proposes `text`, confirms and votes yes; round 1 closes the window."""
    fan = server.guild.add_member(world.env.create_user("fan"))
    (team,) = (await fan.autocomplete(server.channel, "join", "team", ""))[:1]
    await fan.slash(server.channel, "join", team=team["value"])
    draft = await fan.slash(server.channel, "propose", text=text)
    await fan.click(draft.response, label="Confirm")
    (proposal,) = await fan.autocomplete(server.channel, "vote", "proposal", "")
    await fan.slash(server.channel, "vote", proposal=proposal["value"], choice="yes")
    world.league.clock.advance(900)  # the minimum voting period
    await server.admin.slash(server.channel, "admin season advance")
    return fan


async def test_effects_show_a_timed_effect_and_when_it_ends(world: World) -> None:
    server = await short_server(world)
    fan = await pass_in_round_one(world, server, "for the next 2 rounds, threes are worth 4")

    effects = await fan.slash(server.channel, "effects")
    rules = await fan.slash(server.channel, "rules")
    await play_out(world, server)
    history = await fan.slash(server.channel, "history")
    after = await fan.slash(server.channel, "effects")

    assert effects.response.embeds[0].title == "Effects in force"
    assert effects.response.embeds[0].description == (
        "• Three-pointers are worth **4** points · from round 2; "
        "ends after round 3 (2 rounds to go)"
    )
    text = rules.response.embeds[0].description
    assert "• Three-pointers are worth **4** points for 2 rounds — proposed by fan" in text
    fields = {f.name: f.value for f in history.response.embeds[0].fields}
    assert fields["Rules passed"] == "• Three-pointers are worth **4** points, rounds 2 to 3"
    assert after.response.embeds[0].description == (
        "• Three-pointers are worth **4** points · rounds 2 to 3"
    )
    for message in (effects.response, rules.response, history.response, after.response):
        readable(text_of(message))


async def test_effects_say_so_when_there_are_none(world: World) -> None:
    server = await league_server(world)

    result = await server.admin.slash(server.channel, "effects")

    assert result.response.embeds[0].description == "No effects are in force right now."


# --- /leave ----------------------------------------------------------------------------------


async def enrolled(world: World, member: Any) -> bool:
    governor_id = await world.league.app.governor_id(world.league.seeded.league_id, str(member.id))
    async with world.league.db.read_sessions() as s:
        active = (
            await s.execute(
                select(EnrollmentRow.is_active).where(EnrollmentRow.governor_id == governor_id)
            )
        ).scalar_one_or_none()
    return bool(active)


async def test_leave_asks_first_then_removes_the_governor_once(world: World) -> None:
    await world.alice.slash(world.channel, "join", team=world.league.seeded.team_ids[0])

    asked = await world.alice.slash(world.channel, "leave")
    question = asked.response  # one message: the answer replaces the question
    before = (question.content, buttons(question))
    await world.alice.click(question, label="Leave Team 0")
    again = await world.alice.slash(world.channel, "leave")

    assert asked.ephemeral and before[0].startswith("Leave **Team 0**? You will no longer vote")
    assert before[1] == {"Leave Team 0": False, "Stay": False}
    assert question.content.startswith("You have left **Team 0**.")
    assert buttons(question) == {"Leave Team 0": True, "Stay": True}
    assert not await enrolled(world, world.alice)
    assert "not on a team this season" in again.response.content
    world.refused(ConflictError)


async def test_leave_can_be_called_off(world: World) -> None:
    await world.alice.slash(world.channel, "join", team=world.league.seeded.team_ids[0])

    asked = await world.alice.slash(world.channel, "leave")
    await world.alice.click(asked.response, label="Stay")

    assert asked.response.content == "Nothing changed."
    assert buttons(asked.response) == {"Leave Team 0": True, "Stay": True}
    assert await enrolled(world, world.alice)


async def test_leave_refuses_someone_who_is_not_a_governor(world: World) -> None:
    result = await world.bob.slash(world.channel, "leave")

    assert result.ephemeral and "join a team with /join first" in result.response.content
    world.refused(NotFoundError)


async def test_a_leave_question_left_unanswered_disables_its_buttons(world: World) -> None:
    await world.alice.slash(world.channel, "join", team=world.league.seeded.team_ids[0])
    asked = await world.alice.slash(world.channel, "leave")

    await world.env.advance_time(PAGE_TIMEOUT + 1)

    assert buttons(asked.response) == {"Leave Team 0": True, "Stay": True}
    assert await enrolled(world, world.alice)


# --- proposal and hooper autocomplete --------------------------------------------------------


async def test_admin_veto_and_cancel_offer_proposals_by_their_text(world: World) -> None:
    proposal_id = await flagged(world)

    vetoable = await world.admin.autocomplete(world.channel, "admin veto", "proposal", "blind")
    cancellable = await world.admin.autocomplete(world.channel, "admin cancel", "proposal", "")
    vetoed = await world.admin.slash(
        world.channel, "admin veto", proposal=vetoable[0]["value"], reason="not basketball"
    )

    assert vetoable == [{"name": "wild: everyone plays blindfolded", "value": proposal_id}]
    assert cancellable == vetoable  # a flagged proposal is still open
    assert "Vetoed" in vetoed.response.content


async def test_admin_veto_offers_nothing_when_nothing_is_flagged(world: World) -> None:
    await open_proposal(world)

    offered = await world.admin.autocomplete(world.channel, "admin veto", "proposal", "")
    cancellable = await world.admin.autocomplete(world.channel, "admin cancel", "proposal", "")

    assert offered == [] and [c["name"] for c in cancellable] == ["three_point_value=4"]


async def test_hooper_pickers_of_the_levers_show_the_team(world: World) -> None:
    server = await league_server(world)
    fan = server.guild.add_member(world.env.create_user("fan"))
    (team,) = (await fan.autocomplete(server.channel, "join", "team", ""))[:1]
    await fan.slash(server.channel, "join", team=team["value"])

    offered = await fan.autocomplete(server.channel, "bio", "hooper", team["name"])
    (mine,) = offered[:1]
    written = await fan.slash(server.channel, "bio", hooper=mine["name"], text="Loves the rain.")

    assert len(offered) == 4 and all(c["name"].endswith(f" ({team['name']})") for c in offered)
    assert "bio is updated" in written.response.content
    shown = await fan.slash(server.channel, "hooper", name=mine["value"])
    assert "Loves the rain." in shown.response.embeds[0].description


# --- no spoilers ---------------------------------------------------------------------------------


async def test_a_game_still_on_screen_counts_in_no_stat_until_its_final_whistle(
    world: World,
) -> None:
    show = await start_show(world)
    fan = show.server.guild.add_member(world.env.create_user("fan"))
    channel = show.server.channel
    picked = await first_hooper(world, show.server, fan)

    during = await fan.slash(channel, "leaders", stat="points")
    card = await fan.slash(channel, "hooper", name=picked["value"])
    history = await fan.slash(channel, "history")
    await watch(show)
    after = await fan.slash(channel, "leaders", stat="points")

    assert "No games have been played yet." in during.response.embeds[0].description
    fields = {f.name: f.value for f in card.response.embeds[0].fields}
    assert fields["Season 1"] == "No games played yet." and fields["Last games"] == "None yet."
    assert history.response.embeds[0].footer.text == "0 games played"
    assert "**1. " in after.response.embeds[0].description
