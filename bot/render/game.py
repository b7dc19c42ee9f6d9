"""A game's cards: the live scoreboard at one frame, the final card and the full box score,
each as an embed-shaped dict (Discord's embed JSON, which the web and `pinwheel present` reuse)
and as terminal text.

Everything here reads a `GameCard` (what the database knows of one game, already in words and
numbers) and a `Frame` (bot.sim.frames); nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.render.colours import pair
from bot.sim.frames import Frame

CHART_FILE = "score-flow.png"
NAME_COLUMN = 13  # characters of a hooper's name in a box-score table
TITLE_MAX, DESCRIPTION_MAX, FIELD_MAX = 256, 4096, 1024
NEUTRAL = "#99AAB5"  # a tied game's live colour


@dataclass(frozen=True, slots=True)
class BoxLine:
    """One hooper's line, with the team side (0 home, 1 away)."""

    name: str
    side: int
    starter: bool
    minutes: float
    points: int
    field_goals_made: int
    field_goals_attempted: int
    three_pointers_made: int
    three_pointers_attempted: int
    free_throws_made: int
    free_throws_attempted: int
    rebounds: int
    assists: int
    steals: int
    blocks: int
    turnovers: int
    plus_minus: int

    def stat_line(self) -> str:
        return (
            f"{self.points} pts · {self.rebounds} reb · {self.assists} ast · "
            f"{self.steals} stl · {self.blocks} blk · "
            f"FG {self.field_goals_made}-{self.field_goals_attempted} · "
            f"3P {self.three_pointers_made}-{self.three_pointers_attempted}"
        )


@dataclass(frozen=True, slots=True)
class GameCard:
    """What a card says about one game."""

    game_id: str
    season: str  # "Season 1"
    round_number: int
    game_number: int  # its place in the round, from 1
    games_in_round: int
    home: str
    away: str
    home_colour: str  # as stored; `colours` keeps the pair distinguishable
    away_colour: str
    home_score: int
    away_score: int
    period_scores: tuple[tuple[int, int], ...]
    period_labels: tuple[str, ...]
    elam_target: int  # 0: no Elam ending
    lead_changes: int
    largest_lead: int
    stage: str = ""  # "Semifinal, game 2", "Tiebreaker"; "" in the regular season
    series_before: str = ""  # "Thorns lead 1-0" (the live message: before this game)
    series_after: str = ""  # "Thorns lead 2-0" / "Thorns win the series 2-1"
    finisher: str = ""  # who reached the Elam target (or scored last): "Dot Lindqvist"
    last_play: str = ""  # the final play in words
    lines: tuple[BoxLine, ...] = field(default_factory=tuple)

    @property
    def colours(self) -> tuple[str, str]:
        return pair(self.home_colour, self.away_colour)

    @property
    def winner_side(self) -> int:
        return 0 if self.home_score > self.away_score else 1

    @property
    def signature(self) -> str:
        """The footer: stays the same on every frame and the final card, and names the game
        uniquely in its channel (a retried post looks for it)."""
        return (
            f"{self.season} · Round {self.round_number} · "
            f"Game {self.game_number} of {self.games_in_round}"
        )

    def name(self, side: int) -> str:
        return self.home if side == 0 else self.away

    def score(self, side: int) -> int:
        return self.home_score if side == 0 else self.away_score


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def colour_int(colour: str) -> int:
    return int(colour.lstrip("#"), 16)


def short_name(name: str, width: int = 12) -> str:
    """A team name for a narrow table: the nickname ("Ravens") when the whole will not fit."""
    if len(name) <= width:
        return name
    last = name.split()[-1]
    return _clip(last, width)


def table_names(card: GameCard, width: int = 12) -> tuple[str, str]:
    """Both teams as a table names them: in full if both fit, else both by nickname."""
    if len(card.home) <= width and len(card.away) <= width:
        return card.home, card.away
    return _clip(card.home.split()[-1], width), _clip(card.away.split()[-1], width)


def _stage_line(card: GameCard, series: str) -> str:
    parts = [p for p in (card.stage, series) if p]
    return " · ".join(parts)


