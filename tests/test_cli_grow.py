"""coach grow without a terminal: flags, answer files, drafts, consequence mode."""

import json

import pytest

from coachcli.config import database_url
from coachcli.interview.drafts import Draft

GROW = (
    "--goal",
    "Close Globex this quarter",
    "--reality",
    "Stuck at procurement",
    "--obstacle",
    "No access to the CFO",
    "--option",
    "Ask the champion for an intro",
    "--support",
    "I join the CFO call",
)


def grow(coach, *extra):
    return coach("grow", "ana", "--no-input", *GROW, *extra)


def test_scripted_session_then_carry_over_as_done(coach, ana, monkeypatch):
    first = grow(coach, "--action", "Send ROI model | Ana | +3d", "--json")
    assert first.exit_code == 0, first.stderr
    saved = first.json()
    assert saved["goal"] == "Close Globex this quarter"
    assert saved["obstacles"] == ["No access to the CFO"]
    [action] = coach("actions", "ana", "--json").json()
    assert (action["what"], action["status"], action["due"]) == (
        "Send ROI model",
        "open",
        "2054-11-25",
    )

    monkeypatch.setenv("COACH_TODAY", "2054-11-29")
    second = grow(coach, "--carry", f"{action['id']}=done:sent on Tuesday")
    assert second.exit_code == 0, second.stderr
    assert "1 closed" in second.stderr
    assert coach("actions", "ana", "--json").json() == []
    [done] = coach("actions", "ana", "--all", "--json").json()
    assert (done["status"], done["note"]) == ("done", "sent on Tuesday")

    notes = coach("export", "rep", "ana").stdout
    for heading in ("Goal", "Reality", "Obstacles", "Way forward"):
        assert f"#### {heading}" in notes
    assert "| Send ROI model | Ana | 2054-11-25 | done |" in notes


def test_open_actions_stay_open_when_not_decided(coach, ana):
    grow(coach, "--action", "Send ROI model | Ana | +3d")
    assert grow(coach).exit_code == 0
    assert [a["status"] for a in coach("actions", "ana", "--json").json()] == ["open"]


def test_missing_answers_name_the_flags(coach, ana):
    result = coach("grow", "ana", "--no-input", "--goal", "x")
    assert result.exit_code == 2
    assert "--reality" in result.stderr
    assert coach("sessions", "--json").json() == []


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (" | Ana | +3d", "no WHAT"),
        ("Send | Ana | someday", "WHEN 'someday'"),
        ("Send | Ana | 2054-11-01", "in the past"),
    ],
)
def test_bad_actions_are_exit_2_and_save_nothing(coach, ana, action, message):
    result = grow(coach, "--action", action)
    assert result.exit_code == 2
    assert message in result.stderr
    assert coach("sessions", "--json").json() == []


def test_carry_of_another_reps_action_is_exit_1(coach, ana):
    coach("team", "add", "Ben Carter", "--no-input")
    coach("actions", "add", "ben", "Call Initech | Ben | +2d")
    result = grow(coach, "--carry", "1=done")
    assert result.exit_code == 1
    assert "belongs to Ben Carter" in result.stderr
    assert coach("sessions", "--json").json() == []


def test_unknown_rep_is_exit_1(coach, ana):
    result = coach("grow", "zed", "--no-input", *GROW)
    assert result.exit_code == 1
    assert "Reps: Ana Souza" in result.stderr


def test_answers_file_runs_a_whole_session(coach, ana, tmp_path):
    file = tmp_path / "grow.yaml"
    file.write_text(
        "goal: Close Globex\nreality: Waiting on legal\n"
        "obstacles: [Legal backlog, Champion on leave]\noptions: [Escalate]\n"
        "actions:\n  - Send redlines | Ana | +2d\n  - Call GC | me | friday\n"
        "support: I call their GC\nprivate_note: seems tired\n"
    )
    result = coach("grow", "ana", "--answers", str(file), "--no-input", "--json")
    assert result.exit_code == 0, result.stderr
    saved = result.json()
    assert saved["obstacles"] == ["Legal backlog", "Champion on leave"]
    assert [(a["what"], a["who"]) for a in saved["actions"]] == [
        ("Send redlines", "Ana"),
        ("Call GC", "me"),
    ]
    assert saved["private_note"] == "seems tired"


def test_consequence_mode_is_private_and_listed_with_its_kind(coach, ana):
    result = coach(
        "grow",
        "ana",
        "--consequence",
        "--no-input",
        "--standard",
        "8 meetings a week",
        "--current",
        "3 a week for 6 weeks",
        "--deadline",
        "+30d",
        "--if-missed",
        "formal performance plan",
        "--support",
        "weekly call blocks with me",
    )
    assert result.exit_code == 0, result.stderr
    [listed] = coach("sessions", "--json").json()
    assert listed["kind"] == "consequence"
    shown = coach("sessions", "show", str(listed["id"]), "--json").json()
    assert (shown["standard"], shown["deadline"]) == ("8 meetings a week", "2054-12-22")
    safe = coach("export", "rep", "ana", "--rep-safe").stdout
    assert "formal performance plan" not in safe and "details are private" in safe


