"""The govern step: close the window that ends with this round (tally, enact, regenerate tokens,
through the governance handler), write its mirrors, stats and posts, and open the next."""

from __future__ import annotations

from typing import Any

from bot.app.governance import cards, windows
from bot.app.governance.commands import CloseWindow, OpenWindow
from bot.app.governance.forecast import stored
from bot.app.league import stats
from bot.app.league.mirrors import MirrorSpec, publish
from bot.app.league.steps import (
    PLAYING,
    StepContext,
    announce_achievements,
    current_progress,
    hold_for_show,
)
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.event_store import read_by_type
from db.league_repo import stable_id
from db.uow import UnitOfWork

# --- govern ---------------------------------------------------------------------------------------


async def govern_round(uow: UnitOfWork, ctx: StepContext) -> dict[str, Any]:
    await hold_for_show(uow, ctx)
    p = await current_progress(uow, ctx)
    if p is None or p.phase == "complete":
        return {"closed": None}
    window = await gov_repo.open_window(uow.session, ctx.season_id)
    if window is None or window.closes_after_round > ctx.round_number:
        return {"closed": None}
    outcome = await close_and_report(uow, ctx, window.window_id)
    if p.phase in PLAYING:
        await open_next_window(uow, ctx, ctx.round_number + 1, "window")
    return outcome


async def open_next_window(uow: UnitOfWork, ctx: StepContext, first_round: int, kind: str) -> str:
    rules = await gov_repo.current_rules(uow.session, ctx.season_id)
    window_id = stable_id(kind, ctx.season_id, first_round)
    await windows.open_window(
        uow,
        OpenWindow(
            ctx.season_id,
            window_id,
            round_number=first_round,
            closes_after_round=first_round + rules.rounds_per_window - 1,
        ),
    )
    return window_id


async def close_and_report(uow: UnitOfWork, ctx: StepContext, window_id: str) -> dict[str, Any]:
    """Tally the window (the governance handler), then its mirrors, stats and posts."""
    s, n = uow.session, ctx.round_number
    before = len(uow.appended)
    outcome = await windows.close_window(uow, CloseWindow(ctx.season_id, window_id, n))
    ctx.hook("tallying")
    now = uow.clock()
    new_events = uow.appended[before:]
    revealed = {
        e.payload["proposal_id"]: e.payload["votes"]
        for e in new_events
        if e.event_type == "vote.revealed"
    }
    why_failed = {
        e.payload["proposal_id"]: str(e.payload.get("reason", ""))
        for e in new_events
        if e.event_type == "proposal.failed"
    }
    proposals = {p.proposal_id: p for p in await gov_repo.season_proposals(s, ctx.season_id)}
    resolved = []
    deltas: dict[str, dict[str, int]] = {}
    for pid in [*outcome["passed"], *outcome["failed"]]:
        passed = pid in outcome["passed"]
        votes = revealed.get(pid, [])
        prop = proposals[pid]
        resolved.append(
            {
                "proposal_id": pid,
                "text": prop.text[:200],
                "passed": passed,
                "yes": sum(1 for v in votes if v["vote"] == "yes"),
                "no": sum(1 for v in votes if v["vote"] == "no"),
                "reason": "" if passed else why_failed.get(pid, ""),
            }
        )
        author = deltas.setdefault(prop.governor_id, {})
        author["proposals_submitted"] = author.get("proposals_submitted", 0) + 1
        author["proposals_passed"] = author.get("proposals_passed", 0) + int(passed)
        for v in votes:
            d = deltas.setdefault(v["governor_id"], {})
            d["votes_cast"] = d.get("votes_cast", 0) + 1
            with_majority = (v["vote"] == "yes") == passed
            d["votes_with_majority"] = d.get("votes_with_majority", 0) + int(with_majority)
    # Token trades accepted since the previous close (both sides count one).
    marks = await read_by_type(s, ctx.season_id, ["trade.accepted", "window.closed"])
    closes = [e.sequence_number for e in marks if e.event_type == "window.closed"]
    since = closes[-2] if len(closes) > 1 else 0
    for e in marks:
        if e.event_type == "trade.accepted" and e.sequence_number > since:
            for side in (e.payload["from_governor_id"], e.payload["to_governor_id"]):
                d = deltas.setdefault(side, {})
                d["trades_accepted"] = d.get("trades_accepted", 0) + 1
    gov_stats = await stats.bump_governors(s, deltas, now) if deltas else {}
    await announce_achievements(uow, ctx, gov_stats)
    enacted = [
        {"parameter": e["parameter"], "old_value": e["old_value"], "new_value": e["new_value"]}
        for e in outcome["enacted"]
    ]
    context = {
        "round": n,
        "window_id": window_id,
        "resolved": resolved,
        "enacted": enacted,
        "forecasts": await _forecasts_checked(uow, ctx, proposals),
    }
    text = window_summary(n, resolved)
    await repo.enqueue(
        s,
        league_id=ctx.league_id,
        key=f"window:{window_id}:closed",
        kind="governance",
        target="governance",
        payload={"text": text, "passed": outcome["passed"], "failed": outcome["failed"]},
        at=now,
        held_by=ctx.hold,
    )
    await publish(
        s,
        MirrorSpec(
            "governance",
            f"mirror:governance:{window_id}",
            ctx.season_id,
            ctx.league_id,
            context,
            round_number=n,
            held_by=ctx.hold,
        ),
        now,
        ctx.writer,
    )
    await _private_mirrors(uow, ctx, window_id, revealed, proposals)
    return {
        "closed": window_id,
        "passed": outcome["passed"],
        "failed": outcome["failed"],
        "enacted": len(enacted),
    }


