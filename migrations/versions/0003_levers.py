"""levers: trade offers, hooper trades and their votes, hooper moves, team strategies, bios

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "trade_offers",
        sa.Column("trade_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("from_governor_id", sa.String(length=36), nullable=False),
        sa.Column("to_governor_id", sa.String(length=36), nullable=False),
        sa.Column("offer_type", sa.String(length=16), nullable=False),
        sa.Column("offer_amount", sa.Integer(), nullable=False),
        sa.Column("request_type", sa.String(length=16), nullable=False),
        sa.Column("request_amount", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("escrow", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_sequence", sa.BigInteger(), nullable=False),
        sa.Column("resolved_sequence", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_governor_id"],
            ["governors.id"],
            name=op.f("fk_trade_offers_from_governor_id_governors"),
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_trade_offers_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(
            ["to_governor_id"],
            ["governors.id"],
            name=op.f("fk_trade_offers_to_governor_id_governors"),
        ),
        sa.PrimaryKeyConstraint("trade_id", name=op.f("pk_trade_offers")),
    )
    with op.batch_alter_table("trade_offers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trade_offers_from_status", ["from_governor_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_trade_offers_status_expires", ["status", "expires_at"], unique=False
        )
        batch_op.create_index(
            "ix_trade_offers_to_status", ["to_governor_id", "status"], unique=False
        )

    op.create_table(
        "team_strategies",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("effective_round", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("strategy", JSON, nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["governor_id"], ["governors.id"], name=op.f("fk_team_strategies_governor_id_governors")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_team_strategies_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_strategies_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("team_id", "effective_round", name=op.f("pk_team_strategies")),
    )
    op.create_table(
        "hooper_bios",
        sa.Column("hooper_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["governor_id"], ["governors.id"], name=op.f("fk_hooper_bios_governor_id_governors")
        ),
        sa.ForeignKeyConstraint(
            ["hooper_id"], ["hoopers.id"], name=op.f("fk_hooper_bios_hooper_id_hoopers")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_hooper_bios_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("hooper_id", name=op.f("pk_hooper_bios")),
    )
    op.create_table(
        "hooper_moves",
        sa.Column("trade_id", sa.String(length=36), nullable=False),
        sa.Column("hooper_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("from_team_id", sa.String(length=36), nullable=False),
        sa.Column("to_team_id", sa.String(length=36), nullable=False),
        sa.Column("effective_round", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_team_id"], ["teams.id"], name=op.f("fk_hooper_moves_from_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["hooper_id"], ["hoopers.id"], name=op.f("fk_hooper_moves_hooper_id_hoopers")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_hooper_moves_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(
            ["to_team_id"], ["teams.id"], name=op.f("fk_hooper_moves_to_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("trade_id", "hooper_id", name=op.f("pk_hooper_moves")),
    )
    with op.batch_alter_table("hooper_moves", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hooper_moves_season", ["season_id", "effective_round"], unique=False
        )

    op.create_table(
        "hooper_trades",
        sa.Column("trade_id", sa.String(length=36), nullable=False),
        sa.Column("season_id", sa.String(length=36), nullable=False),
        sa.Column("proposer_governor_id", sa.String(length=36), nullable=False),
        sa.Column("proposer_team_id", sa.String(length=36), nullable=False),
        sa.Column("offer_hooper_id", sa.String(length=36), nullable=False),
        sa.Column("target_team_id", sa.String(length=36), nullable=False),
        sa.Column("request_hooper_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_hooper_id"],
            ["hoopers.id"],
            name=op.f("fk_hooper_trades_offer_hooper_id_hoopers"),
        ),
        sa.ForeignKeyConstraint(
            ["proposer_governor_id"],
            ["governors.id"],
            name=op.f("fk_hooper_trades_proposer_governor_id_governors"),
        ),
        sa.ForeignKeyConstraint(
            ["proposer_team_id"], ["teams.id"], name=op.f("fk_hooper_trades_proposer_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["request_hooper_id"],
            ["hoopers.id"],
            name=op.f("fk_hooper_trades_request_hooper_id_hoopers"),
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_hooper_trades_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(
            ["target_team_id"], ["teams.id"], name=op.f("fk_hooper_trades_target_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("trade_id", name=op.f("pk_hooper_trades")),
    )
    with op.batch_alter_table("hooper_trades", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hooper_trades_season_status", ["season_id", "status"], unique=False
        )

    op.create_table(
        "hooper_trade_votes",
        sa.Column("trade_id", sa.String(length=36), nullable=False),
        sa.Column("governor_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["governor_id"],
            ["governors.id"],
            name=op.f("fk_hooper_trade_votes_governor_id_governors"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_hooper_trade_votes_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["trade_id"],
            ["hooper_trades.trade_id"],
            name=op.f("fk_hooper_trade_votes_trade_id_hooper_trades"),
        ),
        sa.PrimaryKeyConstraint("trade_id", "governor_id", name=op.f("pk_hooper_trade_votes")),
    )


def downgrade() -> None:
    op.drop_table("hooper_trade_votes")
    with op.batch_alter_table("hooper_trades", schema=None) as batch_op:
        batch_op.drop_index("ix_hooper_trades_season_status")

    op.drop_table("hooper_trades")
    with op.batch_alter_table("hooper_moves", schema=None) as batch_op:
        batch_op.drop_index("ix_hooper_moves_season")

    op.drop_table("hooper_moves")
    op.drop_table("hooper_bios")
    op.drop_table("team_strategies")
    with op.batch_alter_table("trade_offers", schema=None) as batch_op:
        batch_op.drop_index("ix_trade_offers_to_status")
        batch_op.drop_index("ix_trade_offers_status_expires")
        batch_op.drop_index("ix_trade_offers_from_status")

    op.drop_table("trade_offers")
