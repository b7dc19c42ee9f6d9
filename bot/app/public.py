"""The league as the public sees it: the one read model the web pages, the API and
`pinwheel export` share, and the one place the privacy rule is applied.

Public is what Discord shows everyone: games once their show has finished (no spoilers),
standings from those games, rules and their history, proposals with their text and, once
revealed, their tally and each governor's vote, public mirrors of shown rounds, rosters, bios
and strategies. Never public: a vote's choice before its reveal, private mirrors and DMs, token
balances and token trades, admin notes and reasons, settings, AI call logs, Discord user ids.
Everything here only reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select

from bot.app.league.show import Show, load_show
from bot.domain.league import ATTRIBUTE_NAMES
from bot.domain.rules import PARAMS
from bot.render.words import ATTRIBUTE_LABELS, rating_word, words
from bot.sim import frames as fr
from db import discord_repo, league_repo
from db import presentation_repo as shows
from db.browse_repo import team_names_of
from db.engine import Database
from db.event_store import Executor, events_table
from db.tables import (
    AchievementRow,
    BoxScoreRow,
    GameResultRow,
    GovernorAchievementRow,
    GovernorRow,
    HooperBioRow,
    HooperRow,
    HooperStatsRow,
    LeagueRow,
    MirrorRow,
    PresentationRow,
    PresentedGameRow,
    ProposalRow,
    ScheduleRow,
    SeasonProgressRow,
    SeasonRow,
    TeamRow,
    TeamStrategyRow,
    VoteRow,
    VoteTallyRow,
)
from db.uow import LEAGUE_OF

# Event types anyone may follow. Token grants, spends and trades are a governor's own business
# (Discord shows them only to their owner); everything else governance does is public.
PRIVATE_EVENT_PREFIXES = ("token.", "trade.")
# Keys never served from any payload: what an admin or Discord knows, not the public.
PRIVATE_KEYS = frozenset({"reason", "admin_id", "actor_id", "discord_user_id", "note", "notes"})
# Inside an unrevealed vote: the choice and whether a boost was spent on it.
VOTE_CHOICE_KEYS = frozenset({"vote", "boost", "boost_used", "weight"})
MAX_LIMIT = 500


def public_payload(event_type: str, payload: Mapping[str, Any], revealed: bool) -> dict[str, Any]:
    """An event's payload as the public may see it (`revealed`: its proposal's votes are)."""
    shown = {k: v for k, v in payload.items() if k not in PRIVATE_KEYS}
    if event_type in ("vote.cast", "hooper_trade.voted") and not revealed:
        shown = {k: v for k, v in shown.items() if k not in VOTE_CHOICE_KEYS | {"approve"}}
    return shown


def is_public_event(event_type: str) -> bool:
    return not event_type.startswith(PRIVATE_EVENT_PREFIXES)


@dataclass(frozen=True, slots=True)
class PublicEvent:
    league_id: str
    sequence_number: int  # its place in its league's log
    event_type: str
    created_at: str
    season_id: str | None
    payload: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "league_id": self.league_id,
            "sequence_number": self.sequence_number,
            "event_type": self.event_type,
            "created_at": self.created_at,
            "season_id": self.season_id,
            "payload": self.payload,
        }


async def _revealed(s: Executor, proposal_ids: Iterable[str]) -> set[str]:
    wanted = sorted(set(proposal_ids))
    if not wanted:
        return set()
    query = select(VoteTallyRow.proposal_id).where(
        VoteTallyRow.proposal_id.in_(wanted), VoteTallyRow.revealed.is_(True)
    )
    return set((await s.execute(query)).scalars())


async def events(db: Database, league_id: str, after: int, limit: int) -> list[PublicEvent]:
    """The league's public events after sequence `after` in its log, in order: at most
    `limit`, each public (private types are left out in the query, so a short page means the
    end of the log)."""
    limit = max(1, min(limit, MAX_LIMIT))
    condition = and_(
        events_table.c.league_id == league_id,
        events_table.c.sequence_number > after,
        *(~events_table.c.event_type.startswith(p) for p in PRIVATE_EVENT_PREFIXES),
    )
    async with db.read_sessions() as s:
        rows = (
            await s.execute(
                select(
                    events_table.c.sequence_number,
                    events_table.c.event_type,
                    events_table.c.created_at,
                    events_table.c.season_id,
                    events_table.c.aggregate_id,
                    events_table.c.payload,
                )
                .where(condition)
                .order_by(events_table.c.sequence_number)
                .limit(limit)
            )
        ).all()
        revealed = await _revealed(s, (r.aggregate_id for r in rows if r.event_type == "vote.cast"))
    return [
        PublicEvent(
            league_id,
            int(r.sequence_number),
            r.event_type,
            r.created_at.isoformat(),
            r.season_id,
            public_payload(r.event_type, r.payload, r.aggregate_id in revealed),
        )
        for r in rows
    ]


# --- Leagues and seasons --------------------------------------------------------------------


async def leagues(db: Database, offset: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
    """The leagues, oldest first, with how many seasons each has played: all of them, or
    `limit` from `offset` on (only those rows are read and counted)."""
    seasons = (
        select(func.count(SeasonRow.id)).where(SeasonRow.league_id == LeagueRow.id)
    ).scalar_subquery()
    query = (
        select(LeagueRow.id, LeagueRow.name, seasons)
        .order_by(LeagueRow.created_at, LeagueRow.id)
        .offset(offset)
        .limit(limit)
    )
    async with db.read_sessions() as s:
        rows = (await s.execute(query)).all()
    return [{"id": r[0], "name": r[1], "seasons": int(r[2])} for r in rows]


async def only_league(db: Database) -> str | None:
    """The league's id when the database holds exactly one, else None: two rows at most are
    read, however many leagues there are."""
    async with db.read_sessions() as s:
        ids = (await s.execute(select(LeagueRow.id).limit(2))).scalars().all()
    return str(ids[0]) if len(ids) == 1 else None


async def league(db: Database, league_id: str) -> dict[str, Any] | None:
    async with db.read_sessions() as s:
        row = await s.get(LeagueRow, league_id)
    return None if row is None else {"id": row.id, "name": row.name}


async def seasons(db: Database, league_id: str) -> list[dict[str, Any]]:
    """The league's seasons, newest first, with their champions once crowned."""
    async with db.read_sessions() as s:
        rows = (
            await s.execute(
                select(
                    SeasonRow.id,
                    SeasonRow.number,
                    SeasonRow.name,
                    SeasonRow.status,
                    SeasonProgressRow.phase,
                    SeasonProgressRow.champion_team_id,
                )
                .join(SeasonProgressRow, SeasonProgressRow.season_id == SeasonRow.id, isouter=True)
                .where(SeasonRow.league_id == league_id)
                .order_by(SeasonRow.number.desc())
            )
        ).all()
        names = await team_names_of(s, [r.champion_team_id for r in rows if r.champion_team_id])
    return [
        {
            "id": r.id,
            "number": int(r.number),
            "name": r.name,
            "status": r.status,
            "phase": r.phase,
            "champion": names.get(r.champion_team_id) if r.champion_team_id else None,
        }
        for r in rows
    ]


