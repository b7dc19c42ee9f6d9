"""SQLite: an insert into the event log moves the head itself

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

A single append on SQLite then takes its sequence number from the head inside its INSERT and
needs no separate UPDATE of the head: one statement fewer on every append. The write lock is
still the transaction's BEGIN IMMEDIATE; the number is still the head's plus one. PostgreSQL
moves the head in the same statement as the insert already (a data-modifying CTE).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER governance_events_move_head AFTER INSERT ON governance_events "
            "BEGIN UPDATE event_log_head SET last_sequence = NEW.sequence_number "
            "WHERE id = 1 AND last_sequence < NEW.sequence_number; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS governance_events_move_head")
