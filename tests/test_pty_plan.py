"""coach plan on a real pseudo-terminal: the whole wizard, and Ctrl-C then resume."""

from pathlib import Path

import pexpect

from .test_pty import CTRL_C, DOWN, spawn  # noqa: F401  (fixture)
from .test_pty_grow import answer, cli_json

BACKSPACES = "\x7f" * 4


def expectations(child):
    answer(child, "Period these expectations cover", "\r")  # default: this quarter
    answer(child, "Revenue quota", "\r")  # default: the rep's quota
    answer(child, "New logos", "3\r")
    answer(child, "Renewal value", "\r")
    answer(child, "Expansion value", "\r")
    for activity in ("Calls", "Emails", "Meetings", "Demos", "Proposals"):
        answer(child, f"{activity} per week", "\r")


def time_split(child, first_share):
    answer(child, "Prospecting new business", BACKSPACES + first_share + "\r")
    for share in ("Working open", "Existing customers", "Admin and CRM", "Learning and internal"):
        answer(child, share, "\r")


def rate_all(child, levels):
    """levels: {competency name: level}; others are rated 3."""
    for name in (
        "Prospecting and territory planning",
        "Discovery and questioning",
        "Qualification",
        "Presenting value",
        "Handling objections",
        "Negotiating",
        "Closing and close planning",
        "Account planning",
        "Pipeline management",
        "Forecasting discipline",
        "Time and activity management",
        "Collaboration with internal",
    ):
        child.expect(name)
        answer(child, "Level seen", DOWN * (levels.get(name, 3) - 1) + "\r")
        answer(child, "Evidence", "\r")


def test_whole_wizard_on_a_terminal(spawn, coach):  # noqa: F811
    coach("team", "add", "Ana Souza", "--role", "AE", "--quota", "250k", "--no-input")
    child = spawn("plan", "ana")
    expectations(child)
    time_split(child, "50")  # 50 + 40 + 15 + 10 + 5 = 120: refused, asked again
    child.expect("Time allocation totals 120%")
    time_split(child, "30")
    rate_all(child, {"Discovery and questioning": 1, "Qualification": 2})
    child.expect("Skill gaps, largest first")
    answer(child, r"Why the gap in Discovery and questioning \(gap 3\)", DOWN + "\r")  # skill
    answer(child, "Note", "freezes live\r")
    child.expect("learning ideas")
    answer(child, r"Why the gap in Qualification \(gap 2\)", "\r")  # knowledge
    answer(child, "Note", "\r")
    answer(child, r"Why the gap in Presenting value", "\r")
    answer(child, "Note", "\r")
    answer(child, "Goal for the year 1", "Lead discovery that finds the cost of the problem\r")
    answer(child, "Goal for the year 2", "\r")
    answer(child, "Focus competency", "\r")  # default: the largest gap
    answer(child, "Length in weeks", BACKSPACES + "9\r")
    child.expect("A sprint lasts 6 to 8 weeks")  # refused in place
    child.send(BACKSPACES + "6\r")
    answer(child, "Starts on", "\r")
    answer(child, "Measurable objective 1", "Three impact questions on every first call\r")
    answer(child, "Measurable objective 2", "\r")
    answer(child, "Learning activity 1", "1 | +2w\r")  # the first suggestion
    answer(child, "Learning activity 2", "Joint call with debrief | +20w\r")
    child.expect("outside the sprint")  # the due date must fall inside the sprint
    child.send(BACKSPACES + "+4w\r")
    answer(child, "Learning activity 3", "\r")
    child.expect("Saved the development plan of Ana Souza")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    plan = cli_json("plan", "show", "ana")
    assert plan["current_sprint"]["focus"] == "discovery"
    assert plan["current_sprint"]["end"] == "2055-01-02"  # six weeks from today
    assert plan["expectations"]["quota"] == 250000
    assert plan["expectations"]["new_logos"] == 3
    assert plan["expectations"]["time_allocation"]["prospecting"] == 30
    assert [(g["competency"], g["gap"], g["root_cause"]) for g in plan["gaps"][:2]] == [
        ("discovery", 3, "skill"),
        ("qualification", 2, "knowledge"),
    ]
    assert [item["due"] for item in plan["learning"]] == ["2054-12-06", "2054-12-20"]
    assert plan["learning"][1]["title"] == "Joint call with debrief"


def test_ctrl_c_keeps_the_draft_and_resume_skips_what_was_answered(spawn, coach):  # noqa: F811
    coach("team", "add", "Ana Souza", "--role", "AE", "--no-input")
    child = spawn("plan", "ana")
    expectations(child)
    time_split(child, "30")
    child.expect("Prospecting and territory planning")
    answer(child, "Level seen", DOWN + "\r")
    answer(child, "Evidence", "Booked 4 meetings from 60 calls")
    child.send(CTRL_C)
    child.expect("Interrupted. Your answers are kept as a draft")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert coach("plan", "show", "ana").exit_code == 1  # nothing saved yet

    child = spawn("plan", "ana")
    answer(child, "Resume the draft", "\r")
    # Expectations and the first rating came back: the next question is that evidence.
    child.expect("Prospecting and territory planning")
    answer(child, "Evidence", "Booked 4 meetings from 60 calls\r")
    assert "Level seen" not in child.before
    answer(child, "Source", "\r")
    child.expect("Discovery and questioning")
    child.expect("Level seen")  # Ctrl-C at the prompt, not while it is being drawn
    child.send(CTRL_C)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_a_draft_cut_off_inside_the_learning_list_resumes_inside_it(spawn, coach):  # noqa: F811
    coach("team", "add", "Ana Souza", "--role", "AE", "--no-input")
    example = str(Path(__file__).parent.parent / "examples" / "plan-answers.yaml")
    made = coach("plan", "ana", "--answers", example, "--start", "2054-11-23", "--no-input")
    assert made.exit_code == 0, made.stderr
    given = ["--outcome", "achieved", "--retro", "ok", "--focus", "closing", "--weeks", "6"]
    given += ["--start", "2055-01-04", "--objective", "A close plan on every commit deal"]
    child = spawn("plan", "sprint", "ana", *given)
    answer(child, "Learning activity 1", "Mutual close plan course | +7w\r")
    answer(child, "Learning activity 2", "Shadow a senior AE")
    child.send(CTRL_C)
    child.expect("kept as a draft")
    child.expect(pexpect.EOF)

    child = spawn("plan", "sprint", "ana", *given)
    answer(child, r"Resume the draft .* \(7 answers\)", "\r")  # the flags were kept too
    answer(child, r"Learning activity 2 \(Enter alone to finish\)", "\r")
    child.expect("Opened sprint 2 for Ana Souza")
    child.expect(pexpect.EOF)
    sprint = cli_json("plan", "show", "ana")["current_sprint"]
    learning = [item for item in cli_json("learning", "ana") if item["sprint_id"] == sprint["id"]]
    assert [(item["title"], item["due"]) for item in learning] == [
        ("Mutual close plan course", "2055-01-10")
    ]
