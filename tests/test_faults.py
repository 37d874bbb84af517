"""Nothing is lost: a write or an upgrade killed at any moment (kill -9), writers at once.

Each kill lands at a moment chosen by a seeded random delay spread over the command's
measured run, or by what the command does (its first write to the -wal file, its first
byte of output). The moment only chooses when to kill: what is asserted afterwards
holds wherever the kill landed, as SQLite's transactions promise: the database is
whole, the write is all there or not at all, and the next command works.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from .test_upgrades import SCHEMAS, every_row_kept, table_rows

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("commands_built_once")]

HEADER = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate\n"
KEPT_DEALS = 2000  # in every export, with the export's own amount
NEW_DEALS = 200  # new in each export
SPREAD_KILLS = 5  # at moments spread over a whole run; three more at its commit
ACTIONS_PER_SESSION = 10


def start(*args: str, stdout=subprocess.DEVNULL) -> subprocess.Popen:
    """`coach ARGS` in a process of its own, on this test's data folder and day."""
    return subprocess.Popen(
        [sys.executable, "-m", "coachcli", *args],
        env=os.environ.copy(),
        stdout=stdout,
        stderr=subprocess.PIPE,
    )


def finish(child: subprocess.Popen) -> str:
    """Wait for a child coach; its stderr."""
    _, errors = child.communicate(timeout=120)
    return errors.decode()


def kill_after(child: subprocess.Popen, delay: float) -> None:
    """kill -9 after `delay` seconds, unless the command ended before."""
    try:
        child.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
    check_ended_well_or_killed(child)


def kill_once_it_writes(child: subprocess.Popen, wal: Path, extra: float) -> None:
    """kill -9 `extra` seconds after the command's first write to the -wal file: its
    commit (nothing is written there before; the page cache holds the changes)."""
    before = _state(wal)
    while child.poll() is None:
        now = _state(wal)
        if now is not None and now[0] > 0 and now != before:
            time.sleep(extra)
            break
        time.sleep(0.0005)
    child.send_signal(signal.SIGKILL)
    check_ended_well_or_killed(child)


def kill_at_first_output(child: subprocess.Popen) -> None:
    """kill -9 as the command starts printing its result: it has committed."""
    assert child.stdout.read(1) in (b"{", b"[")
    child.send_signal(signal.SIGKILL)
    check_ended_well_or_killed(child)


def _state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


def check_ended_well_or_killed(child: subprocess.Popen) -> None:
    errors = finish(child)
    assert child.returncode in (0, -signal.SIGKILL), errors


def measured_run(*args: str) -> float:
    """Run `coach ARGS` to its end; how long it took."""
    began = time.monotonic()
    child = start(*args)
    errors = finish(child)
    assert child.returncode == 0, errors
    return time.monotonic() - began


def spread(duration: float, seed: int) -> list[float]:
    """Kill moments spread over a run: one at random in each of equal slices of it."""
    draw = random.Random(seed)
    return [duration * (n + draw.random()) / SPREAD_KILLS for n in range(SPREAD_KILLS)]


def integrity(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def rows(path: Path, sql: str, *params) -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql, params).fetchall()


# ---- kill -9 during an import ----------------------------------------------------------------


def export(tmp_path: Path, number: int) -> str:
    """Export `number`: the kept deals at an amount of its own, and deals new in it."""
    kept = "".join(
        f"006K{n:05d},Kept {n},Ana Souza,Qualification,{1000 + number},2054-12-15\n"
        for n in range(KEPT_DEALS)
    )
    new = "".join(
        f"006N{number:02d}{n:04d},New {number}/{n},Ana Souza,Prospecting,500,2055-01-20\n"
        for n in range(NEW_DEALS)
    )
    path = tmp_path / f"export-{number}.csv"
    path.write_text(HEADER + kept + new)
    return str(path)


