"""Whatever a player types into a slash command (a NUL character, a lone surrogate) is cleaned
before any option is read, on both engines: a typed id that names nothing is "not found", a
proposal's text is stored without them, and nothing reaches a player as "something went
wrong"."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain.errors import NotFoundError
from bot.ui.replies import GENERIC_ERROR
from db import governance_repo as gov_repo
from db.engine import Database, create_database
from tests.bot.conftest import World
from tests.bot.test_governance_cogs import join, propose


@pytest.fixture
async def bot_db(db_url: str) -> AsyncIterator[Database]:
    """This module runs on both engines (`db_url` is parametrised over them)."""
    db = create_database(db_url)
    yield db
    await db.dispose()


@pytest.mark.parametrize("typed", ["\ud800", "abc\x00def", "\x00", "\udfff" * 40])
@pytest.mark.parametrize(("command", "option"), [("game", "game"), ("cancel", "proposal")])
async def test_a_typed_id_with_unstorable_characters_is_simply_not_found(
    world: World, command: str, option: str, typed: str
) -> None:
    await join(world)
    result = await world.alice.slash(world.channel, command, **{option: typed})

    assert result.ephemeral
    assert GENERIC_ERROR not in result.response.content
    assert "no such" in result.response.content.lower()
    world.refused(NotFoundError)


@pytest.mark.parametrize("spoil", ["\x00", "\ud83d", "\udc00"])
async def test_proposal_text_is_stored_without_nul_or_lone_surrogates(
    world: World, spoil: str
) -> None:
    await join(world)
    draft = await propose(world, f"three_point_value=4{spoil}")
    await world.alice.click(draft, label="Confirm")

    (found,) = await world.league.app.open_proposals(world.league.season)
    async with world.league.db.read_sessions() as s:
        stored = await gov_repo.proposal(s, str(found["proposal_id"]))
    assert stored is not None and stored.text == "three_point_value=4"
