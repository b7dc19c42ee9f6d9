"""`/admin` moderation, `/rules` and `/help`, through SimCord."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from discord import app_commands
from sqlalchemy import insert

from bot.domain.errors import ConflictError, NotFoundError, ValidationError
from bot.ui.errors import NOT_ALLOWED
from db.tables import AdminLogRow
from tests.bot.conftest import World
from tests.bot.test_governance_cogs import governor, join, open_proposal


async def test_a_member_without_manage_server_cannot_see_admin(world: World) -> None:
    assert "admin review" not in world.bob.available_commands(world.channel)
    assert "admin review" in world.admin.available_commands(world.channel)


async def test_admin_is_checked_on_the_server_side_too(world: World) -> None:
    # A server may override the default permission and show /admin to a member.
    (admin_group,) = [c for c in world.synced if c.name == "admin"]
    world.guild.set_command_permissions(admin_group, {world.bob: True})

    result = await world.bob.slash(world.channel, "admin audit")

    assert result.ephemeral and result.response.content == NOT_ALLOWED
    world.refused(app_commands.CheckFailure)


async def flagged(world: World) -> str:
    return await open_proposal(world, "wild: everyone plays blindfolded")


async def test_review_lists_flagged_proposals_with_clear_and_veto(world: World) -> None:
    proposal_id = await flagged(world)

    result = await world.admin.slash(world.channel, "admin review")

    assert proposal_id in result.response.embeds[0].description
    labels = [c["label"] for row in result.response.components for c in row["components"]]
    assert labels == ["Clear", "Veto"]


async def test_review_says_so_when_nothing_is_flagged(world: World) -> None:
    result = await world.admin.slash(world.channel, "admin review")

    assert "No proposals are waiting" in result.response.content


async def test_veto_button_settles_once_even_when_pressed_twice(world: World) -> None:
    proposal_id = await flagged(world)
    review = await world.admin.slash(world.channel, "admin review")
    message = review.response

    first = await world.admin.click(message, label="Veto")
    second = await world.admin.click(message, label="Veto")

    assert "vetoed" in first.response.content
    assert second.ephemeral and "already vetoed" in second.response.content
    assert (await world.league.app.proposal(proposal_id))["status"] == "vetoed"


async def test_review_buttons_refuse_a_non_admin(world: World) -> None:
    proposal_id = await flagged(world)
    review = await world.admin.slash(world.channel, "admin review")

    pressed = await world.bob.click(review.response, label="Clear")

    assert pressed.ephemeral and pressed.response.content == NOT_ALLOWED
    assert (await world.league.app.proposal(proposal_id))["status"] == "flagged"


async def test_review_buttons_work_after_a_restart(world: World) -> None:
    proposal_id = await flagged(world)
    review = await world.admin.slash(world.channel, "admin review")

    await world.restart()
    pressed = await world.admin.click(review.response, label="Clear")

    assert "cleared for voting" in pressed.response.content
    assert (await world.league.app.proposal(proposal_id))["status"] == "confirmed"


async def test_admin_veto_refunds_the_author(world: World) -> None:
    proposal_id = await flagged(world)

    result = await world.admin.slash(
        world.channel, "admin veto", proposal=proposal_id, reason="not basketball"
    )

    assert "Vetoed; 2 token(s) refunded" in result.response.content


async def test_admin_veto_refuses_a_proposal_that_is_not_flagged(world: World) -> None:
    proposal_id = await open_proposal(world)

    result = await world.admin.slash(world.channel, "admin veto", proposal=proposal_id, reason="x")

    assert result.ephemeral
    world.refused(ConflictError)


async def test_admin_cancel_closes_any_open_proposal(world: World) -> None:
    proposal_id = await open_proposal(world)

    result = await world.admin.slash(
        world.channel, "admin cancel", proposal=proposal_id, reason="duplicate"
    )

    assert "Cancelled; 1 token(s) refunded" in result.response.content
    assert (await world.league.app.proposal(proposal_id))["status"] == "cancelled"


async def test_admin_cancel_refuses_an_unknown_proposal(world: World) -> None:
    result = await world.admin.slash(world.channel, "admin cancel", proposal="nope", reason="x")

    assert "no such proposal" in result.response.content
    world.refused(NotFoundError)


async def test_admin_remove_takes_a_governor_off_their_team(world: World) -> None:
    await join(world)

    result = await world.admin.slash(
        world.channel, "admin remove", member=world.alice, reason="left the server"
    )

    assert "alice no longer governs" in result.response.content
    assert await governor(world)  # still known to the league, just not on a team


async def test_admin_remove_refuses_someone_who_is_not_a_governor(world: World) -> None:
    result = await world.admin.slash(world.channel, "admin remove", member=world.bob, reason="x")

    assert "bob is not a governor" in result.response.content
    world.refused(NotFoundError)


async def test_admin_grant_gives_a_governor_tokens_and_logs_it(world: World) -> None:
    await join(world)

    result = await world.admin.slash(
        world.channel,
        "admin grant",
        member=world.alice,
        token_type="boost",
        amount=3,
        reason="great sportsmanship",
    )

    assert "Granted alice 3 boost token(s)" in result.response.content
    audit = await world.admin.slash(world.channel, "admin audit")
    page = audit.response.embeds[0].description
    assert "granted tokens" in page and "great sportsmanship" in page


async def test_admin_grant_refuses_someone_who_is_not_a_governor(world: World) -> None:
    result = await world.admin.slash(
        world.channel, "admin grant", member=world.bob, token_type="boost", amount=1, reason="x"
    )

    assert "bob is not a governor" in result.response.content
    world.refused(NotFoundError)


async def test_admin_grant_refuses_a_non_admin(world: World) -> None:
    (admin_group,) = [c for c in world.synced if c.name == "admin"]
    world.guild.set_command_permissions(admin_group, {world.bob: True})

    result = await world.bob.slash(
        world.channel, "admin grant", member=world.alice, token_type="boost", amount=1, reason="x"
    )

    assert result.ephemeral and result.response.content == NOT_ALLOWED
    world.refused(app_commands.CheckFailure)


async def test_admin_audit_shows_the_admin_log(world: World) -> None:
    proposal_id = await open_proposal(world)
    await world.admin.slash(world.channel, "admin cancel", proposal=proposal_id, reason="dup")

    result = await world.admin.slash(world.channel, "admin audit")

    page = result.response.embeds[0].description
    # In words, without ids: the log itself keeps the keys and the full ids.
    assert "withdrew a proposal" in page and proposal_id not in page and "dup" in page


async def test_admin_settings_get_shows_a_setting_and_its_range(world: World) -> None:
    result = await world.admin.slash(
        world.channel, "admin settings get", key="governance.draft_ttl_seconds"
    )

    assert "= **1800** (default 1800, 60–86400)" in result.response.embeds[0].description


async def test_admin_settings_get_refuses_an_unknown_key(world: World) -> None:
    result = await world.admin.slash(world.channel, "admin settings get", key="nope")

    assert "no setting called nope" in result.response.content
    world.refused(NotFoundError)


async def test_admin_settings_set_changes_a_setting_and_logs_it(world: World) -> None:
    result = await world.admin.slash(
        world.channel, "admin settings set", key="governance.draft_ttl_seconds", value="600"
    )

    assert "is now **600** (was 1800)" in result.response.content
    shown = await world.admin.slash(
        world.channel, "admin settings get", key="governance.draft_ttl_seconds"
    )
    assert "= **600**" in shown.response.embeds[0].description
    audit = await world.admin.slash(world.channel, "admin audit")
    assert "changed a setting" in audit.response.embeds[0].description


async def test_admin_settings_set_refuses_a_value_out_of_range(world: World) -> None:
    result = await world.admin.slash(
        world.channel, "admin settings set", key="governance.draft_ttl_seconds", value="5"
    )

    assert "must be a whole number from 60 to 86400" in result.response.content
    world.refused(ValidationError)


async def test_admin_settings_set_refuses_an_unknown_key(world: World) -> None:
    result = await world.admin.slash(world.channel, "admin settings set", key="nope", value="1")

    assert "no setting called nope" in result.response.content
    world.refused(NotFoundError)


async def test_admin_settings_set_refuses_a_non_admin(world: World) -> None:
    (admin_group,) = [c for c in world.synced if c.name == "admin"]
    world.guild.set_command_permissions(admin_group, {world.bob: True})

    result = await world.bob.slash(
        world.channel, "admin settings set", key="governance.draft_ttl_seconds", value="600"
    )

    assert result.ephemeral and result.response.content == NOT_ALLOWED
    world.refused(app_commands.CheckFailure)


async def test_rules_shows_every_parameter_and_who_changed_it(world: World) -> None:
    proposal_id = await open_proposal(world)
    await world.alice.slash(world.channel, "vote", proposal=proposal_id, choice="yes")
    await world.league.close()

    result = await world.bob.slash(world.channel, "rules")

    text = "\n".join(await all_pages(world, result.response))
    assert "**Three-point value**: Three-pointers are worth **4** points *(changed" in text
    assert "• Three-pointers are worth **4** points (was 3) — proposed by alice" in text
    assert "three_point_value" not in text and "`" not in text


async def all_pages(world: World, message: Any) -> list[str]:
    """Every page of a paginated reply, turned with its Next button."""
    seen = [message.embeds[0].description]
    while any(
        c["label"] == "Next" and not c.get("disabled")
        for row in message.components
        for c in row["components"]
    ):
        message = (await world.bob.click(message, label="Next")).response
        seen.append(message.embeds[0].description)
    return seen


async def test_rules_refuses_in_a_server_without_a_league(world: World) -> None:
    other = world.env.create_guild("Elsewhere")
    channel = other.create_text_channel("general")
    carol = other.add_member(world.env.create_user("carol"))

    result = await carol.slash(channel, "rules")

    assert "no Pinwheel league yet" in result.response.content
    world.refused(NotFoundError)


async def test_help_lists_the_commands_without_the_admin_group(world: World) -> None:
    result = await world.bob.slash(world.channel, "help")

    text = result.response.embeds[0].description
    assert "**/propose**" in text and "**/vote**" in text and "/admin" not in text


async def test_a_long_audit_log_is_paged_with_next_and_previous(world: World) -> None:
    rows = [
        {
            "id": str(uuid.uuid4()),
            "league_id": world.league.seeded.league_id,
            "actor_id": str(world.admin.id),
            "action_type": "proposal.cancel",
            "target_table": "proposals",
            "target_id": f"p{i}",
            "reason": "r" * 150,
            "created_at": datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=i),
        }
        for i in range(60)
    ]
    async with world.league.db.sessions() as s, s.begin():
        await s.execute(insert(AdminLogRow), rows)

    result = await world.admin.slash(world.channel, "admin audit", limit=60)
    message = result.response  # one message, edited in place as pages turn
    first = message.embeds[0]
    await world.admin.click(message, label="Next")
    second = message.embeds[0]
    await world.admin.click(message, label="Previous")

    assert first.footer.text == "Page 1/4" and second.footer.text == "Page 2/4"
    assert second.description != first.description
    assert message.embeds[0].description == first.description
    assert all(len(e) <= 6000 for e in (first, second))
