"""Reads of the levers' projections (trade offers, hooper trades, strategies, bios, effects) and
of the direct tables their decisions need (hoopers, played rounds).

Rosters: an executed hooper trade is an event, not an update of `hoopers.team_id`. The
`hooper_moves` projection says from which round each moved hooper plays for its new team, so
`rosters_for_round` answers for any round, past or future, and a round replayed later sees the
rosters it was played with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.domain.effects import Effect
from bot.domain.events import TokenType
from bot.domain.projections import as_utc
from bot.domain.strategy import NEUTRAL_STRATEGY, TeamStrategy
from bot.domain.trades import Hooper, HooperTrade, TradeOffer
from db.tables import (
    EffectRow,
    EnrollmentRow,
    GameResultRow,
    HooperBioRow,
    HooperMoveRow,
    HooperRow,
    HooperTradeRow,
    HooperTradeVoteRow,
    SeasonRow,
    TeamStrategyRow,
    TradeOfferRow,
    table_of,
)

Executor = AsyncSession | AsyncConnection

offers = table_of(TradeOfferRow)
hooper_trades = table_of(HooperTradeRow)
hooper_trade_votes = table_of(HooperTradeVoteRow)
moves = table_of(HooperMoveRow)
strategies = table_of(TeamStrategyRow)
bios = table_of(HooperBioRow)
effects = table_of(EffectRow)
hoopers = table_of(HooperRow)
enrollments = table_of(EnrollmentRow)
results = table_of(GameResultRow)


# --- Token trades ---------------------------------------------------------------------------------


def _offer(row: Any) -> TradeOffer:
    offer_type: TokenType = row.offer_type
    request_type: TokenType = row.request_type
    expires_at = as_utc(row.expires_at)
    assert expires_at is not None
    return TradeOffer(
        trade_id=row.trade_id,
        season_id=row.season_id,
        from_governor_id=row.from_governor_id,
        to_governor_id=row.to_governor_id,
        offer_type=offer_type,
        offer_amount=row.offer_amount,
        request_type=request_type,
        request_amount=row.request_amount,
        status=row.status,
        expires_at=expires_at,
    )


async def trade_offer(db: Executor, trade_id: str) -> TradeOffer | None:
    row = (await db.execute(select(offers).where(offers.c.trade_id == trade_id))).one_or_none()
    return None if row is None else _offer(row)


def _involving(governor_id: str) -> Any:
    return or_(offers.c.from_governor_id == governor_id, offers.c.to_governor_id == governor_id)


async def pending_offers(db: Executor, season_id: str, governor_id: str) -> list[TradeOffer]:
    """Open offers made to or by a governor, oldest first."""
    query = (
        select(offers)
        .where(offers.c.season_id == season_id, offers.c.status == "open", _involving(governor_id))
        .order_by(offers.c.offered_sequence)
    )
    return [_offer(r) for r in (await db.execute(query)).all()]


async def trade_history(db: Executor, season_id: str, governor_id: str) -> list[TradeOffer]:
    """Every offer a governor made or received this season, newest first."""
    query = (
        select(offers)
        .where(offers.c.season_id == season_id, _involving(governor_id))
        .order_by(offers.c.offered_sequence.desc())
    )
    return [_offer(r) for r in (await db.execute(query)).all()]


async def due_offers(db: Executor, now: datetime) -> list[tuple[str, str]]:
    """(trade id, league id) of each open offer whose time is up."""
    seasons = table_of(SeasonRow)
    query = (
        select(offers.c.trade_id, seasons.c.league_id)
        .join(seasons, seasons.c.id == offers.c.season_id)
        .where(offers.c.status == "open", offers.c.expires_at <= now)
        .order_by(offers.c.expires_at, offers.c.trade_id)
    )
    return [(str(a), str(b)) for a, b in (await db.execute(query)).all()]


async def escrow_total(db: Executor, season_id: str) -> dict[tuple[str, str], int]:
    """Tokens held in escrow per (governor, token type)."""
    query = (
        select(offers.c.from_governor_id, offers.c.offer_type, func.sum(offers.c.escrow))
        .where(offers.c.season_id == season_id)
        .group_by(offers.c.from_governor_id, offers.c.offer_type)
    )
    return {(g, t): int(n or 0) for g, t, n in (await db.execute(query)).all()}


async def accepted_trade_counts(db: Executor, season_id: str) -> dict[str, int]:
    """Accepted trades per governor (either side): what the awards count."""
    counts: dict[str, int] = {}
    query = select(offers.c.from_governor_id, offers.c.to_governor_id).where(
        offers.c.season_id == season_id, offers.c.status == "accepted"
    )
    for a, b in (await db.execute(query)).all():
        counts[a] = counts.get(a, 0) + 1
        counts[b] = counts.get(b, 0) + 1
    return counts


# --- Hoopers and rosters --------------------------------------------------------------------------


async def _moves(db: Executor, season_id: str, up_to_round: int | None) -> list[Any]:
    query = select(moves).where(moves.c.season_id == season_id)
    if up_to_round is not None:
        query = query.where(moves.c.effective_round <= up_to_round)
    return list((await db.execute(query.order_by(moves.c.sequence))).all())


async def _teams_of(db: Executor, season_id: str, up_to_round: int | None) -> dict[str, str]:
    query = select(hoopers.c.id, hoopers.c.team_id).where(hoopers.c.season_id == season_id)
    team_of = {h: t for h, t in (await db.execute(query)).all()}
    for move in await _moves(db, season_id, up_to_round):
        team_of[move.hooper_id] = move.to_team_id
    return team_of


async def rosters_for_round(
    db: Executor, season_id: str, round_number: int
) -> dict[str, list[str]]:
    """Hooper ids per team as they play in `round_number` (trades executed before it applied)."""
    rosters: dict[str, list[str]] = {}
    for hooper_id, team_id in sorted((await _teams_of(db, season_id, round_number)).items()):
        rosters.setdefault(team_id, []).append(hooper_id)
    return rosters


async def season_hoopers(db: Executor, season_id: str) -> list[Hooper]:
    """Every hooper with the team they belong to now (every executed trade applied)."""
    team_of = await _teams_of(db, season_id, None)
    query = select(hoopers.c.id, hoopers.c.name).where(hoopers.c.season_id == season_id)
    return [Hooper(h, name, team_of[h]) for h, name in (await db.execute(query)).all()]


async def next_round(db: Executor, season_id: str) -> int:
    """The first round of the season with no stored result yet."""
    query = select(func.max(results.c.round_number)).where(results.c.season_id == season_id)
    played = (await db.execute(query)).scalar_one_or_none()
    return int(played or 0) + 1


async def hooper_bio(db: Executor, hooper_id: str) -> str | None:
    query = select(bios.c.bio).where(bios.c.hooper_id == hooper_id)
    return (await db.execute(query)).scalar_one_or_none()


# --- Hooper trades --------------------------------------------------------------------------------


def _hooper_trade(row: Any) -> HooperTrade:
    expires_at = as_utc(row.expires_at)
    assert expires_at is not None
    return HooperTrade(
        trade_id=row.trade_id,
        season_id=row.season_id,
        proposer_governor_id=row.proposer_governor_id,
        proposer_team_id=row.proposer_team_id,
        offer_hooper_id=row.offer_hooper_id,
        target_team_id=row.target_team_id,
        request_hooper_id=row.request_hooper_id,
        status=row.status,
        expires_at=expires_at,
    )


async def hooper_trade(db: Executor, trade_id: str) -> HooperTrade | None:
    query = select(hooper_trades).where(hooper_trades.c.trade_id == trade_id)
    row = (await db.execute(query)).one_or_none()
    return None if row is None else _hooper_trade(row)


async def open_hooper_trades(db: Executor, season_id: str) -> list[HooperTrade]:
    query = (
        select(hooper_trades)
        .where(hooper_trades.c.season_id == season_id, hooper_trades.c.status == "open")
        .order_by(hooper_trades.c.last_sequence)
    )
    return [_hooper_trade(r) for r in (await db.execute(query)).all()]


async def hooper_trade_votes_for(db: Executor, trade_id: str) -> dict[str, tuple[str, bool]]:
    """Each voter's (team, approve) on a hooper trade."""
    v = hooper_trade_votes
    query = select(v.c.governor_id, v.c.team_id, v.c.approve).where(v.c.trade_id == trade_id)
    return {g: (t, bool(a)) for g, t, a in (await db.execute(query)).all()}


