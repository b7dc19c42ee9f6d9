"""Stored keys in the words players read them in: shared by Discord, the terminal and the web."""

from __future__ import annotations

ATTRIBUTE_LABELS = {
    "scoring": "Scoring",
    "passing": "Passing",
    "defense": "Defence",
    "speed": "Speed",
    "stamina": "Stamina",
    "iq": "Basketball IQ",
    "ego": "Ego",
    "chaotic_alignment": "Chaos",
    "fate": "Fate",
}


def rating_word(value: int) -> str:
    """A 1-100 rating (the league averages 50) in a word."""
    if value >= 80:
        return "elite"
    if value >= 65:
        return "strong"
    if value >= 45:
        return "average"
    if value >= 30:
        return "modest"
    return "weak"


def words(name: str) -> str:
    """A stored key as players read it: 'floor_general' -> 'Floor general'."""
    return name.replace("_", " ").strip().capitalize()