async def season(db: Database, season_id: str) -> dict[str, Any] | None:
    async with db.read_sessions() as s:
        row = await s.get(SeasonRow, season_id)
        progress = await league_repo.get_progress(s, season_id)
    if row is None:
        return None
    return {
        "id": row.id,
        "league_id": row.league_id,
        "number": row.number,
        "name": row.name,
        "status": row.status,
        "phase": progress.phase if progress else None,
        # A finished season has no next round (its progress keeps the number it stopped at).
        "next_round": progress.next_round if progress and progress.phase != "complete" else None,
    }


async def current_season(db: Database, league_id: str) -> str | None:
    """The league's season being played, else its newest."""
    found = await seasons(db, league_id)
    running = [x for x in found if x["status"] != "complete"]
    chosen = running or found
    return str(chosen[0]["id"]) if chosen else None


# --- Games ----------------------------------------------------------------------------------


def _on_screen() -> Any:
    """Games whose show has not finished: not public yet."""
    return (
        select(PresentedGameRow.game_id)
        .join(PresentationRow, PresentationRow.id == PresentedGameRow.presentation_id)
        .where(PresentedGameRow.final_at.is_(None))
    )


async def standings(db: Database, season_id: str) -> list[dict[str, Any]]:
    """Regular-season standings from the games shown so far, best first (as /standings)."""
    return [
        {"team": name, **row.model_dump()}
        for name, row in await discord_repo.standings(db, season_id)
    ]


