"""event store: one log per league, each with a head row of its own

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

Until now the whole database had one log: `sequence_number` was dense and commit-ordered over
every league, so every append in every league took the one `event_log_head` row and held it
to its commit. Now each league has a log of its own: events carry `league_id`, and
`sequence_number` is their place in their league's log, dense from 1 and commit-ordered
within it; `event_log_head` has a row per league (a trigger adds it with the league), and the
projections' checkpoints are kept per league. Appends of different leagues no longer meet on
any row.

Upgrade numbers each league's events in their old order and carries the new numbers into
every column that holds one (the projections' and the command log's). Downgrade numbers the
whole log again in one order that keeps each league's (by time, never reordering a league).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every column that holds a sequence number, with the table's way to its league.
SEQUENCE_COLUMNS = (
    ("enrollments", "joined_sequence"),
    ("enrollments", "left_sequence"),
    ("proposals", "last_sequence"),
    ("trade_offers", "offered_sequence"),
    ("trade_offers", "resolved_sequence"),
    ("hooper_trades", "last_sequence"),
    ("hooper_moves", "sequence"),
    ("team_strategies", "last_sequence"),
    ("hooper_bios", "last_sequence"),
    ("command_log", "first_sequence"),
    ("command_log", "last_sequence"),
)
MAP = "pinwheel_sequence_map"
COMMAND_LEAGUES = "pinwheel_command_leagues"
KEPT = "pinwheel_kept_checkpoints"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _drop_log_triggers() -> None:
    """The event log's append-only triggers (0001) and SQLite's head trigger (0007): the
    renumbering updates the log, and SQLite's table copy would drop them anyway."""
    if _sqlite():
        for name in ("no_update", "no_delete", "move_head"):
            op.execute(f"DROP TRIGGER IF EXISTS governance_events_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS governance_events_append_only ON governance_events")


def _create_append_only_triggers() -> None:
    """As 0001 made them."""
    if _sqlite():
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER governance_events_no_{action.lower()} BEFORE {action} "
                "ON governance_events BEGIN SELECT RAISE(ABORT, "
                f"'governance_events is append-only: {action} refused'); END"
            )
    else:
        op.execute(
            "CREATE TRIGGER governance_events_append_only BEFORE UPDATE OR DELETE ON "
            "governance_events FOR EACH ROW EXECUTE FUNCTION pinwheel_refuse_change()"
        )


def _renumber(new_of_old: str) -> None:
    """Give every event the number `new_of_old` (a scalar subquery on `governance_events`)
    maps it to. Through negative numbers, so no two rows of a league ever share one midway
    (PostgreSQL checks a unique constraint row by row)."""
    op.execute(f"UPDATE governance_events SET sequence_number = -({new_of_old})")
    op.execute("UPDATE governance_events SET sequence_number = -sequence_number")


