"""coach grow on a real pseudo-terminal: a whole session, and Ctrl-C then resume."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect

from .test_pty import CTRL_C, spawn  # noqa: F401  (fixture)

UP = "\x1b[A"


def cli_json(*args):
    result = subprocess.run(
        [sys.executable, "-m", "coachcli", *args, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def answer(child, prompt, keys):
    child.expect(prompt)
    child.send(keys)


def test_whole_session_on_a_terminal(spawn, coach):  # noqa: F811
    coach("team", "add", "Ana Souza", "--no-input")
    coach("actions", "add", "ana", "Send ROI model | Ana | +3d")
    child = spawn("grow", "ana")
    child.expect("Pre-brief: Ana Souza")
    answer(child, r"#1 Send ROI model", UP + "\r")  # keep is the default; up is done
    answer(child, "Note", "sent on Monday\r")
    child.expect("Goal ·")
    answer(child, "Goal, the one objective", "Close Globex this quarter\r")
    answer(child, "Reality, in the rep", "Stuck at procurement\r")
    answer(child, "Obstacle 1", "No access to the CFO\r")
    answer(child, r"Obstacle 2 \(Enter alone to finish\)", "\r")
    answer(child, "Option 1", "Ask the champion for an intro\r")
    answer(child, "Option 2", "\r")
    answer(child, "Action 1", "Book CFO call | me | someday\r")
    child.expect("not a date")  # refused in place; fix the WHEN
    child.send("\x7f" * 7 + "friday\r")
    answer(child, "Action 2", "\r")
    child.expect("Recap")
    child.expect("new   Book CFO call: me")
    answer(child, "Support you will give", "I join the CFO call\r")
    answer(child, "Private note", "\r")
    child.expect("Saved one-on-one #1 with Ana Souza: 1 new action")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    [session] = cli_json("sessions")
    shown = cli_json("sessions", "show", str(session["id"]))
    assert shown["goal"] == "Close Globex this quarter"
    assert shown["obstacles"] == ["No access to the CFO"]
    assert [(a["what"], a["who"], a["due"]) for a in shown["actions"]] == [
        ("Book CFO call", "me", "2054-11-27")
    ]
    assert [(a["what"], a["status"], a["note"]) for a in shown["carried_over"]] == [
        ("Send ROI model", "done", "sent on Monday")
    ]


def test_ctrl_c_keeps_a_draft_that_resumes_with_nothing_lost(spawn, coach):  # noqa: F811
    coach("team", "add", "Ana Souza", "--no-input")
    child = spawn("grow", "ana")
    answer(child, "Goal, the one objective", "Close Globex\r")
    answer(child, "Reality, in the rep", "Legal is slow\r")
    answer(child, "Obstacle 1", "Legal backlog\r")
    answer(child, "Obstacle 2", "Champion on lea")
    child.send(CTRL_C)
    child.expect("Interrupted. Your answers are kept as a draft")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert cli_json("sessions") == []

    child = spawn("grow", "ana")
    answer(child, r"Resume the draft from 2054-11-22 12:00 \(3 answers\)", "\r")
    # Goal and Reality came back, and the list of obstacles goes on where it stopped.
    answer(child, r"Obstacle 2 \(Enter alone to finish\)", "Champion on leave\r")
    answer(child, "Obstacle 3", "\r")
    answer(child, "Option 1", "Escalate to their GC\r")
    answer(child, "Option 2", "\r")
    answer(child, "Action", "\r")
    answer(child, "Support you will give", "I call their GC\r")
    answer(child, "Private note", "\r")
    child.expect("Saved one-on-one")
    child.expect(pexpect.EOF)
    [session] = cli_json("sessions")
    shown = cli_json("sessions", "show", str(session["id"]))
    assert (shown["goal"], shown["reality"], shown["obstacles"]) == (
        "Close Globex",
        "Legal is slow",
        ["Legal backlog", "Champion on leave"],
    )


def test_ctrl_d_keeps_the_draft_and_exits_130(spawn, coach):  # noqa: F811
    coach("team", "add", "Ana Souza", "--no-input")
    child = spawn("grow", "ana")
    answer(child, "Goal, the one objective", "Close Globex\r")
    child.expect("Reality, in the rep")
    child.sendcontrol("d")
    child.expect("Interrupted. Your answers are kept as a draft: run `coach grow 'Ana Souza'`")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "internal error" not in child.before
    child = spawn("grow", "ana")
    answer(child, r"Resume the draft .* \(1 answer\)", "\r")
    child.expect("Reality, in the rep")  # the goal came back
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


def test_a_bad_flag_is_refused_before_the_first_question(spawn, coach):  # noqa: F811
    coach("team", "add", "Ana Souza", "--no-input")
    child = spawn("grow", "ana", "--action", "no pipes")
    child.expect("needs a due date")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "Goal" not in child.before  # nothing was asked
    assert cli_json("sessions") == []


def test_the_fifteen_minutes_go_on_from_the_draft(spawn, coach):  # noqa: F811
    """A resumed one-on-one counts the minutes of the interrupted run."""
    coach("team", "add", "Ana Souza", "--no-input")
    home = Path(os.environ["COACH_HOME"])
    child = spawn("grow", "ana")
    answer(child, "Goal, the one objective", "Close Globex\r")
    child.expect("Reality, in the rep")
    child.send(CTRL_C)
    child.expect(pexpect.EOF)
    [draft] = (home / "drafts").glob("grow-*.jsonl")
    entry = json.loads(draft.read_text().splitlines()[0])
    entry["elapsed"] = 9 * 60 + 5  # as if the goal took nine minutes
    draft.write_text(json.dumps(entry) + "\n")
    child = spawn("grow", "ana")
    answer(child, "Resume the draft", "\r")
    child.expect("── Reality · ")
    child.expect(r"\d\d:\d\d of 15:00")
    assert child.after >= "09:05"  # the nine minutes of the first run count
    child.expect("Reality, in the rep")
    child.send(CTRL_C)
    child.expect(pexpect.EOF)
