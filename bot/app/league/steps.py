"""The steps of one round, each a handler run once per deterministic command id.

    round:<season>:<n>:simulate   play the round's games; store results, box scores, commentary,
                                  lifetime stats, standings, the simulation mirror and the post
    round:<season>:<n>:govern     close the window if it ends with this round (tally, enact,
                                  regenerate tokens, mirrors) and open the next
    round:<season>:<n>:advance    tick effects, move the phase on (tiebreakers, playoff series,
                                  the championship and its awards, the offseason), schedule the
                                  next games and set when the next round is due

A step never raises a `DomainError` for a state it can meet (that would record the step as
rejected for good); each re-reads the state it decides on under the append lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.app.league import stats
from bot.app.league.mirrors import MirrorWriter
from db import governance_repo as gov_repo
from db import league_repo as repo
from db import presentation_repo as shows
from db.league_repo import Progress
from db.uow import UnitOfWork

Hook = Callable[[str], None]
PLAYING = ("regular", "tiebreaker", "playoffs")
SEASON_STATUS = {
    "regular": "active",
    "tiebreaker": "tiebreaker",
    "playoffs": "playoffs",
    "offseason": "offseason",
    "complete": "complete",
}


def step_id(season_id: str, round_number: int, step: str) -> str:
    return f"round:{season_id}:{round_number}:{step}"


@dataclass
class StepContext:
    season_id: str
    league_id: str
    round_number: int
    hook: Hook
    writer: MirrorWriter | None
    hold: str | None = None  # the round's show, which the step's posts wait behind
    # The round's games played before the simulate step's transaction, with the inputs they
    # were played from (bot/app/league/simulate.py `preplay`): used if the inputs still stand.
    preplayed: Any = None


async def hold_for_show(uow: UnitOfWork, ctx: StepContext) -> None:
    """A round whose games are being shown holds its posts until the show is over."""
    key = shows.show_key(ctx.season_id, ctx.round_number)
    ctx.hold = key if await shows.exists(uow.session, key) else None


async def current_progress(uow: UnitOfWork, ctx: StepContext) -> Progress | None:
    p = await repo.get_progress(uow.session, ctx.season_id)
    if p is None or p.next_round != ctx.round_number:
        return None  # another runner already moved this season on
    return p


async def governors_by_team(uow: UnitOfWork, season_id: str) -> dict[str, list[str]]:
    by_team: dict[str, list[str]] = {}
    for e in await gov_repo.active_enrollments(uow.session, season_id):
        by_team.setdefault(e.team_id, []).append(e.governor_id)
    return by_team


async def announce_achievements(
    uow: UnitOfWork, ctx: StepContext, gov_stats: dict[str, dict[str, Any]]
) -> None:
    """One post for the achievements a round earned (the simulate and govern steps add to the
    same post while it waits behind the round's show)."""
    now = uow.clock()
    earned = await stats.award_achievements(uow.session, gov_stats, ctx.season_id, now)
    if not earned:
        return
    names = await repo.governor_names(uow.session, ctx.league_id)
    lines = [
        f"{names.get(governor_id, 'A governor')} earned {a['name']}." for governor_id, a in earned
    ]
    key = f"achievements:{ctx.season_id}:{ctx.round_number}"
    found = await repo.payload_of(uow.session, key)
    if found is not None:
        # The round's post exists: it grows (and, if it already went out, is edited where it
        # is), so a round's achievements are always one post.
        lines = [*str(found.get("text", "")).splitlines(), *lines]
        await repo.revise(uow.session, key, {"text": "\n".join(lines)})
        return
    await repo.enqueue(
        uow.session,
        league_id=ctx.league_id,
        key=key,
        kind="achievement",
        target="announcements",
        payload={"text": "\n".join(lines)},
        at=now,
        held_by=ctx.hold,
    )
