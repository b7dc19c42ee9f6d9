"""event store: an index on event_type alone, for reads by type across seasons

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): SQLite's batch mode would copy the table, and its
    # append-only triggers refuse the copy's DELETE.
    op.create_index("ix_governance_events_type", "governance_events", ["event_type"])


def downgrade() -> None:
    op.drop_index("ix_governance_events_type", table_name="governance_events")
