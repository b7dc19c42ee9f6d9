"""Per-game commentary (seed 000's `commentary`): the moments worth a line, with an energy level.

One line per possession at most (the table's key), picked from the play-by-play: the Elam
target, signature moves, made threes, lead changes late, and the shot that ended it.
"""

from __future__ import annotations

from typing import Any

from bot.sim import GameResult
from bot.sim import playbyplay as pbp

MAX_LINES = 16


def _energy(row: tuple[int, ...], target: int) -> str:
    code, _, period, _, _, _, _, home, away = row
    if period >= 4 or code == pbp.ELAM_START:
        close = target and max(home, away) >= target - 6
        return "peak" if close else "high"
    if abs(home - away) <= 3:
        return "high" if period >= 3 else "medium"
    return "low" if abs(home - away) > 12 else "medium"


def game_commentary(result: GameResult, game_id: str, at: Any) -> list[dict[str, Any]]:
    names = [line.name for line in result.box_scores]
    rows = result.play_by_play
    picked: dict[int, tuple[tuple[int, ...], list[str]]] = {}
    last_made = None
    for row in rows:
        code, possession, _, _, _, _, aux, _, _ = row
        tags: list[str] = []
        if code == pbp.ELAM_START:
            tags = ["elam"]
        elif code == pbp.SIGNATURE_MOVE:
            tags = ["signature_move"]
        elif code == pbp.SHOT_MADE and aux == 2:
            tags = ["three"]
        if code in (pbp.SHOT_MADE, pbp.FREE_THROW_MADE):
            last_made = row
        if tags and possession not in picked:
            picked[possession] = (row, tags)
    if last_made is not None:
        picked[last_made[1]] = (last_made, ["game_winner"])
    chosen = sorted(picked.items())
    if len(chosen) > MAX_LINES:
        # Keep the last lines (the ending) and an even spread of the rest.
        head, tail = chosen[:-4], chosen[-4:]
        step = len(head) / (MAX_LINES - 4)
        chosen = [head[int(i * step)] for i in range(MAX_LINES - 4)] + tail
    return [
        {
            "id": f"{game_id[:30]}-{possession}"[:36],
            "game_id": game_id,
            "possession_index": possession,
            "quarter": row[2],
            "commentary_text": pbp.describe(row, names),
            "energy": "peak" if "game_winner" in tags else _energy(row, result.elam_target),
            "tags": tags,
            "created_at": at,
        }
        for possession, (row, tags) in chosen
    ]
