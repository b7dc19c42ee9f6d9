"""The offline terminal: plain lines when it is not a terminal (a DM names its governor, a
team channel's copy of a card is not printed twice, a live message once per frame), and in a
terminal the games being shown in one live table, each leaving it as its final card prints."""

from __future__ import annotations

import io

from rich.console import Console

from bot.app.league.outbox import ConsolePoster
from bot.cli.console import LiveConsolePoster


def frame_payload(title: str, clock: str, play: str, revision: int = 0) -> dict[str, object]:
    payload: dict[str, object] = {
        "text": f"{title} · {clock} · {play}",
        "embed": {"title": title},
        "live": True,
        "frame": {"clock": clock, "plays": [play]},
    }
    if revision:
        payload["revision"] = revision
    return payload


async def test_plain_lines_name_the_dm_governor_and_skip_team_copies() -> None:
    out = io.StringIO()
    poster = ConsolePoster(out)

    await poster.post("m:1", "mirror.private", "dm:0ddf682a", {"text": "Hi", "recipient": "Bo"})
    await poster.post("card:g:0", "card", "team:Foster Foxes", {"text": "FINAL · x"})
    await poster.post("live:g", "live", "play-by-play", frame_payload("A 2 – 0 B", "Q1 9:10", "x"))
    await poster.post(
        "live:g", "live", "play-by-play", frame_payload("A 2 – 0 B", "Q1 9:10", "x"), ref="console"
    )  # the same frame handed over again: printed once
    await poster.post(
        "live:g", "live", "play-by-play", frame_payload("A 4 – 0 B", "Q1 8:40", "y", 1)
    )

    lines = out.getvalue().splitlines()
    assert lines[0] == "[DM to Bo] Hi"
    assert "0ddf682a" not in out.getvalue() and "Foster Foxes" not in out.getvalue()
    assert lines[1:] == [
        "[#play-by-play] A 2 – 0 B · Q1 9:10 · x",
        "[#play-by-play] A 4 – 0 B · Q1 8:40 · y",
    ]


async def test_a_terminal_shows_the_games_live_then_prints_each_final_card() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    poster = LiveConsolePoster(console)

    await poster.post(
        "live:a", "live", "play-by-play", frame_payload("Foxes 2 – 0 Owls", "Q1 9:10", "a three")
    )
    await poster.post(
        "live:b", "live", "play-by-play", frame_payload("Kites 0 – 3 Tides", "Q1 9:20", "a dunk")
    )
    both = dict(poster.rows)
    await poster.post(
        "live:a",
        "live",
        "play-by-play",
        {"text": "FINAL · Foxes 61, Owls 58", "final": True, "revision": 5},
    )
    after_a = dict(poster.rows)
    await poster.post(
        "live:b",
        "live",
        "play-by-play",
        {"text": "FINAL · Tides 60, Kites 59", "final": True, "revision": 5},
    )

    assert set(both) == {"live:a", "live:b"} and set(after_a) == {"live:b"}
    assert poster.rows == {} and poster.live is None  # the table is gone with the last game
    printed = screen.getvalue()
    assert "Live in #play-by-play" in printed and "Kites 0 – 3 Tides" in printed
    assert "[#play-by-play] FINAL · Foxes 61, Owls 58" in printed
    assert printed.index("FINAL · Foxes") < printed.index("FINAL · Tides")
