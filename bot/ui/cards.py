"""Cards on Discord: an outbox payload's embed and buttons as discord.py objects, and the
Box score button on every final card, which outlives a restart like the trade buttons (its
custom id carries the game id; the box score is read afresh on every press)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import discord

from bot.app.league.outbox import CHANNEL_PREFIX
from bot.app.league.show import load_show
from bot.domain.errors import NotFoundError
from bot.render.game import box_score_embed
from bot.ui.buttons import ActionButton
from bot.ui.presses import UUID, bot_of
from bot.ui.replies import reply
from bot.ui.votes import vote_buttons
from db import discord_repo


def embed_from(payload: Mapping[str, Any], public_url: str | None = None) -> discord.Embed | None:
    """The payload's embed (Discord's embed JSON, built by bot/render), or None. With the web
    companion's address, a game's final card links to the game's page."""
    found = payload.get("embed")
    if not isinstance(found, Mapping):
        return None
    card = discord.Embed.from_dict(dict(found))
    if public_url and payload.get("final") and payload.get("game_id"):
        card.url = f"{public_url}/games/{payload['game_id']}"
    return card


async def keep_post(
    interaction: discord.Interaction[Any],
    league_id: str,
    key: str,
    message: discord.Message,
    shown: discord.Embed,
) -> None:
    """Hand a message the Discord layer posted itself to the outbox under `key`, which edits it
    when what it shows settles (an offer accepted, a trade voted through, ...)."""
    await bot_of(interaction).app.adopt_post(
        league_id,
        key,
        target=f"{CHANNEL_PREFIX}{message.channel.id}",
        ref=f"{message.channel.id}:{message.id}",
        payload={"text": shown.description or "", "embed": shown.to_dict()},
    )


def view_from(payload: Mapping[str, Any]) -> discord.ui.View | None:
    """The payload's buttons as a persistent view, or None (no buttons: a settled message
    loses the ones it had)."""
    items: list[discord.ui.Item[Any]] = []
    for b in payload.get("buttons") or []:
        if b.get("kind") == "box_score":
            items.append(BoxScoreButton("show", str(b["game_id"])))
        elif b.get("kind") == "vote":
            items.extend(vote_buttons(str(b["proposal_id"])))
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


class BoxScoreButton(ActionButton, template=rf"pw:box:(?P<action>show):(?P<id>{UUID})"):
    """Anyone in the server may open a game's full box score; only they see it."""

    KIND = "box"
    LABELS: ClassVar[dict[str, str]] = {"show": "Box score"}
    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {"show": discord.ButtonStyle.secondary}

    async def _press(self, interaction: discord.Interaction[Any]) -> None:
        bot = bot_of(interaction)
        league = await bot.league(interaction)
        db = bot.app.db
        if not await discord_repo.game_in_league(db, league.league_id, self.target_id):
            raise NotFoundError("That game is not part of this server's league.")
        async with db.read_sessions() as s:
            show = await load_show(s, self.target_id)
        if show is None:
            raise NotFoundError("That game is no longer stored.")
        await reply(interaction, embed=discord.Embed.from_dict(box_score_embed(show.card)))