def import_state(database: Path, number: int, first: bool = False) -> tuple[bool, set[float]]:
    """Whether export `number` is in the database, checked whole; the kept deals' amounts.
    `first`: the kept deals are new in it, not changed by it."""
    snapshot = rows(
        database, "SELECT id, rows FROM deal_snapshot WHERE file_name = ?", f"export-{number}.csv"
    )
    kept = rows(database, "SELECT DISTINCT amount FROM deal WHERE external_id LIKE '006K%'")
    amounts = {amount for (amount,) in kept}
    [(new,)] = rows(
        database, "SELECT count(*) FROM deal WHERE external_id LIKE ?", f"006N{number:02d}%"
    )
    if not snapshot:
        assert new == 0
        return False, amounts
    [(snapshot_id, count)] = snapshot
    assert count == KEPT_DEALS + NEW_DEALS
    assert amounts == {1000.0 + number}
    assert new == NEW_DEALS
    events = dict(
        rows(
            database,
            "SELECT kind, count(*) FROM deal_event WHERE snapshot_id = ? "
            "AND kind IN ('created', 'amount') GROUP BY kind",
            snapshot_id,
        )
    )
    if first:
        assert events == {"created": KEPT_DEALS + NEW_DEALS}
    else:
        assert events == {"created": NEW_DEALS, "amount": KEPT_DEALS}
    return True, amounts


def test_an_import_killed_at_any_moment_is_all_there_or_not_at_all(
    coach, ana, coach_home, tmp_path
):
    database, wal = coach_home / "coach.db", coach_home / "coach.db-wal"
    duration = measured_run("deal", "import", export(tmp_path, 0))
    moments = [("delay", delay) for delay in spread(duration, seed=17)]
    moments += [("write", 0.0), ("write", 0.02), ("output", None)]
    amount = 1000.0
    for number, (how, when) in enumerate(moments, start=1):
        path = export(tmp_path, number)
        if how == "delay":
            kill_after(start("deal", "import", path), when)
        elif how == "write":
            kill_once_it_writes(start("deal", "import", path), wal, when)
        else:
            kill_at_first_output(start("deal", "import", path, "--json", stdout=subprocess.PIPE))
        shown = coach("deal", "show", "006K00000", "--json")  # the next command
        assert shown.exit_code == 0, shown.stderr
        assert integrity(database) == ["ok"]
        imported, amounts = import_state(database, number)
        assert imported or how != "output"  # its output comes after its commit
        amount = 1000.0 + number if imported else amount
        assert amounts == {amount}
        assert shown.json()["amount"] == amount
    again = coach("deal", "import", export(tmp_path, 99))
    assert again.exit_code == 0, again.stderr
    assert import_state(database, 99)[0]


# ---- kill -9 while a session is saved ---------------------------------------------------------


GROW = ("--reality", "Stuck", "--obstacle", "No CFO", "--option", "Intro", "--support", "I join")


def session_args(number: int) -> list[str]:
    """A one-on-one saved by `coach grow` without a terminal, with its own actions."""
    actions = []
    for step in range(ACTIONS_PER_SESSION):
        actions += ["--action", f"Step {step} of session {number} | Ana | +3d"]
    return ["grow", "ana", "--no-input", "--goal", f"Session {number}", *GROW, *actions]


def session_state(database: Path, number: int) -> bool:
    """Whether session `number` is in the database, checked whole with its actions."""
    found = rows(database, "SELECT id FROM coaching_session WHERE goal = ?", f"Session {number}")
    actions = rows(
        database,
        "SELECT session_id, what FROM action_item WHERE what LIKE ?",
        f"Step % of session {number}",
    )
    if not found:
        assert actions == []
        return False
    [(session_id,)] = found
    assert sorted(actions) == sorted(
        (session_id, f"Step {step} of session {number}") for step in range(ACTIONS_PER_SESSION)
    )
    return True


def test_a_session_killed_while_saved_is_all_there_or_not_at_all(coach, ana, coach_home):
    database, wal = coach_home / "coach.db", coach_home / "coach.db-wal"
    duration = measured_run(*session_args(0))
    moments = [("delay", delay) for delay in spread(duration, seed=29)]
    moments += [("write", 0.0), ("write", 0.005), ("output", None)]
    saved = ["Session 0"]
    for number, (how, when) in enumerate(moments, start=1):
        if how == "delay":
            kill_after(start(*session_args(number)), when)
        elif how == "write":
            kill_once_it_writes(start(*session_args(number)), wal, when)
        else:
            kill_at_first_output(start(*session_args(number), "--json", stdout=subprocess.PIPE))
        listed = coach("sessions", "--json")  # the next command
        assert listed.exit_code == 0, listed.stderr
        assert integrity(database) == ["ok"]
        if session_state(database, number):
            saved.insert(0, f"Session {number}")
        else:
            assert how != "output"  # its output comes after its commit
        assert [s["headline"] for s in listed.json()] == saved
        assert {s["actions_agreed"] for s in listed.json()} == {ACTIONS_PER_SESSION}
    again = coach(*session_args(99))
    assert again.exit_code == 0, again.stderr
    assert session_state(database, 99)


