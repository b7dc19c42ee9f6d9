"""League setup and new seasons (the handlers behind `/admin setup` and `/admin new-season`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from bot.app.governance import windows
from bot.app.governance._common import envelopes
from bot.app.governance.commands import OpenWindow
from bot.app.league.stats import ACHIEVEMENTS
from bot.domain.errors import ConflictError, NotFoundError
from bot.domain.events import SeasonCreated
from bot.domain.governance import decide_join
from bot.domain.league import Team
from bot.domain.league_generator import generate_league
from bot.domain.rules import DEFAULT_RULES, RuleSet, parse_ruleset
from bot.domain.schedule import all_games, round_robin
from bot.domain.settings import LeagueSettings
from bot.domain.standings import compute_standings
from db import governance_repo as gov_repo
from db import league_repo as repo
from db.engine import Database
from db.event_store import Clock, utc_now
from db.league_repo import stable_id
from db.uow import Scope, UnitOfWork, run_command


@dataclass(frozen=True)
class SetupLeague:
    """Create a guild's league with its first season of generated teams."""

    guild_id: str
    name: str
    seed: str
    rules: dict[str, Any] = field(default_factory=dict)  # changes from the default rules

    def request(self) -> dict[str, Any]:
        return {"command": "SetupLeague", **asdict(self)}


@dataclass(frozen=True)
class StartNewSeason:
    """Start the next season with the same teams, hoopers and governors."""

    league_id: str
    carry_rules: bool = True
    replace_unfinished: bool = False  # an explicit admin choice, never the default

    def request(self) -> dict[str, Any]:
        return {"command": "StartNewSeason", **asdict(self)}


def round_interval(settings: LeagueSettings) -> timedelta | None:
    """Time between rounds; None when rounds are played by hand."""
    minutes = settings.number("schedule.round_interval_minutes")
    return timedelta(minutes=minutes) if minutes > 0 else None


def _rekey(team: Team, league_id: str, season_id: str) -> Team:
    """Ids unique to this league and season (the generator's ids depend on its seed only)."""
    hoopers = tuple(
        h.model_copy(update={"id": stable_id("hooper", league_id, season_id, h.id)})
        for h in team.hoopers
    )
    return team.model_copy(
        update={"id": stable_id("team", league_id, season_id, team.id), "hoopers": hoopers}
    )


async def _start_season(
    uow: UnitOfWork,
    *,
    league_id: str,
    number: int,
    roster: list[Team],
    rules: RuleSet,
    seed: str,
    carried_from: str | None,
    hooper_origin: dict[str, str] | None = None,
) -> str:
    s = uow.session
    now = uow.clock()
    season_id = stable_id("season", league_id, number)
    name = f"Season {number}"
    await repo.insert_season(
        s,
        season_id=season_id,
        league_id=league_id,
        number=number,
        name=name,
        rules=rules.model_dump(),
        config={"seed": seed, "hooper_origin": hooper_origin or {}},
    )
    await repo.insert_teams(s, season_id, roster)
    team_ids = [t.id for t in roster]
    rounds = round_robin(team_ids, rules.round_robins_per_season)
    await repo.insert_schedule(s, season_id, all_games(rounds))
    created = SeasonCreated(
        season_id=season_id,
        league_id=league_id,
        number=number,
        name=name,
        starting_ruleset=rules.model_dump(),
        carried_over_from=carried_from,
    )
    await uow.append(envelopes([created], season_id, new_aggregate=season_id))
    await windows.open_window(
        uow,
        OpenWindow(
            season_id,
            stable_id("window", season_id, 1),
            round_number=1,
            closes_after_round=rules.rounds_per_window,
        ),
    )
    interval = round_interval(await gov_repo.league_settings(s, league_id))
    await repo.insert_progress(
        s,
        {
            "season_id": season_id,
            "league_id": league_id,
            "phase": "regular",
            "next_round": 1,
            "next_due_at": now + interval if interval else None,
            "last_regular_round": len(rounds),
            "bracket": None,
            "standings": [r.model_dump() for r in compute_standings(team_ids, [])],
            "updated_at": now,
        },
    )
    await repo.ensure_achievements(s, ACHIEVEMENTS)
    names = ", ".join(t.name for t in roster)
    await repo.enqueue(
        s,
        league_id=league_id,
        key=f"season:{season_id}:created",
        kind="season.created",
        target="announcements",
        payload={
            "text": f"{name} begins: {names}. {len(rounds)} rounds, then the playoffs.",
            "season_id": season_id,
        },
        at=now,
    )
    return season_id


