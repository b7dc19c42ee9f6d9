"""Per-game commentary (the `commentary` table): the moments worth a line, with an energy level.

One line per possession at most (the table's key), picked from the play-by-play: signature
moves, made threes, lead changes late, and the shot that ended it; each told as the whole
possession in words (`bot.sim.frames.possession_line`). The live scoreboard shows these lines
where they exist; the Elam ending has its own moment there, so it needs no line here.
"""

from __future__ import annotations

from typing import Any

from bot.sim import GameResult
from bot.sim import playbyplay as pbp
from bot.sim.frames import possession_line

MAX_LINES = 16


def _energy(row: tuple[int, ...], target: int) -> str:
    code, _, period, _, _, _, _, home, away = row
    if period >= 4 or code == pbp.ELAM_START:
        close = target and max(home, away) >= target - 6
        return "peak" if close else "high"
    if abs(home - away) <= 3:
        return "high" if period >= 3 else "medium"
    return "low" if abs(home - away) > 12 else "medium"


def _flavour(line: str, tags: list[str], mover: str) -> str:
    if "game_winner" in tags:
        return f"{line} to win it!"
    if "signature_move" in tags and "signature move" not in line:
        return f"{mover} pulls out a signature move: {line}"
    return line


def game_commentary(result: GameResult, game_id: str, at: Any) -> list[dict[str, Any]]:
    names = [line.name for line in result.box_scores]
    rows = result.play_by_play
    by_possession: dict[int, list[tuple[int, ...]]] = {}
    picked: dict[int, tuple[tuple[int, ...], list[str]]] = {}
    last_made = None
    for row in rows:
        code, possession, _, _, _, _, aux, _, _ = row
        if code in (pbp.PERIOD_START, pbp.PERIOD_END, pbp.SUBSTITUTION, pbp.ELAM_START):
            continue
        by_possession.setdefault(possession, []).append(row)
        tags: list[str] = []
        if code == pbp.SIGNATURE_MOVE:
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
    notes = []
    for possession, (row, tags) in chosen:
        line = possession_line(by_possession[possession], names) or pbp.words(row, names)
        notes.append(
            {
                "id": f"{game_id[:30]}-{possession}"[:36],
                "game_id": game_id,
                "possession_index": possession,
                "quarter": row[2],
                "commentary_text": _flavour(line, tags, names[row[5]] if row[5] >= 0 else ""),
                "energy": "peak" if "game_winner" in tags else _energy(row, result.elam_target),
                "tags": tags,
                "created_at": at,
            }
        )
    return notes
