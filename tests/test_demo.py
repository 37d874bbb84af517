"""coach demo: a workspace of its own, six reps with targets, never the user's data."""

import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coachcli.render.demo import NEXT_STEPS

from .conftest import file_mode


def test_demo_builds_a_separate_workspace(coach, coach_home, tmp_path):
    folder = tmp_path / "demo"
    result = coach("demo", "--dir", str(folder))
    assert result.exit_code == 0, result.stderr
    assert str(folder) in result.stderr
    assert "Ana Souza" in result.stdout and "Your demo team" in result.stdout
    assert f"COACH_HOME={folder}" in result.stdout
    assert not coach_home.exists()  # the user's own data folder was never created
    assert file_mode(folder) == 0o700
    assert file_mode(folder / "coach.db") == 0o600
    with sqlite3.connect(folder / "coach.db") as connection:
        reps = connection.execute("SELECT count(*) FROM rep").fetchone()[0]
        quotas = connection.execute("SELECT count(DISTINCT rep_id) FROM quota").fetchone()[0]
        sessions = connection.execute("SELECT count(*) FROM coaching_session").fetchone()[0]
        overdue = connection.execute(
            "SELECT count(*) FROM action_item WHERE status = 'open' AND due < '2054-11-22'"
        ).fetchone()[0]
    assert (reps, quotas) == (6, 6)
    assert sessions >= 3 and overdue >= 2  # enough history to show grow and actions


def test_demo_workspace_is_usable_with_coach_home(coach, tmp_path, monkeypatch):
    folder = tmp_path / "demo"
    coach("demo", "--dir", str(folder))
    monkeypatch.setenv("COACH_HOME", str(folder))
    reps = coach("team", "list", "--json").json()
    assert len(reps) == 6
    assert all(rep["quota"] > 0 and rep["quota_period"] == "2054-Q4" for rep in reps)
    assert {rep["role"] for rep in reps} == {"SDR", "AE", "Senior AE", "KAM"}


def test_demo_rebuilds_its_own_folder(coach, tmp_path):
    folder = tmp_path / "demo"
    coach("demo", "--dir", str(folder))
    again = coach("demo", "--dir", str(folder))
    assert again.exit_code == 0
    with sqlite3.connect(folder / "coach.db") as connection:
        assert connection.execute("SELECT count(*) FROM rep").fetchone()[0] == 6


def test_demo_refuses_a_folder_with_other_content(coach, tmp_path):
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "coach.db").write_text("my real data")
    result = coach("demo", "--dir", str(folder))
    assert result.exit_code == 1
    assert "not a coach demo folder" in result.stderr
    assert (folder / "coach.db").read_text() == "my real data"


def test_every_command_the_tour_suggests_runs_in_the_demo(coach, tmp_path, monkeypatch):
    folder = tmp_path / "demo"
    coach("demo", "--dir", str(folder))
    monkeypatch.setenv("COACH_HOME", str(folder))
    for command, _why in NEXT_STEPS:
        if command == "grow ana":
            continue  # an interview on a terminal: tests/test_pty_grow.py drives it
        result = coach(*shlex.split(command))
        assert result.exit_code == 0, (command, result.stderr)
        assert result.stdout.strip(), command


def test_the_tour_lines_work_when_pasted_into_a_fresh_shell(tmp_path):
    """Run as README's Quick start does (`.venv/bin/coach demo`, coach not on the PATH):
    every line the tour prints must work when pasted, in order, into a new shell."""
    script = Path(sys.executable).with_name("coach")
    if not script.is_file():
        pytest.skip("the console script is installed with the package")
    folder = tmp_path / "demo"
    bare_path = {**os.environ, "PATH": "/usr/bin:/bin"}
    shown = subprocess.run(
        [str(script), "demo", "--dir", str(folder)],
        capture_output=True, text=True, env=bare_path, check=True,
    ).stdout  # fmt: skip
    # Commands are indented two spaces; what each is for, six.
    lines = [
        line.strip()
        for line in shown.splitlines()
        if line[:3].startswith("  ") and line[2:3] != " "
    ]
    assert lines[0] == f"source {script.with_name('activate')}"
    pasted = "set -e\n" + "\n".join(line for line in lines if not line.endswith("grow ana"))
    own = tmp_path / "own.db"  # the user's own database, exported in their shell
    result = subprocess.run(["bash", "-c", pasted], capture_output=True, text=True,
                            env={**bare_path, "COACH_DB": str(own)}, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not own.exists()  # the demo's lines never touched it
