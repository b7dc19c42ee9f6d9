"""Governors' slash commands, driven through SimCord against a real league."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import simcord

from bot.domain.errors import DomainError, NotFoundError
from bot.ui.replies import GENERIC_ERROR
from tests.app.kit import FakeInterpreter
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


async def test_confirm_opens_the_proposal_for_votes_with_its_card_in_governance(
    world: World,
) -> None:
    from tests.bot.test_proposal_cards import governance_channel, post

    await join(world)
    draft = await propose(world)

    pressed = await world.alice.click(draft, label="Confirm")
    await post(world)

    assert pressed.ephemeral and "open for votes" in pressed.response.content
    assert len(await world.league.app.open_proposals(world.league.season)) == 1
    (card,) = governance_channel(world).history()
    assert card.embeds[0].author.name == "Proposal by alice"


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

    assert "open for votes" in pressed.response.content


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


class SlowInterpreter(FakeInterpreter):
    """An interpreter that takes longer than Discord's 3 seconds (think: a busy LLM)."""

    async def interpret(self, text: str, rules: Any) -> Any:
        await asyncio.sleep(5)
        return await super().interpret(text, rules)


async def test_a_slow_interpretation_is_deferred_and_followed_up(world: World) -> None:
    await join(world)
    world.league.app.interpreter = SlowInterpreter()

    result = await world.alice.slash(world.channel, "propose", text="three_point_value=4")

    assert result.deferred and result.response.embeds == []  # "thinking…" within 3 s
    await world.env.advance_time(5)
    assert result.response.embeds[0].description == "three_point_value=4"


async def test_vote_records_a_secret_vote_on_an_open_proposal(world: World) -> None:
    proposal_id = await open_proposal(world)

    result = await world.alice.slash(world.channel, "vote", proposal=proposal_id, choice="yes")

    assert result.ephemeral and "recorded: **yes**" in result.response.content
    assert await world.league.app.my_vote(proposal_id, await governor(world)) == {
        "vote": "yes",
        "boost_used": False,
    }


async def test_vote_refuses_a_proposal_that_does_not_exist(world: World) -> None:
    await join(world)

    result = await world.alice.slash(world.channel, "vote", proposal="nope", choice="no")

    assert "no such proposal" in result.response.content
    world.refused(NotFoundError)


async def test_vote_autocomplete_offers_only_open_proposals(world: World) -> None:
    proposal_id = await open_proposal(world)
    await propose(world, "two_point_value=3")  # a draft, not open for votes

    choices = await world.alice.autocomplete(world.channel, "vote", "proposal", "")

    assert [c["value"] for c in choices] == [proposal_id]


async def test_tokens_shows_the_governors_balances(world: World) -> None:
    await join(world)

    result = await world.alice.slash(world.channel, "tokens")

    assert result.ephemeral
    assert "**propose**:" in result.response.embeds[0].description


async def test_tokens_refuses_someone_who_has_not_joined(world: World) -> None:
    result = await world.bob.slash(world.channel, "tokens")

    assert "join a team with /join first" in result.response.content
    world.refused(NotFoundError)


async def test_notifications_shows_then_stores_the_governors_choices(world: World) -> None:
    await join(world)

    shown = await world.alice.slash(world.channel, "notifications")
    changed = await world.alice.slash(
        world.channel, "notifications", dm_private_mirrors=False, dm_trade_offers=False
    )
    await world.alice.slash(world.channel, "notifications", dm_trade_offers=True)
    again = await world.alice.slash(world.channel, "notifications")

    assert (
        shown.ephemeral and "Private mirrors by DM: **on**" in shown.response.embeds[0].description
    )
    assert "Pings in my team's results and trade offers: **off**" in (
        shown.response.embeds[0].description  # mentions are opt-in
    )
    assert changed.response.embeds[0].title == "Notifications updated"
    page = again.response.embeds[0].description
    assert "Private mirrors by DM: **off**" in page and "Trade offers by DM: **on**" in page
    assert "_" not in page  # names in words, not field names


