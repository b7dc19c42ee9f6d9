"""governance: windows, proposal drafts, voting-period start, cleared votes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "governance_windows",
        sa.Column("window_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_round", sa.Integer(), nullable=False),
        sa.Column("closes_after_round", sa.Integer(), nullable=False),
        sa.Column("closed_round", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_governance_windows_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("window_id", name=op.f("pk_governance_windows")),
    )
    with op.batch_alter_table("governance_windows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_governance_windows_season_status", ["season_id", "status"], unique=False
        )
    op.create_table(
        "proposal_drafts",
        sa.Column("draft_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("sanitized_text", sa.Text(), nullable=False),
        sa.Column("interpretation", JSON, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["governor_id"], ["governors.id"], name=op.f("fk_proposal_drafts_governor_id_governors")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_proposal_drafts_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("draft_id", name=op.f("pk_proposal_drafts")),
    )
    with op.batch_alter_table("proposal_drafts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_proposal_drafts_governor", ["governor_id", "created_at"], unique=False
        )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cleared", sa.Boolean(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_column("cleared")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_column("opened_at")
    with op.batch_alter_table("proposal_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_drafts_governor")
    op.drop_table("proposal_drafts")
    with op.batch_alter_table("governance_windows", schema=None) as batch_op:
        batch_op.drop_index("ix_governance_windows_season_status")
    op.drop_table("governance_windows")
