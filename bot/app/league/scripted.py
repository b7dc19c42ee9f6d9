"""Scripted governors for the offline mode: seeded personalities that join teams, propose in
varied words, vote, set strategies and trade tokens, all through the same handlers a Discord
command uses.

Every command id is derived from the season, window and governor, so a restarted offline run
repeats nothing. Each personality's choices come from a `random.Random` seeded the same way.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from bot.app.governance.commands import (
    CastVote,
    Command,
    ConfirmProposal,
    JoinTeam,
    SubmitProposal,
)
from bot.app.levers.commands import AcceptTrade, OfferTrade, RejectTrade, SetStrategy
from bot.app.service import Pinwheel
from bot.domain.errors import DomainError
from bot.sim import derive_seed
from db import governance_repo as gov_repo
from db.engine import Database

logger = logging.getLogger(__name__)

# (template, choices for {v}): many phrasings, so the interpreter is exercised like in play.
PHRASINGS: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("make three-pointers worth {v}", (2, 4, 5)),
    ("threes should be worth {v} points", (4, 5)),
    ("raise the shot clock to {v} seconds", (30, 35)),
    ("set the shot clock to {v}", (14, 18, 20)),
    ("change the elam margin to {v}", (7, 9, 15, 20)),
    ("free throws are worth {v} now", (2,)),
    ("make quarters {v} minutes long", (6, 8, 12)),
    ("push the three point line back to {v} feet", (24, 25)),
    ("lower the foul limit to {v}", (4,)),
    ("two pointers worth {v}", (1, 3)),
    ("turn off home court advantage", ("",)),
    ("set the vote threshold to {v}", (0.55, 0.6)),
)
STRATEGIES = (
    "shoot more threes",
    "attack the rim every trip",
    "play fast and press full court",
    "slow it down and defend",
    "pass first, work for the open mid-range shot",
)
TOKEN_TYPES = ("propose", "amend", "boost")


@dataclass(frozen=True)
class Personality:
    name: str
    eagerness: float  # chance of proposing in a window
    agreeableness: float  # chance of voting yes on someone else's proposal


def personalities(seed: str, count: int) -> list[Personality]:
    rng = random.Random(derive_seed(seed, "personalities"))
    names = ("Ada", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu")
    return [
        Personality(
            f"{names[i % len(names)]}{'' if i < len(names) else i}",
            round(rng.uniform(0.2, 0.9), 2),
            round(rng.uniform(0.3, 0.9), 2),
        )
        for i in range(count)
    ]


class ScriptedGovernors:
    def __init__(self, app: Pinwheel, db: Database, seed: str, count: int = 6) -> None:
        self.app, self.db, self.seed = app, db, seed
        self.people = personalities(seed, count)
        self.ids: dict[str, str] = {}  # personality name -> governor id
        self.acted: set[str] = set()  # windows already acted in

    async def join(self, season_id: str, team_ids: list[str]) -> None:
        async with self.db.read_sessions() as s:
            league_id = await gov_repo.season_league(s, season_id)
        for i, p in enumerate(self.people):
            try:
                out = await self.app.handle(
                    JoinTeam(season_id, team_ids[i % len(team_ids)], f"offline-{i}", p.name),
                    command_id=f"script:{season_id}:{p.name}:join",
                )
                self.ids[p.name] = str(out["governor_id"])
            except DomainError:
                # Carried over from last season onto their old team: already enrolled.
                found = await self.app.governor_id(league_id or "", f"offline-{i}")
                if found is not None:
                    self.ids[p.name] = found

    async def act(self, season_id: str) -> int:
        """Propose (once per window each), now and then set a strategy or trade tokens, and
        vote on whatever is open. Returns the number of commands that went through."""
        async with self.db.read_sessions() as s:
            window = await gov_repo.open_window(s, season_id)
        if window is None or window.window_id in self.acted:
            return 0
        self.acted.add(window.window_id)
        # The season's first window is the opening motion: a newcomer watching the offline
        # league sees a rule proposed, voted and passed in it. The most eager governor always
        # proposes, and everyone backs the first proposal opened; later windows are free.
        opening = window.round_number <= 1
        eagerest = max(self.people, key=lambda q: q.eagerness, default=None)
        done = 0
        for p in self.people:
            rng = random.Random(derive_seed(self.seed, window.window_id, p.name, "propose"))
            if rng.random() < p.eagerness or (opening and p is eagerest):
                done += await self._propose(season_id, window.window_id, p, rng)
        done += await self._strategies_and_trades(season_id, window.window_id)
        async with self.db.read_sessions() as s:
            open_now = await gov_repo.open_proposals(s, season_id)
        names = {gov: name for name, gov in self.ids.items()}
        for p in self.people:
            gov = self.ids.get(p.name)
            if gov is None:
                continue
            for prop in open_now:
                # Seeded by names, not ids (proposal and governor ids are random uuids).
                author = names.get(prop.governor_id, "?")
                key = (window.window_id, author, prop.text, p.name)
                rng = random.Random(derive_seed(self.seed, *key))
                motion = opening and prop is open_now[0]
                yes = motion or prop.governor_id == gov or rng.random() < p.agreeableness
                done += await self._run(
                    CastVote(prop.proposal_id, gov, "yes" if yes else "no"),
                    f"script:{window.window_id}:{p.name}:vote:{prop.proposal_id}",
                )
        return done

    async def _propose(
        self, season_id: str, window_id: str, p: Personality, rng: random.Random
    ) -> int:
        gov = self.ids.get(p.name)
        if gov is None:
            return 0
        template, choices = rng.choice(PHRASINGS)
        text = template.format(v=rng.choice(choices))
        cid = f"script:{window_id}:{p.name}:propose"
        try:
            draft = await self.app.handle(SubmitProposal(season_id, gov, text), command_id=cid)
            await self.app.handle(
                ConfirmProposal(str(draft["draft_id"]), gov), command_id=f"{cid}:confirm"
            )
        except DomainError as err:
            logger.debug("%s could not propose %r: %s", p.name, text, err)
            return 0
        return 2

    async def _strategies_and_trades(self, season_id: str, window_id: str) -> int:
        """Now and then a governor sets their team's strategy, or offers another a token swap
        that the other takes if agreeable enough."""
        done = 0
        for i, p in enumerate(self.people):
            gov = self.ids.get(p.name)
            rng = random.Random(derive_seed(self.seed, window_id, p.name, "levers"))
            if gov is None:
                continue
            if rng.random() < p.eagerness / 3:
                done += await self._run(
                    SetStrategy(season_id, gov, rng.choice(STRATEGIES)),
                    f"script:{window_id}:{p.name}:strategy",
                )
            partner = self.people[(i + 1) % len(self.people)]
            other = self.ids.get(partner.name)
            if other is None or other == gov or rng.random() > 0.25:
                continue
            give, want = rng.sample(TOKEN_TYPES, 2)
            cid = f"script:{window_id}:{p.name}:trade"
            try:
                offer = await self.app.handle(
                    OfferTrade(season_id, gov, other, give, 1, want, 1), command_id=cid
                )
            except DomainError as err:
                logger.debug("%s could not offer a trade: %s", p.name, err)
                continue
            answer: Command = (
                AcceptTrade(str(offer["trade_id"]), other)
                if rng.random() < partner.agreeableness
                else RejectTrade(str(offer["trade_id"]), other)
            )
            done += 1 + await self._run(answer, f"{cid}:answer")
        return done

    async def _run(self, command: Command, command_id: str) -> int:
        try:
            await self.app.handle(command, command_id=command_id)
        except DomainError as err:
            logger.debug("scripted %s refused: %s", type(command).__name__, err)
            return 0
        return 1
