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
    "bot.cli.web",
    "bot.cli.status",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pinwheel", description="Pinwheel: a 3v3 basketball league governed by its players."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
OUR_LOGGERS = ("bot", "db", "migrations")


def configure_logging(level: str) -> None:
    """Timestamped lines; Pinwheel's own loggers at `level`, other libraries' (alembic on every
    start, discord.py's gateway chatter) at WARNING unless `level` is DEBUG."""
    logging.basicConfig(
        level=logging.DEBUG if level == "DEBUG" else logging.WARNING,
        format=LOG_FORMAT,
        datefmt="%Y-%m-%d %H:%M:%S",
        force=True,
    )
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.cli.errors import EXIT_INTERRUPTED, explain

    try:
        from bot.config import Settings

        configure_logging(Settings().log_level)
        code: int = args.func(args)
        return code
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as err:
        known = explain(err)
        if known is None:
            raise
        print(f"pinwheel: {known}", file=sys.stderr)
        return known.code


if __name__ == "__main__":
    sys.exit(main())
