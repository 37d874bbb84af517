"""Reports read through sqlite3 (db/reader.py): same data, same schema rules, no ORM import."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coachcli.config import load_methodology, sqlite_path
from coachcli.db import migrations
from coachcli.db.engine import Database, create_sqlite_engine
from coachcli.db.migrations import LATEST_VERSION, MIGRATIONS, open_database
from coachcli.db.reader import reading
from coachcli.db.reps import active_reps, all_reps
from coachcli.errors import StorageError

from .conftest import CLOCK, file_mode

ORM = ("sqlalchemy", "sqlmodel")


def applied(path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return sorted(row[0] for row in connection.execute("SELECT name FROM coach_migration"))


def test_a_new_file_is_created_private_at_the_latest_version(tmp_path):
    path = tmp_path / "new" / "coach.db"
    with reading(f"sqlite:///{path}", CLOCK) as connection:
        assert active_reps(connection) == []
    assert file_mode(path) == 0o600
    assert applied(path) == sorted(m.name for m in MIGRATIONS)


def test_an_older_file_is_upgraded_with_a_backup_first(tmp_path):
    path = tmp_path / "coach.db"
    old = Database(create_sqlite_engine(f"sqlite:///{path}"), path, "old", CLOCK)
    migrations.apply_migration(old, MIGRATIONS[0])
    with old.write_connection() as connection:
        connection.exec_driver_sql(
            "INSERT INTO rep (name, name_key, role, created_at) "
            "VALUES ('Ana Souza', 'ana souza', 'ae', '2054-01-05 09:00:00')"
        )
    old.close()
    with reading(f"sqlite:///{path}", CLOCK) as connection:
        assert [rep.name for rep in active_reps(connection)] == ["Ana Souza"]
    assert len(applied(path)) == LATEST_VERSION
    assert len(list(tmp_path.glob("coach.db.v1-*.bak"))) == 1


def test_a_newer_file_is_refused_untouched(tmp_path):
    path = tmp_path / "coach.db"
    open_database(f"sqlite:///{path}", CLOCK).close()
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO coach_migration VALUES ('9999_future', '2058-01-01')")
    before = path.read_bytes()
    with (
        pytest.raises(StorageError, match="newer than this coach"),
        reading(f"sqlite:///{path}", CLOCK),
    ):
        pass
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_says_how_to_recover(tmp_path):
    path = tmp_path / "coach.db"
    path.write_bytes(b"these are not the pages you are looking for" * 100)
    with pytest.raises(StorageError) as raised, reading(f"sqlite:///{path}", CLOCK):
        pass
    assert "not a database" in raised.value.message
    assert "coach db restore" in (raised.value.hint or "")


def test_a_report_cannot_write(tmp_path):
    path = tmp_path / "coach.db"
    with (
        pytest.raises(StorageError, match="readonly database"),
        reading(f"sqlite:///{path}", CLOCK) as connection,
    ):
        connection.execute(
            "INSERT INTO rep (name, name_key, role, created_at) "
            "VALUES ('X', 'x', 'ae', '2054-01-05 09:00:00')"
        )
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM rep").fetchone() == (0,)


def test_an_in_memory_database_is_read_through_the_engine():
    with reading("sqlite://", CLOCK) as connection:
        assert active_reps(connection) == []


def test_all_reps_includes_the_archived_by_name(coach):
    for name in ("Bo Berg", "Ana Souza", "Anaïs Roy"):
        assert coach("team", "add", name, "--no-input").exit_code == 0
    assert coach("team", "archive", "bo", "--yes").exit_code == 0
    from coachcli.config import database_url

    with reading(database_url(), CLOCK) as connection:
        reps = all_reps(connection, include_archived=True)
    assert [r.name for r in reps] == ["Ana Souza", "Anaïs Roy", "Bo Berg"]
    assert [r.archived_at is None for r in reps] == [True, True, False]


def _modules_after(args: list[str]) -> tuple[list[str], str]:
    """The ORM modules a whole `coach` process imported, and what it printed."""
    probe = (
        "import sys\n"
        "from coachcli.cli.main import run\n"
        f"sys.argv = ['coach', *{args!r}]\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({ORM!r})), "
        "file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=os.environ, check=True
    )
    return json.loads(result.stderr.strip().splitlines()[-1].replace("'", '"')), result.stdout


def test_pipeline_on_a_current_database_never_imports_the_orm(coach):
    assert coach("team", "add", "Ana Souza", "--no-input").exit_code == 0
    imported, printed = _modules_after(["pipeline", "--json"])
    assert imported == []
    assert json.loads(printed)["size"]["open_count"] == 0


READ_COMMANDS = [
    (["team", "list", "--json"], "Ana Souza"),
    (["team", "show", "ana", "--json"], "Ana Souza"),
    (["actions", "--all", "--json"], "Send ROI model"),
    (["sessions", "--json"], "Close Globex"),
    (["sessions", "show", "1", "--json"], "Send ROI model"),
    (["learning", "list", "--json"], "Discovery course"),
    (["deal", "list", "--json"], "Globex"),
    (["deal", "show", "globex", "--json"], "Globex"),
    (["deal", "history", "globex", "--json"], "Discovery"),
    (["grow", "ana", "--brief", "--json"], "Send ROI model"),
    (["plan", "show", "ana", "--json"], "Discovery course"),
    (["export", "session", "1"], "Close Globex"),
    (["export", "rep", "ana"], "Send ROI model"),
]


@pytest.mark.parametrize(("args", "expected"), READ_COMMANDS, ids=lambda x: " ".join(x))
def test_every_read_command_reads_without_the_orm(coach, ana, args, expected):
    """Importing SQLAlchemy costs more than any of these reads (issue 12): each answers,
    with what was written, from the read layer alone."""
    new_action = "Send ROI model | me | +3d"
    assert coach("grow", "ana", "--no-input", "--goal", "Close Globex", "--reality", "Legal",
                 "--obstacle", "CFO", "--option", "Ask", "--action", new_action,
                 "--support", "I join").exit_code == 0  # fmt: skip
    assert coach("deal", "add", "--name", "Globex", "--rep", "ana", "--stage", "discovery",
                 "--amount", "48k", "--close", "+30d", "--no-input").exit_code == 0  # fmt: skip
    competencies = load_methodology().competencies
    rates = [f"--rate={key}={2 if key == 'discovery' else 5}" for key in competencies]
    assessed = coach("plan", "assess", "ana", *rates, "--cause", "discovery=skill", "--no-input")
    assert assessed.exit_code == 0, assessed.stderr
    assert coach("learning", "assign", "ana", "--competency", "discovery", "--title",
                 "Discovery course", "--due", "+10d").exit_code == 0  # fmt: skip
    imported, printed = _modules_after(args)
    assert imported == []
    assert expected in printed


def test_pipeline_on_a_new_folder_creates_the_database_first(coach_home):
    imported, printed = _modules_after(["pipeline", "--json"])
    assert (coach_home / "coach.db").exists()
    assert "coverage" in json.loads(printed)
    assert imported  # the schema was made through the ORM, once


@pytest.mark.parametrize("folder", ["My Drive", "pct%41", "what?"])
def test_a_path_with_url_characters_is_one_file_for_every_command(coach, tmp_path, folder):
    target = str(tmp_path / folder / "coach.db")
    assert coach("--db", target, "team", "add", "Ana Souza", "--no-input").exit_code == 0
    report = coach("--db", target, "pipeline", "--json")
    assert report.exit_code == 0, report.stderr
    assert coach("--db", target, "team", "list", "--json").json()[0]["name"] == "Ana Souza"
    assert [path.name for path in tmp_path.iterdir()] == [folder]


def test_an_escaped_url_is_one_file_for_every_command(coach, tmp_path):
    url = f"sqlite:///{tmp_path}/My%20Drive/coach.db"
    assert coach("--db", url, "team", "add", "Ana Souza", "--no-input").exit_code == 0
    report = coach("--db", url, "pipeline", "--json")
    assert report.exit_code == 0, report.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["My Drive"]


def test_sqlite_urls_name_their_file_as_sqlalchemy_reads_them():
    assert sqlite_path("sqlite:////tmp/My%20Drive/coach.db?timeout=5") == Path(
        "/tmp/My Drive/coach.db"
    )
    assert sqlite_path("sqlite+pysqlite:////tmp/x.db") == Path("/tmp/x.db")
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("sqlite:///:memory:") is None