def _situation(card: GameCard, frame: Frame) -> str:
    """ "Foxes lead by 3", "Tied", "Ravens need 4 to win"."""
    home, away = frame.home_score, frame.away_score
    if frame.elam_target:
        ahead = 0 if home >= away else 1
        need = frame.elam_target - max(home, away)
        return f"{short_name(card.name(ahead), 30)} need {need} to win"
    if home == away:
        return "Tied" if home else "Tip-off"
    ahead = 0 if home > away else 1
    return f"{short_name(card.name(ahead), 30)} lead by {abs(home - away)}"


def live_embed(card: GameCard, frame: Frame) -> dict[str, Any]:
    """The live scoreboard: the score, the clock, what just happened, the last plays."""
    colours = card.colours
    colour = NEUTRAL if frame.leader < 0 else colours[frame.leader]
    lines = [f"**{frame.clock}** · {_situation(card, frame)}"]
    if frame.markers:
        lines.append("> " + " · ".join(f"**{m}**" for m in frame.markers))
    if frame.plays:
        lines.append("")
        *older, newest = frame.plays
        lines += [f"▸ {p}" for p in older] + [f"▸ **{newest}**"]
    stage = _stage_line(card, card.series_before)
    return {
        "author": {"name": _clip(f"LIVE · {stage}" if stage else "LIVE", TITLE_MAX)},
        "title": _clip(
            f"{card.home} {frame.home_score} – {frame.away_score} {card.away}", TITLE_MAX
        ),
        "description": _clip("\n".join(lines), DESCRIPTION_MAX),
        "color": colour_int(colour),
        "footer": {"text": card.signature},
    }


def live_text(card: GameCard, frame: Frame) -> str:
    """The live scoreboard as one terminal line."""
    play = frame.plays[-1] if frame.plays else ""
    markers = f" [{', '.join(frame.markers)}]" if frame.markers else ""
    return (
        f"{card.home} {frame.home_score}-{frame.away_score} {card.away} · {frame.clock}"
        f"{markers} · {play}"
    )


def period_table(card: GameCard) -> str:
    """The score by period as a fixed-width table."""
    labels = [*card.period_labels[: len(card.period_scores)], "T"]
    names = table_names(card)
    width = max(len(n) for n in names)
    cells = [max(3, len(label)) for label in labels]
    head = " " * width + "".join(f" {label:>{w}}" for label, w in zip(labels, cells, strict=True))
    rows = [head]
    for side in (0, 1):
        values = [p[side] for p in card.period_scores] + [card.score(side)]
        row = f"{names[side]:<{width}}"
        row += "".join(f" {v:>{w}}" for v, w in zip(values, cells, strict=True))
        rows.append(row)
    return "\n".join(rows)


def top_performers(card: GameCard, count: int = 2) -> list[BoxLine]:
    """The best lines of each team by points (then rebounds and assists), winners first."""
    best: list[BoxLine] = []
    for side in (card.winner_side, 1 - card.winner_side):
        team = [line for line in card.lines if line.side == side]
        team.sort(key=lambda x: (-x.points, -(x.rebounds + x.assists), x.name))
        best += team[:count]
    return best


def lead_changes(count: int) -> str:
    return {0: "No lead changes", 1: "1 lead change"}.get(count, f"{count} lead changes")


def _final_description(card: GameCard, *, bold: bool = True, stage: bool = True) -> str:
    lines = []
    context = _stage_line(card, card.series_after)
    if context and stage:
        lines.append(f"**{context}**" if bold else context)
    winner = card.name(card.winner_side)
    ending = card.last_play or (
        f"{card.finisher} scores for {winner}." if card.finisher else f"{winner} win."
    )
    if card.elam_target:
        lines.append(f"Elam ending, first to {card.elam_target}: {ending}")
    else:
        lines.append(f"Last play: {ending}")
    lines.append(f"{lead_changes(card.lead_changes)} · largest lead {card.largest_lead}")
    return "\n".join(lines)


