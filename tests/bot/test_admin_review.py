"""`/admin review` reaches every flagged proposal: pages of four, each with its own Clear and
Veto buttons, turned with persistent Previous / Next buttons; admins only, on both sides."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.app.governance.commands import ConfirmProposal, JoinTeam, SubmitProposal
from bot.ui.embeds import DESCRIPTION_MAX
from bot.ui.errors import NOT_ALLOWED
from bot.ui.review import PAGE_SIZE
from tests.bot.conftest import World

FLAGGED = 9  # three pages: 4, 4 and 1


async def flag_many(world: World, count: int = FLAGGED, text_size: int = 480) -> list[str]:
    """`count` flagged proposals, one per new governor, oldest first; long texts."""
    app, season = world.league.app, world.league.season
    found = []
    for n in range(count):
        user = world.env.create_user(f"gov{n}")
        world.guild.add_member(user)
        team = world.league.seeded.team_ids[n % 2]
        joined = await app.handle(JoinTeam(season, team, str(user.id), user.name), command_id=None)
        text = f"wild {n}: " + "everyone plays blindfolded @everyone " * 20
        draft = await app.handle(
            SubmitProposal(season, joined["governor_id"], text[:text_size]), command_id=None
        )
        await app.handle(ConfirmProposal(draft["draft_id"], joined["governor_id"]), command_id=None)
        found.append(draft["draft_id"])
    return found


def buttons(message: Any) -> list[tuple[str, str, bool]]:
    return [
        (c["label"], c["custom_id"], bool(c.get("disabled")))
        for row in message.components
        for c in row["components"]
    ]


def ids_on(message: Any) -> list[str]:
    return [cid.rsplit(":", 1)[1] for label, cid, _ in buttons(message) if label == "Veto"]


async def test_review_pages_through_every_flagged_proposal(world: World) -> None:
    flagged = await flag_many(world)

    result = await world.admin.slash(world.channel, "admin review")
    message = result.response
    seen = [ids_on(message)]
    first = message.embeds[0]
    for _ in range(2):
        message = (await world.admin.click(message, label="Next")).response or message
        seen.append(ids_on(message))
    last = message.embeds[0]

    assert [len(page) for page in seen] == [PAGE_SIZE, PAGE_SIZE, 1]
    assert [p for page in seen for p in page] == flagged
    assert first.footer.text == f"Page 1/3 · {FLAGGED} flagged"
    assert last.footer.text == f"Page 3/3 · {FLAGGED} flagged"
    assert all(p in last.description for p in seen[-1])
    assert ("Next", "pw:reviewpage:next:3", True) in buttons(message)
    assert all(len(e.description) <= DESCRIPTION_MAX and len(e) <= 6000 for e in (first, last))
    assert not message.message.mention_everyone


async def test_a_proposal_on_a_later_page_can_be_vetoed_from_its_page(world: World) -> None:
    flagged = await flag_many(world)
    review = await world.admin.slash(world.channel, "admin review")
    message = review.response
    await world.admin.click(message, label="Next")

    page = ids_on(message)
    pressed = await world.admin.click(message, custom_id=f"pw:review:veto:{page[0]}")

    assert page[0] == flagged[PAGE_SIZE]
    assert "vetoed" in pressed.response.content
    assert (await world.league.app.proposal(flagged[PAGE_SIZE]))["status"] == "vetoed"


async def test_review_pages_turn_after_a_restart_and_reread_the_flagged_list(
    world: World,
) -> None:
    flagged = await flag_many(world)
    review = await world.admin.slash(world.channel, "admin review")
    message = review.response
    await world.admin.click(message, custom_id=f"pw:review:clear:{flagged[0]}")

    await world.restart()
    await world.admin.click(message, label="Next")

    # One fewer flagged: page 2 now starts one proposal later.
    assert ids_on(message) == flagged[PAGE_SIZE + 1 : 2 * PAGE_SIZE + 1]
    assert message.embeds[0].footer.text == f"Page 2/2 · {FLAGGED - 1} flagged"


async def test_review_page_buttons_refuse_a_non_admin(world: World) -> None:
    await flag_many(world)
    review = await world.admin.slash(world.channel, "admin review")

    pressed = await world.bob.click(review.response, label="Next")

    assert pressed.ephemeral and pressed.response.content == NOT_ALLOWED
    assert review.response.embeds[0].footer.text.startswith("Page 1/3")


async def test_admin_review_is_refused_on_the_server_side_for_a_non_admin(world: World) -> None:
    await flag_many(world, 1)
    (admin_group,) = [c for c in world.synced if c.name == "admin"]
    world.guild.set_command_permissions(admin_group, {world.bob: True})

    result = await world.bob.slash(world.channel, "admin review")

    assert result.ephemeral and result.response.content == NOT_ALLOWED
    assert not result.response.embeds and not result.response.components
    world.refused(app_commands.CheckFailure)
