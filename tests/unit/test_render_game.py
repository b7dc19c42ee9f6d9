"""A game's cards (bot.render.game): the live scoreboard, the final card and the box score,
as Discord embeds that stay inside Discord's limits and say what a fan wants to know."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import discord

from bot.render import colours
from bot.render.game import (
    BoxLine,
    GameCard,
    box_score_embed,
    final_embed,
    final_text,
    live_embed,
    live_text,
)
from bot.sim.frames import Frame


def line(name: str, side: int, points: int, **kw: Any) -> BoxLine:
    values = {
        "starter": True,
        "minutes": 25.0,
        "field_goals_made": 9,
        "field_goals_attempted": 20,
        "three_pointers_made": 3,
        "three_pointers_attempted": 7,
        "free_throws_made": 2,
        "free_throws_attempted": 2,
        "rebounds": 8,
        "assists": 2,
        "steals": 1,
        "blocks": 0,
        "turnovers": 3,
        "plus_minus": 4,
        **kw,
    }
    return BoxLine(name=name, side=side, points=points, **values)


CARD = GameCard(
    game_id="6f5c9e7e-0000-4000-8000-000000000001",
    season="Season 2",
    round_number=22,
    game_number=1,
    games_in_round=2,
    home="Rose City Thorns",
    away="Kenton Ravens",
    home_colour="#C8102E",
    away_colour="#CE1141",  # two reds: the card must still tell them apart
    home_score=59,
    away_score=58,
    period_scores=((18, 16), (16, 20), (14, 12), (11, 10)),
    period_labels=("Q1", "Q2", "Q3", "Elam"),
    elam_target=59,
    lead_changes=9,
    largest_lead=11,
    stage="Semifinal, game 2",
    series_before="Thorns lead 1-0",
    series_after="Thorns lead 2-0",
    finisher="Dot Lindqvist",
    last_play="Dot Lindqvist makes a free throw to win it!",
    lines=(
        line("Dot Lindqvist", 0, 33),
        line("Ada Brennan", 0, 15),
        line("Lou Guerrero", 0, 6),
        line("Otis Dubois", 0, 5, starter=False),
        line("Zed Lindqvist", 1, 32),
        line("Gil Okafor", 1, 16),
        line("Cal Osei", 1, 5),
        line("Wren Ibarra", 1, 5, starter=False),
    ),
)


def frame(home: int, away: int, **kw: Any) -> Frame:
    values: dict[str, Any] = {
        "index": 7,
        "at": 40.0,
        "possession": 60,
        "period": 2,
        "clock": "Q2 4:31",
        "elam_target": None,
        "plays": ("Ada Brennan misses a three", "Zed Lindqvist makes a three"),
        "markers": ("Lead change",),
        "leader": 0 if home > away else (1 if away > home else -1),
        "final": False,
        **kw,
    }
    return Frame(home_score=home, away_score=away, **values)


def fits_discord(embed: dict[str, Any]) -> None:
    made = discord.Embed.from_dict(embed)
    assert len(made) <= 6000 and len(made.fields) <= 25
    assert len(made.title or "") <= 256 and len(made.description or "") <= 4096
    assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in made.fields)


def test_the_live_scoreboard_shows_the_score_the_clock_and_the_last_plays() -> None:
    shown = live_embed(CARD, frame(31, 28))

    assert shown["title"] == "Rose City Thorns 31 – 28 Kenton Ravens"
    assert shown["description"].startswith("**Q2 4:31** · Rose City Thorns lead by 3")
    assert "**Lead change**" in shown["description"]
    assert shown["description"].endswith("▸ **Zed Lindqvist makes a three**")  # newest last
    assert shown["author"]["name"] == "LIVE · Semifinal, game 2 · Thorns lead 1-0"
    assert shown["footer"]["text"] == "Season 2 · Round 22 · Game 1 of 2"
    fits_discord(shown)


def test_the_live_colour_is_the_leaders_and_neutral_when_tied() -> None:
    home, away = CARD.colours
    assert live_embed(CARD, frame(31, 28))["color"] == int(home[1:], 16)
    assert live_embed(CARD, frame(28, 31))["color"] == int(away[1:], 16)
    assert live_embed(CARD, frame(30, 30))["color"] not in (int(home[1:], 16), int(away[1:], 16))


def test_in_the_elam_ending_the_target_and_what_the_leader_needs_replace_the_clock() -> None:
    shown = live_embed(CARD, frame(55, 52, clock="Elam · first to 59", elam_target=59))
    assert shown["description"].startswith("**Elam · first to 59** · Rose City Thorns need 4")
    assert "Elam · first to 59" in live_text(CARD, frame(55, 52, clock="Elam · first to 59"))


def test_two_teams_in_close_colours_are_drawn_apart() -> None:
    home, away = CARD.colours
    assert colours.distance(CARD.home_colour, CARD.away_colour) < colours.MIN_DISTANCE
    assert colours.distance(home, away) >= colours.MIN_DISTANCE


def test_the_final_card_tells_the_result_the_ending_the_periods_and_the_stars() -> None:
    card = final_embed(CARD)

    assert card["title"] == "Rose City Thorns 59 – 58 Kenton Ravens"
    assert card["color"] == int(CARD.colours[0][1:], 16)  # the winner's colour
    assert "**Semifinal, game 2 · Thorns lead 2-0**" in card["description"]
    assert (
        "Elam ending, first to 59: Dot Lindqvist makes a free throw to win it!"
        in (card["description"])
    )
    assert "9 lead changes · largest lead 11" in card["description"]
    periods, stars = card["fields"]
    assert periods["name"] == "Score by period"
    table = periods["value"].strip("`").strip().splitlines()
    assert table[0].split() == ["Q1", "Q2", "Q3", "Elam", "T"]
    assert table[1].split() == ["Thorns", "18", "16", "14", "11", "59"]
    assert table[2].split() == ["Ravens", "16", "20", "12", "10", "58"]
    assert stars["value"].splitlines()[0] == (
        "**Dot Lindqvist** (Rose City Thorns) 33 pts · 8 reb · 2 ast · 1 stl · 0 blk · "
        "FG 9-20 · 3P 3-7"
    )
    assert len(stars["value"].splitlines()) == 4  # two of each team, the winners first
    assert card["image"] == {"url": "attachment://score-flow.png"}
    assert card["footer"]["text"] == live_embed(CARD, frame(1, 0))["footer"]["text"]
    fits_discord(card)


def test_the_final_card_in_the_terminal_is_short_and_plain() -> None:
    text = final_text(CARD)
    assert text.splitlines()[0] == (
        "FINAL · Rose City Thorns 59, Kenton Ravens 58 · Semifinal, game 2 · Thorns lead 2-0"
    )
    assert "**" not in text and len(text.splitlines()) <= 7


def test_the_box_score_lists_every_hooper_with_a_full_line() -> None:
    box = box_score_embed(CARD)

    assert [f["name"] for f in box["fields"]] == ["Rose City Thorns — 59", "Kenton Ravens — 58"]
    for field, side in zip(box["fields"], (0, 1), strict=True):
        rows = field["value"].strip("`").strip().splitlines()
        assert rows[0].split() == [
            "Hooper", "MIN", "PTS", "REB", "AST", "STL", "BLK", "FG", "3P", "FT", "TO", "+/-"
        ]  # fmt: skip
        names = [x.name for x in CARD.lines if x.side == side]
        assert [r[:13].strip() for r in rows[1:]] == names  # starters first, then the bench
        assert re.search(r"9-20\s+3-7\s+2-2\s+3\s+\+4$", rows[1])
    fits_discord(box)


def test_names_a_hundred_characters_long_still_fit_discords_limits() -> None:
    long = replace(
        CARD,
        home="H" * 100,
        away="A" * 100,
        lines=tuple(replace(x, name="N" * 100) for x in CARD.lines),
        last_play="P" * 400,
    )
    for embed in (live_embed(long, frame(3, 2)), final_embed(long), box_score_embed(long)):
        fits_discord(embed)
