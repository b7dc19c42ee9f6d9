"""Turning errors into replies: a `DomainError` becomes its own (player-facing) message, a
failed check a short refusal, anything unexpected a generic message and a logged traceback.
Internals never reach a player."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands

from bot.domain.errors import BUSY_MESSAGE, DomainError
from bot.shards import log_for
from bot.ui.replies import GENERIC_ERROR, reply
from db.uow import is_busy

log = logging.getLogger(__name__)

NOT_ALLOWED = "You don't have permission to do that here."
MISSING_PERMISSION = (
    "Discord did not let me do that here: my role is missing a permission in this channel "
    "(View Channels, Send Messages, Embed Links, Attach Files or Read Message History). "
    "An admin can check my role and the channel's permission overwrites."
)


def _root(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return error


def message_for(error: BaseException) -> str:
    error = _root(error)
    if isinstance(error, DomainError):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CheckFailure):
        return NOT_ALLOWED
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, discord.Forbidden):
        return MISSING_PERMISSION
    if is_busy(error):  # a read that found every database connection taken
        return BUSY_MESSAGE
    return GENERIC_ERROR


async def send_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    text = message_for(error)
    name = interaction.command.qualified_name if interaction.command else "component"
    here = log_for(log, interaction)  # the shard, server and league, on every line
    if text == GENERIC_ERROR:
        here.error("Unexpected error in %s", name, exc_info=_root(error))
    elif text == MISSING_PERMISSION:
        here.warning("Missing a Discord permission in %s: %s", name, _root(error))
    try:
        await reply(interaction, text, ephemeral=True)
    except discord.HTTPException:
        here.warning("Could not tell the user about an error", exc_info=True)


async def guarded(interaction: discord.Interaction[Any], work: Awaitable[None]) -> None:
    """Run a component callback, answering its errors as a command's would be."""
    try:
        await work
    except Exception as error:  # every error gets an answer; unexpected ones are logged
        await send_error(interaction, error)
