"""Schema versions: replayed history equals a fresh schema; upgrades back up; newer refused."""

import sqlite3

import pytest

from coachcli.db import migrations
from coachcli.db.engine import Database, create_sqlite_engine
from coachcli.db.migrations import LATEST_VERSION, MIGRATIONS, Migration, open_database
from coachcli.errors import StorageError

from .conftest import CLOCK, file_mode


def schema_of(path):
    """Tables with their columns, indexes and foreign keys, independent of DDL spelling."""
    with sqlite3.connect(path) as connection:
        tables = sorted(
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        shape = {}
        for table in tables:
            columns = [row[1:6] for row in connection.execute(f"PRAGMA table_info('{table}')")]
            indexes = sorted(
                (
                    row[2],
                    tuple(
                        col[2] or "<expression>"
                        for col in connection.execute(f"PRAGMA index_info('{row[1]}')")
                    ),
                )
                for row in connection.execute(f"PRAGMA index_list('{table}')")
            )
            # Expression and partial indexes show only in their SQL.
            indexes.append(index_sql(connection, table))
            keys = sorted(
                row[2:5] for row in connection.execute(f"PRAGMA foreign_key_list('{table}')")
            )
            shape[table] = (columns, indexes, keys)
    return shape


def index_sql(connection, table):
    rows = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    )
    return tuple((name, " ".join(sql.split())) for name, sql in rows)


def test_replayed_migrations_equal_a_fresh_schema(tmp_path):
    fresh = tmp_path / "fresh.db"
    open_database(f"sqlite:///{fresh}", CLOCK).close()
    replayed = tmp_path / "replayed.db"
    database = Database(create_sqlite_engine(f"sqlite:///{replayed}"), replayed, "replayed", CLOCK)
    for migration in MIGRATIONS:
        migrations.apply_migration(database, migration)
    database.close()
    assert schema_of(replayed) == schema_of(fresh)


def test_fresh_database_is_stamped_at_the_latest_version(tmp_path):
    path = tmp_path / "coach.db"
    open_database(f"sqlite:///{path}", CLOCK).close()
    with sqlite3.connect(path) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM coach_migration")]
    assert names == [migration.name for migration in MIGRATIONS]
    assert len(names) == LATEST_VERSION


def test_pending_migration_is_applied_after_a_backup(tmp_path, monkeypatch):
    path = tmp_path / "coach.db"
    open_database(f"sqlite:///{path}", CLOCK).close()
    extra = Migration("9999_scratch", migrations._run_sql("CREATE TABLE scratch (x INTEGER)"))
    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, extra))
    open_database(f"sqlite:///{path}", CLOCK).close()
    [backup] = tmp_path.glob(f"coach.db.v{LATEST_VERSION}-*.bak")
    assert file_mode(backup) == 0o600
    with sqlite3.connect(path) as connection:
        assert ("9999_scratch",) in connection.execute("SELECT name FROM coach_migration")
        connection.execute("SELECT x FROM scratch")
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT count(*) FROM coach_migration").fetchone() == (
            LATEST_VERSION,
        )


def test_failed_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "coach.db"
    open_database(f"sqlite:///{path}", CLOCK).close()
    broken = Migration(
        "9999_broken", migrations._run_sql("CREATE TABLE half (x INTEGER)", "THIS IS NOT SQL")
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, broken))
    with pytest.raises(StorageError):
        open_database(f"sqlite:///{path}", CLOCK)
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        applied = connection.execute("SELECT count(*) FROM coach_migration").fetchone()[0]
    assert "half" not in tables
    assert applied == LATEST_VERSION


def test_a_newer_database_is_refused_untouched(coach, coach_home):
    coach("team", "add", "Ana", "--no-input")
    path = coach_home / "coach.db"
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO coach_migration VALUES ('9999_future', '2058-01-01')")
    before = path.read_bytes()
    result = coach("team", "list")
    assert result.exit_code == 1
    assert "newer than this coach understands" in result.stderr
    assert "Upgrade coach" in result.stderr
    assert path.read_bytes() == before


def test_an_older_database_with_data_is_upgraded_in_place(tmp_path):
    path = tmp_path / "coach.db"
    old = Database(create_sqlite_engine(f"sqlite:///{path}"), path, "old", CLOCK)
    migrations.apply_migration(old, MIGRATIONS[0])  # as the first release left it
    with old.write_connection() as connection:
        connection.exec_driver_sql(
            "INSERT INTO rep (name, name_key, role, created_at) "
            "VALUES ('Ana Souza', 'ana souza', 'ae', '2054-01-05 09:00:00')"
        )
        connection.exec_driver_sql(
            'INSERT INTO quota (rep_id, period, start, "end", amount) '
            "VALUES (1, '2054-Q4', '2054-10-01', '2054-12-31', 250000)"
        )
    old.close()
    open_database(f"sqlite:///{path}", CLOCK).close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM rep").fetchall() == [("Ana Souza",)]
        assert connection.execute("SELECT count(*) FROM coach_migration").fetchone() == (
            LATEST_VERSION,
        )
        connection.execute("SELECT count(*) FROM action_item")
        # A quota set before the history existed starts its history with its value.
        assert connection.execute(
            "SELECT period, old_amount, new_amount, source FROM quota_change"
        ).fetchall() == [("2054-Q4", None, 250000.0, "before history")]
    [backup] = tmp_path.glob("coach.db.v1-*.bak")
    assert schema_of(path) == schema_of(_fresh(tmp_path))
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT name FROM rep").fetchall() == [("Ana Souza",)]


def _fresh(tmp_path):
    fresh = tmp_path / "fresh.db"
    open_database(f"sqlite:///{fresh}", CLOCK).close()
    return fresh
