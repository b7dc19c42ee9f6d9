"""Mirrors: reflections on play and governance, written from computed facts.

The built-in writer is deterministic: every sentence states something the context holds, with a
little voice. Each mirror is stored with the context it was written from, its writing is logged
in `ai_calls` like any AI request, and it is queued in the outbox in the same transaction (a
private mirror goes to its governor by DM unless they opted out).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert

from bot.domain.rules import PARAMS
from db import league_repo as repo
from db.league_repo import Executor, stable_id
from db.tables import AICallRow, table_of

MIRROR_TYPES = (
    "simulation",
    "governance",
    "private",
    "series",
    "season",
    "league",
    "tiebreaker",
    "offseason",
)


class MirrorWriter(Protocol):
    """Turns a mirror's context into prose. An LLM writer may stand behind this port."""

    name: str
    model: str

    def write(self, mirror_type: str, context: dict[str, Any]) -> str: ...


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def real_changes(enactments: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The enactments that moved a rule: one setting a rule to the value it had changed nothing."""
    return [e for e in enactments if e["new_value"] != e["old_value"]]


def rule_change_count(enactments: Iterable[Mapping[str, Any]]) -> int:
    """How many `rule.enacted` payloads really changed a rule (the season mirror's count)."""
    return len(real_changes(enactments))


def _simulation(c: dict[str, Any]) -> str:
    lines = [f"Round {c['round']} is in the books."]
    for g in c["games"]:
        lines.append(
            f"{g['winner']} beat {g['loser']} {g['winner_score']}-{g['loser_score']}"
            + (" in a squeaker." if g["margin"] <= 3 else ".")
        )
    if c.get("top_scorer"):
        t = c["top_scorer"]
        lines.append(f"{t['name']} of {t['team']} led everyone with {t['points']} points.")
    if c.get("leader"):
        lines.append(f"{c['leader']['team']} sits on top at {c['leader']['record']}.")
    return " ".join(lines)


def _governance(c: dict[str, Any]) -> str:
    if not c["resolved"]:
        return (
            f"The window closed after round {c['round']} with nothing on the ballot. "
            "The rules stand as they were."
        )
    lines = [f"The window closed after round {c['round']}."]
    for p in c["resolved"]:
        verdict = "passed" if p["passed"] else "failed"
        why = f": {p['reason']}" if p.get("reason") else ""
        lines.append(f"'{p['text']}' {verdict} ({p['yes']} yes, {p['no']} no){why}.")
    for e in real_changes(c["enacted"]):
        p = PARAMS.get(e["parameter"])
        if p is None:
            continue
        lines.append(f"{p.sentence(e['new_value'])} (was {p.show(e['old_value'])}).")
    for f in c.get("forecasts", []):
        lines.append(
            f"'{f['text']}' was forecast to move points per team by {f['predicted']:+.1f}; in "
            f"the {_plural(f['games'], 'game')} since, they moved {f['actual']:+.1f}."
        )
    return " ".join(lines)


def _private(c: dict[str, Any]) -> str:
    lines = [f"Your window, {c['name']}:"]
    votes = _plural(c["votes"], "vote")
    if not c["votes"]:
        lines.append("you cast no votes this time.")
    elif c["against_team"]:
        lines.append(f"you cast {votes}, {c['against_team']} against your team's majority.")
    else:
        lines.append(f"you cast {votes} and never broke from your team.")
    for r in c["my_rules"]:
        if not r["games_after"]:
            continue
        others = r.get("passed_with", 0)
        if others:
            lines.append(
                f"'{r['text']}' passed together with {_plural(others, 'other rule')}; since "
                f"then games average {r['avg_after']:.1f} points ({r['avg_before']:.1f} "
                "before), which none of them did alone."
            )
        else:
            lines.append(
                f"Since '{r['text']}' passed, games average {r['avg_after']:.1f} points "
                f"({r['avg_before']:.1f} before)."
            )
    return " ".join(lines)


def _series(c: dict[str, Any]) -> str:
    return (
        f"{c['winner']} take the {c['round_name']} series from {c['loser']}, "
        f"{c['winner_wins']}-{c['loser_wins']}."
    )


def _season(c: dict[str, Any]) -> str:
    lines = [f"{c['champion']} are champions of {c['season']}."]
    for award in c["awards"]:
        lines.append(f"{award['title']}: {award['name']} ({award['why']}).")
    # From the enactments themselves: a count of `rule.enacted` events would include
    # enactments that set a rule to the value it already had.
    changes = rule_change_count(c["enacted"])
    if changes:
        lines.append(f"The governors changed {_plural(changes, 'rule')} along the way.")
    else:
        lines.append("The governors left the rules as they found them.")
    return " ".join(lines)


def _league(c: dict[str, Any]) -> str:
    return (
        f"{c['season']} is complete: {_plural(c['games'], 'game')} played, "
        f"{_plural(c['proposals'], 'proposal')} debated, "
        f"{_plural(c['passed'], 'proposal')} passed. "
        f"The league has now finished {_plural(c['seasons_complete'], 'season')}."
    )


def _tiebreaker(c: dict[str, Any]) -> str:
    return (
        f"Nothing separates {', '.join(c['teams'])} at the playoff line. "
        f"{_plural(c['games'], 'tiebreaker game')} will."
    )


def _offseason(c: dict[str, Any]) -> str:
    return (
        f"The offseason of {c['season']} has begun: no games, only governance, "
        f"for {_plural(c['rounds'], 'round')}. Whatever passes now shapes next season."
    )


_WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "simulation": _simulation,
    "governance": _governance,
    "private": _private,
    "series": _series,
    "season": _season,
    "league": _league,
    "tiebreaker": _tiebreaker,
    "offseason": _offseason,
}


class BuiltinMirrorWriter:
    """Deterministic prose from the context; needs no network."""

    name = "builtin"
    model = "mirror-writer-1"

    def write(self, mirror_type: str, context: dict[str, Any]) -> str:
        return _WRITERS[mirror_type](context)


@dataclass(frozen=True)
class MirrorSpec:
    mirror_type: str
    key: str  # deterministic: names the mirror, its outbox row and its id
    season_id: str
    league_id: str
    context: dict[str, Any]
    round_number: int | None = None
    team_id: str | None = None
    governor_id: str | None = None
    deliver: bool = True  # False: stored but not posted (e.g. a DM opt-out)
    held_by: str | None = None  # the round's show the post waits behind


async def publish(
    db: Executor, spec: MirrorSpec, at: datetime, writer: MirrorWriter | None = None
) -> str:
    """Write, store, log and queue one mirror; return its text."""
    writer = writer or BuiltinMirrorWriter()
    started = time.perf_counter()
    content = writer.write(spec.mirror_type, spec.context)
    latency = round((time.perf_counter() - started) * 1000)
    await repo.insert_mirror(
        db,
        {
            "id": stable_id("mirror", spec.key),
            "season_id": spec.season_id,
            "round_number": spec.round_number,
            "mirror_type": spec.mirror_type,
            "team_id": spec.team_id,
            "governor_id": spec.governor_id,
            "content": content,
            "context_snapshot": spec.context,
            "latency_ms": latency,
            "created_at": at,
        },
    )
    await db.execute(
        insert(table_of(AICallRow)).values(
            id=stable_id("ai_call", spec.key),
            league_id=spec.league_id,
            purpose=f"mirror.{spec.mirror_type}",
            provider=writer.name,
            model=writer.model,
            prompt=json.dumps(spec.context, sort_keys=True, default=str)[:20_000],
            response=content,
            ok=True,
            latency_ms=latency,
            created_at=at,
        )
    )
    if spec.deliver:
        target = f"dm:{spec.governor_id}" if spec.mirror_type == "private" else "mirrors"
        payload = {"text": content, "season_id": spec.season_id, "round": spec.round_number}
        if spec.mirror_type == "private":
            payload["recipient"] = spec.context.get("name") or "governor"
        await repo.enqueue(
            db,
            league_id=spec.league_id,
            key=spec.key,
            kind=f"mirror.{spec.mirror_type}",
            target=target,
            payload=payload,
            at=at,
            held_by=spec.held_by,
        )
    return content