# ---- writers at once ------------------------------------------------------------------------

BUSY = "Another coach process is writing; try again in a moment."


def run_at_once(commands: list[tuple[str, ...]]) -> list[bool]:
    """Start every command, then wait for all; whether each saved. A command that did
    not save must say the database was busy, and say nothing else went wrong."""
    children = [start(*command) for command in commands]
    saved = []
    for child in children:
        errors = finish(child)
        assert "Traceback" not in errors and "internal error" not in errors
        assert child.returncode == 0 or (child.returncode == 1 and BUSY in errors), errors
        saved.append(child.returncode == 0)
    return saved


def test_writers_at_once_each_save_whole_or_say_the_database_is_busy(
    coach, ana, coach_home, tmp_path
):
    path = export(tmp_path, 1)
    commands = [
        ("actions", "add", "ana", "Call Globex | Ana | +2d"),
        ("actions", "add", "ana", "Call Initech | Ana | +3d"),
        ("team", "add", "Ben Carter", "--role", "SDR", "--no-input"),
        ("team", "add", "Chloe Dubois", "--role", "AE", "--no-input"),
        ("deal", "import", path),
        tuple(session_args(1)),
    ]
    saved = run_at_once(commands)
    actions = {a["what"] for a in coach("actions", "ana", "--json").json()}
    assert ("Call Globex" in actions) == saved[0]
    assert ("Call Initech" in actions) == saved[1]
    team = {rep["name"] for rep in coach("team", "list", "--json").json()}
    added = [
        name for name, ok in zip(("Ben Carter", "Chloe Dubois"), saved[2:4], strict=True) if ok
    ]
    assert team == {"Ana Souza", *added}
    assert import_state(coach_home / "coach.db", 1, first=True)[0] == saved[4]
    assert session_state(coach_home / "coach.db", 1) == saved[5]
    assert integrity(coach_home / "coach.db") == ["ok"]


def test_a_writer_kept_waiting_past_the_busy_timeout_says_so_and_saves_nothing(
    coach, ana, coach_home
):
    database = coach_home / "coach.db"
    with closing(sqlite3.connect(database, isolation_level=None)) as other_writer:
        other_writer.execute("BEGIN IMMEDIATE")  # held until the command has given up
        child = start("actions", "add", "ana", "Call Globex | Ana | +2d")
        # Meanwhile a person still reads: a writer never blocks a reader.
        listed = coach("team", "list", "--json")
        assert listed.exit_code == 0, listed.stderr
        assert [rep["name"] for rep in listed.json()] == ["Ana Souza"]
        errors = finish(child)
        other_writer.execute("ROLLBACK")
    assert child.returncode == 1
    assert f"Cannot use the database {database}: database is locked." in errors
    assert BUSY in errors
    assert coach("actions", "ana", "--json").json() == []
    assert coach("actions", "add", "ana", "Call Globex | Ana | +2d").exit_code == 0


# ---- kill -9 during an upgrade --------------------------------------------------------------


@pytest.mark.parametrize("after_backup", [0.0, 0.01, 0.04])
def test_an_upgrade_killed_midway_is_finished_by_the_next_command(coach, coach_home, after_backup):
    """Killed while it backs up the old file, or while it migrates: the next command
    finishes the upgrade, and a backup of the file as it was is kept."""
    coach_home.mkdir(mode=0o700)
    shutil.copyfile(SCHEMAS / "v4.db", coach_home / "coach.db")
    child = start("team", "list", "--json")
    while child.poll() is None and not list(coach_home.glob("*.bak*")):
        time.sleep(0.0005)
    time.sleep(after_backup)
    child.send_signal(signal.SIGKILL)
    check_ended_well_or_killed(child)
    listed = coach("team", "list", "--json")  # the next command
    assert listed.exit_code == 0, listed.stderr
    assert [rep["name"] for rep in listed.json()] == ["Ana Souza", "Ben Carter"]
    check = coach("db", "check", "--full", "--json").json()
    assert check["ok"] and check["schema_version"] == check["latest_version"]
    every_row_kept(4, coach_home / "coach.db")
    as_it_was = table_rows(SCHEMAS / "v4.db", kept=True)
    backups = list(coach_home.glob("coach.db.v4-*.bak"))
    assert backups and all(table_rows(backup) == as_it_was for backup in backups)
    assert list(coach_home.glob(".*partial*")) == []  # a killed backup's leftovers go
