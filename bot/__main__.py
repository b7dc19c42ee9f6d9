"""Composition root and command line: `pinwheel ...` or `python -m bot ...`.

Each feature module in COMMAND_MODULES exposes `register(subparsers)`, adding its subcommands
with a `func` default that takes the parsed arguments and returns an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

COMMAND_MODULES: list[str] = [
    "bot.cli.db",
    "bot.app.sim_cli",
    "bot.cli.discord",
    "bot.cli.run",
    "bot.cli.league",
    "bot.cli.present",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pinwheel", description="Pinwheel: a 3v3 basketball league governed by its players."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.config import Settings

    logging.basicConfig(level=Settings().log_level.upper())
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
