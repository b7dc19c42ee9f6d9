"""Governors' slash commands, driven through SimCord against a real league."""

from __future__ import annotations

from typing import Any

import pytest
import simcord

from bot.domain.errors import NotFoundError
from tests.bot.conftest import World


def team_ids(world: World) -> list[str]:
    return world.league.seeded.team_ids


async def join(world: World, who: str = "alice", team: int = 0) -> None:
    actor = getattr(world, who)
    result = await actor.slash(world.channel, "join", team=team_ids(world)[team])
    assert result.ephemeral, result


async def test_join_welcomes_a_new_governor_and_is_idempotent(world: World) -> None:
    first = await world.alice.slash(world.channel, "join", team=team_ids(world)[0])
    again = await world.alice.slash(world.channel, "join", team=team_ids(world)[0])

    assert first.ephemeral and "Welcome, governor of **Team 0**" in first.response.content
    assert "already govern **Team 0**" in again.response.content


async def test_join_refuses_a_team_that_is_not_in_the_season(world: World) -> None:
    result = await world.alice.slash(world.channel, "join", team="Nobody's Team")

    assert result.ephemeral and "no team by that name" in result.response.content
    world.refused(NotFoundError)


async def test_join_autocomplete_offers_the_seasons_teams(world: World) -> None:
    choices = await world.alice.autocomplete(world.channel, "join", "team", "team")

    assert [c["name"] for c in choices] == ["Team 0", "Team 1"]


async def propose(world: World, text: str = "three_point_value=4", who: str = "alice") -> Any:
    """Run /propose and return the (ephemeral) draft message with its buttons."""
    result = await getattr(world, who).slash(world.channel, "propose", text=text)
    assert result.ephemeral
    return result.response


async def open_proposal(world: World, text: str = "three_point_value=4") -> str:
    await join(world)
    draft = await propose(world, text)
    await world.alice.click(draft, label="Confirm")
    (found,) = await world.league.app.open_proposals(world.league.season)
    return str(found["proposal_id"])


async def test_propose_shows_the_interpretation_with_confirm_revise_and_cancel(
    world: World,
) -> None:
    await join(world)

    draft = await propose(world)

    (shown,) = draft.embeds
    assert shown.description == "three_point_value=4"
    labels = [c["label"] for row in draft.components for c in row["components"]]
    assert labels == ["Confirm", "Revise", "Cancel"]
    assert await world.league.app.open_proposals(world.league.season) == []


async def test_propose_refuses_someone_who_has_not_joined(world: World) -> None:
    result = await world.bob.slash(world.channel, "propose", text="three_point_value=4")

    assert "join a team with /join first" in result.response.content
    world.refused(NotFoundError)


async def test_confirm_opens_the_proposal_for_votes_publicly(world: World) -> None:
    await join(world)
    draft = await propose(world)

    pressed = await world.alice.click(draft, label="Confirm")

    assert not pressed.ephemeral
    assert pressed.response.embeds[0].title == "Proposal by alice"
    assert len(await world.league.app.open_proposals(world.league.season)) == 1


async def test_a_draft_is_shown_only_to_its_author(world: World) -> None:
    await join(world)
    await join(world, "bob", team=1)
    draft = await propose(world)

    with pytest.raises(simcord.SetupError, match="not visible to this user"):
        await world.bob.click(draft, label="Confirm")
    assert await world.league.app.open_proposals(world.league.season) == []


async def test_a_second_press_of_confirm_says_it_is_settled_and_spends_once(
    world: World,
) -> None:
    await join(world)
    before = await world.league.app.balances(world.league.season, await governor(world))
    draft = await propose(world)

    await world.alice.click(draft, label="Confirm")
    second = await world.alice.click(draft, label="Confirm")

    assert second.ephemeral and "already open for votes" in second.response.content
    after = await world.league.app.balances(world.league.season, await governor(world))
    assert after["propose"] == before["propose"] - 1


async def test_confirm_still_works_after_the_bot_restarts(world: World) -> None:
    await join(world)
    draft = await propose(world)

    await world.restart()
    pressed = await world.alice.click(draft, label="Confirm")

    assert pressed.response.embeds[0].title == "Proposal by alice"


async def test_cancel_on_a_draft_drops_it_without_spending(world: World) -> None:
    await join(world)
    draft = await propose(world)

    pressed = await world.alice.click(draft, label="Cancel")
    late = await world.alice.click(draft, label="Confirm")

    assert "Nothing was spent" in pressed.response.content
    assert "dismissed" in late.response.content


async def test_revise_opens_a_form_and_shows_the_new_reading(world: World) -> None:
    await join(world)
    draft = await propose(world)

    shown = await world.alice.click(draft, label="Revise")
    revised = await world.alice.submit_modal(shown, {"text": "three_point_value=5"})

    assert revised.response.embeds[0].description == "three_point_value=5"


async def governor(world: World, who: str = "alice") -> str:
    found = await world.league.app.governor_id(
        world.league.seeded.league_id, str(getattr(world, who).id)
    )
    assert found is not None
    return found
