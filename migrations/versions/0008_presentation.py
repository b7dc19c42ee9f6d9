"""presentation: each round's show and its games; outbox edits, message refs and holds;
result mentions opt-in

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

A round's games are presented over wall-clock time: `presentations` keeps how far into the
show a round is, `presented_games` the last frame each game's live message shows and when its
final card was written. The outbox learns to edit what it posted (`revision`,
`delivered_revision`, `message_ref`) and to hold a round's posts behind its show (`held_by`).
Mentions in result posts become opt-in: governors who never chose keep quiet.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "presentations",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("round_seconds", sa.Float(), nullable=False),
        sa.Column("position_s", sa.Float(), server_default="0", nullable=False),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_presentations_league_id_leagues")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_presentations_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presentations")),
        sa.UniqueConstraint(
            "season_id", "round_number", name=op.f("uq_presentations_season_id_round_number")
        ),
    )
    with op.batch_alter_table("presentations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_presentations_league_id"), ["league_id"], unique=False)
    op.create_table(
        "presented_games",
        sa.Column("game_id", sa.String(length=36), nullable=False),
        sa.Column("presentation_id", sa.String(length=100), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("frame", sa.Integer(), server_default="-1", nullable=False),
        sa.Column("final_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["game_id"], ["game_results.id"], name=op.f("fk_presented_games_game_id_game_results")
        ),
        sa.ForeignKeyConstraint(
            ["presentation_id"],
            ["presentations.id"],
            name=op.f("fk_presented_games_presentation_id_presentations"),
        ),
        sa.PrimaryKeyConstraint("game_id", name=op.f("pk_presented_games")),
    )
    with op.batch_alter_table("presented_games", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_presented_games_presentation_id"), ["presentation_id"], unique=False
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("delivered_revision", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("message_ref", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("held_by", sa.String(length=100), nullable=True))
    with op.batch_alter_table("governor_preferences", schema=None) as batch_op:
        batch_op.alter_column(
            "mention_on_results",
            existing_type=sa.Boolean(),
            existing_nullable=False,
            server_default="0",
        )


def downgrade() -> None:
    with op.batch_alter_table("governor_preferences", schema=None) as batch_op:
        batch_op.alter_column(
            "mention_on_results",
            existing_type=sa.Boolean(),
            existing_nullable=False,
            server_default="1",
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("held_by")
        batch_op.drop_column("message_ref")
        batch_op.drop_column("delivered_revision")
        batch_op.drop_column("revision")
    with op.batch_alter_table("presented_games", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presented_games_presentation_id"))
    op.drop_table("presented_games")
    with op.batch_alter_table("presentations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presentations_league_id"))
    op.drop_table("presentations")
