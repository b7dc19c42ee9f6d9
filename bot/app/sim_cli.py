"""`pinwheel sim` and `pinwheel whatif`: realism, speed and "what would this rule do?".

Both play batches of games between equal, generated mid-table teams (see `bot.sim.batch`).
`whatif` plays the same seeds under the current and the changed rules, so each statistic's change
comes with a paired standard error; changes under two standard errors are reported as no
detectable effect. Bad `--set` input prints the registry's own message and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from bot.domain.errors import RuleValidationError
from bot.domain.rules import DEFAULT_RULES, RuleSet, param
from bot.sim.batch import play_batch
from bot.sim.forecast import Forecast
from bot.sim.stats import (
    REALISM_BANDS,
    STAT_BY_NAME,
    STATS,
    ResultDigest,
    StatChange,
    compare,
    components,
    standard_errors,
    summarize,
)

_TRUE = {"on", "true", "yes", "1", "enabled"}
_FALSE = {"off", "false", "no", "0", "disabled"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `sim` and `whatif` to the `pinwheel` command line."""
    sim = subparsers.add_parser(
        "sim",
        help="play N games between mid-table teams; print realism and speed",
        description="Play N games between generated mid-table teams and print how realistic "
        "they are and how fast the simulation runs.",
    )
    _common(sim, games=1000)
    sim.add_argument(
        "--play-by-play",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="record play-by-play (on by default; it never changes results)",
    )
    sim.set_defaults(func=run_sim)
    whatif = subparsers.add_parser(
        "whatif",
        help="compare the same games under the current and changed rules",
        description="Play the same seeds under the current rules and with --set applied, and "
        "print each statistic's change with its standard error.",
    )
    _common(whatif, games=1000)
    whatif.add_argument(
        "--league",
        action="store_true",
        help="forecast for the stored league (its teams, strategies, effects and current "
        "rules) instead of generated mid-table teams: what its proposal cards show",
    )
    whatif.add_argument(
        "--season",
        metavar="ID",
        help="with --league: the season (default: the newest running one, else the newest)",
    )
    whatif.add_argument(
        "--base",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change the current rules first (default: the default rules)",
    )
    # Resolved by mode: generated teams play 1000 games from seed 0; `--league` plays what a
    # proposal card's forecast plays (500 games, its seed), so both say the same.
    whatif.set_defaults(func=run_whatif, games=None, seed=None)


