"""The basketball simulation: pure, seeded, synchronous. Imports stdlib and pydantic only.

    result = simulate_game(home, away, rules, seed, {team_id: TeamStrategy(...)}, [Effect(...)])
    seed = game_seed(season_id, round_number, matchup_index)
    again = replay_game(GameResult.from_dict(stored))  # == result

How it fits together: `tables.build_tables` compiles teams, rules, strategies and effects into
flat lists once per matchup (memoised); `engine.run_game` plays possessions from those lists with
one `random.Random(seed)`; `game.Matchup` turns the raw output into a `GameResult`. `stats` and
`batch` measure realism and run paired what-ifs; `calibration` holds every tuned constant.
"""

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
