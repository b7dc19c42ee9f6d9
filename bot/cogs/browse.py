"""Browsing the league in any season, finished or not: a hooper's card, the stat leaders, the
league's history and the effects in force. Everything reads in words: rules by their labels,
ratings, moves and effects described, no ids."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.effects import EFFECT_PARAMETERS
from bot.domain.errors import NotFoundError
from bot.domain.league import ARCHETYPES, ATTRIBUTE_NAMES
from bot.domain.rules import PARAMS
from bot.domain.standings import StandingRow
from bot.render.words import ATTRIBUTE_LABELS, rating_word, words
from bot.ui.choices import hoopers_of, shown_season_choices
from bot.ui.embeds import add_field, clip, embed
from bot.ui.pagination import pages_of, send_pages
from bot.ui.replies import reply
from db import browse_repo, discord_repo
from db.browse_repo import SeasonEntry, StatLine

if TYPE_CHECKING:
    from bot.discord_app import PinwheelBot


# --- Words ----------------------------------------------------------------------------------------


def _share(value: float) -> str:
    return f"{value * 100:.0f}%"


def move_effect(move: Mapping[str, Any]) -> str:
    """What a signature move does, in words."""
    kind, bonus, chance = move.get("kind"), float(move.get("bonus", 0)), move.get("chance", 1.0)
    often = f", {_share(float(chance))} of the time" if float(chance) < 1 else ""
    shots = {
        "at_rim": "at the rim",
        "mid_range": "from mid-range",
        "three_point": "on threes",
        "clutch": "on any shot in the Elam ending",
    }
    if kind in shots:
        return f"+{_share(bonus)} make chance {shots[kind]}{often}"
    if kind == "lockdown":
        return f"takes {_share(bonus)} off the make chance of the hooper they guard{often}"
    if kind == "glass":
        return f"rebounds {1 + bonus:g}× as well"
    if kind == "engine":
        return f"tires {_share(bonus)} more slowly"
    if kind == "handles":
        return f"{_share(bonus)} fewer turnovers"
    return "a move of their own"


EFFECT_LABELS = {
    "turnover_probability": "Turnover chance",
    "possession_length": "Possession length",
    "at_rim_tendency": "How often hoopers attack the rim",
    "mid_range_tendency": "How often hoopers take mid-range shots",
    "three_point_tendency": "How often hoopers shoot threes",
    "at_rim_make": "Make chance at the rim",
    "mid_range_make": "Make chance from mid-range",
    "three_point_make": "Make chance on threes",
    "free_throw_make": "Free-throw make chance",
    "foul_probability": "Foul chance",
    "offensive_rebound_probability": "Offensive rebound chance",
    "stamina_drain": "Stamina drain",
    "stamina_recovery": "Stamina recovery",
}


def _label(name: str) -> str:
    if name in PARAMS:
        return PARAMS[name].label
    return EFFECT_LABELS.get(name, "A game rule")


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def effect_words(effect: Mapping[str, Any], team_names: Mapping[str, str]) -> str:
    """An effect's change in words: "Three-pointers are worth **4** points for the home team"."""
    name = str(effect.get("parameter", ""))
    operation, value = effect.get("operation"), float(effect.get("value", 0))
    target = str(effect.get("target", "all"))
    who = {"all": "", "home": " for the home team", "away": " for the away team"}.get(target)
    if who is None:
        who = f" for {team_names.get(target, 'one team')}"
    spec = EFFECT_PARAMETERS.get(name)
    kind = spec.kind if spec else "factor"
    if operation == "set" and name in PARAMS:
        typed = int(value) if PARAMS[name].type is int and value.is_integer() else value
        return PARAMS[name].sentence(typed, bold=True) + who
    label = _label(name)
    if operation == "multiply":
        return f"{label}{who}: **×{_num(value)}**"
    if kind == "probability":
        shown = f"{value * 100:+.0f} percentage points" if operation == "add" else _share(value)
    elif kind == "points":
        shown = (
            f"{value:+g} point{'s' if abs(value) != 1 else ''}"
            if operation == "add"
            else _num(value)
        )
    else:
        shown = f"{value:+g}" if operation == "add" else f"{_num(value)}×"
    return (
        f"{label}{who} is set to **{shown}**"
        if operation == "set"
        else f"{label}{who}: **{shown}**"
    )


def spec_duration(spec: Mapping[str, Any]) -> str:
    """How long an interpreted effect lasts, in words (" for 3 rounds")."""
    if spec.get("duration") == "rounds":
        n = int(spec.get("duration_rounds") or 1)
        return f" for {n} round{'s' if n != 1 else ''}"
    if spec.get("duration") == "one_game":
        return " for one game"
    return ""