def final_embed(card: GameCard, *, chart: bool = True) -> dict[str, Any]:
    """The final card: the result in the winner's colour, the score by period, the Elam
    target and who reached it, lead changes, the top performers and the score-flow chart."""
    winner, loser = card.winner_side, 1 - card.winner_side
    top = "\n".join(
        f"**{line.name}** ({short_name(card.name(line.side), 20)}) {line.stat_line()}"
        for line in top_performers(card)
    )
    embed: dict[str, Any] = {
        "author": {"name": "FINAL"},
        "title": _clip(
            f"{card.name(winner)} {card.score(winner)} – {card.score(loser)} {card.name(loser)}",
            TITLE_MAX,
        ),
        "description": _clip(_final_description(card), DESCRIPTION_MAX),
        "color": colour_int(card.colours[winner]),
        "fields": [
            {
                "name": "Score by period",
                "value": _clip(f"```\n{period_table(card)}\n```", FIELD_MAX),
                "inline": False,
            },
            {"name": "Top performers", "value": _clip(top or "—", FIELD_MAX), "inline": False},
        ],
        "footer": {"text": card.signature},
    }
    if chart:
        embed["image"] = {"url": f"attachment://{CHART_FILE}"}
    return embed


def final_text(card: GameCard) -> str:
    """The final card for the terminal: the result, how it ended, the score by period and
    each team's best line."""
    winner, loser = card.winner_side, 1 - card.winner_side
    context = _stage_line(card, card.series_after)
    head = f"FINAL · {card.name(winner)} {card.score(winner)}, {card.name(loser)} "
    head += f"{card.score(loser)}" + (f" · {context}" if context else "")
    best = {line.side: line for line in reversed(top_performers(card, count=1))}
    stars = " · ".join(
        f"{b.name} ({short_name(card.name(b.side), 20)}) {b.points} pts, {b.rebounds} reb, "
        f"{b.assists} ast"
        for b in (best[s] for s in (winner, loser) if s in best)
    )
    return "\n".join(
        [
            head,
            _final_description(card, bold=False, stage=False),
            period_table(card),
            f"Best: {stars}",
        ]
    )


BOX_HEADER = ("MIN", "PTS", "REB", "AST", "STL", "BLK", "FG", "3P", "FT", "TO", "+/-")


def _box_row(line: BoxLine) -> tuple[str, ...]:
    return (
        f"{line.minutes:.0f}",
        str(line.points),
        str(line.rebounds),
        str(line.assists),
        str(line.steals),
        str(line.blocks),
        f"{line.field_goals_made}-{line.field_goals_attempted}",
        f"{line.three_pointers_made}-{line.three_pointers_attempted}",
        f"{line.free_throws_made}-{line.free_throws_attempted}",
        str(line.turnovers),
        f"{line.plus_minus:+d}",
    )


def box_table(lines: Sequence[BoxLine]) -> str:
    """One team's full box score as a fixed-width table."""
    rows = [_box_row(line) for line in lines]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(BOX_HEADER)]
    out = [
        "Hooper".ljust(NAME_COLUMN)
        + "".join(f" {h:>{w}}" for h, w in zip(BOX_HEADER, widths, strict=True))
    ]
    for line, row in zip(lines, rows, strict=True):
        name = _clip(line.name, NAME_COLUMN).ljust(NAME_COLUMN)
        out.append(name + "".join(f" {v:>{w}}" for v, w in zip(row, widths, strict=True)))
    return "\n".join(out)


def box_score_embed(card: GameCard) -> dict[str, Any]:
    """The full box score, both teams (the Box score button's reply)."""
    fields = []
    for side in (0, 1):
        team = sorted(
            (line for line in card.lines if line.side == side),
            key=lambda x: (not x.starter, -x.points, x.name),
        )
        fields.append(
            {
                "name": f"{card.name(side)} — {card.score(side)}",
                "value": _clip(f"```\n{box_table(team)}\n```", FIELD_MAX),
                "inline": False,
            }
        )
    return {
        "title": _clip(
            f"Box score: {card.home} {card.home_score} – {card.away_score} {card.away}",
            TITLE_MAX,
        ),
        "description": _stage_line(card, card.series_after) or None,
        "color": colour_int(card.colours[card.winner_side]),
        "fields": fields,
        "footer": {"text": card.signature},
    }
