"""leases: bot processes, and which of them runs each league's background work

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Several bot processes on one PostgreSQL share the leagues' background work: each reports
itself in `bot_processes` and claims leagues in `league_leases` for a bounded time, renewing
what it holds; a lease left to expire (a process killed) is claimed by a live one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "bot_processes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("shards", JSON, nullable=True),
        sa.Column("shard_count", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loop_lag_ms", sa.Float(), nullable=False),
        sa.Column("outbox_backlog", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_processes")),
    )
    with op.batch_alter_table("bot_processes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bot_processes_seen_at"), ["seen_at"], unique=False)
    op.create_table(
        "league_leases",
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("holder", sa.String(length=36), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_league_leases_league_id_leagues")
        ),
        sa.PrimaryKeyConstraint("league_id", name=op.f("pk_league_leases")),
    )
    with op.batch_alter_table("league_leases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_league_leases_holder"), ["holder"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("league_leases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_league_leases_holder"))
    op.drop_table("league_leases")
    with op.batch_alter_table("bot_processes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bot_processes_seen_at"))
    op.drop_table("bot_processes")
