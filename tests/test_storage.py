"""The database file: privacy, transactions, concurrency, errors, backups and checks."""

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

from coachcli.db.migrations import open_database
from coachcli.errors import StorageError

from .conftest import CLOCK, file_mode


@pytest.fixture
def db_path(coach_home):
    return coach_home / "coach.db"


def test_data_folder_is_0700_and_every_file_0600(coach, ana, coach_home, db_path):
    assert file_mode(coach_home) == 0o700
    assert file_mode(db_path) == 0o600
    database = open_database(f"sqlite:///{db_path}", CLOCK)
    with database.session() as session:  # a live connection keeps -wal and -shm around
        session.exec(text("SELECT 1")).all()
        sidecars = [db_path.with_name("coach.db" + s) for s in ("-wal", "-shm")]
        assert all(path.exists() and file_mode(path) == 0o600 for path in sidecars)
    database.close()


def test_sqlite_is_configured_for_safety(db_path):
    database = open_database(f"sqlite:///{db_path}", CLOCK)
    with database.session() as session:
        pragma = {
            name: session.exec(text(f"PRAGMA {name}")).one()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    database.close()
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 10000,
    }


def test_write_sessions_take_the_write_lock_up_front(db_path):
    database = open_database(f"sqlite:///{db_path}", CLOCK)
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    with database.session(write=True) as session:
        session.exec(text("SELECT count(*) FROM rep")).one()  # only a read so far
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # released at commit
    other.execute("ROLLBACK")
    other.close()
    database.close()


def test_schema_changes_are_transactional(db_path):
    database = open_database(f"sqlite:///{db_path}", CLOCK)
    with pytest.raises(RuntimeError), database.session(write=True) as session:
        session.exec(text("CREATE TABLE scratch (x INTEGER)"))
        raise RuntimeError("interrupted half way")
    with database.session() as session:
        tables = {row[0] for row in session.exec(text("SELECT name FROM sqlite_master"))}
    database.close()
    assert "scratch" not in tables


def test_two_processes_writing_at_once_lose_nothing(db_path):
    open_database(f"sqlite:///{db_path}", CLOCK).close()
    writer = textwrap.dedent(f"""
        from sqlalchemy import text
        from coachcli.clock import Clock
        from coachcli.db.migrations import open_database
        db = open_database("sqlite:///{db_path}", Clock())
        for i in range(40):
            with db.session(write=True) as s:
                count = s.exec(text("SELECT count(*) FROM rep")).one()[0]
                s.exec(text("INSERT INTO rep (name, name_key, role, created_at) "
                            "VALUES (:n, :n, 'ae', '2054-01-01')"), params={{"n": f"r{{count}}"}})
        db.close()
    """)
    workers = [
        subprocess.Popen([sys.executable, "-c", writer], stderr=subprocess.PIPE) for _ in range(2)
    ]
    errors = [worker.communicate(timeout=120)[1].decode() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], errors
    with sqlite3.connect(db_path) as check:
        names = {row[0] for row in check.execute("SELECT name FROM rep")}
    assert names == {f"r{i}" for i in range(80)}  # every read-then-write saw the last commit


def test_errors_never_show_bound_values(db_path):
    database = open_database(f"sqlite:///{db_path}", CLOCK)
    secret = "private note: struggling at home"
    with pytest.raises(Exception) as caught, database.session(write=True) as session:
        session.exec(
            text(
                'INSERT INTO quota (rep_id, period, start, "end", amount) '
                "VALUES (999, :p, '2054-01-01', '2054-03-31', 1)"
            ),
            params={"p": secret},
        )
    database.close()
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value.__cause__) if caught.value.__cause__ else True


def test_corrupt_database_is_exit_1_naming_the_file(coach, db_path):
    db_path.parent.mkdir(mode=0o700)
    db_path.write_bytes(b"this is not sqlite" * 100)
    result = coach("team", "list")
    assert result.exit_code == 1
    assert str(db_path) in result.stderr
    assert "is not a database" in result.stderr and "coach db restore" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_database_is_exit_1(coach, tmp_path):
    result = coach("--db", str(tmp_path / "missing-folder-file"), "team", "list")
    assert result.exit_code == 0  # a new file is created where asked
    folder = tmp_path / "is-a-folder"
    folder.mkdir()
    result = coach("--db", str(folder), "team", "list")
    assert result.exit_code == 1
    assert str(folder) in result.stderr


def test_foreign_sqlite_database_is_refused(coach, tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER)")
    result = coach("--db", str(other), "team", "list")
    assert result.exit_code == 1
    assert "not a coach database" in result.stderr


def test_db_option_and_env_choose_the_database(coach, tmp_path, monkeypatch):
    chosen = tmp_path / "elsewhere.db"
    assert coach("--db", str(chosen), "team", "add", "Ana", "--no-input").exit_code == 0
    assert coach("--db", str(chosen), "db", "path").stdout.strip() == str(chosen)
    monkeypatch.setenv("COACH_DB", f"sqlite:///{chosen}")
    assert [r["name"] for r in coach("team", "list", "--json").json()] == ["Ana"]
    assert coach("db", "path").stdout.strip() == str(chosen)