def upgrade() -> None:
    _drop_log_triggers()
    op.add_column("governance_events", sa.Column("league_id", sa.String(36), nullable=True))
    op.execute(
        "UPDATE governance_events SET league_id = "
        "(SELECT league_id FROM seasons WHERE seasons.id = governance_events.season_id)"
    )
    op.create_table(
        MAP,
        sa.Column("old_sequence", sa.BigInteger(), primary_key=True),
        sa.Column("league_id", sa.String(36), nullable=False),
        sa.Column("new_sequence", sa.BigInteger(), nullable=False),
    )
    op.execute(
        f"INSERT INTO {MAP} (old_sequence, league_id, new_sequence) "
        "SELECT sequence_number, league_id, "
        "ROW_NUMBER() OVER (PARTITION BY league_id ORDER BY sequence_number) "
        "FROM governance_events"
    )
    # The old numbers are unique over the log, so they are unique within each league too:
    # the new constraint holds before the renumbering, and throughout it.
    with op.batch_alter_table("governance_events") as batch_op:
        batch_op.drop_constraint("uq_governance_events_sequence_number", type_="unique")
        batch_op.alter_column("league_id", existing_type=sa.String(36), nullable=False)
        batch_op.create_foreign_key(
            "fk_governance_events_league_id_leagues", "leagues", ["league_id"], ["id"]
        )
        batch_op.create_unique_constraint(
            "uq_governance_events_league_id_sequence_number", ["league_id", "sequence_number"]
        )
    _renumber(
        f"SELECT m.new_sequence FROM {MAP} m "
        "WHERE m.old_sequence = governance_events.sequence_number"
    )
    for table, column in SEQUENCE_COLUMNS:
        op.execute(
            f"UPDATE {table} SET {column} = (SELECT m.new_sequence FROM {MAP} m "
            f"WHERE m.old_sequence = {table}.{column}) WHERE {column} IS NOT NULL"
        )

    _keep_checkpoints("name, last_sequence")
    op.drop_table("event_log_head")
    _create_heads_and_checkpoints_by_league()
    op.execute(
        "INSERT INTO event_log_head (league_id, last_sequence) SELECT l.id, COALESCE("
        "(SELECT max(e.sequence_number) FROM governance_events e WHERE e.league_id = l.id), 0) "
        "FROM leagues l"
    )
    # A projection had folded the old log up to its checkpoint: in each league, the events
    # numbered up to it.
    op.execute(
        "INSERT INTO projection_checkpoints (name, league_id, last_sequence) "
        "SELECT c.name, h.league_id, COALESCE((SELECT max(m.new_sequence) FROM "
        f"{MAP} m WHERE m.league_id = h.league_id AND m.old_sequence <= c.last_sequence), 0) "
        f"FROM {KEPT} c CROSS JOIN event_log_head h"
    )
    op.drop_table(KEPT)
    op.drop_table(MAP)
    _create_append_only_triggers()
    _create_head_triggers()


def _keep_checkpoints(columns: str) -> None:
    """Copy the checkpoints aside and drop their table (its constraints' names go with it)."""
    op.execute(f"CREATE TABLE {KEPT} AS SELECT {columns} FROM projection_checkpoints")
    op.drop_table("projection_checkpoints")


def _create_heads_and_checkpoints_by_league() -> None:
    op.create_table(
        "event_log_head",
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_event_log_head_league_id_leagues")
        ),
        sa.PrimaryKeyConstraint("league_id", name=op.f("pk_event_log_head")),
    )
    op.create_table(
        "projection_checkpoints",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("league_id", sa.String(length=36), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["league_id"],
            ["leagues.id"],
            name=op.f("fk_projection_checkpoints_league_id_leagues"),
        ),
        sa.PrimaryKeyConstraint("name", "league_id", name=op.f("pk_projection_checkpoints")),
    )


