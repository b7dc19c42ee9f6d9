"""Governors' levers beyond proposals: token and hooper trades, strategies, bios, effects."""
