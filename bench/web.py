"""The web companion under a mixed read load, beside a working bot.

    python bench/web.py [--backend sqlite|postgres] [--clients 50] [--seconds 10] [--client wrk]

Plays half a season into a fresh database, then serves the site and API the way
`pinwheel run` does with PINWHEEL_WEB_PORT (uvicorn in a thread of the bot's process). A load
generator (wrk, from Debian's packages, where installed; else aiohttp's client in a second
Python process, which itself tops out near 1,100 requests/s here) drives `--clients` concurrent
keep-alive clients over a mix of pages and API reads for `--seconds`, while this process keeps
working as a bot would (a vote every `--vote-every` seconds, default 0.25) and measures its
event loop's lag (how late a 10 ms sleep wakes). Prints one JSON object: `client`,
`requests_per_s`, `p50_ms`, `p99_ms`, `errors`, `bot_loop_lag_ms_p99`, `vote_ms_p99`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bench.harness import bench_database, parser, percentile, run
from bot.app import public
from bot.app.governance.commands import CastVote
from bot.app.service import Pinwheel
from bot.domain.errors import DomainError
from bot.web.server import serving_beside
from db import governance_repo as gov_repo
from db.tables import GovernorRow
from tests.app.kit import FakeInterpreter
from tests.web.conftest import play_half_a_season

LAG_SLEEP_S = 0.010
VOTE_EVERY_S = 0.25  # a busy league: four votes a second


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _urls(db: Any, league_id: str, season_id: str) -> list[str]:
    """The mix a fan's browsing makes: pages and API reads, weighted toward the popular."""
    games = await public.games(db, season_id, after=None, limit=public.MAX_LIMIT)
    teams = await public.teams(db, season_id)
    team = await public.team(db, teams[0]["id"])
    assert team is not None
    hooper = team["roster"][0]["id"]
    return [
        "/",
        "/",
        "/arena",
        "/rules",
        "/proposals",
        f"/games/{games[0]['id']}",
        f"/games/{games[-1]['id']}",
        f"/teams/{teams[0]['id']}",
        f"/hoopers/{hooper}",
        "/api/v1/leagues",
        f"/api/v1/seasons/{season_id}/standings",
        f"/api/v1/seasons/{season_id}/standings",
        f"/api/v1/seasons/{season_id}/games?limit=20",
        f"/api/v1/games/{games[0]['id']}",
        f"/api/v1/seasons/{season_id}/rules",
        f"/api/v1/seasons/{season_id}/proposals",
        "/api/v1/events?after=0&limit=100",
        "/api/v1/arena",
        f"/api/v1/hoopers/{hooper}",
    ]


CLIENT = r"""
import asyncio, json, random, sys, time
import aiohttp
base, clients, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
urls = json.loads(sys.stdin.read())
lat, errors = [], 0
async def client(session, n, end, record):
    global errors
    rng = random.Random(n)
    while time.perf_counter() < end:
        t = time.perf_counter()
        try:
            async with session.get(base + rng.choice(urls)) as r:
                await r.read()
                if r.status != 200:
                    errors += record
        except Exception:
            errors += record
        if record:
            lat.append((time.perf_counter() - t) * 1000)
async def main():
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        for u in urls:  # a first visit to each page, not measured
            async with session.get(base + u) as r:
                await r.read()
        t = time.perf_counter()
        end = t + seconds
        await asyncio.gather(*(client(session, n, end, 1) for n in range(clients)))
        print(json.dumps({"elapsed": time.perf_counter() - t, "lat": lat, "errors": errors}))
asyncio.run(main())
"""


WRK_SCRIPT = """
local paths = {%s}
math.randomseed(42)
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
"""


async def _start_load(
    client: str, port: int, urls: list[str], clients: int, seconds: float
) -> asyncio.subprocess.Process:
    """The load generator, started: wrk (C, from Debian's packages) where installed, else
    aiohttp's client in a second Python process. Each first visits every page, unmeasured."""
    base = f"http://127.0.0.1:{port}"
    if client == "wrk":
        script = Path(tempfile.mkdtemp(prefix="pinwheel-wrk-")) / "paths.lua"
        script.write_text(WRK_SCRIPT % ",".join(json.dumps(u) for u in urls))
        common = ["-t1", f"-c{clients}", "-s", str(script), base]
        warm = await asyncio.create_subprocess_exec(
            "wrk", "-d2s", *common, stdout=subprocess.DEVNULL
        )
        await warm.wait()
        return await asyncio.create_subprocess_exec(
            "wrk", f"-d{int(seconds)}s", "--latency", *common, stdout=subprocess.PIPE
        )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLIENT,
        base,
        str(clients),
        str(seconds),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(urls).encode())
    proc.stdin.close()
    return proc


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _read_wrk(out: str) -> dict[str, Any]:
    percent = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "requests": requests,
        "requests_per_s": float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": round(_ms(percent["50"]), 2),
        "p99_ms": round(_ms(percent["99"]), 2),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(x) for x in sockets.groups()) if sockets else 0),
    }


