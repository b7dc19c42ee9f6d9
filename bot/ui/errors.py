"""Turning errors into replies: a `DomainError` becomes its own (player-facing) message, a
failed check a short refusal, anything unexpected a generic message and a logged traceback.
Internals never reach a player."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands

from bot.domain.errors import DomainError
from bot.ui.replies import GENERIC_ERROR, reply

log = logging.getLogger(__name__)

NOT_ALLOWED = "You don't have permission to do that here."


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
    return GENERIC_ERROR


async def send_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    text = message_for(error)
    if text == GENERIC_ERROR:
        name = interaction.command.qualified_name if interaction.command else "component"
        log.error("Unexpected error in %s", name, exc_info=_root(error))
    try:
        await reply(interaction, text, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not tell the user about an error", exc_info=True)


async def guarded(interaction: discord.Interaction[Any], work: Awaitable[None]) -> None:
    """Run a component callback, answering its errors as a command's would be."""
    try:
        await work
    except Exception as error:  # every error gets an answer; unexpected ones are logged
        await send_error(interaction, error)
