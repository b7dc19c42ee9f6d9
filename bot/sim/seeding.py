"""Per-game seeds from a stable hash, never `hash()` (which changes between processes)."""

from __future__ import annotations

import hashlib

SEED_BITS = 63  # fits a signed BIGINT column


def game_seed(season_id: str, round_number: int, matchup_index: int) -> int:
    """The seed of one scheduled game: SHA-256 of its coordinates, as a 63-bit integer."""
    key = f"pinwheel-game/{season_id}/{round_number}/{matchup_index}".encode()
    digest = hashlib.sha256(key).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - SEED_BITS)


def derive_seed(base: int | str, *parts: object) -> int:
    """A seed for anything else derived from a base seed (e.g. the n-th game of a benchmark)."""
    key = "/".join(str(p) for p in ("pinwheel-seed", base, *parts)).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") >> (64 - SEED_BITS)
