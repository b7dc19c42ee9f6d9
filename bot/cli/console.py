"""The offline terminal when it is a terminal: every round's games live, in place.

`LiveConsolePoster` prints every post as `ConsolePoster` does, but keeps the games being
shown in a `rich` live table (one row per game: the score, the clock, the last play) that is
redrawn as their frames come in; when a game's final card arrives its row leaves the table and
the card is printed above it. Output that is not a terminal gets the plain lines instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.live import Live
from rich.table import Table

from bot.app.league.outbox import ConsolePoster


class LiveConsolePoster(ConsolePoster):
    def __init__(self, console: Console | None = None, *, transcript: Path | None = None) -> None:
        self.console = console or Console()
        super().__init__(transcript=transcript)  # prints go through the console instead
        self.rows: dict[str, tuple[str, str, str]] = {}  # live key -> (score, clock, play)
        self.live: Live | None = None

    def show(self, key: str, line: str, payload: dict[str, Any]) -> None:
        frame = payload.get("frame")
        if payload.get("live") and isinstance(frame, dict):
            embed = payload.get("embed") or {}
            plays = frame.get("plays") or [""]
            self.rows[key] = (str(embed.get("title", "")), str(frame["clock"]), str(plays[-1]))
            self._redraw()
            return
        self.rows.pop(key, None)
        self.console.print(line, markup=False, highlight=False)
        self._redraw()

    def _redraw(self) -> None:
        if not self.rows:
            if self.live is not None:
                self.live.stop()
                self.live = None
            return
        table = Table(
            title="Live in #play-by-play", expand=True, title_justify="left", box=box.SIMPLE
        )
        table.add_column("Game", style="bold", no_wrap=True)
        table.add_column("Clock", no_wrap=True)
        table.add_column("Last play", no_wrap=True, overflow="ellipsis", ratio=1)
        for score, clock, play in self.rows.values():
            table.add_row(score, clock, play)
        if self.live is None:
            self.live = Live(table, console=self.console, auto_refresh=False, transient=True)
            self.live.start()
        self.live.update(table, refresh=True)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