def _read_aiohttp(out: bytes) -> dict[str, Any]:
    measured = json.loads(out)
    lat = measured["lat"]
    return {
        "requests": len(lat),
        "requests_per_s": round(len(lat) / measured["elapsed"], 1),
        "p50_ms": round(statistics.median(lat), 2),
        "p99_ms": round(percentile(lat, 0.99), 2),
        "errors": measured["errors"],
    }


@contextlib.asynccontextmanager
async def _serving_apart(url: str, port: int) -> AsyncIterator[None]:
    """`pinwheel web` in a process of its own on the same database (`--apart`)."""
    env = {**os.environ, "PINWHEEL_DATABASE_URL": url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "web",
        "--port",
        str(port),
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(200):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        await asyncio.sleep(0.05)
    try:
        yield
    finally:
        proc.terminate()
        await proc.wait()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    async with bench_database(args.backend, args.url) as db:
        played = await play_half_a_season(db, guild="bench")
        urls = await _urls(db, played.league_id, played.season_id)
        app = Pinwheel(db, FakeInterpreter(), clock=played.clock)
        async with db.read_sessions() as s:
            governors = list((await s.execute(select(GovernorRow.id))).scalars())
            proposals = await gov_repo.open_proposals(s, played.season_id)
        assert proposals, "the bench needs an open proposal to vote on"
        port = _free_port()
        lags: list[float] = []
        votes: list[float] = []
        serving = (
            _serving_apart(db.url, port) if args.apart else serving_beside(db, "127.0.0.1", port)
        )
        async with serving:
            proc = await _start_load(args.client, port, urls, args.clients, args.seconds)
            loop = asyncio.get_running_loop()
            stop = loop.time() + args.seconds
            next_vote = loop.time()
            n = 0
            while loop.time() < stop:
                t = loop.time()
                await asyncio.sleep(LAG_SLEEP_S)
                lags.append(max(0.0, (loop.time() - t - LAG_SLEEP_S) * 1000))
                if loop.time() >= next_vote:
                    next_vote += args.vote_every
                    n += 1
                    cmd = CastVote(
                        proposals[0].proposal_id,
                        random.Random(n).choice(governors),
                        "yes" if n % 2 else "no",
                    )
                    v0 = time.perf_counter()
                    # A refused vote (a governor not on a team) is timed all the same.
                    with contextlib.suppress(DomainError):
                        await app.handle(cmd, command_id=f"bench:web:vote:{n}")
                    votes.append((time.perf_counter() - v0) * 1000)
            out, _ = await proc.communicate()
    measured = _read_wrk(out.decode()) if args.client == "wrk" else _read_aiohttp(out)
    return {
        "backend": args.backend,
        "client": args.client,
        "clients": args.clients,
        "seconds": args.seconds,
        "vote_every_s": args.vote_every,
        "web": "own process" if args.apart else "beside the bot",
        **measured,
        "bot_loop_lag_ms_p99": round(percentile(lags, 0.99), 2),
        "vote_ms_p99": round(percentile(votes, 0.99), 2) if votes else None,
        "votes": len(votes),
    }


if __name__ == "__main__":
    arguments = parser(__doc__)
    arguments.add_argument("--clients", type=int, default=50)
    arguments.add_argument("--seconds", type=float, default=10.0)
    arguments.add_argument(
        "--apart",
        action="store_true",
        help="serve with `pinwheel web` in its own process instead of beside the bot",
    )
    arguments.add_argument(
        "--vote-every", type=float, default=VOTE_EVERY_S, help="seconds between the bot's votes"
    )
    arguments.add_argument(
        "--client",
        choices=["wrk", "aiohttp"],
        default="wrk" if shutil.which("wrk") else "aiohttp",
        help="the load generator (default: wrk where installed; apt-get install wrk)",
    )
    run(main, arguments.parse_args())