def test_consequence_needs_its_flags_and_a_future_deadline(coach, ana):
    missing = coach("grow", "ana", "--consequence", "--no-input", "--standard", "x")
    assert missing.exit_code == 2 and "--current" in missing.stderr
    past = coach(
        "grow",
        "ana",
        "--consequence",
        "--no-input",
        "--standard",
        "x",
        "--current",
        "y",
        "--deadline",
        "yesterday",
        "--if-missed",
        "z",
        "--support",
        "s",
    )
    assert past.exit_code == 2 and "after today" in past.stderr
    mixed = coach("grow", "ana", "--no-input", *GROW, "--standard", "x")
    assert mixed.exit_code == 2 and "--consequence" in mixed.stderr


def test_brief_only_shows_the_pre_brief(coach, ana):
    coach("actions", "add", "ana", "Send ROI model | Ana | +3d")
    shown = coach("grow", "ana", "--brief")
    assert shown.exit_code == 0
    assert "Pre-brief: Ana Souza" in shown.stdout and "Send ROI model" in shown.stdout
    assert "No one-on-one on record yet" in shown.stdout
    assert "No skills assessment on record" in shown.stdout
    data = coach("grow", "ana", "--brief", "--json").json()
    assert data["one_on_one_due"] is True
    assert [a["what"] for a in data["open_actions"]] == ["Send ROI model"]


def test_the_pre_brief_is_frozen_into_the_session(coach, ana):
    coach("actions", "add", "ana", "Send ROI model | Ana | +3d")
    saved = grow(coach, "--carry", "1=done", "--json").json()
    assert [a["what"] for a in saved["evidence"]["open_actions"]] == ["Send ROI model"]


def write_draft(rep_id: int, lines: list[str]):
    path = Draft.for_interview("grow", rep_id, database_url()).path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_draft_blocks_scripted_runs_until_resumed_or_discarded(coach, ana):
    path = write_draft(ana["id"], [json.dumps({"key": "goal", "value": "From the draft"})])
    blocked = grow(coach)
    assert blocked.exit_code == 2
    assert "--resume" in blocked.stderr and "--discard-draft" in blocked.stderr
    discarded = grow(coach, "--discard-draft", "--json")
    assert discarded.json()["goal"] == "Close Globex this quarter"
    assert not path.exists()


def test_resume_uses_the_draft_and_recovers_from_a_torn_line(coach, ana):
    path = write_draft(
        ana["id"],
        [
            json.dumps({"key": "reality", "value": "From the draft"}),
            json.dumps({"key": "obstacles", "value": ["Draft obstacle"]}),
            '{"key": "options", "valu',
        ],
    )
    result = coach(
        "grow",
        "ana",
        "--no-input",
        "--resume",
        "--goal",
        "G",
        "--option",
        "O",
        "--support",
        "S",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    saved = result.json()
    assert (saved["reality"], saved["obstacles"]) == ("From the draft", ["Draft obstacle"])
    assert "could not be read" in result.stderr
    assert not path.exists()


def test_a_corrupt_list_in_a_draft_is_asked_again_not_a_crash(coach, ana):
    write_draft(
        ana["id"],
        [json.dumps({"key": "obstacles", "value": 7, "partial": True}),
         json.dumps({"key": "goal", "value": "Stale", "at": "yesterday"})],
    )  # fmt: skip
    result = coach("grow", "ana", "--no-input", "--resume", "--reality", "r", "--option", "o",
                   "--support", "s")  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "give --goal and --obstacle" in result.stderr  # the skipped line gave no goal
    assert "internal error" not in result.stderr


def test_a_draft_left_behind_names_the_command_that_left_it(coach, ana):
    write_draft(ana["id"], [json.dumps({"key": "goal", "value": "From the draft"})])
    blocked = grow(coach)
    assert "An unfinished `coach grow 'Ana Souza'` left a draft (1 answer)." in blocked.stderr


def test_an_answer_over_the_limit_is_refused_with_the_limit_and_nothing_saved(coach, ana, tmp_path):
    long = "x" * 2001
    answers = [
        "--reality", "r", "--obstacle", "o", "--option", "p", "--support", "s",
        "--action", "Call | me | +2d",
    ]  # fmt: skip
    result = coach("grow", "ana", "--no-input", "--goal", long, *answers)
    assert result.exit_code == 2
    assert "--goal is 2,001 characters; keep it to 2,000." in result.stderr
    by_file = tmp_path / "answers.yaml"
    by_file.write_text(f"goal: g\nreality: r\nobstacles: [o, '{long}']\noptions: [p]\n"
                       "support: s\n")  # fmt: skip
    result = coach("grow", "ana", "--no-input", "--answers", str(by_file))
    assert result.exit_code == 2 and "keep it to 2,000" in result.stderr
    assert coach("sessions", "--json").json() == []
    assert coach("grow", "ana", "--no-input", "--goal", "x" * 2000, *answers).exit_code == 0


def test_answers_are_stored_in_nfc(coach, ana):
    decomposed = "Re\u0301union plan"
    answers = ["--reality", "r", "--obstacle", "o", "--option", "p", "--support", "s"]
    saved = coach("grow", "ana", "--no-input", "--goal", decomposed, *answers, "--json")
    assert saved.exit_code == 0, saved.stderr
    assert saved.json()["goal"] == "R\u00e9union plan"
