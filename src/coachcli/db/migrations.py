"""Named schema migrations, recorded in the coach_migration table.

A fresh database is created from the models and stamped with every migration
name; an existing one applies the pending migrations in order, each in its own
transaction together with its record, after a backup is taken. A database that
has migrations this release does not know was written by a newer coach and is
refused. The schema version is the number of applied migrations.

Each migration's SQL is frozen here as it was written: the models move on, the
history does not. tests/test_migrations.py checks that replaying the history
gives the same schema as creating it from the models.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coachcli.config import sqlite_path
from coachcli.errors import StorageError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from coachcli.clock import Clock
    from coachcli.db.engine import Database

# The list of migrations is read by db/reader.py to tell whether a file is current,
# so the engine, the models and SQLAlchemy are imported only where they are used.
MIGRATION_TABLE = "coach_migration"


@dataclass(frozen=True)
class Migration:
    name: str
    apply: Callable[[Connection], None]


def _run_sql(*statements: str) -> Callable[[Connection], None]:
    def apply(connection: Connection) -> None:
        for statement in statements:
            connection.exec_driver_sql(statement)

    return apply


def _drop_not_null(connection: Connection, table: str, column: str) -> None:
    """Let `column` hold NULL, keeping the table, its rows, indexes and references.

    SQLite cannot alter a column, and rebuilding a table that other tables reference
    would need foreign keys off, which cannot change inside the migration's
    transaction. Dropping NOT NULL does not change how rows are stored, so SQLite's
    documented shortcut for it applies: edit the table's CREATE statement in the
    schema and bump the schema version, all in this transaction.
    """
    import re

    (sql,) = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).one()
    pattern = re.compile(rf"(\b{column}\s+\w+)\s+NOT\s+NULL", re.IGNORECASE)
    changed, found = pattern.subn(r"\1", sql, count=1)
    if not found:
        raise StorageError(f"Cannot upgrade: {table}.{column} is not as this release expects.")
    (version,) = connection.exec_driver_sql("PRAGMA schema_version").one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        connection.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
            (changed, table),
        )
        connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        connection.exec_driver_sql("PRAGMA writable_schema = OFF")
    (check,) = connection.exec_driver_sql("PRAGMA quick_check").one()
    if check != "ok":
        raise StorageError(f"Cannot upgrade: the database failed its integrity check ({check}).")


def _open_deals_without_close_date(connection: Connection) -> None:
    """An open deal may come from the CRM without a close date; and the pipeline finds
    the deals missing from the latest export through an index."""
    _drop_not_null(connection, "deal", "close_date")
    connection.exec_driver_sql(
        "CREATE INDEX ix_deal_status_missing ON deal (status, missing_since)"
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "0001_team",
        _run_sql(
            """CREATE TABLE coach_migration (
                name VARCHAR NOT NULL, applied_at DATETIME NOT NULL, PRIMARY KEY (name))""",
            """CREATE TABLE rep (
                id INTEGER NOT NULL, name VARCHAR NOT NULL, name_key VARCHAR NOT NULL,
                role VARCHAR NOT NULL, email VARCHAR, start_date DATE,
                created_at DATETIME NOT NULL, archived_at DATETIME, PRIMARY KEY (id))""",
            "CREATE UNIQUE INDEX ix_rep_name_key ON rep (name_key)",
            """CREATE TABLE quota (
                id INTEGER NOT NULL, rep_id INTEGER NOT NULL, period VARCHAR NOT NULL,
                start DATE NOT NULL, "end" DATE NOT NULL, amount FLOAT NOT NULL,
                PRIMARY KEY (id), UNIQUE (rep_id, period),
                FOREIGN KEY(rep_id) REFERENCES rep (id))""",
            "CREATE INDEX ix_quota_rep_id ON quota (rep_id)",
        ),
    ),
    Migration(
        "0002_grow_sessions_and_actions",
        _run_sql(
            """CREATE TABLE coaching_session (
                id INTEGER NOT NULL, rep_id INTEGER NOT NULL, kind VARCHAR NOT NULL,
                held_at DATETIME NOT NULL, duration_seconds INTEGER, goal VARCHAR,
                reality VARCHAR, obstacles JSON NOT NULL, options JSON NOT NULL,
                support VARCHAR, standard VARCHAR, current_measure VARCHAR, deadline DATE,
                if_missed VARCHAR, private_note VARCHAR, evidence JSON NOT NULL,
                PRIMARY KEY (id), FOREIGN KEY(rep_id) REFERENCES rep (id))""",
            "CREATE INDEX ix_coaching_session_kind ON coaching_session (kind)",
            "CREATE INDEX ix_coaching_session_rep_id ON coaching_session (rep_id)",
            """CREATE TABLE action_item (
                id INTEGER NOT NULL, rep_id INTEGER NOT NULL, session_id INTEGER,
                what VARCHAR NOT NULL, who VARCHAR NOT NULL, due DATE NOT NULL,
                status VARCHAR NOT NULL, created_at DATETIME NOT NULL, closed_at DATETIME,
                closed_in_session_id INTEGER, note VARCHAR, reschedules INTEGER NOT NULL,
                PRIMARY KEY (id), FOREIGN KEY(rep_id) REFERENCES rep (id),
                FOREIGN KEY(session_id) REFERENCES coaching_session (id),
                FOREIGN KEY(closed_in_session_id) REFERENCES coaching_session (id))""",
            "CREATE INDEX ix_action_item_status ON action_item (status)",
            "CREATE INDEX ix_action_item_rep_status ON action_item (rep_id, status)",
            "CREATE INDEX ix_action_item_session_id ON action_item (session_id)",
        ),
    ),
    Migration(
        "0003_development_plans",
        _run_sql(
            """CREATE TABLE expectation (
                id INTEGER NOT NULL, rep_id INTEGER NOT NULL, period VARCHAR NOT NULL,
                start DATE NOT NULL, "end" DATE NOT NULL, quota FLOAT, new_logos INTEGER,
                renewals FLOAT, expansion FLOAT, activity_targets JSON NOT NULL,
                time_allocation JSON NOT NULL, set_at DATETIME NOT NULL,
                PRIMARY KEY (id), UNIQUE (rep_id, period),
                FOREIGN KEY(rep_id) REFERENCES rep (id))""",
            "CREATE INDEX ix_expectation_rep_id ON expectation (rep_id)",
            """CREATE TABLE assessment (
                id INTEGER NOT NULL, rep_id INTEGER NOT NULL, role VARCHAR NOT NULL,
                assessed_at DATETIME NOT NULL, PRIMARY KEY (id),
                FOREIGN KEY(rep_id) REFERENCES rep (id))""",
            "CREATE INDEX ix_assessment_rep_id ON assessment (rep_id)",
            """CREATE TABLE rating (
                id INTEGER NOT NULL, assessment_id INTEGER NOT NULL,
                competency VARCHAR NOT NULL, rating INTEGER NOT NULL, expected INTEGER NOT NULL,
                evidence VARCHAR, source VARCHAR, root_cause VARCHAR, cause_note VARCHAR,
                PRIMARY KEY (id), UNIQUE (assessment_id, competency),
                FOREIGN KEY(assessment_id) REFERENCES assessment (id))""",
            "CREATE INDEX ix_rating_assessment_id ON rating (assessment_id)",
            """CREATE TABLE development_plan (
                id INTEGER NOT NULL, rep_id INTEGER NOT NULL, year INTEGER NOT NULL,
                goals JSON NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id),
                FOREIGN KEY(rep_id) REFERENCES rep (id))""",
            "CREATE INDEX ix_development_plan_rep_id ON development_plan (rep_id)",
            """CREATE TABLE plan_revision (
                id INTEGER NOT NULL, plan_id INTEGER NOT NULL, revised_at DATETIME NOT NULL,
                reason VARCHAR NOT NULL, changes JSON NOT NULL, PRIMARY KEY (id),
                FOREIGN KEY(plan_id) REFERENCES development_plan (id))""",
            "CREATE INDEX ix_plan_revision_plan_id ON plan_revision (plan_id)",
            """CREATE TABLE sprint (
                id INTEGER NOT NULL, plan_id INTEGER NOT NULL, number INTEGER NOT NULL,
                focus VARCHAR NOT NULL, objectives JSON NOT NULL, start DATE NOT NULL,
                "end" DATE NOT NULL, closed_at DATETIME, outcome VARCHAR, retro VARCHAR,
                PRIMARY KEY (id), FOREIGN KEY(plan_id) REFERENCES development_plan (id))""",
            "CREATE INDEX ix_sprint_plan_id ON sprint (plan_id)",
            """CREATE TABLE learning_activity (
                id INTEGER NOT NULL, rep_id INTEGER NOT NULL, sprint_id INTEGER,
                competency VARCHAR NOT NULL, title VARCHAR NOT NULL, kind VARCHAR,
                due DATE NOT NULL, created_at DATETIME NOT NULL, done_at DATETIME, note VARCHAR,
                PRIMARY KEY (id), FOREIGN KEY(rep_id) REFERENCES rep (id),
                FOREIGN KEY(sprint_id) REFERENCES sprint (id))""",
            "CREATE INDEX ix_learning_activity_rep_id ON learning_activity (rep_id)",
            "CREATE INDEX ix_learning_activity_sprint_id ON learning_activity (sprint_id)",
        ),
    ),
    Migration(
        "0004_deals",
        _run_sql(
            """CREATE TABLE deal_snapshot (
                id INTEGER NOT NULL, as_of DATE NOT NULL, source VARCHAR NOT NULL,
                file_name VARCHAR NOT NULL, imported_at DATETIME NOT NULL,
                rows INTEGER NOT NULL, summary JSON NOT NULL, PRIMARY KEY (id))""",
            """CREATE TABLE deal (
                id INTEGER NOT NULL, external_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
                account VARCHAR, rep_id INTEGER, owner VARCHAR, stage VARCHAR NOT NULL,
                max_stage_rank INTEGER NOT NULL, stage_since DATE NOT NULL,
                status VARCHAR NOT NULL, amount FLOAT NOT NULL, currency VARCHAR,
                close_date DATE NOT NULL, forecast_category VARCHAR, created_date DATE NOT NULL,
                last_activity DATE, next_step VARCHAR, value_confirmed BOOLEAN NOT NULL,
                champion BOOLEAN NOT NULL, economic_buyer BOOLEAN NOT NULL,
                decision_process BOOLEAN NOT NULL, pushes INTEGER NOT NULL, closed_on DATE,
                lost_reason VARCHAR, source VARCHAR NOT NULL, missing_since DATE,
                updated_at DATETIME NOT NULL, PRIMARY KEY (id),
                FOREIGN KEY(rep_id) REFERENCES rep (id))""",
            "CREATE INDEX ix_deal_status_close ON deal (status, close_date)",
            "CREATE INDEX ix_deal_rep_id ON deal (rep_id)",
            "CREATE UNIQUE INDEX ix_deal_external_id ON deal (external_id)",
            """CREATE TABLE deal_event (
                id INTEGER NOT NULL, deal_id INTEGER NOT NULL, day DATE NOT NULL,
                kind VARCHAR NOT NULL, old VARCHAR, new VARCHAR, snapshot_id INTEGER,
                PRIMARY KEY (id), FOREIGN KEY(deal_id) REFERENCES deal (id),
                FOREIGN KEY(snapshot_id) REFERENCES deal_snapshot (id))""",
            "CREATE INDEX ix_deal_event_deal_day ON deal_event (deal_id, day)",
            "CREATE INDEX ix_deal_event_kind ON deal_event (kind)",
            """CREATE TABLE close_plan_step (
                id INTEGER NOT NULL, deal_id INTEGER NOT NULL, position INTEGER NOT NULL,
                what VARCHAR NOT NULL, due DATE NOT NULL, done_on DATE, PRIMARY KEY (id),
                FOREIGN KEY(deal_id) REFERENCES deal (id))""",
            "CREATE INDEX ix_close_plan_step_deal_id ON close_plan_step (deal_id)",
        ),
    ),
    Migration(
        "0005_pipeline_index",
        _run_sql(
            """CREATE INDEX ix_deal_status_rep ON deal
                (status, rep_id, max_stage_rank, amount, closed_on, created_date)""",
        ),
    ),
    Migration(
        "0006_worst_deal_indexes",
        _run_sql(
            "CREATE INDEX ix_deal_status_touch ON deal "
            "(status, coalesce(last_activity, created_date))",
            "CREATE INDEX ix_deal_status_pushes ON deal (status, pushes)",
            "CREATE INDEX ix_deal_status_amount ON deal (status, amount)",
            "CREATE INDEX ix_deal_status_stage ON deal "
            "(status, stage, stage_since, close_date, amount, rep_id)",
        ),
    ),
    Migration(
        "0007_quota_history",
        _run_sql(
            """CREATE TABLE quota_change (
                id INTEGER NOT NULL, rep_id INTEGER NOT NULL, period VARCHAR NOT NULL,
                old_amount FLOAT, new_amount FLOAT NOT NULL, changed_at DATETIME NOT NULL,
                source VARCHAR NOT NULL, PRIMARY KEY (id),
                FOREIGN KEY(rep_id) REFERENCES rep (id))""",
            "CREATE INDEX ix_quota_change_rep_id ON quota_change (rep_id)",
            # Quotas set before this release start their history with the value they had.
            """INSERT INTO quota_change (rep_id, period, old_amount, new_amount, changed_at, source)
                SELECT q.rep_id, q.period, NULL, q.amount, r.created_at, 'before history'
                FROM quota q JOIN rep r ON r.id = q.rep_id""",
        ),
    ),
    Migration(
        "0008_exchange_rates",
        _run_sql(
            """CREATE TABLE exchange_rate (
                id INTEGER NOT NULL, currency VARCHAR NOT NULL, in_currency VARCHAR NOT NULL,
                as_of DATE NOT NULL, rate FLOAT NOT NULL, set_at DATETIME NOT NULL,
                PRIMARY KEY (id), UNIQUE (currency, in_currency, as_of))""",
            # The pipeline's covering indexes also hold what converting an amount reads.
            "DROP INDEX ix_deal_status_rep",
            """CREATE INDEX ix_deal_status_rep ON deal (status, rep_id, max_stage_rank, amount,
                closed_on, created_date, currency, close_date)""",
            "DROP INDEX ix_deal_status_stage",
            """CREATE INDEX ix_deal_status_stage ON deal
                (status, stage, stage_since, close_date, amount, rep_id, currency)""",
            "CREATE INDEX ix_deal_currency ON deal (currency)",
            # Codes typed by hand were stored as typed ("eur"); rates are kept by ISO code.
            """UPDATE deal SET currency = nullif(upper(trim(currency)), '')
                WHERE currency IS NOT NULL AND currency IS NOT nullif(upper(trim(currency)), '')""",
        ),
    ),
    Migration(
        "0009_crm_imports",
        _run_sql(
            # Stale means no change, not old: the last change seen, from the history.
            "ALTER TABLE deal ADD COLUMN last_change DATE",
            """UPDATE deal SET last_change = (
                SELECT max(day) FROM deal_event e WHERE e.deal_id = deal.id
                AND (e.kind IN ('stage', 'amount', 'close_date', 'category')
                     OR (e.kind = 'created' AND e.snapshot_id IS NULL)))""",
            "DROP INDEX ix_deal_status_touch",
            "CREATE INDEX ix_deal_status_touch ON deal (status, "
            "max(coalesce(last_activity, last_change), coalesce(last_change, last_activity)))",
            # Deals first seen won or lost (no stage move of theirs was ever seen) leave
            # the conversion figures, and their history says they were won or lost.
            """UPDATE deal SET max_stage_rank = -1 WHERE status != 'open' AND NOT EXISTS (
                SELECT 1 FROM deal_event e WHERE e.deal_id = deal.id
                AND e.kind IN ('stage', 'won', 'lost'))""",
            """INSERT INTO deal_event (deal_id, day, kind, old, new, snapshot_id)
                SELECT e.deal_id, e.day, d.status, NULL, NULL, e.snapshot_id
                FROM deal_event e JOIN deal d ON d.id = e.deal_id
                WHERE e.kind = 'created' AND d.max_stage_rank = -1""",
            # Owners by CRM id, and names a rep had before a rename.
            """CREATE TABLE rep_alias (
                id INTEGER NOT NULL, rep_id INTEGER NOT NULL, kind VARCHAR NOT NULL,
                value VARCHAR NOT NULL, "key" VARCHAR NOT NULL, PRIMARY KEY (id),
                UNIQUE (kind, "key"), FOREIGN KEY(rep_id) REFERENCES rep (id))""",
            "CREATE INDEX ix_rep_alias_rep_id ON rep_alias (rep_id)",
            # What each import changed, as it was before: an import can be undone.
            """CREATE TABLE deal_before_import (
                id INTEGER NOT NULL, snapshot_id INTEGER NOT NULL, deal_id INTEGER NOT NULL,
                fields JSON NOT NULL, PRIMARY KEY (id),
                FOREIGN KEY(snapshot_id) REFERENCES deal_snapshot (id),
                FOREIGN KEY(deal_id) REFERENCES deal (id))""",
            "CREATE INDEX ix_deal_before_import_snapshot_id ON deal_before_import (snapshot_id)",
        ),
    ),
    Migration("0010_open_deals_without_close_date", _open_deals_without_close_date),
    Migration(
        "0011_read_path_indexes",
        _run_sql(
            # A session in full lists the actions it closed (carried over): without
            # this, each session of an export read every action.
            "CREATE INDEX ix_action_item_closed_in_session_id "
            "ON action_item (closed_in_session_id)",
        ),
    ),
)

LATEST_VERSION = len(MIGRATIONS)


def open_database(url: str, clock: Clock) -> Database:
    """Open the database at `url`, creating or upgrading its schema as needed; `clock`
    dates the migrations and names the backup taken before an upgrade."""
    from coachcli.db.engine import Database, create_sqlite_engine

    path = sqlite_path(url)
    if path is not None:
        refuse_foreign_file(path)
    database = Database(create_sqlite_engine(url), path, url, clock)
    try:
        upgrade(database)
    except BaseException:
        database.close()
        raise
    return database


def refuse_foreign_file(path: Path) -> None:
    """Look at a file that is already there, read-only, before anything changes it
    (the engine would switch it to WAL and make it 0600): a file that is not SQLite,
    or an SQLite database of something else, is refused as it was found."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise StorageError(f"Cannot read the database {path}: {error.strerror}.") from None
    if header != _SQLITE_HEADER:
        raise StorageError(
            f"{path} is not a database: it does not begin as an SQLite file does.",
            hint="If it was your coach database, `coach db restore FILE` brings back a "
            "backup; otherwise point --db or COACH_DB at a coach database, or at a new file.",
        )
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
            tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error as error:
        raise StorageError(f"Cannot read the database {path}: {error}.") from None
    _refuse_other_tables(str(path), tables)


