"""Conventions every command keeps: formats, the changed record as JSON, short list cells."""

import json
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "coachcli"


def test_the_pre_brief_as_markdown(coach, ana):
    coach("actions", "add", "ana", "Send [bold]ROI[/bold] | me | +3d")
    result = coach("grow", "ana", "--brief", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# Pre-brief: Ana Souza (AE), 2054-11-22"
    assert "- **Last one-on-one:** No one-on-one on record yet: due" in lines
    assert "  - #1 Send \\[bold\\]ROI\\[/bold\\] (me, due 2054-11-25, age 0d)" in lines
    assert "╭" not in result.stdout  # not the terminal panel


def test_db_check_as_markdown(coach, ana):
    result = coach("db", "check", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Database check\n")
    assert "| Integrity (quick) | ok | yes |" in result.stdout


@pytest.mark.parametrize(
    ("args", "field", "expected"),
    [
        (["team", "edit", "ana", "--email", "ana@example.com"], "email", "ana@example.com"),
        (["team", "archive", "ana", "--yes"], "archived", True),
    ],
)
def test_a_command_that_changes_a_record_prints_it_with_json(coach, ana, args, field, expected):
    result = coach(*args, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()[field] == expected
    assert result.json()["name"] == "Ana Souza"


def test_unarchive_prints_the_record_with_json(coach, ana):
    coach("team", "archive", "ana", "--yes")
    assert coach("team", "unarchive", "ana", "--json").json()["archived"] is False


def test_long_free_text_is_shortened_in_list_tables_only(coach, ana):
    goal = "Win the Globex renewal " + "x" * 1_900
    held = coach(
        "grow", "ana", "--no-input", "--goal", goal, "--reality", "r", "--obstacle", "o",
        "--option", "p", "--support", "s",
    )  # fmt: skip
    assert held.exit_code == 0, held.stderr
    table = coach("sessions").stdout
    rows = [line for line in table.splitlines() if "Globex" in line]
    assert len(rows) == 1 and "…" in rows[0]
    assert len(table.splitlines()) < 10  # a row, not 100 lines of goal
    assert coach("sessions", "--json").json()[0]["headline"] == goal
    assert coach("sessions", "show", "1", "--json").json()["goal"] == goal


def test_no_command_decides_an_exit_code_of_its_own():
    """Exit codes come from CoachError subclasses, turned into exits in cli/app.py only."""
    numbered_exit = re.compile(r"typer\.Exit\(\s*(?!\))")
    offenders = [
        path.name
        for path in (SRC / "cli").glob("*.py")
        if path.name != "app.py" and numbered_exit.search(path.read_text())
    ]
    assert offenders == []


def test_a_bad_methodology_file_is_explained_without_library_wording(coach):
    from coachcli.config import user_methodology_path

    target = user_methodology_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        '[cadence]\none_on_one_days = "weekly"\n[stages.discovery]\nprobability = 1.7\n'
    )
    result = coach("config", "show")
    assert result.exit_code == 1
    assert "cadence.one_on_one_days: must be a whole number, not 'weekly'" in result.stderr
    assert "stages.discovery.probability: must be at most 1.0, not 1.7" in result.stderr
    assert "Input should" not in result.stderr and "Value error" not in result.stderr


def test_counts_read_as_words(coach, ana):
    coach("actions", "add", "ana", "Call | me | +1d")
    assert "rescheduled once" in coach("actions", "move", "1", "--due", "+2d").stderr
    assert "rescheduled twice" in coach("actions", "move", "1", "--due", "+3d").stderr
    held = coach(
        "grow", "ana", "--no-input", "--goal", "g", "--reality", "r", "--obstacle", "o",
        "--option", "p", "--support", "s", "--action", "Send | me | +1d",
    )  # fmt: skip
    assert "1 new action," in held.stderr


def test_no_input_names_every_missing_flag_of_a_one_on_one(coach, ana):
    result = coach("grow", "ana", "--no-input", "--goal", "g")
    assert result.exit_code == 2
    assert "give --reality, --obstacle, --option and --support." in result.stderr


def test_an_answers_file_key_the_command_does_not_ask_is_refused(coach, ana, tmp_path):
    answers = tmp_path / "sprint.yaml"
    answers.write_text("quota: 999999\ngoals: [a]\noutcome: achieved\n")
    result = coach("plan", "sprint", "ana", "--answers", str(answers), "--no-input")
    assert result.exit_code == 2
    assert "keys this command does not know: goals, quota" in result.stderr


def test_deal_add_reads_stage_and_category_by_name_like_update(coach, ana):
    added = coach(
        "deal", "add", "--name", "Globex", "--rep", "ana", "--amount", "5k", "--close", "+3w",
        "--stage", "Discovery", "--category", "Commit", "--no-input", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert (added.json()["stage"], added.json()["forecast_category"]) == ("discovery", "commit")


def test_a_bad_quota_period_names_the_quota_periods(coach):
    result = coach("team", "add", "Zed", "--quota", "10", "--period", "Q1", "--no-input")
    assert result.exit_code == 2
    assert "a quota belongs to a month (2027-01)" in result.stderr
    assert "W47" not in result.stderr


def test_a_right_to_left_override_is_stored_as_typed_and_shown_escaped(coach):
    name = "Ana \u202eazuoS"  # would show as "Ana Souza" reversed, hiding what was typed
    assert coach("team", "add", name, "--no-input").exit_code == 0
    assert coach("team", "add", "Dev 👩\u200d💻", "--no-input").exit_code == 0  # a joiner
    assert coach("team", "add", "Mohammad\u200cReza", "--no-input").exit_code == 0
    for fmt in ("table", "markdown", "csv"):
        shown = coach("team", "list", "--format", fmt).stdout
        # Markdown escapes the backslash itself, so it renders as the same \u202e.
        assert "\\u202eazuoS" in shown and "\u202e" not in shown, fmt
        assert "Dev 👩\u200d💻" in shown and "Mohammad\u200cReza" in shown, fmt
    raw = coach("team", "list", "--json").stdout
    assert "\\u202e" in raw and "\u202e" not in raw
    assert json.loads(raw)[0]["name"] == name  # stored exactly as typed


def test_control_characters_never_reach_csv_or_json_raw(coach, ana):
    coach("actions", "add", "ana", "Call\x1b]0;PWNED\x07 CFO\x9b | me | +3d")
    csv_text = coach("actions", "--format", "csv").stdout
    assert "\x1b" not in csv_text and "\x07" not in csv_text and "\\x1b]0;PWNED" in csv_text
    json_text = coach("actions", "--json").stdout
    assert "\x9b" not in json_text and "\\u009b" in json_text
