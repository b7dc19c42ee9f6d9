"""SQLAlchemy 2.0 ORM tables. Ids are 36-character UUID strings made in Python (SQLite has no
UUID type); JSON is JSONB on PostgreSQL. Seed 000 calls hoopers "agents"; here they are hoopers.

Event-sourced state lives in `governance_events`; the projection tables below it (token balances,
proposals, votes, tallies, enrollments, effects) are only ever written by the projection code in
the same transaction as the events they fold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")


class DriverValue(TypeDecorator[Any]):
    """A value read as the driver returns it, no type processing: for hot read paths that
    decode it themselves, or whose driver already did (asyncpg decodes json)."""

    impl = String
    cache_ok = True


Id = String(36)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JsonType, list[Any]: JsonType}  # noqa: RUF012


def table_of(row: type[Base]) -> Table:
    """The Core table of an ORM class, typed as a Table (for Core statements)."""
    table = row.__table__
    assert isinstance(table, Table)
    return table


def _now() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


# --- League structure (direct tables) ------------------------------------------------------------


class LeagueRow(Base):
    __tablename__ = "leagues"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    guild_id: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = _now()


class SeasonRow(Base):
    __tablename__ = "seasons"
    __table_args__ = (UniqueConstraint("league_id", "number"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    # setup, active, playoffs, championship, offseason, complete
    status: Mapped[str] = mapped_column(String(20), server_default="setup")
    starting_ruleset: Mapped[dict[str, Any]]
    # Read projection, updated in the same transaction as each rule.enacted event.
    current_ruleset: Mapped[dict[str, Any]]
    config: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = _now()
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TeamRow(Base):
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    color: Mapped[str | None] = mapped_column(String(7))
    motto: Mapped[str | None] = mapped_column(Text)
    venue: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = _now()


class HooperRow(Base):
    __tablename__ = "hoopers"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    name: Mapped[str] = mapped_column(String(100))
    archetype: Mapped[str] = mapped_column(String(30))
    backstory: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]]
    moves: Mapped[list[Any]] = mapped_column(server_default="[]")
    is_active: Mapped[bool] = mapped_column(Boolean, server_default="1")  # on court vs bench
    created_at: Mapped[datetime] = _now()


class GovernorRow(Base):
    """A human's identity in one league. Team membership is event-sourced (`enrollments`)."""

    __tablename__ = "governors"
    __table_args__ = (UniqueConstraint("league_id", "discord_user_id"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"))
    discord_user_id: Mapped[str] = mapped_column(String(20), index=True)
    discord_username: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = _now()


class ScheduleRow(Base):
    __tablename__ = "schedule"
    __table_args__ = (
        UniqueConstraint("season_id", "round_number", "matchup_index"),
        Index("ix_schedule_season_round", "season_id", "round_number"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    round_number: Mapped[int] = mapped_column(Integer)
    matchup_index: Mapped[int] = mapped_column(Integer)
    home_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    away_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    phase: Mapped[str] = mapped_column(String(20), server_default="regular")
    series_id: Mapped[str | None] = mapped_column(Id)
    status: Mapped[str] = mapped_column(String(20), server_default="scheduled")
    game_result_id: Mapped[str | None] = mapped_column(ForeignKey("game_results.id"))
    created_at: Mapped[datetime] = _now()


class GameResultRow(Base):
    """Immutable once stored; the unique key makes a round impossible to store twice."""

    __tablename__ = "game_results"
    __table_args__ = (
        UniqueConstraint("season_id", "round_number", "matchup_index"),
        Index("ix_game_results_season_round", "season_id", "round_number"),
        Index("ix_game_results_teams", "home_team_id", "away_team_id"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    round_number: Mapped[int] = mapped_column(Integer)
    matchup_index: Mapped[int] = mapped_column(Integer)
    home_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    away_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    home_score: Mapped[int] = mapped_column(Integer)
    away_score: Mapped[int] = mapped_column(Integer)
    winner_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    seed: Mapped[int] = mapped_column(BigInteger)
    engine_version: Mapped[str] = mapped_column(String(20))
    ruleset_snapshot: Mapped[dict[str, Any]]
    # Everything else replay needs: rosters, strategies and effects as they were.
    inputs: Mapped[dict[str, Any]]
    quarter_scores: Mapped[list[Any]]
    elam_target: Mapped[int | None] = mapped_column(Integer)
    elam_possessions: Mapped[int | None] = mapped_column(Integer)
    total_possessions: Mapped[int] = mapped_column(Integer)
    lead_changes: Mapped[int] = mapped_column(Integer)
    largest_lead: Mapped[int] = mapped_column(Integer)
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata", JsonType)
    play_by_play: Mapped[list[Any]]
    created_at: Mapped[datetime] = _now()


class BoxScoreRow(Base):
    __tablename__ = "box_scores"
    __table_args__ = (UniqueConstraint("game_id", "hooper_id"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    game_id: Mapped[str] = mapped_column(ForeignKey("game_results.id"), index=True)
    hooper_id: Mapped[str] = mapped_column(ForeignKey("hoopers.id"), index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    minutes: Mapped[float] = mapped_column(Float)
    points: Mapped[int] = mapped_column(Integer)
    field_goals_made: Mapped[int] = mapped_column(Integer)
    field_goals_attempted: Mapped[int] = mapped_column(Integer)
    three_pointers_made: Mapped[int] = mapped_column(Integer)
    three_pointers_attempted: Mapped[int] = mapped_column(Integer)
    free_throws_made: Mapped[int] = mapped_column(Integer)
    free_throws_attempted: Mapped[int] = mapped_column(Integer)
    offensive_rebounds: Mapped[int] = mapped_column(Integer)
    defensive_rebounds: Mapped[int] = mapped_column(Integer)
    rebounds: Mapped[int] = mapped_column(Integer)
    assists: Mapped[int] = mapped_column(Integer)
    steals: Mapped[int] = mapped_column(Integer)
    blocks: Mapped[int] = mapped_column(Integer)
    turnovers: Mapped[int] = mapped_column(Integer)
    fouls: Mapped[int] = mapped_column(Integer)
    plus_minus: Mapped[int] = mapped_column(Integer)


class MirrorRow(Base):
    __tablename__ = "mirrors"
    __table_args__ = (Index("ix_mirrors_season_type", "season_id", "mirror_type"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    round_number: Mapped[int | None] = mapped_column(Integer)
    # simulation, governance, private, series, season, league, tiebreaker, offseason
    mirror_type: Mapped[str] = mapped_column(String(30))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    governor_id: Mapped[str | None] = mapped_column(ForeignKey("governors.id"), index=True)
    content: Mapped[str] = mapped_column(Text)
    context_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    token_count_input: Mapped[int | None] = mapped_column(Integer)
    token_count_output: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = _now()


class CommentaryRow(Base):
    __tablename__ = "commentary"
    __table_args__ = (UniqueConstraint("game_id", "possession_index"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    game_id: Mapped[str] = mapped_column(ForeignKey("game_results.id"), index=True)
    possession_index: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    commentary_text: Mapped[str] = mapped_column(Text)
    energy: Mapped[str] = mapped_column(String(10))  # low, medium, high, peak
    tags: Mapped[list[Any]] = mapped_column(server_default="[]")
    created_at: Mapped[datetime] = _now()


# --- The event store ----------------------------------------------------------------------------


class GovernanceEventRow(Base):
    """Append-only (database triggers refuse UPDATE and DELETE).

    Each league has a log of its own: `sequence_number` is the event's place in its league's
    log, dense from 1 and commit-ordered within the league (`event_log_head`)."""

    __tablename__ = "governance_events"
    __table_args__ = (
        UniqueConstraint("league_id", "sequence_number"),
        UniqueConstraint("aggregate_type", "aggregate_id", "aggregate_version"),
        Index("ix_governance_events_season_round", "season_id", "round_number"),
        Index("ix_governance_events_season_type", "season_id", "event_type", "sequence_number"),
        Index("ix_governance_events_governor", "governor_id"),
        Index("ix_governance_events_type", "event_type"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"))
    sequence_number: Mapped[int] = mapped_column(BigInteger)
    event_type: Mapped[str] = mapped_column(String(64))
    aggregate_type: Mapped[str] = mapped_column(String(50))
    aggregate_id: Mapped[str] = mapped_column(String(100))
    aggregate_version: Mapped[int] = mapped_column(Integer)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    round_number: Mapped[int | None] = mapped_column(Integer)
    governance_window_id: Mapped[str | None] = mapped_column(Id)
    governor_id: Mapped[str | None] = mapped_column(ForeignKey("governors.id"))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    payload: Mapped[dict[str, Any]]
    schema_version: Mapped[int] = mapped_column(Integer)
    command_id: Mapped[str | None] = mapped_column(String(200))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JsonType)
    created_at: Mapped[datetime] = _now()


class EventLogHeadRow(Base):
    """One row per league: the last sequence number its log handed out, locked by every
    append to it. A trigger adds the row with the league (migration 0011)."""

    __tablename__ = "event_log_head"
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger)


class CommandLogRow(Base):
    """Outcome of every command id seen, written in the same transaction as its events
    (`first_sequence`..`last_sequence`: their places in their league's log)."""

    __tablename__ = "command_log"
    command_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[dict[str, Any]]
    first_sequence: Mapped[int | None] = mapped_column(BigInteger)
    last_sequence: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _now()


class ProjectionCheckpointRow(Base):
    """How far into each league's log each projection has folded."""

    __tablename__ = "projection_checkpoints"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger)


# --- Projection tables (written only by projections) ----------------------------------------------


class TokenBalanceRow(Base):
    __tablename__ = "token_balances"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"), primary_key=True)
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"), primary_key=True)
    token_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    balance: Mapped[int] = mapped_column(Integer)


class EnrollmentRow(Base):
    __tablename__ = "enrollments"
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"), primary_key=True)
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean)
    joined_sequence: Mapped[int] = mapped_column(BigInteger)
    left_sequence: Mapped[int | None] = mapped_column(BigInteger)


class ProposalRow(Base):
    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_season_status", "season_id", "status"),)
    proposal_id: Mapped[str] = mapped_column(Id, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    window_id: Mapped[str | None] = mapped_column(Id)
    # submitted, confirmed (open for votes), flagged, passed, failed, cancelled, vetoed
    status: Mapped[str] = mapped_column(String(20))
    raw_text: Mapped[str] = mapped_column(Text)
    interpretation: Mapped[dict[str, Any]]
    tier: Mapped[int] = mapped_column(Integer)
    token_cost: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[float] = mapped_column(Float)
    amendment_count: Mapped[int] = mapped_column(Integer, server_default="0")
    opened_round: Mapped[int | None] = mapped_column(Integer)
    # When voting on the current text opened (confirmation or last amendment).
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sequence: Mapped[int] = mapped_column(BigInteger)


class VoteRow(Base):
    """The current (last) vote of each governor on a proposal; hidden until the close."""

    __tablename__ = "votes"
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.proposal_id"), primary_key=True)
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    vote: Mapped[str] = mapped_column(String(3))  # yes, no
    boost_used: Mapped[bool] = mapped_column(Boolean)
    # Cast on text an amendment has since replaced: kept for the record, no longer counted.
    cleared: Mapped[bool] = mapped_column(Boolean, server_default="0")


class VoteTallyRow(Base):
    __tablename__ = "vote_tallies"
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.proposal_id"), primary_key=True)
    yes_count: Mapped[int] = mapped_column(Integer)
    no_count: Mapped[int] = mapped_column(Integer)
    weighted_yes: Mapped[float | None] = mapped_column(Float)  # set at the tally
    weighted_no: Mapped[float | None] = mapped_column(Float)
    revealed: Mapped[bool] = mapped_column(Boolean)


class GovernanceWindowRow(Base):
    __tablename__ = "governance_windows"
    __table_args__ = (Index("ix_governance_windows_season_status", "season_id", "status"),)
    window_id: Mapped[str] = mapped_column(Id, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    status: Mapped[str] = mapped_column(String(10))  # open, closed
    opened_round: Mapped[int] = mapped_column(Integer)
    closes_after_round: Mapped[int] = mapped_column(Integer)
    closed_round: Mapped[int | None] = mapped_column(Integer)


class EffectRow(Base):
    __tablename__ = "effects"
    __table_args__ = (Index("ix_effects_season_status", "season_id", "status"),)
    effect_id: Mapped[str] = mapped_column(Id, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    proposal_id: Mapped[str | None] = mapped_column(Id)
    hook_point: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]]
    registered_round: Mapped[int] = mapped_column(Integer)
    last_round: Mapped[int | None] = mapped_column(Integer)  # None: permanent
    status: Mapped[str] = mapped_column(String(16))  # active, expired, repealed


class ProposalDraftRow(Base):
    """An interpreted proposal awaiting its author's confirmation. Not event-sourced: nothing
    has happened in the game until it is confirmed, and a draft never confirmed costs nothing."""

    __tablename__ = "proposal_drafts"
    __table_args__ = (Index("ix_proposal_drafts_governor", "governor_id", "created_at"),)
    draft_id: Mapped[str] = mapped_column(Id, primary_key=True)  # the proposal id once confirmed
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"))
    raw_text: Mapped[str] = mapped_column(Text)
    sanitized_text: Mapped[str] = mapped_column(Text)
    interpretation: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(10))  # pending, confirmed, discarded
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- From the neighbouring systems ---------------------------------------------------------------


class AICallRow(Base):
    """Every AI request (the interpreter's decision log)."""

    __tablename__ = "ai_calls"
    __table_args__ = (Index("ix_ai_calls_league_time", "league_id", "created_at"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    league_id: Mapped[str | None] = mapped_column(ForeignKey("leagues.id"))
    purpose: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(100))
    prompt: Mapped[str] = mapped_column(Text)
    response: Mapped[str | None] = mapped_column(Text)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[int] = mapped_column(Integer)
    input_tokens: Mapped[int | None] = mapped_column(Integer)
    output_tokens: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = _now()


class AdminLogRow(Base):
    """Every admin action with before/after snapshots."""

    __tablename__ = "admin_log"
    __table_args__ = (
        Index("ix_admin_log_actor_time", "actor_id", "created_at"),
        Index("ix_admin_log_target", "target_table", "target_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"))
    actor_id: Mapped[str] = mapped_column(String(20))  # Discord user id of the admin
    action_type: Mapped[str] = mapped_column(String(50))
    target_table: Mapped[str] = mapped_column(String(50))
    target_id: Mapped[str] = mapped_column(String(100))
    before_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    after_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()


class SettingRow(Base):
    """Per-league tuning; a missing row means the default."""

    __tablename__ = "settings"
    __table_args__ = (Index("ix_settings_category", "category"),)
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = _now()


class GovernorPreferencesRow(Base):
    __tablename__ = "governor_preferences"
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"), primary_key=True)
    dm_private_mirrors: Mapped[bool] = mapped_column(Boolean, server_default="1")
    # Result mentions are opt-in (migration 0008); the DMs are on until a governor opts out.
    mention_on_results: Mapped[bool] = mapped_column(Boolean, server_default="0")
    dm_trade_offers: Mapped[bool] = mapped_column(Boolean, server_default="1")
    updated_at: Mapped[datetime] = _now()


class AchievementRow(Base):
    __tablename__ = "achievements"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # a stable key
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(50))
    rarity: Mapped[str] = mapped_column(String(20))
    requirement: Mapped[dict[str, Any]]


class GovernorAchievementRow(Base):
    __tablename__ = "governor_achievements"
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"), primary_key=True)
    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"), primary_key=True)
    season_id: Mapped[str | None] = mapped_column(ForeignKey("seasons.id"))
    earned_at: Mapped[datetime] = _now()


class GovernorStatsRow(Base):
    """Lifetime governance stats, maintained on game and window completion."""

    __tablename__ = "governor_stats"
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"), primary_key=True)
    proposals_submitted: Mapped[int] = mapped_column(Integer, server_default="0")
    proposals_passed: Mapped[int] = mapped_column(Integer, server_default="0")
    votes_cast: Mapped[int] = mapped_column(Integer, server_default="0")
    votes_with_majority: Mapped[int] = mapped_column(Integer, server_default="0")
    trades_accepted: Mapped[int] = mapped_column(Integer, server_default="0")
    team_games: Mapped[int] = mapped_column(Integer, server_default="0")
    team_wins: Mapped[int] = mapped_column(Integer, server_default="0")
    current_streak: Mapped[int] = mapped_column(Integer, server_default="0")
    best_streak: Mapped[int] = mapped_column(Integer, server_default="0")
    updated_at: Mapped[datetime] = _now()


class HooperStatsRow(Base):
    """Lifetime hooper stats, maintained on game completion."""

    __tablename__ = "hooper_stats"
    hooper_id: Mapped[str] = mapped_column(ForeignKey("hoopers.id"), primary_key=True)
    games_played: Mapped[int] = mapped_column(Integer, server_default="0")
    games_won: Mapped[int] = mapped_column(Integer, server_default="0")
    points: Mapped[int] = mapped_column(Integer, server_default="0")
    rebounds: Mapped[int] = mapped_column(Integer, server_default="0")
    assists: Mapped[int] = mapped_column(Integer, server_default="0")
    steals: Mapped[int] = mapped_column(Integer, server_default="0")
    blocks: Mapped[int] = mapped_column(Integer, server_default="0")
    highest_points: Mapped[int] = mapped_column(Integer, server_default="0")
    current_win_streak: Mapped[int] = mapped_column(Integer, server_default="0")
    longest_win_streak: Mapped[int] = mapped_column(Integer, server_default="0")
    last_game_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- Levers: trades, hooper trades, strategies, bios (projections, issue 5) -----------------------


class TradeOfferRow(Base):
    """A token trade offer. `escrow` is what the offerer holds back while the offer is open."""

    __tablename__ = "trade_offers"
    __table_args__ = (
        Index("ix_trade_offers_to_status", "to_governor_id", "status"),
        Index("ix_trade_offers_from_status", "from_governor_id", "status"),
        Index("ix_trade_offers_status_expires", "status", "expires_at"),
    )
    trade_id: Mapped[str] = mapped_column(Id, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    from_governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"))
    to_governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"))
    offer_type: Mapped[str] = mapped_column(String(16))
    offer_amount: Mapped[int] = mapped_column(Integer)
    request_type: Mapped[str] = mapped_column(String(16))
    request_amount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))  # open, accepted, rejected, cancelled, expired
    escrow: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    offered_sequence: Mapped[int] = mapped_column(BigInteger)
    resolved_sequence: Mapped[int | None] = mapped_column(BigInteger)


class HooperTradeRow(Base):
    __tablename__ = "hooper_trades"
    __table_args__ = (Index("ix_hooper_trades_season_status", "season_id", "status"),)
    trade_id: Mapped[str] = mapped_column(Id, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    proposer_governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"))
    proposer_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    offer_hooper_id: Mapped[str] = mapped_column(ForeignKey("hoopers.id"))
    target_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    request_hooper_id: Mapped[str] = mapped_column(ForeignKey("hoopers.id"))
    status: Mapped[str] = mapped_column(String(10))  # open, executed, rejected, expired
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_sequence: Mapped[int] = mapped_column(BigInteger)


class HooperTradeVoteRow(Base):
    """Each governor's current vote on a hooper trade (persisted: a restart keeps it)."""

    __tablename__ = "hooper_trade_votes"
    trade_id: Mapped[str] = mapped_column(ForeignKey("hooper_trades.trade_id"), primary_key=True)
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    approve: Mapped[bool] = mapped_column(Boolean)


class HooperMoveRow(Base):
    """A hooper's move to another team by an executed trade, from `effective_round` on."""

    __tablename__ = "hooper_moves"
    __table_args__ = (Index("ix_hooper_moves_season", "season_id", "effective_round"),)
    trade_id: Mapped[str] = mapped_column(Id, primary_key=True)
    hooper_id: Mapped[str] = mapped_column(ForeignKey("hoopers.id"), primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    from_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    to_team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    effective_round: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(BigInteger)


class TeamStrategyRow(Base):
    """A team's interpreted strategy, used from `effective_round` until a later one replaces it."""

    __tablename__ = "team_strategies"
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    effective_round: Mapped[int] = mapped_column(Integer, primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"))
    raw_text: Mapped[str] = mapped_column(Text)
    strategy: Mapped[dict[str, Any]]
    confidence: Mapped[float] = mapped_column(Float)
    last_sequence: Mapped[int] = mapped_column(BigInteger)


class HooperBioRow(Base):
    __tablename__ = "hooper_bios"
    hooper_id: Mapped[str] = mapped_column(ForeignKey("hoopers.id"), primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    governor_id: Mapped[str] = mapped_column(ForeignKey("governors.id"))
    bio: Mapped[str] = mapped_column(Text)
    last_sequence: Mapped[int] = mapped_column(BigInteger)


# --- The league runner ----------------------------------------------------------------------------


class OutboxRow(Base):
    """Everything to be posted, written in the same transaction as what it reports.

    `key` is deterministic (e.g. `round:<season>:<n>:results`), so a step that runs again can
    never queue a second copy; the poster marks `sent_at` once the message is out.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_league_unsent", "league_id", "sent_at", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # results, mirror, governance, awards, ...
    target: Mapped[str] = mapped_column(String(100))  # a channel name, or dm:<governor id>
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Delivery bookkeeping (migration 0006): each hand-over to the poster is counted before it
    # is made; a failed one records its error and when to try again; a row that keeps failing
    # is parked (`failed_at`), never sent, and reported by `pinwheel verify`.
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Edits (migration 0008): a message's content may be replaced (`revision` + 1, unsent
    # again); the drain then edits the message it posted (`message_ref`, where the poster says
    # it landed) instead of posting anew. `delivered_revision` is the content last delivered.
    revision: Mapped[int] = mapped_column(Integer, server_default="0")
    delivered_revision: Mapped[int] = mapped_column(Integer, server_default="0")
    message_ref: Mapped[str | None] = mapped_column(String(100))
    # No spoilers: a round's posts wait behind its presentation (`show:<season>:<round>`)
    # until every game's final card is out.
    held_by: Mapped[str | None] = mapped_column(String(100))


class PresentationRow(Base):
    """One round's show: its games presented over wall-clock time (bot/app/league/presenter).

    `position_s` is how far into the show it is (seconds); it moves with the clock while a
    presenter runs and stands still while the process is down or Discord is rate-limiting it,
    so a restart resumes where it was. `done_at`: every game's final card has been written.
    """

    __tablename__ = "presentations"
    __table_args__ = (UniqueConstraint("season_id", "round_number"),)
    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # show:<season>:<round>
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"), index=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"))
    round_number: Mapped[int] = mapped_column(Integer)
    round_seconds: Mapped[float] = mapped_column(Float)  # the show's length; 0: cards at once
    position_s: Mapped[float] = mapped_column(Float, server_default="0")
    ticked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PresentedGameRow(Base):
    """One game of a show: the last frame written to its live message, and when its final
    card was written (from then on the game counts as presented: `/standings`, `/game`)."""

    __tablename__ = "presented_games"
    game_id: Mapped[str] = mapped_column(ForeignKey("game_results.id"), primary_key=True)
    presentation_id: Mapped[str] = mapped_column(ForeignKey("presentations.id"), index=True)
    slot: Mapped[int] = mapped_column(Integer)  # order in the round (staggers the edits)
    frame: Mapped[int] = mapped_column(Integer, server_default="-1")  # -1: nothing shown yet
    final_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ForecastRow(Base):
    """A forecast of what a rule change would do to a league's games (bot/sim/forecast.py),
    kept by what it was computed from: the league's teams, strategies, effects, the current
    rules and the changed ones (`key`, a digest of them). Written once; never changes."""

    __tablename__ = "forecasts"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"), index=True)
    result: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SeasonProgressRow(Base):
    """Where a season's runner stands: the next round, when it is due, the phase and bracket.

    Written only by the round runner's steps, each in the transaction that moves it on.
    """

    __tablename__ = "season_progress"
    season_id: Mapped[str] = mapped_column(ForeignKey("seasons.id"), primary_key=True)
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"), index=True)
    # regular, tiebreaker, playoffs, offseason, complete
    phase: Mapped[str] = mapped_column(String(20))
    next_round: Mapped[int] = mapped_column(Integer)
    next_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_regular_round: Mapped[int] = mapped_column(Integer)
    bracket: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    standings: Mapped[list[Any]]
    champion_team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    awards: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- Several bot processes on one database (bot/app/league/leases.py) ---------------------------


class BotProcessRow(Base):
    """A running bot process, as it last reported itself: the shards it serves, how late its
    event loop wakes and how much of its leagues' outbox waits. Written by the process itself
    every lease renewal; a row not seen for a lease's length is a process gone."""

    __tablename__ = "bot_processes"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    shards: Mapped[list[Any] | None] = mapped_column(JsonType)  # None: not connected to Discord
    shard_count: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    loop_lag_ms: Mapped[float] = mapped_column(Float, default=0.0)
    outbox_backlog: Mapped[int] = mapped_column(Integer, default=0)


class LeagueLeaseRow(Base):
    """Which process runs a league's background work (rounds, governance windows, shows,
    its outbox) until when. A lease not renewed by `expires_at` is free for any live process
    to claim; `holder` names a `bot_processes` row but is no foreign key: a lease outlives
    the row of the process that held it until someone claims it."""

    __tablename__ = "league_leases"
    league_id: Mapped[str] = mapped_column(ForeignKey("leagues.id"), primary_key=True)
    holder: Mapped[str | None] = mapped_column(Id, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
