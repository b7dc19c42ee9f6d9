"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "achievements",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("rarity", sa.String(length=20), nullable=False),
        sa.Column(
            "requirement",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievements")),
    )
    op.create_table(
        "command_log",
        sa.Column("command_id", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "outcome",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("first_sequence", sa.BigInteger(), nullable=True),
        sa.Column("last_sequence", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("command_id", name=op.f("pk_command_log")),
    )
    op.create_table(
        "event_log_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_event_log_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_log_head")),
    )
    op.create_table(
        "leagues",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("guild_id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leagues")),
        sa.UniqueConstraint("guild_id", name=op.f("uq_leagues_guild_id")),
    )
    op.create_table(
        "projection_checkpoints",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_projection_checkpoints")),
    )
    op.create_table(
        "admin_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("actor_id", sa.String(length=20), nullable=False),
        sa.Column("action_type", sa.String(length=50), nullable=False),
        sa.Column("target_table", sa.String(length=50), nullable=False),
        sa.Column("target_id", sa.String(length=100), nullable=False),
        sa.Column(
            "before_snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after_snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_admin_log_league_id_leagues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_log")),
    )
    with op.batch_alter_table("admin_log", schema=None) as batch_op:
        batch_op.create_index("ix_admin_log_actor_time", ["actor_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_admin_log_target", ["target_table", "target_id", "created_at"], unique=False
        )

    op.create_table(
        "ai_calls",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("league_id", sa.String(length=36), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=True),
        sa.Column("output_tokens", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_ai_calls_league_id_leagues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_calls")),
    )
    with op.batch_alter_table("ai_calls", schema=None) as batch_op:
        batch_op.create_index("ix_ai_calls_league_time", ["league_id", "created_at"], unique=False)

    op.create_table(
        "governors",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("discord_user_id", sa.String(length=20), nullable=False),
        sa.Column("discord_username", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_governors_league_id_leagues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governors")),
        sa.UniqueConstraint(
            "league_id", "discord_user_id", name=op.f("uq_governors_league_id_discord_user_id")
        ),
    )
    with op.batch_alter_table("governors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governors_discord_user_id"), ["discord_user_id"], unique=False
        )

    op.create_table(
        "seasons",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="setup", nullable=False),
        sa.Column(
            "starting_ruleset",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "current_ruleset",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_seasons_league_id_leagues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seasons")),
        sa.UniqueConstraint("league_id", "number", name=op.f("uq_seasons_league_id_number")),
    )
    with op.batch_alter_table("seasons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seasons_league_id"), ["league_id"], unique=False)

    op.create_table(
        "settings",
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_settings_league_id_leagues")
        ),
        sa.PrimaryKeyConstraint("league_id", "key", name=op.f("pk_settings")),
    )
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.create_index("ix_settings_category", ["category"], unique=False)

    op.create_table(
        "effects",
        sa.Column("effect_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("proposal_id", sa.String(length=36), nullable=True),
        sa.Column("hook_point", sa.String(length=64), nullable=False),
        sa.Column(
            "definition",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("registered_round", sa.Integer(), nullable=False),
        sa.Column("last_round", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_effects_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("effect_id", name=op.f("pk_effects")),
    )
    with op.batch_alter_table("effects", schema=None) as batch_op:
        batch_op.create_index("ix_effects_season_status", ["season_id", "status"], unique=False)

    op.create_table(
        "governor_achievements",
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("achievement_id", sa.String(length=64), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=True),
        sa.Column(
            "earned_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_governor_achievements_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["governor_id"],
            ["governors.id"],
            name=op.f("fk_governor_achievements_governor_id_governors"),
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_governor_achievements_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint(
            "governor_id", "achievement_id", name=op.f("pk_governor_achievements")
        ),
    )
    op.create_table(
        "governor_preferences",
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("dm_private_mirrors", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("mention_on_results", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("dm_trade_offers", sa.Boolean(), server_default="1", nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["governor_id"],
            ["governors.id"],
            name=op.f("fk_governor_preferences_governor_id_governors"),
        ),
        sa.PrimaryKeyConstraint("governor_id", name=op.f("pk_governor_preferences")),
    )
    op.create_table(
        "governor_stats",
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("proposals_submitted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("proposals_passed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("votes_cast", sa.Integer(), server_default="0", nullable=False),
        sa.Column("votes_with_majority", sa.Integer(), server_default="0", nullable=False),
        sa.Column("trades_accepted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("team_games", sa.Integer(), server_default="0", nullable=False),
        sa.Column("team_wins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("current_streak", sa.Integer(), server_default="0", nullable=False),
        sa.Column("best_streak", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["governor_id"], ["governors.id"], name=op.f("fk_governor_stats_governor_id_governors")
        ),
        sa.PrimaryKeyConstraint("governor_id", name=op.f("pk_governor_stats")),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.Column("motto", sa.Text(), nullable=True),
        sa.Column(
            "venue",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_teams_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teams_season_id"), ["season_id"], unique=False)

    op.create_table(
        "token_balances",
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("token_type", sa.String(length=16), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_token_balances_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["governor_id"], ["governors.id"], name=op.f("fk_token_balances_governor_id_governors")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_token_balances_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint(
            "season_id", "governor_id", "token_type", name=op.f("pk_token_balances")
        ),
    )
    op.create_table(
        "enrollments",
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("joined_sequence", sa.BigInteger(), nullable=False),
        sa.Column("left_sequence", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["governor_id"], ["governors.id"], name=op.f("fk_enrollments_governor_id_governors")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_enrollments_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_enrollments_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("season_id", "governor_id", name=op.f("pk_enrollments")),
    )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrollments_team_id"), ["team_id"], unique=False)

    op.create_table(
        "game_results",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("matchup_index", sa.Integer(), nullable=False),
        sa.Column("home_team_id", sa.String(length=36), nullable=False),
        sa.Column("away_team_id", sa.String(length=36), nullable=False),
        sa.Column("home_score", sa.Integer(), nullable=False),
        sa.Column("away_score", sa.Integer(), nullable=False),
        sa.Column("winner_team_id", sa.String(length=36), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("engine_version", sa.String(length=20), nullable=False),
        sa.Column(
            "ruleset_snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "inputs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "quarter_scores",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("elam_target", sa.Integer(), nullable=True),
        sa.Column("elam_possessions", sa.Integer(), nullable=True),
        sa.Column("total_possessions", sa.Integer(), nullable=False),
        sa.Column("lead_changes", sa.Integer(), nullable=False),
        sa.Column("largest_lead", sa.Integer(), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "play_by_play",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["away_team_id"], ["teams.id"], name=op.f("fk_game_results_away_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["home_team_id"], ["teams.id"], name=op.f("fk_game_results_home_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_game_results_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(
            ["winner_team_id"], ["teams.id"], name=op.f("fk_game_results_winner_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_game_results")),
        sa.UniqueConstraint(
            "season_id",
            "round_number",
            "matchup_index",
            name=op.f("uq_game_results_season_id_round_number_matchup_index"),
        ),
    )
    with op.batch_alter_table("game_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_game_results_season_round", ["season_id", "round_number"], unique=False
        )
        batch_op.create_index(
            "ix_game_results_teams", ["home_team_id", "away_team_id"], unique=False
        )

    op.create_table(
        "governance_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sequence_number", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("aggregate_type", sa.String(length=50), nullable=False),
        sa.Column("aggregate_id", sa.String(length=100), nullable=False),
        sa.Column("aggregate_version", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=True),
        sa.Column("governance_window_id", sa.String(length=36), nullable=True),
        sa.Column("governor_id", sa.String(length=36), nullable=True),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("command_id", sa.String(length=200), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["governor_id"],
            ["governors.id"],
            name=op.f("fk_governance_events_governor_id_governors"),
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_governance_events_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_governance_events_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_events")),
        sa.UniqueConstraint(
            "aggregate_type",
            "aggregate_id",
            "aggregate_version",
            name=op.f("uq_governance_events_aggregate_type_aggregate_id_aggregate_version"),
        ),
        sa.UniqueConstraint("sequence_number", name=op.f("uq_governance_events_sequence_number")),
    )
    with op.batch_alter_table("governance_events", schema=None) as batch_op:
        batch_op.create_index("ix_governance_events_governor", ["governor_id"], unique=False)
        batch_op.create_index(
            "ix_governance_events_season_round", ["season_id", "round_number"], unique=False
        )
        batch_op.create_index(
            "ix_governance_events_season_type",
            ["season_id", "event_type", "sequence_number"],
            unique=False,
        )

    op.create_table(
        "hoopers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("archetype", sa.String(length=30), nullable=False),
        sa.Column("backstory", sa.Text(), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "moves",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_hoopers_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_hoopers_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hoopers")),
    )
    with op.batch_alter_table("hoopers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hoopers_team_id"), ["team_id"], unique=False)

    op.create_table(
        "mirrors",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=True),
        sa.Column("mirror_type", sa.String(length=30), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("governor_id", sa.String(length=36), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "context_snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("token_count_input", sa.Integer(), nullable=True),
        sa.Column("token_count_output", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["governor_id"], ["governors.id"], name=op.f("fk_mirrors_governor_id_governors")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_mirrors_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_mirrors_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mirrors")),
    )
    with op.batch_alter_table("mirrors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mirrors_governor_id"), ["governor_id"], unique=False)
        batch_op.create_index("ix_mirrors_season_type", ["season_id", "mirror_type"], unique=False)

    op.create_table(
        "proposals",
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("window_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column(
            "interpretation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("token_cost", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("amendment_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("opened_round", sa.Integer(), nullable=True),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["governor_id"], ["governors.id"], name=op.f("fk_proposals_governor_id_governors")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_proposals_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_proposals_team_id_teams")),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_proposals")),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index("ix_proposals_season_status", ["season_id", "status"], unique=False)

    op.create_table(
        "box_scores",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("game_id", sa.String(length=36), nullable=False),
        sa.Column("hooper_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("field_goals_made", sa.Integer(), nullable=False),
        sa.Column("field_goals_attempted", sa.Integer(), nullable=False),
        sa.Column("three_pointers_made", sa.Integer(), nullable=False),
        sa.Column("three_pointers_attempted", sa.Integer(), nullable=False),
        sa.Column("free_throws_made", sa.Integer(), nullable=False),
        sa.Column("free_throws_attempted", sa.Integer(), nullable=False),
        sa.Column("offensive_rebounds", sa.Integer(), nullable=False),
        sa.Column("defensive_rebounds", sa.Integer(), nullable=False),
        sa.Column("rebounds", sa.Integer(), nullable=False),
        sa.Column("assists", sa.Integer(), nullable=False),
        sa.Column("steals", sa.Integer(), nullable=False),
        sa.Column("blocks", sa.Integer(), nullable=False),
        sa.Column("turnovers", sa.Integer(), nullable=False),
        sa.Column("fouls", sa.Integer(), nullable=False),
        sa.Column("plus_minus", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["game_id"], ["game_results.id"], name=op.f("fk_box_scores_game_id_game_results")
        ),
        sa.ForeignKeyConstraint(
            ["hooper_id"], ["hoopers.id"], name=op.f("fk_box_scores_hooper_id_hoopers")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_box_scores_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_box_scores")),
        sa.UniqueConstraint("game_id", "hooper_id", name=op.f("uq_box_scores_game_id_hooper_id")),
    )
    with op.batch_alter_table("box_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_box_scores_game_id"), ["game_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_box_scores_hooper_id"), ["hooper_id"], unique=False)

    op.create_table(
        "commentary",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("game_id", sa.String(length=36), nullable=False),
        sa.Column("possession_index", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("commentary_text", sa.Text(), nullable=False),
        sa.Column("energy", sa.String(length=10), nullable=False),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default="[]",
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["game_id"], ["game_results.id"], name=op.f("fk_commentary_game_id_game_results")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commentary")),
        sa.UniqueConstraint(
            "game_id", "possession_index", name=op.f("uq_commentary_game_id_possession_index")
        ),
    )
    with op.batch_alter_table("commentary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commentary_game_id"), ["game_id"], unique=False)

    op.create_table(
        "hooper_stats",
        sa.Column("hooper_id", sa.String(length=36), nullable=False),
        sa.Column("games_played", sa.Integer(), server_default="0", nullable=False),
        sa.Column("games_won", sa.Integer(), server_default="0", nullable=False),
        sa.Column("points", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rebounds", sa.Integer(), server_default="0", nullable=False),
        sa.Column("assists", sa.Integer(), server_default="0", nullable=False),
        sa.Column("steals", sa.Integer(), server_default="0", nullable=False),
        sa.Column("blocks", sa.Integer(), server_default="0", nullable=False),
        sa.Column("highest_points", sa.Integer(), server_default="0", nullable=False),
        sa.Column("current_win_streak", sa.Integer(), server_default="0", nullable=False),
        sa.Column("longest_win_streak", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_game_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["hooper_id"], ["hoopers.id"], name=op.f("fk_hooper_stats_hooper_id_hoopers")
        ),
        sa.PrimaryKeyConstraint("hooper_id", name=op.f("pk_hooper_stats")),
    )
    op.create_table(
        "schedule",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("matchup_index", sa.Integer(), nullable=False),
        sa.Column("home_team_id", sa.String(length=36), nullable=False),
        sa.Column("away_team_id", sa.String(length=36), nullable=False),
        sa.Column("phase", sa.String(length=20), server_default="regular", nullable=False),
        sa.Column("series_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="scheduled", nullable=False),
        sa.Column("game_result_id", sa.String(length=36), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["away_team_id"], ["teams.id"], name=op.f("fk_schedule_away_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["game_result_id"],
            ["game_results.id"],
            name=op.f("fk_schedule_game_result_id_game_results"),
        ),
        sa.ForeignKeyConstraint(
            ["home_team_id"], ["teams.id"], name=op.f("fk_schedule_home_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_schedule_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule")),
        sa.UniqueConstraint(
            "season_id",
            "round_number",
            "matchup_index",
            name=op.f("uq_schedule_season_id_round_number_matchup_index"),
        ),
    )
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.create_index(
            "ix_schedule_season_round", ["season_id", "round_number"], unique=False
        )

    op.create_table(
        "vote_tallies",
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("yes_count", sa.Integer(), nullable=False),
        sa.Column("no_count", sa.Integer(), nullable=False),
        sa.Column("weighted_yes", sa.Float(), nullable=True),
        sa.Column("weighted_no", sa.Float(), nullable=True),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.proposal_id"],
            name=op.f("fk_vote_tallies_proposal_id_proposals"),
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_vote_tallies")),
    )
    op.create_table(
        "votes",
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("vote", sa.String(length=3), nullable=False),
        sa.Column("boost_used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["governor_id"], ["governors.id"], name=op.f("fk_votes_governor_id_governors")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.proposal_id"], name=op.f("fk_votes_proposal_id_proposals")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_votes_team_id_teams")),
        sa.PrimaryKeyConstraint("proposal_id", "governor_id", name=op.f("pk_votes")),
    )

    op.execute("INSERT INTO event_log_head (id, last_sequence) VALUES (1, 0)")
    _create_append_only_triggers()


APPEND_ONLY_TABLES = ("governance_events", "game_results")


def _create_append_only_triggers() -> None:
    """The database itself refuses UPDATE and DELETE on the event log and on game results."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION pinwheel_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION pinwheel_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION pinwheel_refuse_change()"
            )
    else:
        for table in APPEND_ONLY_TABLES:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
                )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS pinwheel_refuse_change()")
    else:
        for table in APPEND_ONLY_TABLES:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table("votes")
    op.drop_table("vote_tallies")
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_index("ix_schedule_season_round")

    op.drop_table("schedule")
    op.drop_table("hooper_stats")
    with op.batch_alter_table("commentary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commentary_game_id"))

    op.drop_table("commentary")
    with op.batch_alter_table("box_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_box_scores_hooper_id"))
        batch_op.drop_index(batch_op.f("ix_box_scores_game_id"))

    op.drop_table("box_scores")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_proposals_season_status")

    op.drop_table("proposals")
    with op.batch_alter_table("mirrors", schema=None) as batch_op:
        batch_op.drop_index("ix_mirrors_season_type")
        batch_op.drop_index(batch_op.f("ix_mirrors_governor_id"))

    op.drop_table("mirrors")
    with op.batch_alter_table("hoopers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hoopers_team_id"))

    op.drop_table("hoopers")
    with op.batch_alter_table("governance_events", schema=None) as batch_op:
        batch_op.drop_index("ix_governance_events_season_type")
        batch_op.drop_index("ix_governance_events_season_round")
        batch_op.drop_index("ix_governance_events_governor")

    op.drop_table("governance_events")
    with op.batch_alter_table("game_results", schema=None) as batch_op:
        batch_op.drop_index("ix_game_results_teams")
        batch_op.drop_index("ix_game_results_season_round")

    op.drop_table("game_results")
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollments_team_id"))

    op.drop_table("enrollments")
    op.drop_table("token_balances")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teams_season_id"))

    op.drop_table("teams")
    op.drop_table("governor_stats")
    op.drop_table("governor_preferences")
    op.drop_table("governor_achievements")
    with op.batch_alter_table("effects", schema=None) as batch_op:
        batch_op.drop_index("ix_effects_season_status")

    op.drop_table("effects")
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_index("ix_settings_category")

    op.drop_table("settings")
    with op.batch_alter_table("seasons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seasons_league_id"))

    op.drop_table("seasons")
    with op.batch_alter_table("governors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governors_discord_user_id"))

    op.drop_table("governors")
    with op.batch_alter_table("ai_calls", schema=None) as batch_op:
        batch_op.drop_index("ix_ai_calls_league_time")

    op.drop_table("ai_calls")
    with op.batch_alter_table("admin_log", schema=None) as batch_op:
        batch_op.drop_index("ix_admin_log_target")
        batch_op.drop_index("ix_admin_log_actor_time")

    op.drop_table("admin_log")
    op.drop_table("projection_checkpoints")
    op.drop_table("leagues")
    op.drop_table("event_log_head")
    op.drop_table("command_log")
    op.drop_table("achievements")
