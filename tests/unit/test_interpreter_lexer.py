"""Reading numbers and tokens out of proposal text."""

from __future__ import annotations

import pytest

from bot.ai.lexer import read_number, tokenize


@pytest.mark.parametrize(
    ("text", "value", "extra"),
    [
        ("24", 24, {}),
        ("0.6", 0.6, {}),
        (".5", 0.5, {}),
        ("1,000", 1000, {}),
        ("twenty-four", 24, {}),
        ("ninety nine", 99, {}),
        ("a hundred", 100, {}),
        ("one hundred twenty three thousand four hundred fifty six", 123456, {}),
        ("zero point six", 0.6, {}),
        ("a dozen", 12, {}),
        ("a third", 1 / 3, {"fraction": True}),
        ("two thirds", 2 / 3, {"fraction": True}),
        ("1/3", 1 / 3, {"fraction": True}),
        ("half", 0.5, {"fraction": True}),
        ("50%", 50, {"percent": True}),
        ("50 percent", 50, {"percent": True}),
        ("50 per cent", 50, {"percent": True}),
        ("2x", 2, {"times": True}),
        ("x3", 3, {"times": True}),
        ("3 times", 3, {"times": True}),
        ("+2", 2, {"sign": 1}),
        ("-3", -3, {"sign": -1}),
        ("20s", 20, {"unit": "seconds"}),
        ("twelve minutes", 12, {"unit": "minutes"}),
        ("25 ft", 25, {"unit": "feet"}),
        ("third quarter", 3, {"unit": "quarters"}),
        ("3rd quarter", 3, {"unit": "quarters"}),
        ("unlimited", float("inf"), {}),
        ("9" * 40, float("inf"), {}),
    ],
)
def test_numbers_in_digits_and_words(text: str, value: float, extra: dict[str, object]) -> None:
    tokens = tokenize(text)
    number = read_number(tokens, 0, len(tokens))
    assert number is not None
    assert number.value == pytest.approx(value)
    for name, expected in extra.items():
        assert getattr(number, name) == expected, name


@pytest.mark.parametrize("text", ["second", "for a second", "a", "the", "point", "threes", "-"])
def test_words_that_are_not_numbers(text: str) -> None:
    tokens = tokenize(text)
    assert read_number(tokens, 0, len(tokens)) is None


def test_tokens_keep_their_offsets_in_the_original_text() -> None:
    text = "Make Three-Pointers worth 5, NOW!"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["make", "three", "pointers", "worth", "5", ",", "now", "!"]
    assert [text[t.start : t.end] for t in tokens][:3] == ["Make", "Three", "Pointers"]


def test_signs_only_attach_when_written_against_the_number() -> None:
    tokens = tokenize("threes - 2")
    assert read_number(tokens, 1, len(tokens)) is None