def rule_change(parameter: str, old: object, new: object) -> str:
    """A passed rule change in words: "Three-pointers are worth **4** points (was 3)"."""
    p = PARAMS.get(parameter)
    if p is None:
        return "A rule that no longer exists was changed"
    return f"{p.sentence(new, bold=True)} (was {p.show(old)})"


def interpretation_lines(
    interpretation: Mapping[str, Any] | None, team_names: Mapping[str, str]
) -> list[str]:
    """What a proposal does, in words: its rule changes, effects and repeals."""
    found = dict(interpretation or {})
    lines = [
        rule_change(str(c.get("parameter")), c.get("old_value"), c.get("new_value"))
        for c in found.get("changes") or []
    ]
    lines += [effect_words(e, team_names) + spec_duration(e) for e in found.get("effects") or []]
    lines += [f"Ends the effects on {_label(str(r)).lower()}" for r in found.get("repeals") or []]
    return lines


def effect_span(row: Mapping[str, Any], next_round: int, *, finished: bool) -> str:
    """When an effect acts, in words, from where the season stands."""
    first, last = int(row["registered_round"]) + 1, row.get("last_round")
    if row.get("status") == "repealed":
        return f"repealed after round {last}" if last is not None else "repealed"
    if last is None:
        until = "to the end of the season" if finished else "until repealed"
        return f"from round {first} {until}"
    last = int(last)
    if finished or last < next_round:
        return f"rounds {first} to {last}" if last > first else f"round {first} only"
    left = last - max(first, next_round) + 1
    start = f"from round {first}" if next_round <= first else f"since round {first}"
    return f"{start}; ends after round {last} ({left} round{'s' if left != 1 else ''} to go)"


PHASES = {
    "tiebreaker": "tiebreaker",
    "quarterfinal": "quarterfinal",
    "semifinal": "semifinal",
    "final": "final",
}


def _pct(made: int, attempted: int) -> str:
    return f"{made / attempted:.1%}" if attempted else "—"


STAT_SHORT = (
    ("points", "pts"),
    ("rebounds", "reb"),
    ("assists", "ast"),
    ("steals", "stl"),
    ("blocks", "blk"),
)


def stat_block(line: StatLine) -> str:
    """Games, per-game averages, totals and shooting of a stat line."""
    if not line.games:
        return "No games played yet."
    t, g = line.totals, line.games
    record = f"{g} game{'s' if g != 1 else ''}, {line.wins}-{g - line.wins}"
    per = " · ".join(f"{line.per_game(k):.1f} {short}" for k, short in STAT_SHORT)
    totals = " · ".join(f"{t[k]} {short}" for k, short in STAT_SHORT)
    fgm, fga = t["field_goals_made"], t["field_goals_attempted"]
    tpm, tpa = t["three_pointers_made"], t["three_pointers_attempted"]
    shooting = f"FG {_pct(fgm, fga)} ({fgm}/{fga}) · 3P {_pct(tpm, tpa)} ({tpm}/{tpa})"
    return f"{record}\nPer game: {per}\nTotals: {totals}\n{shooting}"


def recent_line(g: browse_repo.RecentGame) -> str:
    phase = f" ({PHASES[g.phase]})" if g.phase in PHASES else ""
    result = "W" if g.won else "L"
    box = g.line
    return (
        f"{g.season}, round {g.round_number}{phase}: **{result} {g.score_for}-{g.score_against}** "
        f"vs {g.opponent} · {box['points']} pts, {box['rebounds']} reb, {box['assists']} ast, "
        f"{box['field_goals_made']}/{box['field_goals_attempted']} FG"
    )


def standing_line(name: str, row: StandingRow) -> str:
    return f"{row.rank}. {clip(name, 60)} {row.wins}-{row.losses} ({row.point_differential:+d})"


# --- Leaders ------------------------------------------------------------------------------------

LEADER_STATS: dict[str, tuple[str, str]] = {  # choice -> (box score column, words)
    "points": ("points", "points"),
    "rebounds": ("rebounds", "rebounds"),
    "assists": ("assists", "assists"),
    "steals": ("steals", "steals"),
    "blocks": ("blocks", "blocks"),
    "three-pointers": ("three_pointers_made", "three-pointers made"),
}
MIN_GAMES_SHARE = 0.5  # of the most games anyone has played, to rank per game in a season


