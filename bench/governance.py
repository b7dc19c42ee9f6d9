"""Vote latency end to end with a large log already in the store.

    python bench/governance.py [--backend sqlite|postgres] [--url ADMIN_URL] [--events N]

Bulk-loads N valid governance events (joins and grants, then proposals that were confirmed,
voted on by ten governors, revealed and failed), rebuilds every projection from them with the
same folds the store uses inline, checks `verify`, then times `Pinwheel.handle(CastVote)` from
call to return (lock, command log, reads, decision, append, inline projections, commit).
Prints one JSON object with vote_ms_p50 and vote_ms_p99.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from bench.harness import bench_database, parser, percentile, run
from bot.app.governance.commands import CastVote, ConfirmProposal, OpenWindow, SubmitProposal
from bot.app.service import Pinwheel
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
from db.engine import Database
from db.event_store import events_table, head_table
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
        for payload, governor, team in _events(season, govs, teams, window, target):
            seq += 1
            aggregate = (payload.aggregate_type, payload.aggregate_id())
            versions[aggregate] = versions.get(aggregate, 0) + 1
            rows.append(
                {
                    "id": str(uuid.uuid4()),
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
        await s.execute(head_table.update().values(last_sequence=seq))
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


if __name__ == "__main__":
    arguments = parser(__doc__)
    arguments.add_argument("--votes", type=int, default=1000)
    arguments.add_argument("--warmup", type=int, default=50)
    run(main, arguments.parse_args())
