"""With the web companion's address set (PINWHEEL_PUBLIC_URL), each game's final card links to
the game's page and /rules to the constitution; without it, nothing links anywhere."""

from __future__ import annotations

from db import discord_repo
from tests.bot.conftest import World
from tests.bot.test_presentation_cogs import is_final, start_show, watch

SITE = "https://pinwheel.example.org"


async def test_final_cards_link_to_their_game_page(world: World) -> None:
    world.env.bot.public_url = SITE
    show = await start_show(world)
    await watch(show)

    games = await show.games()
    finals = [m for m in show.live() if is_final(m)]
    assert len(finals) == len(games) > 0
    assert {m.embeds[0].url for m in finals} == {f"{SITE}/games/{g}" for g in games}


async def test_rules_link_to_the_constitution_only_when_the_site_is_known(world: World) -> None:
    plain = await world.alice.slash(world.channel, "rules")
    assert plain.response.embeds[0].url is None

    world.env.bot.public_url = SITE
    linked = await world.alice.slash(world.channel, "rules")
    league = await discord_repo.guild_league(world.league.db, world.guild.id)
    assert league is not None
    assert linked.response.embeds[0].url == f"{SITE}/leagues/{league.league_id}/rules"