def min_games(leaders: Sequence[browse_repo.Leader]) -> int:
    most = max((leader.games for leader in leaders), default=0)
    return max(1, math.ceil(most * MIN_GAMES_SHARE))


class Browse(commands.Cog):
    def __init__(self, bot: PinwheelBot) -> None:
        self.bot = bot

    # --- autocomplete -------------------------------------------------------------------------

    async def hooper_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await shown_season_choices(self.bot, interaction, current, hoopers_of(self.bot))

    # --- /hooper ------------------------------------------------------------------------------

    @app_commands.command(name="hooper")
    @app_commands.guild_only()
    @app_commands.describe(name="The hooper to show (their team is beside each name)")
    @app_commands.autocomplete(name=hooper_choices)
    async def hooper(self, interaction: discord.Interaction[Any], name: str) -> None:
        """Show a hooper's ratings, bio, moves, season and lifetime stats and last games."""
        league, season = await self.bot.shown_season(interaction)
        db = self.bot.app.db
        card = await browse_repo.hooper_card(db, league.league_id, name)
        if card is None:
            typed = name.strip().lower()
            for hooper_id, hooper_name, team in await browse_repo.season_hoopers(
                db, season.season_id
            ):
                if typed in (hooper_name.lower(), f"{hooper_name} ({team})".lower()):
                    card = await browse_repo.hooper_card(db, league.league_id, hooper_id)
                    break
        if card is None:
            raise NotFoundError("There is no hooper by that name; pick one from the list.")
        stats = await browse_repo.hooper_stats(db, league.league_id, card)
        archetype = ARCHETYPES.get(card.archetype)
        kind = words(card.archetype) + (f", {archetype.blurb}" if archetype else "")
        role = "starter" if card.starter else "bench"
        about = card.bio or card.backstory
        shown = embed(
            card.name, f"**{card.team}** · {kind} · {role}" + (f"\n\n{about}" if about else "")
        )
        rated = [(a, card.attributes[a]) for a in ATTRIBUTE_NAMES if a in card.attributes]
        ratings = [
            f"{ATTRIBUTE_LABELS[a]}: **{v}** ({rating_word(int(v))})"
            for a, v in rated
            if isinstance(v, int)
        ]
        add_field(shown, "Ratings", "\n".join(ratings) or "Not rated yet.", inline=True)
        moves = [
            f"**{m.get('name', 'A move')}**: "
            + (f"{m['description']} " if m.get("description") else "")
            + f"({move_effect(m)})"
            for m in card.moves
        ]
        add_field(shown, "Moves", "\n".join(moves) or "No signature move yet.", inline=True)
        this_season = next(
            (
                s.name
                for s in await browse_repo.league_seasons(db, league.league_id)
                if s.season_id == card.season_id
            ),
            "This season",
        )
        add_field(shown, this_season, stat_block(stats.season))
        add_field(shown, "Lifetime", stat_block(stats.lifetime))
        add_field(
            shown, "Last games", "\n".join(recent_line(g) for g in stats.recent) or "None yet."
        )
        await reply(interaction, embed=shown)

    # --- /leaders -----------------------------------------------------------------------------

    @app_commands.command(name="leaders")
    @app_commands.guild_only()
    @app_commands.describe(
        stat="What to rank the hoopers by",
        scope="This season, per game (the default), or every season of the league in totals",
    )
    @app_commands.choices(
        stat=[app_commands.Choice(name=words(k), value=k) for k in LEADER_STATS],
        scope=[
            app_commands.Choice(name="This season, per game", value="season"),
            app_commands.Choice(name="Lifetime, every season in totals", value="lifetime"),
        ],
    )
    async def leaders(
        self, interaction: discord.Interaction[Any], stat: str, scope: str = "season"
    ) -> None:
        """Show the league's leaders in a stat, this season or over every season."""
        if stat not in LEADER_STATS or scope not in ("season", "lifetime"):
            raise NotFoundError("Pick a stat and a scope from the lists.")
        league, season = await self.bot.shown_season(interaction)
        column, what = LEADER_STATS[stat]
        found = await browse_repo.stat_totals(
            self.bot.app.db,
            league.league_id,
            column,
            season.season_id if scope == "season" else None,
        )
        if scope == "season":
            floor = min_games(found)
            ranked = sorted(
                (x for x in found if x.games >= floor),
                key=lambda x: (-x.per_game, -x.total, x.name),
            )
            lines = [
                f"**{i}. {clip(x.name, 60)}** ({x.team}) · **{x.per_game:.1f}** per game "
                f"({x.total} in {x.games} game{'s' if x.games != 1 else ''})"
                for i, x in enumerate(ranked, 1)
            ]
            head = (
                f"{words(what)} per game in {season.name}; "
                f"at least {floor} game{'s' if floor != 1 else ''} played."
            )
            title = f"{words(stat)} leaders · {season.name}"
        else:
            ranked = sorted(found, key=lambda x: (-x.total, -x.per_game, x.name))
            lines = [
                f"**{i}. {clip(x.name, 60)}** ({x.team}) · **{x.total}** "
                f"({x.per_game:.1f} per game in {x.games} game{'s' if x.games != 1 else ''})"
                for i, x in enumerate(ranked, 1)
            ]
            head = f"{words(what)} over every season of the league."
            title = f"{words(stat)} leaders · all time"
        await send_pages(
            interaction,
            pages_of(title, lines, head=head, empty=f"{head}\n\nNo games have been played yet."),
        )

    # --- /history -----------------------------------------------------------------------------

    @app_commands.command(name="history")
    @app_commands.guild_only()
    async def history(self, interaction: discord.Interaction[Any]) -> None:
        """Show the league's seasons: champions, awards, rules passed and final standings."""
        league = await self.bot.league(interaction)
        db = self.bot.app.db
        seasons = await browse_repo.league_seasons(db, league.league_id)
        shown = [await self.season_page(s) for s in seasons]
        if not shown:
            raise NotFoundError("This league has no season yet.")
        if len(shown) > 1:
            for i, page in enumerate(shown, 1):
                page.set_footer(text=f"Page {i}/{len(shown)} · {page.footer.text}")
        await send_pages(interaction, shown)

    async def season_page(self, season: SeasonEntry) -> discord.Embed:
        db = self.bot.app.db
        story = await browse_repo.season_story(db, season)
        state = (
            ""
            if season.finished
            else (" · offseason" if season.status == "offseason" else " · in progress")
        )
        page = embed(f"{season.name}{state}")
        if story.champion:
            champion = f"**{story.champion}**"
        elif season.finished:
            champion = "None: the season ended before a champion was crowned."
        else:
            champion = "Still to be decided."
        add_field(page, "Champions", champion)
        awards = [
            f"**{a.get('title', 'Award')}**: {a.get('name', '?')} ({a.get('why', '')})".replace(
                " ()", ""
            )
            for a in story.awards
        ]
        if awards or story.champion:
            add_field(page, "Awards", "\n".join(awards) or "None given.")
        names = await browse_repo.team_names(
            db, [str(r["definition"].get("target", "")) for r in story.effects]
        )
        passed = [
            rule_change(str(e.get("parameter")), e.get("old_value"), e.get("new_value"))
            for e in story.enacted
        ]
        passed += [
            f"{effect_words(row['definition'], names)}, {effect_span(row, 0, finished=True)}"
            for row in story.effects
        ]
        add_field(page, "Rules passed", "\n".join(f"• {p}" for p in passed) or "None.")
        standings = await discord_repo.standings(db, season.season_id)
        top = [standing_line(name, row) for name, row in standings[:4]]
        label = "Final standings" if season.finished or story.champion else "Standings"
        add_field(page, label, "\n".join(top) or "No games played.")
        page.set_footer(text=f"{story.games} game{'s' if story.games != 1 else ''} played")
        return page

    # --- /effects -----------------------------------------------------------------------------

    @app_commands.command(name="effects")
    @app_commands.guild_only()
    async def effects(self, interaction: discord.Interaction[Any]) -> None:
        """Show the effects of passed proposals in force right now, and when each ends."""
        _, season = await self.bot.shown_season(interaction)
        db = self.bot.app.db
        rows, next_round = await browse_repo.season_effects(db, season.season_id)
        finished = season.finished
        if not finished:
            rows = [
                r
                for r in rows
                if r["status"] == "active"
                and (r["last_round"] is None or r["last_round"] >= next_round)
            ]
        targets = [str(r["definition"].get("target", "")) for r in rows]
        names = await browse_repo.team_names(db, targets)
        lines = [
            f"• {effect_words(r['definition'], names)} · "
            f"{effect_span(r, next_round, finished=finished)}"
            for r in rows
        ]
        if finished:
            title, empty = f"Effects · {season.name}", f"No effects were passed in {season.name}."
        else:
            title, empty = "Effects in force", "No effects are in force right now."
        await send_pages(interaction, pages_of(title, lines, empty=empty))


async def setup(bot: PinwheelBot) -> None:
    await bot.add_cog(Browse(bot))