def test_backup_is_consistent_private_and_refuses_overwrite(coach, ana, tmp_path):
    target = tmp_path / "backups" / "coach-backup.db"
    target.parent.mkdir()
    result = coach("db", "backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert file_mode(target) == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT name FROM rep").fetchall() == [("Ana Souza",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = coach("db", "backup", str(target))
    assert again.exit_code == 1
    assert "--force" in again.stderr
    assert coach("db", "backup", str(target), "--force").exit_code == 0


def test_restore_brings_back_a_backup_and_keeps_what_it_replaced(coach, ana, tmp_path, coach_home):
    backup = tmp_path / "before.db"
    coach("db", "backup", str(backup))
    coach("team", "add", "Ben Carter", "--no-input")
    assert coach("db", "restore", str(backup)).exit_code == 2  # needs --yes without a terminal
    result = coach("db", "restore", str(backup), "--yes")
    assert result.exit_code == 0, result.stderr
    assert [r["name"] for r in coach("team", "list", "--json").json()] == ["Ana Souza"]
    [safety] = coach_home.glob("coach.db.before-restore-*.bak")
    assert file_mode(safety) == 0o600
    with sqlite3.connect(safety) as kept:
        assert len(kept.execute("SELECT name FROM rep").fetchall()) == 2


def test_restore_refuses_a_file_that_is_not_a_coach_backup(coach, ana, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("nope")
    result = coach("db", "restore", str(junk), "--yes")
    assert result.exit_code == 1
    assert [r["name"] for r in coach("team", "list", "--json").json()] == ["Ana Souza"]


def test_check_reports_integrity_and_schema(coach, ana):
    result = coach("db", "check", "--json")
    assert result.exit_code == 0
    report = result.json()
    assert report["ok"] is True
    assert report["integrity"] == ["ok"]
    assert report["schema_version"] == report["latest_version"] >= 1
    assert report["file_mode"] == "0o600"
    assert "version" in coach("db", "check").stdout


def test_check_is_quick_by_default_and_full_checks_foreign_keys(coach, ana, coach_home):
    quick = coach("db", "check", "--json").json()
    assert (quick["full"], quick["foreign_key_problems"], quick["ok"]) == (False, None, True)
    assert "Integrity (quick)" in coach("db", "check").stdout
    # An action of a rep who does not exist, written behind coach's back.
    with sqlite3.connect(coach_home / "coach.db") as connection:
        connection.execute(
            "INSERT INTO action_item (rep_id, what, who, due, status, created_at, reschedules)"
            " VALUES (999, 'Orphan', 'me', '2054-12-01', 'open', '2054-11-22 12:00:00', 0)"
        )
    assert coach("db", "check").exit_code == 0  # quick_check reads pages, not references
    full = coach("db", "check", "--full", "--json")
    assert full.exit_code == 1
    assert (full.json()["full"], full.json()["foreign_key_problems"]) == (True, 1)


def test_open_database_raises_storage_error_for_garbage(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"\x00" * 4096 + b"garbage" * 1000)
    with pytest.raises(StorageError, match=str(path)):
        open_database(f"sqlite:///{path}", CLOCK)


def test_restore_refuses_a_backup_from_a_newer_coach(coach, ana, tmp_path):
    newer = tmp_path / "newer.db"
    coach("db", "backup", str(newer))
    with sqlite3.connect(newer) as connection:
        connection.execute("INSERT INTO coach_migration VALUES ('9999_future', '2058-01-01')")
    result = coach("db", "restore", str(newer), "--yes")
    assert result.exit_code == 1
    assert "newer coach" in result.stderr
    assert coach("team", "list", "--json").exit_code == 0  # still usable, unchanged


def test_restore_from_a_path_with_uri_characters(coach, ana, tmp_path):
    odd = tmp_path / "back#up%41.db"
    coach("db", "backup", str(odd))
    coach("team", "add", "Ben", "--no-input")
    result = coach("db", "restore", str(odd), "--yes")
    assert result.exit_code == 0, result.stderr
    assert [r["name"] for r in coach("team", "list", "--json").json()] == ["Ana Souza"]


def test_backup_never_overwrites_the_live_journal(coach, ana, coach_home):
    result = coach("db", "backup", str(coach_home / "coach.db-wal"), "--force")
    assert result.exit_code == 1
    assert "journal" in result.stderr


def test_non_sqlite_urls_are_refused(coach):
    result = coach("--db", "postgresql://x@localhost/y", "team", "list")
    assert result.exit_code == 1
    assert "SQLite" in result.stderr


def test_processes_opening_a_new_database_at_once_all_succeed(coach_home):
    env = {**__import__("os").environ, "COACH_HOME": str(coach_home)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "coachcli", "team", "list", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(6)
    ]
    results = [(worker.wait(timeout=120), worker.stderr.read().decode()) for worker in workers]
    assert [code for code, _ in results] == [0] * 6, results


@pytest.mark.parametrize("command", [("team", "list"), ("pipeline",), ("db", "check")])
def test_a_foreign_sqlite_file_is_refused_untouched(coach, tmp_path, command):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    other.chmod(0o644)
    before = other.read_bytes()
    result = coach("--db", str(other), *command)
    assert result.exit_code == 1
    assert "is not a coach database (it has other tables); it was left as it was" in result.stderr
    assert other.read_bytes() == before  # not switched to WAL, not written
    assert file_mode(other) == 0o644
    assert list(tmp_path.glob("other.db-*")) == []  # no -wal or -shm beside it