async def setup_league(uow: UnitOfWork, cmd: SetupLeague) -> dict[str, Any]:
    s = uow.session
    if await repo.league_for_guild(s, cmd.guild_id) is not None:
        raise ConflictError("This server already has a league; start a new season instead.")
    rules = parse_ruleset({**DEFAULT_RULES.model_dump(), **cmd.rules})
    league_id = stable_id("league", cmd.guild_id)
    await repo.insert_league(s, league_id, cmd.guild_id, cmd.name[:100])
    season_id = stable_id("season", league_id, 1)
    roster = [
        _rekey(t, league_id, season_id) for t in generate_league(cmd.seed, rules.teams_per_league)
    ]
    season_id = await _start_season(
        uow,
        league_id=league_id,
        number=1,
        roster=roster,
        rules=rules,
        seed=cmd.seed,
        carried_from=None,
    )
    return {"league_id": league_id, "season_id": season_id, "team_ids": [t.id for t in roster]}


async def start_new_season(uow: UnitOfWork, cmd: StartNewSeason) -> dict[str, Any]:
    s = uow.session
    previous = await repo.latest_season(s, cmd.league_id)
    if previous is None:
        raise NotFoundError("This league has no season yet; set it up first.")
    progress = await repo.get_progress(s, previous.season_id)
    finished = progress is not None and progress.phase == "complete"
    if not finished and not cmd.replace_unfinished:
        raise ConflictError(
            f"{previous.name} has not finished; replacing it needs an explicit confirmation."
        )
    number = previous.number + 1
    season_id = stable_id("season", cmd.league_id, number)
    old_teams = await repo.load_teams(s, previous.season_id)
    mapping = {tid: stable_id("team", cmd.league_id, season_id, tid) for tid in old_teams}
    old_origins = await repo.hooper_origins(s, previous.season_id)
    origin: dict[str, str] = {}
    for t in old_teams.values():
        for h in t.hoopers:
            origin[stable_id("hooper", season_id, h.id)] = old_origins.get(h.id, h.id)
    roster = [
        t.model_copy(
            update={
                "id": mapping[t.id],
                "hoopers": tuple(
                    h.model_copy(update={"id": stable_id("hooper", season_id, h.id)})
                    for h in t.hoopers
                ),
            }
        )
        for t in old_teams.values()
    ]
    old_rules = await gov_repo.current_rules(s, previous.season_id)
    rules = old_rules if cmd.carry_rules else DEFAULT_RULES
    if progress is not None and not finished:
        await repo.update_progress(s, previous.season_id, {"phase": "complete"})
        await repo.set_season_status(s, previous.season_id, "complete", uow.clock())
    season_id = await _start_season(
        uow,
        league_id=cmd.league_id,
        number=number,
        roster=roster,
        rules=rules,
        seed=str(previous.config.get("seed", "")),
        carried_from=previous.season_id,
        hooper_origin=origin,
    )
    carried = 0
    for e in await gov_repo.active_enrollments(s, previous.season_id):
        events = decide_join(e.governor_id, mapping[e.team_id], None, rules)
        await uow.append(envelopes(events, season_id))
        carried += 1
    return {"league_id": cmd.league_id, "season_id": season_id, "governors_carried": carried}


async def run_setup(
    db: Database, cmd: SetupLeague, *, clock: Clock = utc_now, command_id: str | None = None
) -> dict[str, Any]:
    """Set a league up once per command id (default: one per guild)."""
    result = await run_command(
        db,
        lambda uow: setup_league(uow, cmd),
        command_id=command_id or f"setup:{cmd.guild_id}",
        request=cmd.request(),
        clock=clock,
    )
    return result.outcome


async def run_new_season(
    db: Database, cmd: StartNewSeason, *, clock: Clock = utc_now, command_id: str
) -> dict[str, Any]:
    result = await run_command(
        db,
        lambda uow: start_new_season(uow, cmd),
        command_id=command_id,
        request=cmd.request(),
        clock=clock,
        scope=Scope("league", cmd.league_id),
    )
    return result.outcome