async def games(
    db: Database, season_id: str, *, after: tuple[int, int] | None, limit: int
) -> list[dict[str, Any]]:
    """The season's shown games in play order, after (round, matchup) `after`."""
    limit = max(1, min(limit, MAX_LIMIT))
    async with db.read_sessions() as s:
        names = await league_repo.team_names(s, season_id)
        found = await league_repo.played_games(s, season_id)
        live = await shows.unpresented(s, season_id)
    out = []
    for g in found:
        if g.game_id in live or (after is not None and (g.round_number, g.matchup_index) <= after):
            continue
        out.append(
            {
                "id": g.game_id,
                "round": g.round_number,
                "matchup": g.matchup_index,
                "phase": g.phase,
                "home_team_id": g.home_team_id,
                "away_team_id": g.away_team_id,
                "home": names.get(g.home_team_id, "?"),
                "away": names.get(g.away_team_id, "?"),
                "home_score": g.home_score,
                "away_score": g.away_score,
                "winner_team_id": g.winner_team_id,
            }
        )
        if len(out) >= limit:
            break
    return out


async def schedule(db: Database, season_id: str) -> list[dict[str, Any]]:
    """Every scheduled matchup in order; a played game's score once its show has finished."""
    async with db.read_sessions() as s:
        names = await league_repo.team_names(s, season_id)
        live = await shows.unpresented(s, season_id)
        rows = (
            await s.execute(
                select(
                    ScheduleRow.round_number,
                    ScheduleRow.matchup_index,
                    ScheduleRow.phase,
                    ScheduleRow.home_team_id,
                    ScheduleRow.away_team_id,
                    ScheduleRow.game_result_id,
                    GameResultRow.home_score,
                    GameResultRow.away_score,
                )
                .join(GameResultRow, GameResultRow.id == ScheduleRow.game_result_id, isouter=True)
                .where(ScheduleRow.season_id == season_id)
                .order_by(ScheduleRow.round_number, ScheduleRow.matchup_index)
            )
        ).all()
    out = []
    for r in rows:
        shown = r.game_result_id is not None and r.game_result_id not in live
        out.append(
            {
                "round": r.round_number,
                "matchup": r.matchup_index,
                "phase": r.phase,
                "home": names.get(r.home_team_id, "?"),
                "away": names.get(r.away_team_id, "?"),
                "home_team_id": r.home_team_id,
                "away_team_id": r.away_team_id,
                "played": shown,
                "game_id": r.game_result_id if shown else None,
                "home_score": r.home_score if shown else None,
                "away_score": r.away_score if shown else None,
            }
        )
    return out


async def game_show(db: Database, game_id: str) -> Show | None:
    """A shown game's card and film (None: unknown, or still being shown)."""
    async with db.read_sessions() as s:
        if await shows.is_unpresented(s, game_id):
            return None
        return await load_show(s, game_id)


def play_by_play(show: Show) -> list[dict[str, Any]]:
    """Every possession in words (commentary where stored), with what made it matter."""
    out = []
    for m in fr.moments(show.film):
        important = (
            m.lead_change
            or m.elam_start
            or m.energy in ("high", "peak")
            or (m.run[1] >= 8 if m.run else False)
        )
        out.append(
            {
                "possession": m.possession,
                "period": fr.period_name(m.period, show.film.timed_periods),
                "home_score": m.home_score,
                "away_score": m.away_score,
                "text": m.line,
                "energy": m.energy,
                "lead_change": m.lead_change,
                "important": bool(important),
            }
        )
    return out


def game_detail(show: Show) -> dict[str, Any]:
    card = show.card
    return {
        "id": card.game_id,
        "season": card.season,
        "season_id": show.season_id,
        "round": card.round_number,
        "home": card.home,
        "away": card.away,
        "home_team_id": show.home_team_id,
        "away_team_id": show.away_team_id,
        "home_score": card.home_score,
        "away_score": card.away_score,
        "periods": [
            {"period": label, "home": h, "away": a}
            for label, (h, a) in zip(card.period_labels, card.period_scores, strict=False)
        ],
        "elam_target": card.elam_target or None,
        "finisher": card.finisher or None,
        "lead_changes": card.lead_changes,
        "largest_lead": card.largest_lead,
        "stage": card.stage or None,
        "series": card.series_after or None,
        "box_score": [dataclasses.asdict(line) for line in card.lines],
    }


# --- Teams, hoopers, governors ----------------------------------------------------------------


