"""Batches of games between equal, mid-table teams: the realism check and what-if runs.

Game i of a batch with seed S is played by mirror pair `i % BATCH_PAIRS` (a generated team and
an exact copy of it, so any edge is home court) with seed `derive_seed(S, i)`. A what-if plays the
same batch under two rule sets, so every game is paired with its twin.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.domain.league_generator import mid_table_pair
from bot.domain.rules import RuleSet
from bot.sim.game import Matchup
from bot.sim.result import GameResult
from bot.sim.seeding import derive_seed
from bot.sim.stats import Components, components

BATCH_PAIRS = 64


def batch_matchups(seed: int | str, rules: RuleSet) -> list[Matchup]:
    """The compiled mirror pairs of a batch under `rules`."""
    return [Matchup(*mid_table_pair(f"{seed}/{k}"), rules) for k in range(BATCH_PAIRS)]


def play_batch(
    seed: int | str, games: int, rules: RuleSet, *, play_by_play: bool = False
) -> Iterator[GameResult]:
    """Play the batch's games one at a time (results are not kept, so memory stays flat)."""
    matchups = batch_matchups(seed, rules)
    for i in range(games):
        yield matchups[i % BATCH_PAIRS].play(derive_seed(seed, i), play_by_play=play_by_play)


def batch_components(seed: int | str, games: int, rules: RuleSet) -> list[Components]:
    """The per-game statistics components of a batch."""
    return [components(result) for result in play_batch(seed, games, rules)]
