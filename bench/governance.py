"""Vote latency end to end with a large log already in the store.

    python bench/governance.py [--backend sqlite|postgres] [--url ADMIN_URL] [--events N]

Bulk-loads N valid governance events (joins and grants, then proposals that were confirmed,
voted on by ten governors, revealed and failed), rebuilds every projection from them with the
same folds the store uses inline, checks `verify`, then times `Pinwheel.handle(CastVote)` from
call to return (lock, command log, reads, decision, append, inline projections, commit).
Prints one JSON object with vote_ms_p50 and vote_ms_p99.

    python bench/governance.py --sustained [--backend ...] [--seconds S] [--wait-s W]

drives votes open-loop (each sent at its scheduled time, whether or not earlier ones have
answered) at rising rates past capacity, with the bot's bounded database wait (`--wait-s`, as
PINWHEEL_DB_WAIT_S). Prints one JSON object: `votes_per_s` (the knee: the highest rate answered
in full with p99 under 500 ms), `p99_ms_below_knee`, `busy_replies` ("busy, try again"),
`errors` (any other failure), `recorded_but_reported_failed` (a vote in the command log whose
sender was told it failed) and `reported_but_not_recorded`, with each step's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select

from bench.harness import bench_database, parser, percentile, run
from bot.app.governance.commands import CastVote, ConfirmProposal, OpenWindow, SubmitProposal
from bot.app.service import Pinwheel
from bot.domain.errors import BusyError
from bot.domain.events import (
    EnrollmentJoined,
    EventPayload,
    ProposalConfirmed,
    ProposalFailed,
    ProposalSubmitted,
    RevealedVote,
    TokenGranted,
    TokenSpent,
    VoteCast,
    VoteRevealed,
    WindowClosed,
    WindowOpened,
)
from db.engine import Database, create_database
from db.event_store import events_table, head_table
from db.tables import CommandLogRow, SeasonRow
from db.verify import rebuild, verify
from tests.app.kit import FakeInterpreter
from tests.factories import seed_league

GOVERNORS = 64
TEAMS = 8
VOTERS = 10  # per bulk-loaded proposal


def _events(
    season: str, govs: list[str], teams: list[str], window: str, target: int
) -> Iterator[tuple[EventPayload, str | None, str | None]]:
    """(payload, governor_id, team_id) for a valid history of about `target` events."""
    team_of = {g: teams[i % len(teams)] for i, g in enumerate(govs)}
    for g in govs:
        yield EnrollmentJoined(governor_id=g, team_id=team_of[g]), g, team_of[g]
        for t in ("propose", "amend", "boost"):
            yield TokenGranted(governor_id=g, token_type=t, amount=2, reason="initial"), g, None
    yield WindowOpened(window_id=window, round_number=1, closes_after_round=3), None, None
    interpretation = {
        "changes": [
            {
                "parameter": "three_point_value",
                "old_value": 3,
                "new_value": 4,
                "phrase": "threes worth 4",
            }
        ],
        "confidence": 0.9,
        "summary": "three_point_value: 3 → 4",
        "unsure_reasons": [],
        "is_wild": False,
    }
    made, n = 3 * len(govs) + len(govs) + 1, 0
    while made < target:
        n += 1
        g = govs[n % len(govs)]
        pid = str(uuid.uuid4())
        voters = [govs[(n + k) % len(govs)] for k in range(VOTERS)]
        votes = ["yes" if (n + k) % 3 else "no" for k in range(VOTERS)]
        batch: list[tuple[EventPayload, str | None, str | None]] = [
            (TokenGranted(governor_id=g, token_type="propose", amount=1, reason="bench"), g, None),
            (
                ProposalSubmitted(
                    proposal_id=pid,
                    governor_id=g,
                    team_id=team_of[g],
                    window_id=window,
                    raw_text="threes worth 4",
                    sanitized_text="threes worth 4",
                    interpretation=interpretation,
                    tier=1,
                    token_cost=1,
                    threshold=0.5,
                ),
                g,
                team_of[g],
            ),
            (
                TokenSpent(
                    governor_id=g,
                    token_type="propose",
                    amount=1,
                    reason=f"proposal:{pid}",
                    proposal_id=pid,
                ),
                g,
                None,
            ),
            (ProposalConfirmed(proposal_id=pid, opened_round=1), g, team_of[g]),
        ]
        batch += [
            (
                VoteCast(
                    proposal_id=pid,
                    vote_id=str(uuid.uuid4()),
                    governor_id=v,
                    team_id=team_of[v],
                    vote=c,
                ),
                v,
                team_of[v],
            )  # type: ignore[arg-type]
            for v, c in zip(voters, votes, strict=True)
        ]
        revealed = tuple(
            RevealedVote(
                governor_id=v,
                team_id=team_of[v],
                vote=c,
                weight=0.125,  # type: ignore[arg-type]
                boost_used=False,
            )
            for v, c in zip(voters, votes, strict=True)
        )
        yes = sum(1 for c in votes if c == "yes")
        batch += [
            (VoteRevealed(proposal_id=pid, votes=revealed), None, None),
            (
                ProposalFailed(
                    proposal_id=pid,
                    weighted_yes=yes * 0.125,
                    weighted_no=(VOTERS - yes) * 0.125,
                    total_weight=VOTERS * 0.125,
                    threshold=0.5,
                    quorum=0.5,
                    yes_count=yes,
                    no_count=VOTERS - yes,
                    reason="quorum not met",
                ),
                None,
                None,
            ),
        ]
        made += len(batch)
        yield from batch
    yield WindowClosed(window_id=window, round_number=3), None, None


async def bulk_load(
    db: Database, season: str, govs: list[str], teams: list[str], target: int
) -> str:
    """Write the history as pre-built rows in one transaction, then rebuild the projections."""
    window = str(uuid.uuid4())
    versions: dict[tuple[str, str], int] = {}
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    seq = 0
    async with db.sessions() as s, s.begin():
        league = (
            await s.execute(select(SeasonRow.league_id).where(SeasonRow.id == season))
        ).scalar_one()
        for payload, governor, team in _events(season, govs, teams, window, target):
            seq += 1
            aggregate = (payload.aggregate_type, payload.aggregate_id())
            versions[aggregate] = versions.get(aggregate, 0) + 1
            rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "league_id": league,
                    "sequence_number": seq,
                    "event_type": payload.event_type,
                    "aggregate_type": aggregate[0],
                    "aggregate_id": aggregate[1],
                    "aggregate_version": versions[aggregate],
                    "season_id": season,
                    "round_number": 1,
                    "governance_window_id": window,
                    "governor_id": governor,
                    "team_id": team,
                    "payload": payload.model_dump(mode="json"),
                    "schema_version": payload.schema_version,
                    "command_id": None,
                    "metadata": {},
                    "created_at": now,
                }
            )
            if len(rows) == 20_000:
                await s.execute(insert(events_table), rows)
                rows.clear()
        if rows:
            await s.execute(insert(events_table), rows)
        await s.execute(
            head_table.update().where(head_table.c.league_id == league).values(last_sequence=seq)
        )
        await rebuild(s)
    return window


async def main(args: argparse.Namespace) -> dict[str, Any]:
    async with bench_database(args.backend, args.url) as db:
        seeded = await seed_league(db, governors=GOVERNORS, teams=TEAMS)
        season, govs = seeded.season_id, seeded.governor_ids
        result: dict[str, Any] = {"backend": args.backend}
        start = time.perf_counter()
        await bulk_load(db, season, govs, seeded.team_ids, args.events)
        result["bulk_load_and_rebuild_seconds"] = round(time.perf_counter() - start, 1)
        app = Pinwheel(db, FakeInterpreter())
        # The proposal voted on is made through the real handlers, in a window of its own.
        await app.handle(OpenWindow(season, str(uuid.uuid4()), 4, 6), command_id="bench:window")
        draft = await app.handle(
            SubmitProposal(season, govs[0], "shot_clock_seconds=30"), command_id="bench:draft"
        )
        confirmed = await app.handle(
            ConfirmProposal(draft["draft_id"], govs[0]), command_id="bench:confirm"
        )
        pid = confirmed["proposal_id"]
        samples = []
        for n in range(args.warmup + args.votes):
            cmd = CastVote(pid, govs[n % len(govs)], "yes" if n % 2 else "no", boost=n < 10)
            t0 = time.perf_counter()
            await app.handle(cmd, command_id=f"bench:vote:{n}")
            if n >= args.warmup:
                samples.append((time.perf_counter() - t0) * 1000)
        async with db.read_sessions() as s:
            report = await verify(s)
        result["events"] = report.events
        result["verify_ok"] = report.ok
        result["votes_timed"] = len(samples)
        result["vote_ms_p50"] = round(statistics.median(samples), 3)
        result["vote_ms_p99"] = round(percentile(samples, 0.99), 3)
        return result


RATES = (25, 50, 100, 150, 200, 250, 300, 400, 500, 700, 1000)  # offered votes per second
KNEE_P99_MS = 500.0


async def _step(
    app: Pinwheel, pid: str, govs: list[str], rate: int, seconds: float
) -> dict[str, Any]:
    """`rate` votes a second for `seconds`, each sent at its time; latency counts from then."""
    count = int(rate * seconds)
    latencies: list[float] = []
    outcomes: dict[str, str] = {}
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def vote(n: int, due: float) -> None:
        cid = f"sustained:{rate}:{n}"
        cmd = CastVote(pid, govs[n % len(govs)], "yes" if n % 2 else "no")
        try:
            await app.handle(cmd, command_id=cid)
        except BusyError:
            outcomes[cid] = "busy"
        except Exception as err:  # counted, never hidden: any failure but "busy" is an error
            outcomes[cid] = f"error:{type(err).__name__}"
        else:
            outcomes[cid] = "ok"
            latencies.append((loop.time() - due) * 1000)

    tasks = []
    for n in range(count):
        due = start + n / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(vote(n, due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    ok = sum(1 for o in outcomes.values() if o == "ok")
    return {
        "offered_per_s": rate,
        "answered_per_s": round(ok / elapsed, 1),
        "ok": ok,
        "busy": sum(1 for o in outcomes.values() if o == "busy"),
        "errors": sum(1 for o in outcomes.values() if o.startswith("error")),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
        "outcomes": outcomes,
    }


async def sustained(args: argparse.Namespace) -> dict[str, Any]:
    async with bench_database(args.backend, args.url) as setup_db:
        seeded = await seed_league(setup_db, governors=GOVERNORS, teams=TEAMS)
        season, govs = seeded.season_id, seeded.governor_ids
        await bulk_load(setup_db, season, govs, seeded.team_ids, args.events)
        # The bot's own engine: its pool and its bounded wait, as `pinwheel run` builds it.
        db = create_database(setup_db.url, wait_s=args.wait_s)
        try:
            app = Pinwheel(db, FakeInterpreter())
            await app.handle(OpenWindow(season, str(uuid.uuid4()), 4, 6), command_id="s:window")
            draft = await app.handle(
                SubmitProposal(season, govs[0], "shot_clock_seconds=30"), command_id="s:draft"
            )
            pid = (await app.handle(ConfirmProposal(draft["draft_id"], govs[0]), command_id="s:c"))[
                "proposal_id"
            ]
            steps: list[dict[str, Any]] = []
            for rate in args.rates:
                steps.append(await _step(app, pid, govs, rate, args.seconds))
                past = [st["busy"] + st["errors"] > 0 for st in steps[-2:]]
                if len(past) == 2 and all(past):
                    break  # two steps past capacity: the shape is known
            async with db.read_sessions() as s:
                recorded = set(
                    (
                        await s.execute(
                            select(CommandLogRow.command_id).where(
                                CommandLogRow.command_id.like("sustained:%")
                            )
                        )
                    ).scalars()
                )
                report = await verify(s)
        finally:
            await db.dispose()
    outcomes = {cid: o for step in steps for cid, o in step.pop("outcomes").items()}
    failed = {cid for cid, o in outcomes.items() if o != "ok"}
    clean = [
        s for s in steps if not s["busy"] and not s["errors"] and (s["p99_ms"] or 0) < KNEE_P99_MS
    ]
    knee = max(clean, key=lambda s: s["offered_per_s"]) if clean else None
    return {
        "backend": args.backend,
        "wait_s": args.wait_s,
        "seconds_per_step": args.seconds,
        "votes_per_s": knee["answered_per_s"] if knee else 0,
        "knee_offered_per_s": knee["offered_per_s"] if knee else 0,
        "p99_ms_below_knee": knee["p99_ms"] if knee else None,
        "busy_replies": sum(s["busy"] for s in steps),
        "errors": sum(s["errors"] for s in steps),
        "recorded_but_reported_failed": len(failed & recorded),
        "reported_but_not_recorded": len({c for c, o in outcomes.items() if o == "ok"} - recorded),
        "verify_ok": report.ok,
        "steps": steps,
    }


if __name__ == "__main__":
    arguments = parser(__doc__, events=-1)  # -1: 1,000,000 (closed loop) or 20,000 (sustained)
    arguments.add_argument("--votes", type=int, default=1000)
    arguments.add_argument("--warmup", type=int, default=50)
    arguments.add_argument("--sustained", action="store_true", help="open-loop rising rates")
    arguments.add_argument("--seconds", type=float, default=5.0, help="--sustained: per rate")
    arguments.add_argument("--wait-s", type=float, default=5.0, help="--sustained: DB wait")
    arguments.add_argument("--rates", type=lambda v: [int(x) for x in v.split(",")], default=RATES)
    parsed = arguments.parse_args()
    if parsed.events < 0:
        parsed.events = 20_000 if parsed.sustained else 1_000_000
    run(sustained if parsed.sustained else main, parsed)