def _refuse_other_tables(label: str, tables: set[str]) -> None:
    """A database without coach's migration table but with tables of its own belongs
    to something else."""
    if MIGRATION_TABLE not in tables and tables - {"sqlite_sequence"}:
        raise StorageError(
            f"{label} is not a coach database (it has other tables); it was left as it was.",
            hint=_POINT_ELSEWHERE,
        )


_SQLITE_HEADER = b"SQLite format 3\x00"
_POINT_ELSEWHERE = "Point --db or COACH_DB at a coach database, or at a new file."


def applied_migrations(database: Database) -> list[str] | None:
    """Names of the applied migrations, or None when the file has no coach schema."""
    from sqlalchemy import text

    with database.session() as session:
        tables = {row[0] for row in session.exec(text("SELECT name FROM sqlite_master"))}
        _refuse_other_tables(database.label, tables)
        if MIGRATION_TABLE not in tables:
            return None
        rows = session.exec(text("SELECT name FROM coach_migration ORDER BY name"))
        return [row[0] for row in rows]


def upgrade(database: Database) -> None:
    applied = applied_migrations(database)
    if applied is None:
        if _create_fresh(database):
            return
        applied = applied_migrations(database) or []  # another process created it first
    known = [migration.name for migration in MIGRATIONS]
    unknown = sorted(set(applied) - set(known))
    if unknown:
        raise StorageError(
            f"{database.label} has schema version {len(applied)}, newer than this coach "
            f"understands (version {LATEST_VERSION}).",
            hint="Upgrade coach to open it; the file was left untouched.",
        )
    pending = [migration for migration in MIGRATIONS if migration.name not in applied]
    if pending:
        _backup_before_upgrade(database, len(applied))
        for migration in pending:
            apply_migration(database, migration)


