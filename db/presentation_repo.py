"""The presenter's tables: each round's show (`presentations`) and its games
(`presented_games`), plus the reads a card needs (commentary) and the outbox checks the show
depends on: whether its posts are out, whether Discord is rate-limiting them, and whether the
round's held posts may go (its gate is open)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update

from bot.domain.projections import as_utc
from db.league_repo import Executor, games, outbox, progress, seasons
from db.tables import CommentaryRow, PresentationRow, PresentedGameRow, table_of

presentations = table_of(PresentationRow)
presented = table_of(PresentedGameRow)
commentary_table = table_of(CommentaryRow)

RATE_LIMITED = "rate limited"  # how the outbox records a post Discord asked to slow down


def show_key(season_id: str, round_number: int) -> str:
    """A round's show; also what its held posts wait behind (`outbox.held_by`)."""
    return f"show:{season_id}:{round_number}"


def live_key(game_id: str) -> str:
    """The outbox row of a game's live message, which becomes its final card."""
    return f"live:{game_id}"


def card_key(game_id: str, side: int) -> str:
    """A game's final card in one team's channel (side 0 home, 1 away)."""
    return f"card:{game_id}:{side}"


def game_keys(game_id: str) -> tuple[str, str, str]:
    return (live_key(game_id), card_key(game_id, 0), card_key(game_id, 1))


@dataclass(frozen=True, slots=True)
class ShowGame:
    game_id: str
    slot: int
    frame: int  # the last frame written to the live message (-1: none yet)
    final_at: datetime | None


@dataclass(frozen=True, slots=True)
class Presentation:
    id: str
    league_id: str
    season_id: str
    round_number: int
    round_seconds: float
    position_s: float
    ticked_at: datetime | None
    done_at: datetime | None
    games: tuple[ShowGame, ...]


async def create(
    db: Executor,
    *,
    league_id: str,
    season_id: str,
    round_number: int,
    round_seconds: float,
    game_ids: Sequence[str],
    at: datetime,
) -> str:
    """A round's show, not started; its games in the order given."""
    key = show_key(season_id, round_number)
    await db.execute(
        insert(presentations).values(
            id=key,
            league_id=league_id,
            season_id=season_id,
            round_number=round_number,
            round_seconds=round_seconds,
            position_s=0.0,
            created_at=at,
        )
    )
    await db.execute(
        insert(presented),
        [{"game_id": g, "presentation_id": key, "slot": i} for i, g in enumerate(game_ids)],
    )
    return key


async def exists(db: Executor, key: str) -> bool:
    query = select(presentations.c.id).where(presentations.c.id == key)
    return (await db.execute(query)).scalar_one_or_none() is not None


async def get(db: Executor, key: str) -> Presentation | None:
    found = await _load(db, presentations.c.id == key)
    return found[0] if found else None


async def running(db: Executor, league_id: str | None = None) -> list[Presentation]:
    """Shows not yet done, oldest first per league (a league shows one round at a time)."""
    condition: ColumnElement[bool] = presentations.c.done_at.is_(None)
    if league_id is not None:
        condition = and_(condition, presentations.c.league_id == league_id)
    return await _load(db, condition)


async def _load(db: Executor, condition: ColumnElement[bool]) -> list[Presentation]:
    rows = (
        await db.execute(
            select(presentations)
            .where(condition)
            .order_by(
                presentations.c.league_id,
                presentations.c.season_id,
                presentations.c.round_number,
            )
        )
    ).all()
    if not rows:
        return []
    games = (
        await db.execute(
            select(presented)
            .where(presented.c.presentation_id.in_([r.id for r in rows]))
            .order_by(presented.c.presentation_id, presented.c.slot)
        )
    ).all()
    by_show: dict[str, list[ShowGame]] = {}
    for g in games:
        by_show.setdefault(g.presentation_id, []).append(
            ShowGame(g.game_id, g.slot, g.frame, as_utc(g.final_at))
        )
    return [
        Presentation(
            r.id,
            r.league_id,
            r.season_id,
            r.round_number,
            float(r.round_seconds),
            float(r.position_s),
            as_utc(r.ticked_at),
            as_utc(r.done_at),
            tuple(by_show.get(r.id, ())),
        )
        for r in rows
    ]


async def move(
    db: Executor, key: str, position_s: float, at: datetime, *, done: bool = False
) -> None:
    values: dict[str, object] = {"position_s": position_s, "ticked_at": at}
    if done:
        values["done_at"] = at
    await db.execute(update(presentations).where(presentations.c.id == key).values(**values))


