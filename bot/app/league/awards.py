"""Season awards, computed from the box scores and the event log when a champion is crowned.

MVP (points, rebounds and assists), defensive player (steals and blocks), most efficient (true
shooting, with a minimum of attempts), most active governor (votes and proposals), Coalition
Builder (accepted trades, either side: `trade.accepted`) and Rule Architect (proposals passed).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from db import governance_repo as gov_repo
from db import league_repo as repo
from db.event_store import read_by_type
from db.uow import UnitOfWork

MIN_ATTEMPTS_PER_GAME = 3


def _best(scores: dict[str, float]) -> tuple[str, float] | None:
    if not scores:
        return None
    top = max(scores.items(), key=lambda kv: (kv[1], kv[0]))
    return top if top[1] > 0 else None


async def season_awards(uow: UnitOfWork, season_id: str, league_id: str) -> list[dict[str, Any]]:
    s = uow.session
    teams = await repo.load_teams(s, season_id)
    hooper_names = {h.id: h.name for t in teams.values() for h in t.hoopers}
    totals: dict[str, Counter[str]] = {}
    for line in await repo.season_box_scores(s, season_id):
        c = totals.setdefault(line["hooper_id"], Counter())
        c["games"] += 1
        for k in (
            "points",
            "rebounds",
            "assists",
            "steals",
            "blocks",
            "field_goals_attempted",
            "free_throws_attempted",
        ):
            c[k] += line[k]
    found: list[dict[str, Any]] = []

    def add(title: str, scores: dict[str, float], names: dict[str, str], why: str) -> None:
        best = _best(scores)
        if best is not None:
            found.append(
                {
                    "title": title,
                    "id": best[0],
                    "name": names.get(best[0], "?"),
                    "why": why.format(best[1]),
                }
            )

    add(
        "MVP",
        {h: c["points"] + c["rebounds"] + c["assists"] for h, c in totals.items()},
        hooper_names,
        "{:.0f} points, rebounds and assists",
    )
    add(
        "Defensive Player",
        {h: c["steals"] + c["blocks"] for h, c in totals.items()},
        hooper_names,
        "{:.0f} steals and blocks",
    )
    efficiency = {}
    for h, c in totals.items():
        attempts = c["field_goals_attempted"] + 0.44 * c["free_throws_attempted"]
        if c["field_goals_attempted"] >= MIN_ATTEMPTS_PER_GAME * c["games"] and attempts:
            efficiency[h] = c["points"] / (2 * attempts)
    add("Most Efficient", efficiency, hooper_names, "true shooting {:.3f}")
    governor_names = await repo.governor_names(s, league_id)
    activity: Counter[str] = Counter()
    for e in await read_by_type(s, season_id, ["vote.cast", "proposal.confirmed"]):
        if e.governor_id:
            activity[e.governor_id] += 1
    add("Most Active Governor", dict(activity), governor_names, "{:.0f} votes and proposals")
    trades: Counter[str] = Counter()
    for e in await read_by_type(s, season_id, ["trade.accepted"]):
        trades[e.payload["from_governor_id"]] += 1
        trades[e.payload["to_governor_id"]] += 1
    add("Coalition Builder", dict(trades), governor_names, "{:.0f} trades accepted")
    passed: Counter[str] = Counter()
    for p in await gov_repo.season_proposals(s, season_id):
        if p.status == "passed":
            passed[p.governor_id] += 1
    add("Rule Architect", dict(passed), governor_names, "{:.0f} proposals passed")
    return found