def _create_head_triggers() -> None:
    """A league's head row comes with the league, whoever inserts it; on SQLite an insert into
    the log also moves its league's head (as 0007 did for the one head)."""
    if _sqlite():
        op.execute(
            "CREATE TRIGGER leagues_add_log_head AFTER INSERT ON leagues BEGIN "
            "INSERT INTO event_log_head (league_id, last_sequence) VALUES (NEW.id, 0); END"
        )
        op.execute(
            "CREATE TRIGGER governance_events_move_head AFTER INSERT ON governance_events "
            "BEGIN UPDATE event_log_head SET last_sequence = NEW.sequence_number "
            "WHERE league_id = NEW.league_id AND last_sequence < NEW.sequence_number; END"
        )
    else:
        op.execute(
            """
            CREATE FUNCTION pinwheel_add_log_head() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO event_log_head (league_id, last_sequence) VALUES (NEW.id, 0);
                RETURN NULL;
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER leagues_add_log_head AFTER INSERT ON leagues "
            "FOR EACH ROW EXECUTE FUNCTION pinwheel_add_log_head()"
        )


def downgrade() -> None:
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS leagues_add_log_head")
    else:
        op.execute("DROP TRIGGER IF EXISTS leagues_add_log_head ON leagues")
        op.execute("DROP FUNCTION IF EXISTS pinwheel_add_log_head()")
    _drop_log_triggers()
    op.create_table(
        MAP,
        sa.Column("league_id", sa.String(36), primary_key=True),
        sa.Column("old_sequence", sa.BigInteger(), primary_key=True),
        sa.Column("new_sequence", sa.BigInteger(), nullable=False),
    )
    # One order over every league that keeps each league's: by time, where a league's time
    # is the latest it has reached (so a clock that stepped back never reorders a league).
    op.execute(
        f"INSERT INTO {MAP} (league_id, old_sequence, new_sequence) "
        "SELECT league_id, sequence_number, "
        "ROW_NUMBER() OVER (ORDER BY reached, league_id, sequence_number) FROM ("
        "SELECT league_id, sequence_number, MAX(created_at) OVER (PARTITION BY league_id "
        "ORDER BY sequence_number ROWS UNBOUNDED PRECEDING) AS reached "
        "FROM governance_events) AS ordered"
    )
    op.create_table(
        COMMAND_LEAGUES,
        sa.Column("command_id", sa.String(200), primary_key=True),
        sa.Column("league_id", sa.String(36), nullable=False),
    )
    op.execute(
        f"INSERT INTO {COMMAND_LEAGUES} (command_id, league_id) SELECT command_id, "
        "MIN(league_id) FROM governance_events WHERE command_id IS NOT NULL GROUP BY command_id"
    )
    for table, column in SEQUENCE_COLUMNS:
        if table == "command_log":
            league = (
                f"(SELECT c.league_id FROM {COMMAND_LEAGUES} c "
                "WHERE c.command_id = command_log.command_id)"
            )
        else:
            league = f"(SELECT s.league_id FROM seasons s WHERE s.id = {table}.season_id)"
        op.execute(
            f"UPDATE {table} SET {column} = (SELECT m.new_sequence FROM {MAP} m "
            f"WHERE m.league_id = {league} AND m.old_sequence = {table}.{column}) "
            f"WHERE {column} IS NOT NULL"
        )
    # Each league's numbers are unique over the whole log only after the renumbering.
    with op.batch_alter_table("governance_events") as batch_op:
        batch_op.drop_constraint("uq_governance_events_league_id_sequence_number", type_="unique")
    _renumber(
        f"SELECT m.new_sequence FROM {MAP} m WHERE m.league_id = governance_events.league_id "
        "AND m.old_sequence = governance_events.sequence_number"
    )

    _keep_checkpoints("name, league_id, last_sequence")
    op.drop_table("event_log_head")
    op.create_table(
        "event_log_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_event_log_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_log_head")),
    )
    op.execute(
        "INSERT INTO event_log_head (id, last_sequence) "
        "SELECT 1, (SELECT count(*) FROM governance_events)"
    )
    op.create_table(
        "projection_checkpoints",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_projection_checkpoints")),
    )
    # A projection has folded the one log up to just before the first event it has not
    # folded in any league (all of it, as a rule: every start catches projections up).
    op.execute(
        "INSERT INTO projection_checkpoints (name, last_sequence) "
        "SELECT c.name, COALESCE(MIN((SELECT MIN(m.new_sequence) FROM "
        f"{MAP} m WHERE m.league_id = c.league_id AND m.old_sequence > c.last_sequence)) - 1, "
        "(SELECT count(*) FROM governance_events)) "
        f"FROM {KEPT} c GROUP BY c.name"
    )
    op.drop_table(KEPT)
    op.drop_table(COMMAND_LEAGUES)
    op.drop_table(MAP)

    with op.batch_alter_table("governance_events") as batch_op:
        batch_op.drop_constraint("fk_governance_events_league_id_leagues", type_="foreignkey")
        batch_op.drop_column("league_id")
        batch_op.create_unique_constraint(
            "uq_governance_events_sequence_number", ["sequence_number"]
        )
    _create_append_only_triggers()
    if _sqlite():
        op.execute(
            "CREATE TRIGGER governance_events_move_head AFTER INSERT ON governance_events "
            "BEGIN UPDATE event_log_head SET last_sequence = NEW.sequence_number "
            "WHERE id = 1 AND last_sequence < NEW.sequence_number; END"
        )
