"""Throughput in one process and in two, each with its own engine, on one database.

    python bench/scale.py [--backend sqlite|postgres] [--url ADMIN_URL] [--leagues 200]
                          [--voters 32] [--seconds 10] [--split lock|even] [--profile]

Sets up `--vote-leagues` leagues (16), each with eight governors and an open proposal, and
`--leagues` small leagues (4 teams, one round robin) whose first round is due, on a fresh
database (bench/harness.py), then copies it (PostgreSQL: CREATE DATABASE ... TEMPLATE), so the
two configurations below start from the same state.

Votes: `--voters` closed-loop voters (each casts `Pinwheel.handle(CastVote)` as soon as its last
one answered) for `--seconds`, spread over the vote leagues, first all in one child process,
then half in each of two (each process its own engine and pool; a league's voters in one
process, as a sharded bot would have it). votes_per_s counts the votes recorded in the database
(VoteCast events of the run's command ids) over the wall time from "go" to the last answer.

Rounds: every small league's round is due; one child process plays them all with a `Runner`
(instant shows, an in-memory poster), then, on the copy, two processes do so at once, each its
own `Runner`: the per-league advisory lock (bot/app/league/locks.py) makes one skip a league the
other holds (`--split even` instead gives each process half the leagues, through the Runner's
`owns`, as the leases of bot/app/league/leases.py settle to). rounds_per_s = rounds played /
wall seconds. `double_played` counts the (season, round) played twice: by both processes, with
games stored twice for one pairing, or with a round step's events outside the one command-log
record of that step.

Every child reports its own CPU time; on a local PostgreSQL the server's CPU time (postmaster
and its children) is read from /proc, and the machine's busy cores from /proc/stat (other work
on the machine shows as `other_cores`), so the JSON says whether two cores were the limit:
`cpu_ms_per_unit` is the CPU a vote or a round cost (children and server), `cpu_ceiling_per_s`
what the cores left free by the other work could sustain at that cost.

`--profile` times each unit of work's phases in the children, by wrapping this process's
db.uow._run_command, EventStore._conn/lock/append/record_command and counting statements with
a SQLAlchemy event (nothing in db/ is changed): to get a pooled connection (on SQLite the
write lock is BEGIN IMMEDIATE, so its wait is here); `before_handler`, the command's own lock
(its league's, db/uow.py) and the command-log lookup; the handler (its appends apart, and
`head_lock_wait`, a wait for its league's log head row in a `lock()` of its own: a batch
append; a single append takes the row inside its one statement); recording the command; the
commit; `lock_held` from the first append (or lock) to the commit's answer;
`lock_held_share_of_wall`, the time heads were held summed over the processes over the wall
time (each league has its own head row since migration 0011, so above 1.0 means leagues held
theirs at once); `lock_bound_per_s` (1 / mean held: the most one league's log allows, one
holder at a time). For rounds it also times the runner's parts around the
steps (run_round, presenter.advance, drain).

Prints one JSON object: votes_per_s_1proc, votes_per_s_2proc, scaling (= 2proc / 1proc),
rounds_per_s_1proc, rounds_per_s_2proc, rounds_scaling, double_played, vote p50/p99 latency
per configuration, CPU figures and, with --profile, the phase breakdowns.

SQLite is one process by design (its single writer lock, BEGIN IMMEDIATE): there only the one
process figures are measured and the two process ones are null.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine, make_url

from bench.harness import bench_database, parser, percentile, run
from bot.app.governance.commands import CastVote, ConfirmProposal, SubmitProposal
from bot.app.league.offline import JumpClock
from bot.app.league.outbox import CollectingPoster
from bot.app.league.runner import Runner
from bot.app.league.setup import SetupLeague, run_setup
from bot.app.ports import BuiltinInterpreter
from bot.app.service import Pinwheel
from bot.domain.errors import BusyError
from bot.domain.events import VoteCast
from db import league_repo as repo
from db.engine import Database, create_database
from db.tables import CommandLogRow, GameResultRow, GovernanceEventRow
from tests.app.league_kit import SHORT_RULES, scripted

# 4 teams, one round robin (3 rounds), a 2-team final, a window every round.
SMALL_RULES = SHORT_RULES
VOTE_GOVERNORS = 8  # per vote league: two a team
PROPOSAL = "set the shot clock to 30"
WARMUP_VOTES = 3  # per voter, before "go", not counted
SCALING_TARGET = 1.6  # the issue's: two processes at least 1.6 times one, votes and rounds


# --- profiling (children only, with --profile) ------------------------------------------------

_CURRENT: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "scale_unit_of_work", default=None
)


def install_profile() -> list[dict[str, Any]]:
    """Wrap the write path's steps with timers; returns the list each unit of work lands in.
    Only this process's functions are wrapped: db/ is not changed."""
    import db.uow as uow_mod
    from db.event_store import EventStore

    samples: list[dict[str, Any]] = []
    run_unit = uow_mod._run_command
    take_conn, take_lock, record = EventStore._conn, EventStore.lock, EventStore.record_command
    append = EventStore.append

    @event.listens_for(Engine, "before_cursor_execute")
    def count_statement(*_: Any) -> None:
        rec = _CURRENT.get()
        if rec is not None:
            rec["statements"] = rec.get("statements", 0) + 1
            if "locked" in rec:
                rec["statements_locked"] = rec.get("statements_locked", 0) + 1

    async def timed_run(db: Database, handler: Any, **kw: Any) -> Any:
        request = kw.get("request") or {}
        kind = f"step:{request['step']}" if "step" in request else str(request.get("command"))
        rec: dict[str, Any] = {"kind": kind, "t0": time.perf_counter()}
        token = _CURRENT.set(rec)

        async def timed_handler(uow: Any) -> Any:
            rec["h0"] = time.perf_counter()
            try:
                return await handler(uow)
            finally:
                rec["h1"] = time.perf_counter()

        try:
            return await run_unit(db, timed_handler, **kw)
        finally:
            rec["t1"] = time.perf_counter()
            _CURRENT.reset(token)
            samples.append(rec)

    async def timed_conn(self: EventStore) -> Any:
        fresh = self._connection is None
        conn = await take_conn(self)
        rec = _CURRENT.get()
        if fresh and rec is not None and "conn" not in rec:
            rec["conn"] = time.perf_counter()
        return conn

    async def timed_lock(self: EventStore, *a: Any, **kw: Any) -> None:
        rec = _CURRENT.get()
        t = time.perf_counter()
        await take_lock(self, *a, **kw)
        if rec is not None and "locked" not in rec:
            rec["locked"] = time.perf_counter()
            rec["lock_wait_s"] = rec["locked"] - t

    async def timed_record(self: EventStore, *a: Any, **kw: Any) -> None:
        await record(self, *a, **kw)
        rec = _CURRENT.get()
        if rec is not None:
            rec["r1"] = time.perf_counter()

    async def timed_append(self: EventStore, *a: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        rec = _CURRENT.get()
        if rec is not None and "locked" not in rec:
            # A single append takes its league's head row in its one statement (no lock()):
            # the row is held from about here to the commit.
            rec["locked"], rec["lock_wait_s"] = t, 0.0
        try:
            return await append(self, *a, **kw)
        finally:
            rec = _CURRENT.get()
            if rec is not None:
                rec["append_s"] = rec.get("append_s", 0.0) + time.perf_counter() - t

    uow_mod._run_command = timed_run
    EventStore.append = timed_append  # type: ignore[method-assign]
    EventStore._conn = timed_conn  # type: ignore[method-assign]
    EventStore.lock = timed_lock  # type: ignore[method-assign]
    EventStore.record_command = timed_record  # type: ignore[method-assign]
    return samples


def install_round_timers() -> dict[str, list[float]]:
    """Time the runner's parts around the steps: name -> [calls, seconds]. Nested parts are
    each counted in full (a round's run_round includes its presenter.advance and its drain)."""
    import bot.app.league.runner as runner_mod
    from bot.app.league.presenter import Presenter

    totals: dict[str, list[float]] = {}

    def timed(name: str, fn: Any) -> Any:
        async def wrapper(*a: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            try:
                return await fn(*a, **kw)
            finally:
                entry = totals.setdefault(name, [0, 0.0])
                entry[0] += 1
                entry[1] += time.perf_counter() - t

        return wrapper

    for owner, name in (
        (Runner, "due"),
        (Runner, "run_round"),
        (Runner, "_showing"),
        (Runner, "drain"),
        (Presenter, "advance"),
    ):
        if hasattr(owner, name):  # a part renamed since: not timed, nothing else changes
            setattr(owner, name, timed(f"{owner.__name__}.{name}", getattr(owner, name)))
    if hasattr(runner_mod, "polish_mirrors"):
        runner_mod.polish_mirrors = timed("polish_mirrors", runner_mod.polish_mirrors)
    return totals


PHASES = (  # (name, from mark, to mark), in milliseconds
    ("to_connection", "t0", "conn"),  # pool checkout (SQLite: BEGIN IMMEDIATE, its lock wait)
    # The command's own lock (PostgreSQL: its league's, or the log's for a command that names
    # none, with the head row), the command log lookup, the savepoint.
    ("before_handler", "conn", "h0"),
    ("handler", "h0", "h1"),  # reads, decision, append with inline projections (split below)
    ("record_command", "h1", "r1"),  # release the savepoint, insert the command log row
    ("commit", "r1", "t1"),  # COMMIT (WAL flush) and the connection back to the pool
    ("lock_held", "locked", "t1"),
    ("total", "t0", "t1"),
)


def profile_rows(samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The phases of each complete sample, in ms, with its kind and its lock interval."""
    rows = []
    for rec in samples:
        if not all(k in rec for k in ("t0", "conn", "locked", "h0", "h1", "r1", "t1")):
            continue  # a replay or a rejection: no handler run or no record
        row = {name: (rec[b] - rec[a]) * 1000 for name, a, b in PHASES}
        # The wait for the head row: before the handler for a command that names no league,
        # inside its first append for one that does (db/uow.py).
        row["head_lock_wait"] = rec.get("lock_wait_s", 0.0) * 1000
        row["handler_append"] = rec.get("append_s", 0.0) * 1000
        row["handler_rest"] = row["handler"] - row["handler_append"]
        row["statements"] = rec.get("statements", 0)
        row["statements_under_lock"] = rec.get("statements_locked", 0)
        row["kind"] = rec["kind"]
        rows.append(row)
    return rows


def summarize_profile(rows: list[dict[str, Any]], span_s: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in sorted({r["kind"] for r in rows}):
        mine = [r for r in rows if r["kind"] == kind]
        entry: dict[str, Any] = {"count": len(mine)}
        for name in ("statements", "statements_under_lock"):
            entry[f"{name}_mean"] = round(statistics.fmean(r[name] for r in mine), 1)
        for name in [p[0] for p in PHASES] + ["head_lock_wait", "handler_append", "handler_rest"]:
            values = [r[name] for r in mine]
            entry[name] = {
                "mean_ms": round(statistics.fmean(values), 3),
                "p50_ms": round(percentile(values, 0.5), 3),
                "p99_ms": round(percentile(values, 0.99), 3),
            }
        held = sum(r["lock_held"] for r in mine) / 1000
        entry["lock_held_share_of_wall"] = round(held / span_s, 3) if span_s else None
        # What the head lock alone allows, one holder at a time: 1 / mean time held.
        entry["lock_bound_per_s"] = round(len(mine) / held, 1) if held else None
        out[kind] = entry
    held_all = sum(r["lock_held"] for r in rows) / 1000
    out["all_kinds_lock_held_share_of_wall"] = round(held_all / span_s, 3) if span_s else None
    return out


# --- children ----------------------------------------------------------------------------------


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _line() -> str:
    return await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


def _say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def worker() -> None:
    """A child: read its spec, get ready, say so, wait for "go", run, report, wait for "bye"
    (so its connections, and their server CPU time, outlive the parent's reading)."""
    spec = json.loads(await _line())
    samples = install_profile() if spec.get("profile") else None
    db = create_database(spec["url"], pool_size=spec["pool"])
    try:
        if spec["kind"] == "votes":
            out = await _votes_child(db, spec, samples)
        else:
            out = await _rounds_child(db, spec, samples)
        _say(out)
        await _line()
    finally:
        await db.dispose()


async def _votes_child(
    db: Database, spec: dict[str, Any], samples: list[dict[str, Any]] | None
) -> dict[str, Any]:
    app = Pinwheel(db, BuiltinInterpreter())
    targets: list[list[Any]] = spec["targets"]  # [proposal_id, [governor ids]] per league
    prefix, voters = spec["prefix"], spec["voters"]
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()

    async def voter(k: int, until: float | None, count: int, tag: str) -> None:
        proposal, governors = targets[k % len(targets)]
        slot, per_league = k // len(targets), max(1, voters // len(targets))
        n = 0
        while (until is None and n < count) or (until is not None and time.perf_counter() < until):
            gov = governors[(slot + n * per_league) % len(governors)]
            cmd = CastVote(proposal, gov, "yes" if n % 2 else "no")
            t = time.perf_counter()
            try:
                await app.handle(cmd, command_id=f"{tag}:{k}:{n}")
            except BusyError:
                outcomes["busy"] += 1
            except Exception as err:  # counted, never hidden
                outcomes[f"error:{type(err).__name__}"] += 1
            else:
                if until is not None:
                    outcomes["ok"] += 1
                    latencies.append((time.perf_counter() - t) * 1000)
            n += 1

    # Warm-up: every voter's connection opened, every code path run once, not counted.
    warm = f"scale-warmup:{prefix}"  # not under the counted prefix
    await asyncio.gather(*(voter(k, None, WARMUP_VOTES, warm) for k in range(voters)))
    outcomes.clear()
    if samples is not None:
        samples.clear()
    _say({"ready": True})
    await _line()
    cpu0, start = _cpu_s(), time.time()
    until = time.perf_counter() + spec["seconds"]
    await asyncio.gather(*(voter(k, until, 0, prefix) for k in range(voters)))
    end = time.time()
    out: dict[str, Any] = {
        "start": start,
        "end": end,
        "cpu_s": _cpu_s() - cpu0,
        "latencies": latencies,
        "outcomes": dict(outcomes),
    }
    if samples is not None:
        out["profile"] = profile_rows(samples)
    return out


async def _rounds_child(
    db: Database, spec: dict[str, Any], samples: list[dict[str, Any]] | None
) -> dict[str, Any]:
    timers = install_round_timers() if samples is not None else None
    clock = JumpClock(datetime.fromisoformat(spec["now"]))
    mine = spec.get("owns")  # --split even: this child's share of the leagues, as leases give
    owns = None if mine is None else frozenset(str(m) for m in mine).__contains__
    runner = Runner(db, clock=clock, poster=CollectingPoster(), instant=True, owns=owns)
    due = await runner.due()  # the engine's first connection, the modules loaded
    _say({"ready": True, "due": len(due)})
    await _line()
    if timers is not None:
        timers.clear()
    cpu0, start = _cpu_s(), time.time()
    reports = await runner.tick()
    end = time.time()
    out: dict[str, Any] = {
        "start": start,
        "end": end,
        "cpu_s": _cpu_s() - cpu0,
        "played": [[r.season_id, r.round_number] for r in reports if "simulate" in r.ran],
        "reports": len(reports),
    }
    if samples is not None:
        out["profile"] = profile_rows(samples)
        out["timers"] = timers
    return out


# --- CPU accounting from /proc (a local server only) ---------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu_s(pid: int) -> tuple[int, float]:
    """(parent pid, user + system seconds) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def postgres_cpu_s(postmaster: int | None) -> float | None:
    """CPU seconds of the postmaster and its live children (backends, WAL writer, ...)."""
    if postmaster is None:
        return None
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            parent, cpu = _proc_cpu_s(int(entry.name))
            if int(entry.name) == postmaster or parent == postmaster:
                total += cpu
    return total


def machine_busy_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, over every core."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / _TICK, sum(values[:8]) / _TICK


async def find_postmaster(db: Database) -> int | None:
    if db.is_sqlite:
        return None
    async with db.read_sessions() as s:
        backend = int((await s.execute(text("SELECT pg_backend_pid()"))).scalar_one())
    try:
        parent, _ = _proc_cpu_s(backend)
    except OSError:
        return None  # a server on another machine
    return parent


# --- the parent --------------------------------------------------------------------------------


async def run_children(
    specs: list[dict[str, Any]], postmaster: int | None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Start one child per spec, wait until all are ready, say "go" to all, collect their
    reports; with the CPU spent meanwhile by the server and the machine."""
    procs = []
    for spec in specs:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            limit=1 << 28,  # a report is one line, with every latency (and profile) in it
        )
        assert proc.stdin is not None
        proc.stdin.write((json.dumps(spec) + "\n").encode())
        await proc.stdin.drain()
        procs.append(proc)

    async def reply(proc: asyncio.subprocess.Process) -> dict[str, Any]:
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        if not line:
            raise RuntimeError(f"a child exited early (code {await proc.wait()})")
        return dict(json.loads(line))

    try:
        await asyncio.gather(*(reply(p) for p in procs))
        pg0, (busy0, all0) = postgres_cpu_s(postmaster), machine_busy_s()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write(b"go\n")
            await p.stdin.drain()
        results = await asyncio.gather(*(reply(p) for p in procs))
        pg1, (busy1, all1) = postgres_cpu_s(postmaster), machine_busy_s()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write(b"bye\n")
            await p.stdin.drain()
        for p in procs:
            if await p.wait() != 0:
                raise RuntimeError(f"a child failed (code {p.returncode})")
    except BaseException:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                p.kill()
        raise
    span = max(r["end"] for r in results) - min(r["start"] for r in results)
    cores = os.cpu_count() or 1
    children = sum(r["cpu_s"] for r in results)
    server = pg1 - pg0 if pg0 is not None and pg1 is not None else None
    # Whole machine, other work included: (busy / total) of its cores, as cores.
    busy = (busy1 - busy0) / (all1 - all0) * cores if all1 > all0 else None
    cpu = {
        "wall_s": round(span, 3),
        "children_cpu_s": round(children, 2),
        "postgres_cpu_s": round(server, 2) if server is not None else None,
        "bench_cores": round((children + (server or 0)) / span, 2),
        "machine_busy_cores": round(busy, 2) if busy is not None else None,
        # Busy cores this bench did not account for: the machine's other work.
        "other_cores": round(busy - (children + (server or 0)) / span, 2)
        if busy is not None
        else None,
    }
    cpu["_cpu_s"] = children + (server or 0)
    return results, cpu


def cpu_ceiling(done: int, cpu: dict[str, Any]) -> dict[str, Any]:
    """CPU per vote or round (this bench's processes and the server), and how many a second
    the cores the machine's other work left free could sustain at that cost."""
    spent = cpu.pop("_cpu_s")
    if not done:
        return {"cpu_ms_per_unit": None, "cpu_ceiling_per_s": None}
    free = (os.cpu_count() or 1) - (cpu["other_cores"] or 0)
    return {
        "cpu_ms_per_unit": round(spent / done * 1000, 2),
        "cpu_ceiling_per_s": round(free / (spent / done), 1) if spent else None,
    }


async def set_up_vote_leagues(db: Database, count: int, clock: JumpClock) -> list[list[Any]]:
    """`count` leagues with eight governors and one open proposal each, not due to play (the
    rounds part must not play them)."""
    app = Pinwheel(db, BuiltinInterpreter(), clock=clock)
    targets = []
    for i in range(count):
        out = await run_setup(
            db,
            SetupLeague(f"scale-vote-{i}", f"Vote League {i}", f"vote{i}", SMALL_RULES),
            clock=clock,
        )
        season = str(out["season_id"])
        govs = list((await scripted(db, clock, season, VOTE_GOVERNORS)).ids.values())
        assert len(govs) == VOTE_GOVERNORS, "every scripted governor should have joined"
        draft = await app.handle(
            SubmitProposal(season, govs[0], PROPOSAL), command_id=f"scale:vote:{i}:draft"
        )
        confirmed = await app.handle(
            ConfirmProposal(str(draft["draft_id"]), govs[0]), command_id=f"scale:vote:{i}:confirm"
        )
        async with db.sessions() as s, s.begin():
            await repo.update_progress(s, season, {"next_due_at": None})
        targets.append([str(confirmed["proposal_id"]), govs])
    return targets


async def set_up_round_leagues(
    db: Database, count: int, governors: int, clock: JumpClock
) -> tuple[list[str], list[str]]:
    """`count` small leagues, their first round due at the same time: (seasons, leagues)."""
    seasons, leagues = [], []
    for i in range(count):
        out = await run_setup(
            db,
            SetupLeague(f"scale-round-{i}", f"Round League {i}", f"round{i}", SMALL_RULES),
            clock=clock,
        )
        season = str(out["season_id"])
        if governors:
            await scripted(db, clock, season, governors)
        seasons.append(season)
        leagues.append(str(out["league_id"]))
    return seasons, leagues


async def copy_database(db: Database) -> str:
    """A copy of `db` under a new name (PostgreSQL: CREATE DATABASE ... TEMPLATE; the source
    must have no connection meanwhile, so `db`'s pool is emptied first)."""
    await db.dispose()
    url = make_url(db.url)
    name = f"{url.database}_copy"
    admin = url.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    finally:
        await conn.close()
    return str(url.set(database=name).render_as_string(hide_password=False))


async def drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        await conn.close()


async def votes_recorded(db: Database, prefix: str) -> int:
    async with db.read_sessions() as s:
        return int(
            (
                await s.execute(
                    select(func.count())
                    .select_from(GovernanceEventRow)
                    .where(GovernanceEventRow.event_type == VoteCast.event_type)
                    .where(GovernanceEventRow.command_id.like(f"{prefix}:%"))
                )
            ).scalar_one()
        )


async def measure_votes(
    url: str,
    postmaster: int | None,
    targets: list[list[Any]],
    processes: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """`args.voters` voters over the vote leagues for `args.seconds`, in `processes` children;
    each child its own leagues (league i in child i % processes) and a share of the voters."""
    prefix = f"scale:{processes}p"
    share = [args.voters // processes + (p < args.voters % processes) for p in range(processes)]
    specs = [
        {
            "kind": "votes",
            "url": url,
            "pool": max(1, share[p]),
            "targets": targets[p::processes],
            "voters": share[p],
            "seconds": args.seconds,
            "prefix": f"{prefix}:{p}",
            "profile": args.profile,
        }
        for p in range(processes)
    ]
    results, cpu = await run_children(specs, postmaster)
    db = create_database(url)
    try:
        recorded = await votes_recorded(db, prefix)
    finally:
        await db.dispose()
    latencies = [x for r in results for x in r["latencies"]]
    outcomes: Counter[str] = Counter()
    for r in results:
        outcomes.update(r["outcomes"])
    out: dict[str, Any] = {
        "votes_recorded": recorded,
        "votes_answered_ok": outcomes.pop("ok", 0),
        "failures": dict(outcomes),
        "votes_per_s": round(recorded / cpu["wall_s"], 1),
        "vote_ms_p50": round(percentile(latencies, 0.5), 2) if latencies else None,
        "vote_ms_p99": round(percentile(latencies, 0.99), 2) if latencies else None,
        **cpu_ceiling(recorded, cpu),
        **cpu,
    }
    if args.profile:
        rows = [row for r in results for row in r["profile"]]
        out["profile"] = summarize_profile(rows, cpu["wall_s"])
    return out


async def measure_rounds(
    url: str,
    postmaster: int | None,
    now: datetime,
    leagues: list[str],
    processes: int,
    args: argparse.Namespace,
) -> tuple[dict[str, Any], list[list[Any]]]:
    """Every due round played by `processes` children at once, each its own Runner: with
    `--split lock` each tries every league and the league's advisory lock (and, past it, the
    round being no longer due) makes the others skip it; with `--split even` each owns half the
    leagues (`owns`, what leases settle to) and never touches the rest."""
    specs: list[dict[str, Any]] = [
        {"kind": "rounds", "url": url, "pool": 5, "now": now.isoformat(), "profile": args.profile}
        for _ in range(processes)
    ]
    if processes > 1 and args.split == "even":
        for p, spec in enumerate(specs):
            spec["owns"] = leagues[p::processes]
    results, cpu = await run_children(specs, postmaster)
    played = [pair for r in results for pair in r["played"]]
    out: dict[str, Any] = {
        "rounds_played": len(played),
        "rounds_by_process": [len(r["played"]) for r in results],
        "rounds_per_s": round(len(played) / cpu["wall_s"], 2),
        **cpu_ceiling(len(played), cpu),
        **cpu,
    }
    if args.profile:
        rows = [row for r in results for row in r["profile"]]
        out["profile"] = summarize_profile(rows, cpu["wall_s"])
        parts: dict[str, list[float]] = {}
        for r in results:
            for name, (calls, seconds) in r["timers"].items():
                entry = parts.setdefault(name, [0, 0.0])
                entry[0] += calls
                entry[1] += seconds
        # Summed over the processes: seconds can exceed the wall time with two.
        out["profile"]["runner_parts"] = {
            name: {"calls": int(calls), "seconds": round(seconds, 2)}
            for name, (calls, seconds) in sorted(parts.items())
        }
    return out, played


async def doubles(
    url: str, seasons: list[str], played: list[list[Any]], expect_round: int
) -> dict[str, Any]:
    """The (season, round) played more than once, from the children's reports and from the
    database; and the seasons that did not end on the round expected (none skipped, none
    played ahead)."""
    twice: set[tuple[str, int]] = {
        (s, n) for (s, n), c in Counter((s, n) for s, n in played).items() if c > 1
    }
    db = create_database(url)
    try:
        async with db.read_sessions() as s:
            games = await s.execute(
                select(GameResultRow.season_id, GameResultRow.round_number)
                .group_by(
                    GameResultRow.season_id,
                    GameResultRow.round_number,
                    GameResultRow.home_team_id,
                    GameResultRow.away_team_id,
                )
                .having(func.count() > 1)
            )
            twice |= {(str(a), int(b)) for a, b in games.all()}
            # A round step's events must all lie in its one command log record's range.
            stray = await s.execute(
                select(GovernanceEventRow.command_id)
                .outerjoin(CommandLogRow, CommandLogRow.command_id == GovernanceEventRow.command_id)
                .where(GovernanceEventRow.command_id.like("round:%"))
                .where(
                    (CommandLogRow.command_id.is_(None))
                    | (GovernanceEventRow.sequence_number < CommandLogRow.first_sequence)
                    | (GovernanceEventRow.sequence_number > CommandLogRow.last_sequence)
                )
            )
            for (command_id,) in stray.all():
                _, season, number, _ = str(command_id).split(":")
                twice.add((season, int(number)))
            off = 0
            for season in seasons:
                progress = await repo.get_progress(s, season)
                if progress is None or progress.next_round != expect_round + 1:
                    off += 1
    finally:
        await db.dispose()
    return {"double_played": len(twice), "seasons_not_on_round": off}


async def main(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "backend": args.backend,
        "voters": args.voters,
        "vote_leagues": args.vote_leagues,
        "leagues": args.leagues,
        "seconds": args.seconds,
        "split": args.split,
        "cpu_count": os.cpu_count(),
    }
    two = args.backend == "postgres"
    async with bench_database(args.backend, args.url) as db:
        postmaster = await find_postmaster(db)
        clock = JumpClock()
        t = time.perf_counter()
        targets = await set_up_vote_leagues(db, args.vote_leagues, clock)
        result["setup_vote_leagues_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        seasons, leagues = await set_up_round_leagues(db, args.leagues, args.round_governors, clock)
        result["setup_round_leagues_s"] = round(time.perf_counter() - t, 1)
        async with db.read_sessions() as s:
            due = [p.next_due_at for p in await repo.active_progress(s) if p.next_due_at]
        now = max(due)  # every small league's first round is due
        copy = await copy_database(db) if two else None
        try:
            rounds1, played1 = await measure_rounds(db.url, postmaster, now, leagues, 1, args)
            check1 = await doubles(db.url, seasons, played1, 1)
            rounds2 = check2 = None
            if copy is not None:
                rounds2, played2 = await measure_rounds(copy, postmaster, now, leagues, 2, args)
                check2 = await doubles(copy, seasons, played2, 1)
            votes1 = await measure_votes(db.url, postmaster, targets, 1, args)
            votes2 = (
                await measure_votes(copy, postmaster, targets, 2, args)
                if copy is not None
                else None
            )
        finally:
            if copy is not None:
                await drop_database(copy)
    v1, v2 = votes1["votes_per_s"], votes2["votes_per_s"] if votes2 else None
    r1, r2 = rounds1["rounds_per_s"], rounds2["rounds_per_s"] if rounds2 else None
    result.update(
        {
            "votes_per_s_1proc": v1,
            "votes_per_s_2proc": v2,
            "scaling": round(v2 / v1, 2) if v2 is not None and v1 else None,
            "rounds_per_s_1proc": r1,
            "rounds_per_s_2proc": r2,
            "rounds_scaling": round(r2 / r1, 2) if r2 is not None and r1 else None,
            "double_played": check1["double_played"] + (check2["double_played"] if check2 else 0),
            "seasons_not_on_round": check1["seasons_not_on_round"]
            + (check2["seasons_not_on_round"] if check2 else 0),
            "vote_ms_p99_1proc": votes1["vote_ms_p99"],
            "vote_ms_p99_2proc": votes2["vote_ms_p99"] if votes2 else None,
            "targets_met": None  # SQLite: not measured
            if v2 is None or r2 is None
            else v2 / v1 >= SCALING_TARGET and r2 / r1 >= SCALING_TARGET,
            "votes_1proc": votes1,
            "votes_2proc": votes2,
            "rounds_1proc": rounds1,
            "rounds_2proc": rounds2,
        }
    )
    if not two:
        result["note"] = "SQLite is one process by design: no two-process figures"
    return result


if __name__ == "__main__":
    if "--worker" in sys.argv[1:]:
        asyncio.run(worker())
        sys.exit(0)
    arguments = parser(__doc__)
    arguments.add_argument("--leagues", type=int, default=200, help="small leagues (rounds)")
    arguments.add_argument("--vote-leagues", type=int, default=16)
    arguments.add_argument("--voters", type=int, default=32, help="closed-loop voters in all")
    arguments.add_argument("--seconds", type=float, default=10.0, help="per vote measurement")
    arguments.add_argument("--round-governors", type=int, default=4, help="per small league")
    arguments.add_argument("--profile", action="store_true", help="time the write path's phases")
    arguments.add_argument(
        "--split",
        choices=["lock", "even"],
        default="lock",
        help="two processes' rounds: every league tried by both, the advisory lock deciding\n"
        "(lock), or each owning half the leagues as leases settle to (even)",
    )
    parsed = arguments.parse_args()
    if parsed.voters < 2 or parsed.vote_leagues < 2:
        arguments.error("--voters and --vote-leagues: at least 2 (one for each process)")
    run(main, parsed)