def _common(parser: argparse.ArgumentParser, games: int) -> None:
    parser.add_argument("--games", type=int, default=games, help=f"games to play ({games})")
    parser.add_argument("--seed", default="0", help="batch seed (any text or number)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="rule change, e.g. three_point_value=5 (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def parse_assignments(items: list[str], base: RuleSet = DEFAULT_RULES) -> RuleSet:
    """Apply `name=value` strings to `base`, converting each value by its parameter's type."""
    changes: dict[str, object] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep:
            raise RuleValidationError(f"Write rule changes as name=value; got {item!r}.")
        p = param(name.strip())
        changes[p.name] = p.check(_convert(raw.strip(), p.type, p.name))
    return base.with_changes(changes)


def _convert(raw: str, kind: type, name: str) -> object:
    if kind is bool:
        if raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        raise RuleValidationError(f"{name} must be on or off; got {raw!r}.")
    try:
        return int(raw) if kind is int else float(raw)
    except ValueError:
        raise RuleValidationError(f"{name} must be a number; got {raw!r}.") from None


def _fail(error: RuleValidationError) -> int:
    print(f"pinwheel: {error}", file=sys.stderr)
    return 2


def run_sim(args: argparse.Namespace) -> int:
    """Play the batch, then print the realism table (or JSON) and the speed."""
    try:
        rules = parse_assignments(args.set)
    except RuleValidationError as error:
        return _fail(error)
    started = time.perf_counter()
    results = play_batch(args.seed, args.games, rules, play_by_play=args.play_by_play)
    rows, fingerprint = [], ResultDigest()
    for result in results:
        rows.append(components(result))
        fingerprint.update(result)
    elapsed = time.perf_counter() - started
    report = _sim_report(rules, args, rows, elapsed, fingerprint.hexdigest())
    print(json.dumps(report, indent=2) if args.json else _sim_table(report))
    return 0


def _sim_report(
    rules: RuleSet, args: argparse.Namespace, rows: list[Any], elapsed: float, fingerprint: str
) -> dict[str, Any]:
    stats = summarize(rows)
    errors = standard_errors(rows)
    report: dict[str, Any] = {
        "games": len(rows),
        "seed": args.seed,
        "rules_changed": {k: v for k, (_, v) in rules.changed_from(DEFAULT_RULES).items()},
        "play_by_play": args.play_by_play,
        "seconds": round(elapsed, 3),
        "games_per_second": round(len(rows) / elapsed, 1) if elapsed else None,
    }
    report.update({name: round(value, 4) for name, value in stats.items()})
    report["standard_errors"] = {name: round(value, 4) for name, value in errors.items()}
    report["digest"] = fingerprint
    return report


def _sim_table(report: dict[str, Any]) -> str:
    changed = ", ".join(f"{k}={v}" for k, v in report["rules_changed"].items()) or "default"
    lines = [
        f"{report['games']} games between mid-table teams, seed {report['seed']}, rules: {changed}",
        "",
        f"{'statistic':34} {'value':>9} {'± SE':>8}   {'real basketball':>15}",
    ]
    for stat in STATS:
        band = REALISM_BANDS.get(stat.name)
        where = f"{_fmt(band[0])}–{_fmt(band[1])}" if band else ""
        verdict = "" if band is None else _verdict(report[stat.name], band)
        se = report["standard_errors"][stat.name]
        lines.append(
            f"{stat.label:34} {_fmt(report[stat.name]):>9} {_fmt(se):>8}   {where:>15} {verdict}"
        )
    pbp = "with" if report["play_by_play"] else "without"
    lines += [
        "",
        f"Speed: {report['games_per_second']} games/s ({report['seconds']} s, {pbp} play-by-play)",
        f"Digest: {report['digest']}",
    ]
    return "\n".join(lines)


def _verdict(value: float, band: tuple[float, float]) -> str:
    return "ok" if band[0] <= value <= band[1] else "OUT OF BAND"


def _fmt(value: float) -> str:
    if value != value:  # NaN: nothing to divide by
        return "-"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def run_whatif(args: argparse.Namespace) -> int:
    """Play the same seeds under both rule sets and print every statistic's paired change."""
    if args.league:
        import asyncio

        from bot.sim.forecast import GAMES

        args.games = args.games or GAMES
        args.seed = args.seed if args.seed is not None else "forecast"
        return asyncio.run(_league_whatif(args))
    args.games = args.games or 1000
    args.seed = args.seed if args.seed is not None else "0"
    try:
        current = parse_assignments(args.base)
        changed = parse_assignments(args.set, current)
    except RuleValidationError as error:
        return _fail(error)
    if not args.set:
        return _fail(RuleValidationError("Say what to change: --set name=value."))
    started = time.perf_counter()
    before = [components(r) for r in play_batch(args.seed, args.games, current)]
    after = [components(r) for r in play_batch(args.seed, args.games, changed)]
    elapsed = time.perf_counter() - started
    changes = compare(before, after)
    diff = changed.changed_from(current)
    if args.json:
        print(json.dumps(_whatif_json(args, diff, changes, elapsed), indent=2))
    else:
        print(_whatif_table(args, diff, changes, elapsed))
    return 0


def _whatif_json(
    args: argparse.Namespace,
    diff: dict[str, tuple[object, object]],
    changes: list[StatChange],
    elapsed: float,
) -> dict[str, Any]:
    return {
        "games": args.games,
        "simulations": 2 * args.games,
        "seed": args.seed,
        "changes": {k: {"current": a, "changed": b} for k, (a, b) in diff.items()},
        "seconds": round(elapsed, 3),
        "stats": {
            c.name: {
                "current": round(c.before, 4),
                "changed": round(c.after, 4),
                "change": round(c.change, 4),
                "standard_error": round(c.standard_error, 4),
                "detectable": c.detectable,
            }
            for c in changes
        },
    }


def _whatif_table(
    args: argparse.Namespace,
    diff: dict[str, tuple[object, object]],
    changes: list[StatChange],
    elapsed: float,
) -> str:
    what = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in diff.items()) or "nothing"
    lines = [
        f"What if {what}? {args.games} games, the same seeds under both rule sets.",
        "",
        f"{'statistic':34} {'current':>9} {'changed':>9} {'change':>9} {'± SE':>8}",
    ]
    for c in changes:
        note = "" if c.detectable else "  no detectable effect"
        label = STAT_BY_NAME[c.name].label
        lines.append(
            f"{label:34} {_fmt(c.before):>9} {_fmt(c.after):>9} {c.change:>+9.3f} "
            f"{_fmt(c.standard_error):>8}{note}"
        )
    lines += ["", f"{2 * args.games} simulations in {elapsed:.2f} s"]
    return "\n".join(lines)


async def _league_whatif(args: argparse.Namespace) -> int:
    """`whatif --league`: the proposal cards' forecast, from the command line."""
    from bot.app.governance.forecast import digest, league_request
    from bot.cli.db import open_ready
    from bot.config import Settings
    from bot.sim.forecast import forecast_json
    from db import league_repo

    if not args.set:
        return _fail(RuleValidationError("Say what to change: --set name=value."))
    db = await open_ready(Settings())
    try:
        async with db.read_sessions() as s:
            season_id = args.season or await league_repo.newest_running_season(s)
            if season_id is None or await league_repo.season(s, season_id) is None:
                print("pinwheel: no such season; give --season ID of a stored one", file=sys.stderr)
                return 2
            rules = await league_repo.season_rules(s, season_id)
            try:
                changed = parse_assignments(args.set, rules)
            except RuleValidationError as error:
                return _fail(error)
            changes = {k: v for k, (_, v) in changed.changed_from(rules).items()}
            request = await league_request(s, season_id, changes, args.games)
    finally:
        await db.dispose()
    if isinstance(request, str):
        print(request)
        return 0
    started = time.perf_counter()
    result = Forecast.from_dict(forecast_json({**request, "seed": args.seed}))
    elapsed = time.perf_counter() - started
    if args.json:
        print(
            json.dumps(
                {
                    "season_id": season_id,
                    "games": args.games,
                    "seed": args.seed,
                    "changes": changes,
                    "key": digest({**request, "seed": args.seed}),
                    "seconds": round(elapsed, 3),
                    "forecast": result.words(),
                    "stats": result.as_dict()["lines"],
                },
                indent=2,
            )
        )
    else:
        what = ", ".join(f"{k} {v}" for k, v in changes.items())
        print(f"What if {what}, in season {season_id}? {args.games} paired games of its teams.")
        for line in result.words():
            print(f"  {line}")
        print(f"{2 * args.games} simulations in {elapsed:.2f} s")
    return 0
