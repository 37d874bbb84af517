"""Interactive prompts driven on a real pseudo-terminal, keystroke by keystroke."""

import json
import os
import subprocess
import sys

import pexpect
import pytest

DOWN = "\x1b[B"
CTRL_C = "\x03"


@pytest.fixture
def spawn(coach_home):
    children = []

    def start(*args: str) -> pexpect.spawn:
        env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
        child = pexpect.spawn(
            sys.executable,
            ["-m", "coachcli", *args],
            env=env,
            dimensions=(30, 100),
            encoding="utf-8",
            timeout=20,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


def team_json():
    result = subprocess.run(
        [sys.executable, "-m", "coachcli", "team", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_team_add_interactive(spawn):
    child = spawn("team", "add")
    child.expect("Rep's name")
    child.send("   \r")
    child.expect("required")  # a blank name is refused in place
    child.send("Ana Souza\r")
    child.expect("Role")
    child.send(DOWN + "\r")  # AE is the default; one down is Senior AE
    child.expect("Email")
    child.send("ana@example\r")
    child.expect("does not look like an email")  # checked at the prompt, nothing lost
    child.send(".com\r")
    child.expect("Start date")
    child.send("\r")
    child.expect("Quota")
    child.send("nonsense\r")
    child.expect("must be a number")
    child.send("\x7f" * 8 + "250k\r")
    child.expect("Quota period")
    child.send("\r")  # the default: this quarter
    child.expect("Added Ana Souza")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    [rep] = team_json()
    assert (rep["name"], rep["role"], rep["email"]) == ("Ana Souza", "Senior AE", "ana@example.com")
    assert rep["quota"] == 250000


def test_taken_name_is_refused_at_the_prompt(spawn, coach):
    coach("team", "add", "Ana Souza", "--no-input")
    child = spawn("team", "add", "--role", "AE")
    child.expect("Rep's name")
    child.send("ANA SOUZA\r")
    child.expect("already exists")
    child.send("\x7f" * 5 + "Lima\r")  # keep "ANA ", replace "SOUZA"
    child.expect("Email")
    child.send("\r")
    child.expect("Start date")
    child.send("\r")
    child.expect("Quota")
    child.send("\r")
    child.expect("Added ANA Lima")
    child.expect(pexpect.EOF)
    assert sorted(rep["name"] for rep in team_json()) == ["ANA Lima", "Ana Souza"]


def test_ctrl_c_exits_130_and_writes_nothing(spawn):
    child = spawn("team", "add")
    child.expect("Rep's name")
    child.send("Half Typed")
    child.send(CTRL_C)
    child.expect("Interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert team_json() == []


def test_archive_asks_for_confirmation(spawn, coach):
    coach("team", "add", "Ben Carter", "--no-input")
    child = spawn("team", "archive", "ben")
    child.expect("Archive Ben Carter")
    child.send("n")
    child.expect("Nothing changed")
    child.expect(pexpect.EOF)
    assert team_json()[0]["archived"] is False
    child = spawn("team", "archive", "ben")
    child.expect("Archive Ben Carter")
    child.send("y")
    child.expect("Archived Ben Carter")
    child.expect(pexpect.EOF)
    assert team_json() == []


def test_ctrl_d_at_team_add_is_an_interruption_not_a_crash(spawn):
    child = spawn("team", "add")
    child.expect("Rep's name")
    child.send("Zed Q\r")
    child.expect("Role")
    child.sendcontrol("d")
    child.expect("Interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "internal error" not in child.before
    assert team_json() == []


def test_ctrl_d_at_the_restore_confirmation_changes_nothing(spawn, coach, tmp_path):
    coach("team", "add", "Ana Souza", "--no-input")
    backup = tmp_path / "before.db"
    assert coach("db", "backup", str(backup)).exit_code == 0
    coach("team", "add", "Ben Carter", "--no-input")
    child = spawn("db", "restore", str(backup))
    child.expect("Replace the current data")
    child.sendcontrol("d")
    child.expect("Interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "internal error" not in child.before
    assert sorted(rep["name"] for rep in team_json()) == ["Ana Souza", "Ben Carter"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["team", "add", "Zed Q", "--quota", "bad"], "must be a number"),
        (["team", "add", "--start", "someday"], "Unknown date 'someday'"),
        (["deal", "add", "--amount", "lots"], "must be a number"),
        (["deal", "add", "--name", "x" * 2500], "keep it to 2,000"),
        (["team", "add", "Zed Q", "--period", "2054-W05"], "not a week"),
        (["plan", "ana", *(f"--goal={goal}" for goal in "abcd")], "one to 3 annual goals"),
    ],
)
def test_a_bad_flag_is_refused_before_any_question(spawn, coach, args, message):
    coach("team", "add", "Ana Souza", "--no-input")
    child = spawn(*args)
    child.expect(message)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "?" not in child.before  # no prompt was drawn


def test_ctrl_d_at_a_prompt_holding_a_default_ends_it(spawn):
    child = spawn("team", "add", "Zed Q", "--quota", "5")
    child.expect("Role")
    child.send("\r")
    child.expect("Email")
    child.send("\r")
    child.expect("Start date")
    child.send("\r")
    child.expect("Quota period")  # pre-filled with this quarter
    child.sendcontrol("d")
    child.expect("Interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert team_json() == []


def test_a_taken_deal_id_is_refused_before_any_question(spawn, coach):
    coach("team", "add", "Ana Souza", "--no-input")
    taken = ["--name", "Foo", "--rep", "ana", "--amount", "5k", "--close", "+3w"]
    assert coach("deal", "add", "--id", "A1", *taken, "--no-input").exit_code == 0
    child = spawn("deal", "add", "--id", "A1", "--name", "Bar")
    child.expect("exists already")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "?" not in child.before
