"""The bot owner's deliberate command sync: mention the bot with `sync` (everywhere),
`sync guild` (this server only, immediate) or `sync clear` (remove this server's copy). Never
done automatically on start, and never so that a server lists a command twice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from discord.ext import commands

from bot.discord_app import SyncRefusedError, SyncScope, sync_commands
from bot.ui.replies import NO_MENTIONS

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot


class Owner(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync(self, ctx: commands.Context[PinwheelBot], scope: SyncScope = "global") -> None:
        """Sync the slash-command tree with Discord: `global` (and drop this server's copy),
        `guild` (a copy for this server only, immediate) or `clear` (drop this server's copy)."""
        try:
            count = await sync_commands(self.bot, scope, ctx.guild)
        except SyncRefusedError as refused:
            await ctx.reply(str(refused), allowed_mentions=NO_MENTIONS)
            return
        where = {
            "global": "globally; this server's copy, if any, is removed",
            "guild": "to this server only",
            "clear": "to this server: its copy is removed",
        }[scope]
        await ctx.reply(f"Synced {count} commands {where}.", allowed_mentions=NO_MENTIONS)

    async def cog_command_error(self, ctx: commands.Context[Any], error: Exception) -> None:
        if isinstance(error, commands.NotOwner):
            return  # stay silent to everyone but the owner


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Owner(bot))
