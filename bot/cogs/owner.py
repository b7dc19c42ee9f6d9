"""The bot owner's deliberate command sync: mention the bot with `sync` (everywhere) or
`sync guild` (this server only, immediate). Never done automatically on start."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from discord.ext import commands

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot


class Owner(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync(
        self, ctx: commands.Context[PinwheelBot], scope: Literal["global", "guild"] = "global"
    ) -> None:
        """Sync the slash-command tree with Discord."""
        if scope == "guild" and ctx.guild is not None:
            self.bot.tree.copy_global_to(guild=ctx.guild)
            synced = await self.bot.tree.sync(guild=ctx.guild)
        else:
            synced = await self.bot.tree.sync()
        await ctx.reply(f"Synced {len(synced)} commands ({scope}).")

    async def cog_command_error(self, ctx: commands.Context[Any], error: Exception) -> None:
        if isinstance(error, commands.NotOwner):
            return  # stay silent to everyone but the owner


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Owner(bot))
