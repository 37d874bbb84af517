"""Read paths whose cost must not grow with the history: the number of queries a
command runs is counted on the driver's connection (observed, not replaced)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from coachcli.config import load_methodology
from coachcli.db.migrations import open_database
from coachcli.db.shared import driver
from coachcli.services import export, grow, team
from coachcli.services.actions import NewAction
from coachcli.services.grow import CarryDecision

from .conftest import CLOCK
from .test_grow_service import answers

TODAY = date(2054, 11, 22)


@pytest.fixture
def db(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'coach.db'}", CLOCK)
    with database.session(write=True) as session:
        team.add_rep(session, load_methodology(), "Ana Souza", "AE", clock=CLOCK)
    yield database
    database.close()


def hold_sessions(db, count: int) -> None:
    """`count` one-on-ones, each agreeing one action and closing the previous one."""
    for n in range(count):
        with db.session(write=True) as session:
            rep = team.rep_to_change(session, "ana")
            brief = grow.build_brief(driver(session), load_methodology(), rep, TODAY)
            carry = [CarryDecision(item.id, "done") for item in brief.open_actions]
            new = [NewAction(f"Step {n}", "Ana Souza", date(2054, 12, 1))]
            held = answers(actions=new, carry=carry)
            grow.save_session(session, rep, held, brief, grow.Timing(CLOCK.now()))


def queries_of_rep_export(db) -> tuple[int, dict]:
    seen: list[str] = []
    with db.reading() as connection:
        connection.set_trace_callback(seen.append)
        try:
            rep = team.resolve_rep(connection, "ana")
            notes = export.rep_notes(connection, load_methodology(), rep, TODAY)
        finally:
            connection.set_trace_callback(None)
    # The clock is pinned, so every session has the same time: the last one has the
    # largest id.
    return len(seen), max(notes.sessions, key=lambda held: held["id"])


def test_a_reps_export_runs_as_many_queries_for_30_sessions_as_for_3(db):
    hold_sessions(db, 3)
    few, _ = queries_of_rep_export(db)
    hold_sessions(db, 27)
    many, newest = queries_of_rep_export(db)
    assert many == few
    # What the batched read gives each session: its own action and the one it closed.
    assert [a["what"] for a in newest["actions"]] == ["Step 26"]
    assert [a["what"] for a in newest["carried_over"]] == ["Step 25"]


def add_actions(coach, coach_home, count: int) -> None:
    """`count` open actions of Ana, due one a day from 2054-12-01 (written directly:
    the list is what is tested, not `actions add`)."""
    coach("team", "list")  # creates the database
    with sqlite3.connect(coach_home / "coach.db") as connection:
        connection.executemany(
            "INSERT INTO action_item (rep_id, what, who, due, status, created_at, reschedules) "
            "VALUES (1, ?, 'me', ?, 'open', '2054-11-22 12:00:00.000000', 0)",
            [
                (f"Step {n}", (date(2054, 12, 1) + timedelta(days=n)).isoformat())
                for n in range(count)
            ],
        )


def test_a_long_list_shows_100_rows_in_a_table_and_says_how_to_see_the_rest(coach, ana, coach_home):
    add_actions(coach, coach_home, 101)
    table = coach("actions")
    assert "Step 99" in table.stdout and "Step 100" not in table.stdout
    assert "Showing 100 of 101 actions (soonest due first); --limit 0 shows all." in table.stderr
    assert "--limit 0" in table.stderr
    assert len(coach("actions", "--json").json()) == 101  # JSON has everything
    assert coach("actions", "--format", "csv").stdout.count("\n") == 102  # and CSV
    assert len(coach("actions", "--json", "--limit", "5").json()) == 5
    everything = coach("actions", "--limit", "0")
    assert "Step 100" in everything.stdout and "Showing" not in everything.stderr
    assert coach("actions", "--limit", "-1").exit_code == 2


def test_sessions_and_learning_take_the_same_limit(coach, ana):
    for command in (("sessions",), ("learning",)):
        assert coach(*command, "--limit", "0", "--json").json() == []
        assert coach(*command, "--limit", "x").exit_code == 2


def test_the_sessions_table_stops_at_100_and_counts_them_all(coach, ana, coach_home):
    coach("team", "list")
    with sqlite3.connect(coach_home / "coach.db") as connection:
        connection.executemany(
            "INSERT INTO coaching_session (rep_id, kind, held_at, goal, obstacles, options, "
            "evidence) VALUES (1, 'one-on-one', ?, ?, '[]', '[]', '{}')",
            [
                (f"2054-{1 + n // 28:02d}-{1 + n % 28:02d} 10:00:00.000000", f"Goal {n}")
                for n in range(150)
            ],
        )
    table = coach("sessions")
    assert "Goal 149" in table.stdout and "Goal 49" not in table.stdout  # newest first
    assert "Showing 100 of 150 sessions (newest first)" in table.stderr
    assert len(coach("sessions", "--json").json()) == 150
    assert [s["headline"] for s in coach("sessions", "--limit", "2", "--json").json()] == [
        "Goal 149",
        "Goal 148",
    ]
