"""The basketball simulation: pure, seeded, synchronous. Imports stdlib and pydantic only."""

from bot.sim.engine import SimulationError
from bot.sim.game import Matchup, play_games, replay_game, simulate_game
from bot.sim.result import BoxScoreLine, GameResult, PointValues
from bot.sim.seeding import derive_seed, game_seed

__all__ = [
    "BoxScoreLine",
    "GameResult",
    "Matchup",
    "PointValues",
    "SimulationError",
    "derive_seed",
    "game_seed",
    "play_games",
    "replay_game",
    "simulate_game",
]
