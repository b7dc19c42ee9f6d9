"""`pinwheel export`: the league's public record as one archive anyone can check.

The archive holds what the web and API serve (through the same public read model, so the
same privacy rule): each season's teams, standings, rules, proposals and public mirrors, every
shown game with everything needed to play it again, and the public governance log. A
SHA-256 digest over the rest seals it. `verify_export` checks the seal, plays every game
again and compares it, recomputes the standings from the games and the rules from the log.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from bot.app import public
from bot.app.league.replay import stored_result
from bot.domain.errors import DomainError
from bot.domain.rules import parse_ruleset
from bot.domain.standings import GameScore, compute_standings
from bot.sim import GameResult, replay_game
from db import league_repo
from db.engine import Database
from db.tables import SeasonRow

FORMAT = "pinwheel-export/1"


def canonical(document: dict[str, Any]) -> bytes:
    """The bytes the digest is taken over: sorted keys, no spaces, the digest left out."""
    body = {k: v for k, v in document.items() if k != "digest"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def digest_of(document: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical(document)).hexdigest()


async def export(db: Database, season_id: str | None = None) -> dict[str, Any]:
    async with db.read_sessions() as s:
        query = SeasonRow.__table__.select().order_by(SeasonRow.league_id, SeasonRow.number)
        rows = [r for r in (await s.execute(query)).all() if season_id in (None, r.id)]
    if season_id is not None and not rows:
        raise LookupError(f"There is no season {season_id}.")
    seasons = []
    for row in rows:
        league = await public.league(db, row.league_id)
        games = []
        for g in await public.games(db, row.id, after=None, limit=public.MAX_LIMIT * 100):
            async with db.read_sessions() as s:
                stored = await league_repo.game_row(s, g["id"])
                lines = await league_repo.game_box_scores(s, g["id"])
            assert stored is not None
            games.append(
                {
                    "id": g["id"],
                    "round": g["round"],
                    "matchup": g["matchup"],
                    "phase": g["phase"],
                    "result": stored_result(stored, lines).to_dict(),
                }
            )
        seasons.append(
            {
                "id": row.id,
                "league": league,
                "number": row.number,
                "name": row.name,
                "status": row.status,
                "starting_rules": dict(row.starting_ruleset),
                "rules": dict(row.current_ruleset),
                "teams": await public.teams(db, row.id),
                "standings": await public.standings(db, row.id),
                "proposals": await public.proposals(db, row.id),
                "mirrors": await public.mirrors(db, row.id, public.MAX_LIMIT),
                "games": games,
            }
        )
    wanted = {s["id"] for s in seasons}
    events: list[dict[str, Any]] = []
    for league_id in sorted({row.league_id for row in rows}):  # each league's log in turn
        after = 0
        while True:
            page = await public.events(db, league_id, after, public.MAX_LIMIT)
            events += [e.as_dict() for e in page if e.season_id in wanted]
            if len(page) < public.MAX_LIMIT:
                break
            after = page[-1].sequence_number
    document: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "seasons": seasons,
        "events": events,
    }
    document["digest"] = digest_of(document)
    return document


def verify_export(document: dict[str, Any]) -> list[str]:
    """What is wrong with an archive (nothing: an empty list)."""
    if document.get("format") != FORMAT:
        return [f"not a Pinwheel export (format {document.get('format')!r})"]
    problems = []
    if document.get("digest") != digest_of(document):
        problems.append("the digest does not match the contents: the archive was changed")
    events = document.get("events", [])
    for season in document.get("seasons", []):
        name = season.get("name", "?")
        scores = []
        for game in season["games"]:
            stored = GameResult.from_dict(game["result"])
            again = replay_game(stored)
            before, after = stored.to_dict(), again.to_dict()
            differing = sorted(k for k in before if before[k] != after[k])
            if differing:
                problems.append(
                    f"{name}, round {game['round']}: game {game['id']} plays differently "
                    f"({', '.join(differing)})"
                )
            if game["phase"] == "regular":
                scores.append(
                    GameScore(
                        home_team_id=stored.home_team_id,
                        away_team_id=stored.away_team_id,
                        home_score=stored.home_score,
                        away_score=stored.away_score,
                    )
                )
        teams = sorted(t["id"] for t in season["teams"])
        recomputed = [r.model_dump() for r in compute_standings(teams, scores)]
        exported = [{k: v for k, v in r.items() if k != "team"} for r in season["standings"]]
        if recomputed != exported:
            problems.append(f"{name}: the standings do not follow from the games")
        rules = dict(season["starting_rules"])
        for e in events:
            if e["season_id"] == season["id"] and e["event_type"] == "rule.enacted":
                rules[e["payload"]["parameter"]] = e["payload"]["new_value"]
        try:
            follows = parse_ruleset(rules) == parse_ruleset(season["rules"])
        except DomainError as err:
            follows, why = False, f" ({err})"
        else:
            why = ""
        if not follows:
            problems.append(f"{name}: the rules do not follow from the log{why}")
    return problems
