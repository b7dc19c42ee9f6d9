"""league runner: the outbox and each season's progress

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_outbox_league_id_leagues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_league_unsent", ["league_id", "sent_at", "id"], unique=False
        )
    op.create_table(
        "season_progress",
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("next_round", sa.Integer(), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_regular_round", sa.Integer(), nullable=False),
        sa.Column("bracket", JSON, nullable=True),
        sa.Column("standings", JSON, nullable=False),
        sa.Column("champion_team_id", sa.String(length=36), nullable=True),
        sa.Column("awards", JSON, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["champion_team_id"],
            ["teams.id"],
            name=op.f("fk_season_progress_champion_team_id_teams"),
        ),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_season_progress_league_id_leagues")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_season_progress_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("season_id", name=op.f("pk_season_progress")),
    )
    with op.batch_alter_table("season_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_season_progress_league_id"), ["league_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("season_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_season_progress_league_id"))
    op.drop_table("season_progress")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_league_unsent")
    op.drop_table("outbox")