async def governors_per_team(db: Executor, season_id: str) -> dict[str, int]:
    e = enrollments
    query = (
        select(e.c.team_id, func.count())
        .where(e.c.season_id == season_id, e.c.is_active.is_(True))
        .group_by(e.c.team_id)
    )
    return {t: int(n) for t, n in (await db.execute(query)).all()}


async def due_hooper_trades(db: Executor, now: datetime) -> list[tuple[str, str]]:
    """(trade id, league id) of each open hooper trade whose time is up."""
    h, seasons = hooper_trades, table_of(SeasonRow)
    query = (
        select(h.c.trade_id, seasons.c.league_id)
        .join(seasons, seasons.c.id == h.c.season_id)
        .where(h.c.status == "open", h.c.expires_at <= now)
        .order_by(h.c.expires_at, h.c.trade_id)
    )
    return [(str(a), str(b)) for a, b in (await db.execute(query)).all()]


# --- Strategies -----------------------------------------------------------------------------------


async def team_strategy(
    db: Executor, team_id: str, round_number: int | None = None
) -> dict[str, Any] | None:
    """The strategy a team plays `round_number` with (the latest set, when None)."""
    query = select(strategies).where(strategies.c.team_id == team_id)
    if round_number is not None:
        query = query.where(strategies.c.effective_round <= round_number)
    query = query.order_by(strategies.c.effective_round.desc()).limit(1)
    row = (await db.execute(query)).one_or_none()
    if row is None:
        return None
    return {
        "team_id": team_id,
        "raw_text": row.raw_text,
        "strategy": TeamStrategy.model_validate(row.strategy),
        "confidence": row.confidence,
        "effective_round": row.effective_round,
        "governor_id": row.governor_id,
    }