def _create_fresh(database: Database) -> bool:
    """Create the schema from the models; False if another process got there first."""
    from sqlmodel import SQLModel

    from coachcli import models  # noqa: F401  (declares the tables create_all makes)

    with database.write_connection() as connection:
        if _recorded(connection) is not None:
            return False
        SQLModel.metadata.create_all(connection)
        for migration in MIGRATIONS:
            _record(connection, migration.name, database.clock)
    return True


def apply_migration(database: Database, migration: Migration) -> None:
    # Checked again under the write lock: two processes may both have seen it pending.
    with database.write_connection() as connection:
        if migration.name in (_recorded(connection) or []):
            return
        migration.apply(connection)
        _record(connection, migration.name, database.clock)


def _recorded(connection: Connection) -> list[str] | None:
    exists = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'coach_migration'"
    ).first()
    if exists is None:
        return None
    return [row[0] for row in connection.exec_driver_sql("SELECT name FROM coach_migration")]


def _record(connection: Connection, name: str, clock: Clock) -> None:
    from sqlalchemy import text

    connection.execute(
        text("INSERT INTO coach_migration (name, applied_at) VALUES (:name, :at)"),
        {"name": name, "at": clock.now().isoformat(sep=" ")},
    )


def _backup_before_upgrade(database: Database, version: int) -> Path | None:
    from coachcli.db.maintenance import backup_database, stamped_backup_path

    if database.path is None:
        return None
    return backup_database(database, stamped_backup_path(database, f"v{version}"))