async def test_notifications_refuses_someone_who_has_not_joined(world: World) -> None:
    result = await world.bob.slash(world.channel, "notifications", mention_on_results=False)

    assert "join a team with /join first" in result.response.content
    world.refused(NotFoundError)


async def test_proposals_lists_the_open_ones_to_anyone(world: World) -> None:
    proposal_id = await open_proposal(world)

    result = await world.bob.slash(world.channel, "proposals")

    shown = result.response.embeds[0].description
    assert "three_point_value=4" in shown and proposal_id not in shown  # no ids for players


async def test_proposals_says_so_when_none_are_open(world: World) -> None:
    result = await world.bob.slash(world.channel, "proposals")

    assert result.response.embeds[0].description == "No proposals are open right now."


async def test_amend_rewords_an_open_proposal(world: World) -> None:
    proposal_id = await open_proposal(world)

    result = await world.alice.slash(
        world.channel, "amend", proposal=proposal_id, text="three_point_value=5"
    )

    assert "Amendment 1 is in" in result.response.content
    assert (await world.league.app.proposal(proposal_id))["text"] == "three_point_value=5"


async def test_amend_refuses_a_proposal_that_does_not_exist(world: World) -> None:
    await join(world)

    result = await world.alice.slash(world.channel, "amend", proposal="nope", text="x=1")

    assert "no such proposal" in result.response.content
    world.refused(NotFoundError)


async def test_cancel_withdraws_your_proposal_and_refunds_it(world: World) -> None:
    proposal_id = await open_proposal(world)

    result = await world.alice.slash(world.channel, "cancel", proposal=proposal_id)

    assert "withdrawn; 1 token(s) refunded" in result.response.content


async def test_cancel_refuses_someone_elses_proposal(world: World) -> None:
    proposal_id = await open_proposal(world)
    await join(world, "bob", team=1)

    result = await world.bob.slash(world.channel, "cancel", proposal=proposal_id)

    assert result.ephemeral
    world.refused(DomainError)
    assert (await world.league.app.proposal(proposal_id))["status"] == "confirmed"


async def test_an_unexpected_error_shows_a_generic_message_and_no_internals(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await join(world)
    world.league.app.interpreter = BrokenInterpreter()

    result = await world.alice.slash(world.channel, "propose", text="three_point_value=4")

    assert result.response.content == GENERIC_ERROR
    assert "secret" not in result.response.content
    world.refused(RuntimeError)
    assert "Unexpected error in propose" in caplog.text


class BrokenInterpreter(FakeInterpreter):
    async def interpret(self, text: str, rules: Any) -> Any:
        raise RuntimeError("secret connection string")


async def test_revising_dismisses_the_old_draft_only_once_the_new_wording_is_in(
    world: World,
) -> None:
    await join(world)
    draft = await propose(world)

    shown = await world.alice.click(draft, label="Revise")
    still_open = await world.alice.click(draft, label="Confirm")

    assert shown.modal is not None
    assert "open for votes" in still_open.response.content


async def test_revise_after_confirm_says_it_is_already_confirmed(world: World) -> None:
    await join(world)
    draft = await propose(world)
    await world.alice.click(draft, label="Confirm")

    pressed = await world.alice.click(draft, label="Revise")

    assert pressed.modal is None
    assert pressed.ephemeral and "already confirmed" in pressed.response.content
    (still,) = await world.league.app.open_proposals(world.league.season)
    assert still["text"] == "three_point_value=4"


async def test_a_revision_submitted_after_the_draft_was_confirmed_is_refused(
    world: World,
) -> None:
    await join(world)
    draft = await propose(world)
    shown = await world.alice.click(draft, label="Revise")
    await world.alice.click(draft, label="Confirm")  # while the form is open

    revised = await world.alice.submit_modal(shown, {"text": "three_point_value=5"})

    assert "already confirmed" in revised.response.content
    assert not revised.response.embeds and not revised.response.components
    (still,) = await world.league.app.open_proposals(world.league.season)
    assert still["text"] == "three_point_value=4"