def window_summary(round_number: int, resolved: list[dict[str, Any]]) -> str:
    """The window's close in one post: what passed, what failed and why."""
    if not resolved:
        return f"The window closed after round {round_number} with nothing to tally."
    passed = [f"'{r['text']}'" for r in resolved if r["passed"]]
    failed = [
        f"'{r['text']}'" + (f" ({r['reason']})" if r.get("reason") else "")
        for r in resolved
        if not r["passed"]
    ]
    parts = [f"The window closed after round {round_number}."]
    if passed:
        parts.append("Passed: " + ", ".join(passed) + ".")
    if failed:
        parts.append("Failed: " + ", ".join(failed) + ".")
    return " ".join(parts)


async def _forecasts_checked(
    uow: UnitOfWork, ctx: StepContext, proposals: dict[str, Any]
) -> list[dict[str, Any]]:
    """The rules enacted at the last close before this one, each forecast (on its card)
    against what the games since did: points per team, before and after."""
    s, n = uow.session, ctx.round_number
    enacted = [e.payload for e in await read_by_type(s, ctx.season_id, ["rule.enacted"])]
    rounds = {int(e.get("round_enacted") or 0) for e in enacted}
    earlier = [r for r in rounds if r < n]
    if not earlier:
        return []
    last = max(earlier)
    games = await repo.played_games(s, ctx.season_id)
    before = [(g.home_score + g.away_score) / 2 for g in games if g.round_number <= last]
    after = [(g.home_score + g.away_score) / 2 for g in games if last < g.round_number <= n]
    if not before or not after:
        return []
    actual = sum(after) / len(after) - sum(before) / len(before)
    checked = []
    for pid in sorted({str(e["proposal_id"]) for e in enacted if e.get("round_enacted") == last}):
        card = await repo.payload_of(s, cards.card_key(pid))
        key = (card or {}).get("forecast_key")
        found = await stored(s, str(key)) if key else None
        if found is None or pid not in proposals:
            continue
        points = next((x for x in found.lines if x.name == "points_per_team"), None)
        checked.append(
            {
                "text": proposals[pid].text[:120],
                "predicted": round(points.change if points else 0.0, 1),
                "actual": round(actual, 1),
                "games": len(after),
            }
        )
    return checked


async def _private_mirrors(
    uow: UnitOfWork,
    ctx: StepContext,
    window_id: str,
    revealed: dict[str, list[dict[str, Any]]],
    proposals: dict[str, Any],
) -> None:
    s, now = uow.session, uow.clock()
    enrolled = await gov_repo.active_enrollments(s, ctx.season_id)
    if not enrolled:
        return
    names = await repo.governor_names(s, ctx.league_id)
    opted_out = await repo.dm_opt_outs(s, [e.governor_id for e in enrolled])
    majority: dict[tuple[str, str | None], str] = {}
    for pid, votes in revealed.items():
        for team in {v["team_id"] for v in votes}:
            yes = sum(1 for v in votes if v["team_id"] == team and v["vote"] == "yes")
            no = sum(1 for v in votes if v["team_id"] == team and v["vote"] == "no")
            if yes != no:
                majority[(pid, team)] = "yes" if yes > no else "no"
    enacted_round = {
        e.payload["proposal_id"]: e.payload.get("round_enacted") or 0
        for e in await read_by_type(s, ctx.season_id, ["rule.enacted"])
    }
    games = await repo.played_games(s, ctx.season_id)
    # Rules enacted at the same close change the games together: none is credited alone.
    together: dict[int, int] = {}
    for r in enacted_round.values():
        together[r] = together.get(r, 0) + 1
    for e in sorted(enrolled, key=lambda e: e.governor_id):
        mine = [
            v | {"proposal_id": pid}
            for pid, votes in revealed.items()
            for v in votes
            if v["governor_id"] == e.governor_id
        ]
        against = sum(
            1
            for v in mine
            if majority.get((v["proposal_id"], v["team_id"])) not in (None, v["vote"])
        )
        my_rules = []
        for pid, prop in proposals.items():
            if prop.governor_id != e.governor_id or pid not in enacted_round:
                continue
            cut = enacted_round[pid]
            before = [g.home_score + g.away_score for g in games if g.round_number <= cut]
            after = [g.home_score + g.away_score for g in games if g.round_number > cut]
            my_rules.append(
                {
                    "text": prop.text[:120],
                    "games_after": len(after),
                    "avg_after": sum(after) / len(after) if after else 0.0,
                    "avg_before": sum(before) / len(before) if before else 0.0,
                    "passed_with": together.get(cut, 1) - 1,  # other rules enacted with it
                }
            )
        context = {
            "name": names.get(e.governor_id, "governor"),
            "team": e.team_name,
            "votes": len(mine),
            "against_team": against,
            "my_rules": my_rules,
        }
        if not mine and not any(r["games_after"] for r in my_rules):
            continue  # nothing to tell them: no DM that only says so
        await publish(
            s,
            MirrorSpec(
                "private",
                f"mirror:private:{window_id}:{e.governor_id}",
                ctx.season_id,
                ctx.league_id,
                context,
                round_number=ctx.round_number,
                team_id=e.team_id,
                governor_id=e.governor_id,
                deliver=e.governor_id not in opted_out,
                held_by=ctx.hold,
            ),
            now,
            ctx.writer,
        )