async def teams(db: Database, season_id: str) -> list[dict[str, Any]]:
    async with db.read_sessions() as s:
        rows = (
            await s.execute(
                select(TeamRow.id, TeamRow.name, TeamRow.color, TeamRow.motto, TeamRow.venue)
                .where(TeamRow.season_id == season_id)
                .order_by(TeamRow.name)
            )
        ).all()
    return [
        {"id": r.id, "name": r.name, "colour": r.color, "motto": r.motto, "venue": r.venue}
        for r in rows
    ]


async def team(db: Database, team_id: str) -> dict[str, Any] | None:
    async with db.read_sessions() as s:
        row = await s.get(TeamRow, team_id)
        if row is None:
            return None
        hoopers = (
            await s.execute(
                select(HooperRow.id, HooperRow.name, HooperRow.archetype, HooperRow.is_active)
                .where(HooperRow.team_id == team_id)
                .order_by(HooperRow.is_active.desc(), HooperRow.name)
            )
        ).all()
        strategy = (
            await s.execute(
                select(TeamStrategyRow.raw_text)
                .where(TeamStrategyRow.team_id == team_id)
                .order_by(TeamStrategyRow.effective_round.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
    found = await games(db, row.season_id, after=None, limit=MAX_LIMIT)
    return {
        "id": row.id,
        "season_id": row.season_id,
        "name": row.name,
        "colour": row.color,
        "motto": row.motto,
        "venue": row.venue,
        "strategy": strategy,
        "roster": [
            {
                "id": h.id,
                "name": h.name,
                "archetype": words(h.archetype),
                "starter": bool(h.is_active),
            }
            for h in hoopers
        ],
        "results": [g for g in found if team_id in (g["home_team_id"], g["away_team_id"])],
    }


STAT_COLUMNS = ("points", "rebounds", "assists", "steals", "blocks", "turnovers")


async def hooper(db: Database, hooper_id: str) -> dict[str, Any] | None:
    async with db.read_sessions() as s:
        row = await s.get(HooperRow, hooper_id)
        if row is None:
            return None
        team_name = (await team_names_of(s, [row.team_id])).get(row.team_id)
        bio = (
            await s.execute(select(HooperBioRow.bio).where(HooperBioRow.hooper_id == hooper_id))
        ).scalar_one_or_none()
        lines = (
            await s.execute(
                select(
                    BoxScoreRow,
                    GameResultRow.round_number,
                    GameResultRow.home_team_id,
                    GameResultRow.away_team_id,
                    GameResultRow.home_score,
                    GameResultRow.away_score,
                )
                .join(GameResultRow, GameResultRow.id == BoxScoreRow.game_id)
                .where(BoxScoreRow.hooper_id == hooper_id, GameResultRow.id.not_in(_on_screen()))
                .order_by(GameResultRow.round_number)
            )
        ).all()
        lifetime = await s.get(HooperStatsRow, hooper_id)
        opponents = await team_names_of(
            s, [x.away_team_id if x.home_team_id == row.team_id else x.home_team_id for x in lines]
        )
    log = []
    for x in lines:
        line = x[0]
        opponent = x.away_team_id if x.home_team_id == line.team_id else x.home_team_id
        log.append(
            {
                "game_id": line.game_id,
                "round": x.round_number,
                "opponent": opponents.get(opponent, "?"),
                "minutes": round(float(line.minutes), 1),
                **{k: getattr(line, k) for k in STAT_COLUMNS},
                "fg": f"{line.field_goals_made}-{line.field_goals_attempted}",
                "three": f"{line.three_pointers_made}-{line.three_pointers_attempted}",
            }
        )
    games_played = len(log)
    season_totals = {k: sum(int(g[k]) for g in log) for k in STAT_COLUMNS}
    return {
        "id": row.id,
        "name": row.name,
        "team_id": row.team_id,
        "team": team_name,
        "season_id": row.season_id,
        "archetype": words(row.archetype),
        "starter": bool(row.is_active),
        "ratings": [
            {
                "name": name,
                "label": ATTRIBUTE_LABELS.get(name, words(name)),
                "value": row.attributes[name],
                "word": rating_word(int(row.attributes[name])),
            }
            for name in (*ATTRIBUTE_NAMES, *sorted(set(row.attributes) - set(ATTRIBUTE_NAMES)))
            if name in row.attributes
        ],
        "backstory": row.backstory,
        "bio": bio,
        "games": log,
        "season": {
            "games": games_played,
            **season_totals,
            **{
                f"{k}_per_game": round(season_totals[k] / games_played, 1) if games_played else 0
                for k in ("points", "rebounds", "assists")
            },
        },
        "lifetime": None
        if lifetime is None
        else {
            "games": lifetime.games_played,
            "wins": lifetime.games_won,
            "points": lifetime.points,
            "rebounds": lifetime.rebounds,
            "assists": lifetime.assists,
            "steals": lifetime.steals,
            "blocks": lifetime.blocks,
            "highest_points": lifetime.highest_points,
        },
    }


async def owner(db: Database, kind: str, thing_id: str) -> str | None:
    """The league a season, team, hooper, game or governor belongs to (None: no such one).
    A thing never changes league, so a reader can name the league before reading the thing."""
    async with db.read_sessions() as s:
        found = await s.scalar(select(LEAGUE_OF[kind]), {"scope_id": thing_id})
    return None if found is None else str(found)


async def governor(db: Database, governor_id: str) -> dict[str, Any] | None:
    """A governor's public record: their proposals and their revealed votes."""
    async with db.read_sessions() as s:
        row = await s.get(GovernorRow, governor_id)
        if row is None:
            return None
        proposed = (
            await s.execute(
                select(ProposalRow.proposal_id, ProposalRow.raw_text, ProposalRow.status)
                .where(ProposalRow.governor_id == governor_id, ProposalRow.status != "draft")
                .order_by(ProposalRow.last_sequence)
            )
        ).all()
        votes = (
            await s.execute(
                select(VoteRow.proposal_id, VoteRow.vote, ProposalRow.raw_text)
                .join(VoteTallyRow, VoteTallyRow.proposal_id == VoteRow.proposal_id)
                .join(ProposalRow, ProposalRow.proposal_id == VoteRow.proposal_id)
                .where(
                    VoteRow.governor_id == governor_id,
                    VoteTallyRow.revealed.is_(True),
                    VoteRow.cleared.is_(False),
                )
                .order_by(ProposalRow.last_sequence)
            )
        ).all()
        earned = (
            await s.execute(
                select(AchievementRow.name, AchievementRow.description, AchievementRow.rarity)
                .join(
                    GovernorAchievementRow,
                    GovernorAchievementRow.achievement_id == AchievementRow.id,
                )
                .where(GovernorAchievementRow.governor_id == governor_id)
                .order_by(GovernorAchievementRow.earned_at, AchievementRow.id)
            )
        ).all()
    return {
        "id": row.id,
        "name": row.discord_username,
        "achievements": [{"name": a[0], "description": a[1], "rarity": a[2]} for a in earned],
        "proposals": [{"id": p[0], "text": p[1], "status": p[2]} for p in proposed],
        "revealed_votes": [{"proposal_id": v[0], "vote": v[1], "text": v[2]} for v in votes],
    }


# --- Governance -------------------------------------------------------------------------------


async def proposals(db: Database, season_id: str) -> list[dict[str, Any]]:
    """The season's proposals (open and decided), with the tally once it is revealed."""
    async with db.read_sessions() as s:
        rows = (
            await s.execute(
                select(ProposalRow, GovernorRow.discord_username, VoteTallyRow)
                .join(GovernorRow, GovernorRow.id == ProposalRow.governor_id)
                .join(
                    VoteTallyRow, VoteTallyRow.proposal_id == ProposalRow.proposal_id, isouter=True
                )
                .where(ProposalRow.season_id == season_id)
                .order_by(ProposalRow.last_sequence.desc())
            )
        ).all()
        voters = dict(
            (
                await s.execute(
                    select(VoteRow.proposal_id, func.count())
                    .where(
                        VoteRow.proposal_id.in_([r[0].proposal_id for r in rows]),
                        VoteRow.cleared.is_(False),
                    )
                    .group_by(VoteRow.proposal_id)
                )
            ).all()
        )
    out = []
    for p, author, tally in rows:
        revealed = tally is not None and bool(tally.revealed)
        out.append(
            {
                "id": p.proposal_id,
                "text": p.raw_text,
                "author": author,
                "governor_id": p.governor_id,
                "status": p.status,
                "tier": p.tier,
                "token_cost": p.token_cost,
                "threshold": p.threshold,
                "opened_round": p.opened_round,
                "voters": int(voters.get(p.proposal_id, 0)),
                "tally": None
                if not revealed
                else {
                    "yes": tally.yes_count,
                    "no": tally.no_count,
                    "weighted_yes": tally.weighted_yes,
                    "weighted_no": tally.weighted_no,
                },
            }
        )
    return out


async def rules(db: Database, season_id: str) -> dict[str, Any] | None:
    """The constitution: every rule's current value and the history of its changes, each with
    who proposed it and the revealed vote split."""
    async with db.read_sessions() as s:
        if await s.get(SeasonRow, season_id) is None:
            return None
        current = await league_repo.season_rules(s, season_id)
        enacted = (
            await s.execute(
                select(
                    events_table.c.sequence_number,
                    events_table.c.event_type,
                    events_table.c.payload,
                    events_table.c.round_number,
                )
                .where(
                    events_table.c.season_id == season_id,
                    or_(
                        events_table.c.event_type == "rule.enacted",
                        events_table.c.event_type == "rule.rolled_back",
                    ),
                )
                .order_by(events_table.c.sequence_number)
            )
        ).all()
        pids = [str(e.payload.get("proposal_id")) for e in enacted if e.payload.get("proposal_id")]
        authors = dict(
            (
                await s.execute(
                    select(ProposalRow.proposal_id, GovernorRow.discord_username)
                    .join(GovernorRow, GovernorRow.id == ProposalRow.governor_id)
                    .where(ProposalRow.proposal_id.in_(pids))
                )
            ).all()
        )
        tallies = {
            t.proposal_id: t
            for t in (
                await s.execute(select(VoteTallyRow).where(VoteTallyRow.proposal_id.in_(pids)))
            ).scalars()
        }
    values = current.model_dump()
    history: dict[str, list[dict[str, Any]]] = {}
    for e in enacted:
        payload = e.payload
        name = str(payload.get("parameter", ""))
        pid = payload.get("proposal_id")
        tally = tallies.get(pid) if pid else None
        spec = PARAMS.get(name)
        before_value = payload.get("old_value")
        after_value = payload.get("new_value", payload.get("attempted_value"))
        history.setdefault(name, []).append(
            {
                "from_shown": spec.show(before_value)
                if spec and before_value is not None
                else None,
                "to_shown": spec.show(after_value) if spec and after_value is not None else None,
                "sequence_number": int(e.sequence_number),
                "change": "rolled back" if e.event_type == "rule.rolled_back" else "enacted",
                "round": e.round_number,
                "from": payload.get("old_value"),
                "to": payload.get("new_value", payload.get("attempted_value")),
                "proposal_id": pid,
                "proposed_by": authors.get(pid) if pid else None,
                "votes": None
                if tally is None or not tally.revealed
                else {"yes": tally.yes_count, "no": tally.no_count},
            }
        )
    return {
        "season_id": season_id,
        "rules": [
            {
                "name": name,
                "label": spec.label or name.replace("_", " "),
                "value": values.get(name),
                "shown": spec.show(values.get(name)),
                "says": spec.says.format(n=spec.show(values.get(name))),
                "default": spec.default,
                "tier": spec.tier,
                "description": spec.description,
                "history": history.get(name, []),
            }
            for name, spec in PARAMS.items()
        ],
    }


async def mirrors(db: Database, season_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """Public mirrors of the season's rounds whose show has finished, newest first (private
    mirrors are a governor's alone and never appear)."""
    limit = max(1, min(limit, MAX_LIMIT))
    on_screen = select(PresentationRow.round_number).where(
        PresentationRow.season_id == season_id, PresentationRow.done_at.is_(None)
    )
    async with db.read_sessions() as s:
        rows = (
            await s.execute(
                select(
                    MirrorRow.id, MirrorRow.round_number, MirrorRow.mirror_type, MirrorRow.content
                )
                .where(
                    MirrorRow.season_id == season_id,
                    MirrorRow.mirror_type != "private",
                    MirrorRow.governor_id.is_(None),
                    or_(MirrorRow.round_number.is_(None), MirrorRow.round_number.not_in(on_screen)),
                )
                .order_by(MirrorRow.created_at.desc(), MirrorRow.id)
                .limit(limit)
            )
        ).all()
    return [
        {"id": r.id, "round": r.round_number, "kind": r.mirror_type, "text": r.content}
        for r in rows
    ]