async def strategies_for_round(
    db: Executor, team_ids: Iterable[str], round_number: int
) -> dict[str, TeamStrategy]:
    """Each team's strategy for a round; neutral for a team that never set one."""
    out: dict[str, TeamStrategy] = {}
    for team_id in team_ids:
        found = await team_strategy(db, team_id, round_number)
        out[team_id] = NEUTRAL_STRATEGY if found is None else found["strategy"]
    return out


# --- Effects --------------------------------------------------------------------------------------


def _acts_in(round_number: int) -> Any:
    return and_(
        effects.c.registered_round < round_number,
        or_(effects.c.last_round.is_(None), effects.c.last_round >= round_number),
    )


async def active_effects(db: Executor, season_id: str, round_number: int) -> list[Effect]:
    """The effects acting in `round_number`, in the order they were registered.

    Decided by round numbers alone (registered before the round, last round not passed; a
    repeal moves the last round), so the answer never depends on when expiry ran."""
    query = (
        select(effects.c.definition)
        .where(effects.c.season_id == season_id, _acts_in(round_number))
        .order_by(effects.c.registered_round, effects.c.effect_id)
    )
    return [Effect.model_validate(d) for d in (await db.execute(query)).scalars()]


async def effect_rows(db: Executor, season_id: str) -> list[dict[str, Any]]:
    query = (
        select(effects)
        .where(effects.c.season_id == season_id)
        .order_by(effects.c.registered_round, effects.c.effect_id)
    )
    return [dict(r._mapping) for r in (await db.execute(query)).all()]


async def lapsed_effects(db: Executor, season_id: str, round_number: int) -> list[str]:
    """Effects still marked active whose last round is before `round_number`."""
    query = select(effects.c.effect_id).where(
        effects.c.season_id == season_id,
        effects.c.status == "active",
        effects.c.last_round.is_not(None),
        effects.c.last_round < round_number,
    )
    return sorted((await db.execute(query.order_by(effects.c.effect_id))).scalars())


async def repealable_effects(
    db: Executor, season_id: str, round_number: int
) -> list[dict[str, Any]]:
    """Effects that would still act after `round_number` (a repeal there can end them)."""
    query = select(effects.c.effect_id, effects.c.definition).where(
        effects.c.season_id == season_id,
        effects.c.status == "active",
        or_(effects.c.last_round.is_(None), effects.c.last_round > round_number),
    )
    return [dict(r._mapping) for r in (await db.execute(query)).all()]


@dataclass(frozen=True)
class RoundLevers:
    """What the governors' levers put into one round's games."""

    rosters: dict[str, list[str]]  # team id -> hooper ids
    strategies: dict[str, TeamStrategy]  # team id -> strategy (neutral if never set)
    effects: list[Effect]  # acting this round, in registration order


async def round_levers(db: Executor, season_id: str, round_number: int) -> RoundLevers:
    """Rosters, strategies and effects for `round_number`. The round runner reads these inside
    the unit of work that stores the round, so a trade, strategy or effect decided under the
    same lock lands either wholly before the round or wholly after it, never mid-game."""
    rosters = await rosters_for_round(db, season_id, round_number)
    return RoundLevers(
        rosters=rosters,
        strategies=await strategies_for_round(db, sorted(rosters), round_number),
        effects=await active_effects(db, season_id, round_number),
    )