async def show_frame(db: Executor, game_id: str, shown: int, frame: int) -> bool:
    """Record that the live message moves from frame `shown` to `frame`; False when another
    presenter already moved it (nothing is recorded)."""
    result = await db.execute(
        update(presented)
        .where(presented.c.game_id == game_id, presented.c.frame == shown)
        .values(frame=frame)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def show_final(db: Executor, game_id: str, frame: int, at: datetime) -> bool:
    """Record that the game's final card is written; False if it already was."""
    result = await db.execute(
        update(presented)
        .where(presented.c.game_id == game_id, presented.c.final_at.is_(None))
        .values(frame=frame, final_at=at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def unpresented(db: Executor, season_id: str) -> set[str]:
    """Games of the season played but not yet presented (their final card is not written):
    what `/standings` and `/game` do not tell yet."""
    query = (
        select(presented.c.game_id)
        .join(presentations, presentations.c.id == presented.c.presentation_id)
        .where(presentations.c.season_id == season_id, presented.c.final_at.is_(None))
    )
    return set((await db.execute(query)).scalars().all())


async def game_show_seconds(db: Executor, game_id: str) -> float | None:
    """The length of the show a game was (or is being) presented in; None if it had none."""
    query = (
        select(presentations.c.round_seconds)
        .join(presented, presented.c.presentation_id == presentations.c.id)
        .where(presented.c.game_id == game_id)
    )
    found = (await db.execute(query)).scalar_one_or_none()
    return float(found) if found is not None else None


async def game_league(db: Executor, game_id: str) -> str | None:
    query = (
        select(seasons.c.league_id)
        .join(games, games.c.season_id == seasons.c.id)
        .where(games.c.id == game_id)
    )
    found = (await db.execute(query)).scalar_one_or_none()
    return str(found) if found is not None else None


async def is_unpresented(db: Executor, game_id: str) -> bool:
    query = select(presented.c.game_id).where(
        presented.c.game_id == game_id, presented.c.final_at.is_(None)
    )
    return (await db.execute(query)).scalar_one_or_none() is not None


async def commentary(db: Executor, game_id: str) -> dict[int, tuple[str, str]]:
    """A game's commentary lines by possession: (line, energy)."""
    query = select(
        commentary_table.c.possession_index,
        commentary_table.c.commentary_text,
        commentary_table.c.energy,
    ).where(commentary_table.c.game_id == game_id)
    return {int(p): (str(t), str(e)) for p, t, e in (await db.execute(query)).all()}


def _pending(keys: Iterable[str]) -> ColumnElement[bool]:
    """Outbox rows among `keys` with content not yet delivered and not parked."""
    return and_(
        outbox.c.key.in_(sorted(keys)),
        outbox.c.failed_at.is_(None),
        or_(outbox.c.sent_at.is_(None), outbox.c.delivered_revision < outbox.c.revision),
    )


async def undelivered(db: Executor, keys: Iterable[str]) -> int:
    """How many of these posts still have content to deliver (parked ones are given up)."""
    query = select(func.count()).select_from(outbox).where(_pending(keys))
    return int((await db.execute(query)).scalar_one())


async def rate_limited(db: Executor, keys: Iterable[str], now: datetime) -> bool:
    """Is Discord making one of these posts wait (a 429), so the show should wait too?"""
    query = (
        select(func.count())
        .select_from(outbox)
        .where(
            _pending(keys),
            outbox.c.next_attempt_at > now,
            outbox.c.last_error.like(f"{RATE_LIMITED}%"),
        )
    )
    return bool((await db.execute(query)).scalar_one())


async def gate_open(db: Executor, key: str) -> bool:
    """May the posts held behind show `key` go? Once every game's final card is written and
    out in #play-by-play (or parked), and the round's steps are all done (so nothing more
    will be held)."""
    show = await get(db, key)
    if show is None:
        return True  # nothing to wait for (a show that never was)
    if show.done_at is None:
        return False
    step = (
        await db.execute(
            select(progress.c.next_round).where(progress.c.season_id == show.season_id)
        )
    ).scalar_one_or_none()
    if step is not None and step <= show.round_number:
        return False  # the round's last step has not committed: more posts may join the hold
    # The #play-by-play cards (each live message's last content); the teams' copies follow.
    return await undelivered(db, [live_key(g.game_id) for g in show.games]) == 0


async def check_presentations(db: Executor) -> list[str]:
    """What `pinwheel verify` adds for the shows: a show marked done has every game's final
    card written and queued, and every game written as final has its card in the outbox."""
    problems: list[str] = []
    rows = (
        await db.execute(
            select(presentations.c.id, presentations.c.done_at, presented.c.game_id,
                   presented.c.final_at)
            .join(presented, presented.c.presentation_id == presentations.c.id)
        )
    ).all()  # fmt: skip
    finals = [r.game_id for r in rows if r.final_at is not None]
    queued = set(
        (
            await db.execute(
                select(outbox.c.key).where(outbox.c.key.in_([live_key(g) for g in finals]))
            )
        ).scalars()
    )
    for r in rows:
        if r.done_at is not None and r.final_at is None:
            problems.append(f"show {r.id} is done but game {r.game_id} has no final card")
        if r.final_at is not None and live_key(r.game_id) not in queued:
            problems.append(f"game {r.game_id} of show {r.id} was finished but never posted")
    return problems
