"""A round's results as one post: every game on its own line, the round's top scorer and
the standings leader, as an embed-shaped dict and as terminal text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.render.game import colour_int

PHASES = {
    "regular": "",
    "tiebreaker": "Tiebreaker",
    "quarterfinal": "Quarterfinals",
    "semifinal": "Semifinals",
    "final": "The final",
}
COLOUR = "#F58426"  # the league's own orange


def results_title(round_number: int, phase: str) -> str:
    stage = PHASES.get(phase, phase.capitalize())
    return f"Round {round_number} results" + (f" · {stage}" if stage else "")


def _game_line(g: Mapping[str, Any]) -> str:
    close = " · a squeaker" if g["margin"] <= 3 else ""
    return f"**{g['winner']} {g['winner_score']}**, {g['loser']} {g['loser_score']}{close}"


def results_embed(
    round_number: int,
    phase: str,
    games: Sequence[Mapping[str, Any]],
    *,
    season: str = "",
    top_scorer: Mapping[str, Any] | None = None,
    leader: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    fields = []
    if top_scorer:
        fields.append(
            {
                "name": "Top scorer",
                "value": f"{top_scorer['name']} ({top_scorer['team']}), "
                f"{top_scorer['points']} points",
                "inline": True,
            }
        )
    if leader:
        fields.append(
            {"name": "On top", "value": f"{leader['team']}, {leader['record']}", "inline": True}
        )
    footer = " · ".join(p for p in (season, f"Round {round_number}") if p)
    return {
        "title": results_title(round_number, phase),
        "description": "\n".join(_game_line(g) for g in games) or "No games.",
        "color": colour_int(COLOUR),
        "fields": fields,
        "footer": {"text": footer},
    }


def results_text(round_number: int, phase: str, games: Sequence[Mapping[str, Any]]) -> str:
    lines = [f"{g['winner']} {g['winner_score']}, {g['loser']} {g['loser_score']}" for g in games]
    return f"{results_title(round_number, phase)}: " + "; ".join(lines)
