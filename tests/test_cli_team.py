"""coach team through the CLI: formats, literal user text, bad input and exit codes."""

import re
from pathlib import Path

import pytest

MARKUP_NAME = "[bold]X[/bold] | #1"


def test_add_then_list_json_has_role_and_quota(coach, ana):
    result = coach("team", "list", "--json")
    assert result.exit_code == 0
    [rep] = result.json()
    assert rep["name"] == "Ana Souza"
    assert rep["role"] == "AE"
    assert rep["quota"] == 250000
    assert rep["quota_period"] == "2054-Q4"
    assert result.stderr == ""


def test_table_output_lists_reps(coach, ana):
    result = coach("team", "list")
    assert result.exit_code == 0
    assert "Ana Souza" in result.stdout
    assert "250,000" in result.stdout


def test_markup_looking_name_round_trips_literally(coach):
    added = coach("team", "add", MARKUP_NAME, "--quota", "5k", "--no-input")
    assert added.exit_code == 0, added.stderr
    assert coach("team", "list", "--json").json()[0]["name"] == MARKUP_NAME
    assert MARKUP_NAME in coach("team", "list").stdout
    markdown = coach("team", "list", "--format", "markdown").stdout
    assert "| \\[bold\\]X\\[/bold\\] \\| #1 | AE |" in markdown
    unescaped_pipes = [len(re.findall(r"(?<!\\)\|", line)) for line in markdown.splitlines()]
    assert unescaped_pipes == [6, 6, 6]  # five columns: the name's pipe never splits a cell
    assert MARKUP_NAME in coach("team", "show", "[bold]").stdout


def test_unicode_names(coach):
    for name in ("Zoë Ødegaard", "李小龍", "Ana 🚀"):
        assert coach("team", "add", name, "--no-input").exit_code == 0
    names = [rep["name"] for rep in coach("team", "list", "--json").json()]
    assert sorted(names) == sorted(["Zoë Ødegaard", "李小龍", "Ana 🚀"])
    assert coach("team", "show", "zoë").exit_code == 0


def test_terminal_escape_sequences_are_never_printed(coach, coach_home):
    # Stored exactly as typed would be refused, so plant one through the edit path instead.
    assert coach("team", "add", "Eve", "--email", "eve@example.com", "--no-input").exit_code == 0
    result = coach("team", "edit", "eve", "--name", "Eve\x1b]0;pwned\x07")
    assert result.exit_code == 2
    assert "\x1b" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["", "--no-input"], 2, "NAME cannot be empty"),
        (["   ", "--no-input"], 2, "NAME cannot be empty"),
        (["Zed", "--quota", "-5", "--no-input"], 2, "cannot be negative"),
        (["Zed", "--quota", "lots", "--no-input"], 2, "must be a number"),
        (["Zed", "--quota", "5", "--period", "2054-Q7", "--no-input"], 2, "Unknown period"),
        (["Zed", "--start", "someday", "--no-input"], 2, "Unknown date"),
        (["Zed", "--role", "Wizard", "--no-input"], 2, "Unknown role"),
        (["Zed", "--email", "not-an-email", "--no-input"], 2, "email"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(coach, args, code, message):
    result = coach("team", "add", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert coach("team", "list", "--json").json() == []


def test_duplicate_name_in_another_case_is_exit_1(coach, ana):
    result = coach("team", "add", "ANA SOUZA", "--no-input")
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert len(coach("team", "list", "--json").json()) == 1


def test_missing_name_without_terminal_names_the_argument(coach):
    result = coach("team", "add", "--no-input")
    assert result.exit_code == 2
    assert "NAME" in result.stderr


def test_unknown_and_ambiguous_reps_are_exit_1_with_candidates(coach, ana):
    coach("team", "add", "Ana Lima", "--no-input")
    unknown = coach("team", "show", "zed")
    assert unknown.exit_code == 1
    assert "Reps: Ana Lima, Ana Souza" in unknown.stderr
    ambiguous = coach("team", "show", "ana")
    assert ambiguous.exit_code == 1
    assert "Ana Lima, Ana Souza" in ambiguous.stderr


def test_rep_arguments_take_names_as_people_type_them(coach, ana):
    for name in ("Tom Becker", "Tomás Ruiz", "Tomas X"):
        assert coach("team", "add", name, "--no-input").exit_code == 0

    def shown(typed):
        result = coach("team", "show", typed, "--json")
        assert result.exit_code == 0, result.stderr
        return result.json()["name"]

    assert [shown(t) for t in ("tom", "becker", "SOUZA", "ruiz")] == [
        "Tom Becker",
        "Tom Becker",
        "Ana Souza",
        "Tomás Ruiz",
    ]
    assert shown("tomas x") == "Tomas X"
    assert shown("tomás x") == "Tomas X"  # accents typed where the name has none
    for typed in ("tomas", "tomás"):  # accents are ignored both ways, so both are words
        ambiguous = coach("team", "show", typed)
        assert ambiguous.exit_code == 1
        assert f"{typed!r} matches 2 reps: Tomas X, Tomás Ruiz." in ambiguous.stderr


def test_pipeline_rep_resolves_as_every_command_does(coach):
    for name in ("Tom Becker", "Tomás Ruiz"):
        assert coach("team", "add", name, "--no-input").exit_code == 0
    for typed, name in [("becker", "Tom Becker"), ("tom", "Tom Becker"), ("tomas", "Tomás Ruiz")]:
        result = coach("pipeline", "--rep", typed, "--json")
        assert result.exit_code == 0, result.stderr
        assert result.json()["rep"] == name
    unknown = coach("pipeline", "--rep", "zed")
    assert unknown.exit_code == 1
    assert "No rep named 'zed'. Reps: Tom Becker, Tomás Ruiz." in unknown.stderr


def test_answers_file_supplies_the_interview(coach, tmp_path):
    answers = tmp_path / "rep.yaml"
    answers.write_text(
        "name: Chloe Martin\nrole: KAM\nquota: 300k\nperiod: 2055-Q1\nstart: 2052-05-01\n"
    )
    result = coach("team", "add", "--answers", str(answers), "--no-input", "--json")
    assert result.exit_code == 0, result.stderr
    rep = result.json()
    assert (rep["name"], rep["role"], rep["start_date"]) == ("Chloe Martin", "KAM", "2052-05-01")
    assert [(q["period"], q["amount"]) for q in rep["quotas"]] == [("2055-Q1", 300000)]


def test_flags_override_the_answers_file(coach, tmp_path):
    answers = tmp_path / "rep.json"
    answers.write_text('{"name": "Chloe", "role": "SDR"}')
    result = coach("team", "add", "--answers", str(answers), "--role", "AE", "--no-input", "--json")
    assert result.json()["role"] == "AE"


def test_unknown_key_in_answers_file_is_exit_2(coach, tmp_path):
    answers = tmp_path / "rep.yaml"
    answers.write_text("name: Chloe\nstart-date: 2052-05-01\n")
    result = coach("team", "add", "--answers", str(answers), "--no-input")
    assert result.exit_code == 2
    assert "a key this command does not know: start_date" in result.stderr
    assert coach("team", "list", "--json").json() == []


def test_bad_answers_file_is_exit_2(coach, tmp_path):
    answers = tmp_path / "rep.yaml"
    answers.write_text("- just\n- a list\n")
    result = coach("team", "add", "--answers", str(answers), "--no-input")
    assert result.exit_code == 2
    assert "mapping" in result.stderr


def test_edit_and_show(coach, ana):
    result = coach(
        "team", "edit", "ana", "--role", "Senior AE", "--quota", "300k", "--period", "2055-Q1"
    )
    assert result.exit_code == 0, result.stderr
    shown = coach("team", "show", "ana", "--json").json()
    assert shown["role"] == "Senior AE"
    assert [q["period"] for q in shown["quotas"]] == ["2054-Q4", "2055-Q1"]
    assert coach("team", "edit", "ana").exit_code == 2
    assert coach("team", "edit", "ana", "--period", "2055-Q2").exit_code == 2


def test_archive_needs_yes_without_a_terminal(coach, ana):
    refused = coach("team", "archive", "ana")
    assert refused.exit_code == 2
    assert "--yes" in refused.stderr
    assert coach("team", "archive", "ana", "--yes").exit_code == 0
    assert coach("team", "list", "--json").json() == []
    assert coach("team", "list", "--all", "--json").json()[0]["archived"] is True
    assert coach("team", "unarchive", "ana").exit_code == 0
    assert coach("team", "list", "--json").json()[0]["archived"] is False


def test_empty_team_says_how_to_start(coach):
    result = coach("team", "list")
    assert result.exit_code == 0
    assert "coach team add" in result.stderr


def test_a_quota_for_a_week_is_exit_2_naming_the_periods(coach):
    result = coach("team", "add", "Zed Q", "--quota", "1", "--period", "2054-W47", "--no-input")
    assert result.exit_code == 2
    assert "a month (2027-01), a quarter (2027-Q1) or a year (2027)" in result.stderr
    assert coach("team", "list", "--json").json() == []
    coach("team", "add", "Zed Q", "--no-input")
    edit = coach("team", "edit", "zed", "--quota", "1", "--period", "2054-W47")
    assert edit.exit_code == 2 and "not a week (2054-W47)" in edit.stderr


def test_team_list_says_no_quota_rather_than_last_quarters(coach):
    coach("team", "add", "Ana Souza", "--quota", "250k", "--period", "2054-Q3", "--no-input")
    [rep] = coach("team", "list", "--json").json()
    assert (rep["quota"], rep["quota_period"]) == (None, "2054-Q4")
    table = coach("team", "list").stdout
    row = next(line for line in table.splitlines() if "Ana Souza" in line)
    assert "no quota" in row and "2054-Q4" in row and "250,000" not in row


def test_team_show_says_which_quota_holds_and_keeps_the_history(coach):
    coach("team", "add", "Ana Souza", "--quota", "900k", "--period", "2054", "--no-input")
    coach("team", "edit", "ana", "--quota", "200k", "--period", "2054-Q4")
    coach("team", "edit", "ana", "--quota", "250k", "--period", "2054-Q4")
    shown = coach("team", "show", "ana", "--json").json()
    assert (shown["quota"], shown["quota_period"]) == (250000, "2054-Q4")
    assert "shortest of the periods that do (2054 too)" in shown["quota_reason"]
    assert [(c["old_amount"], c["new_amount"]) for c in shown["quota_history"]] == [
        (None, 900000),
        (None, 200000),
        (200000, 250000),
    ]
    markdown = coach("team", "show", "ana", "--format", "markdown").stdout
    assert "| 2054-Q4 | 200,000 → 250,000 | team edit |" in markdown
    assert "Quota history" in coach("team", "show", "ana").stdout


def test_a_plan_that_changes_a_quota_says_so_and_keeps_the_old_one(coach, tmp_path):
    coach("team", "add", "Ana Souza", "--quota", "200k", "--period", "2054-Q4", "--no-input")
    example = Path(__file__).parent.parent / "examples" / "plan-answers.yaml"
    answers = tmp_path / "plan.yaml"
    answers.write_text(example.read_text() + "period: 2054-Q4\n")  # quota 250000 in the file
    result = coach("plan", "ana", "--answers", str(answers), "--no-input")
    assert result.exit_code == 0, result.stderr
    assert "quota of Ana Souza changed from 200,000 to 250,000" in result.stderr
    history = coach("team", "show", "ana", "--json").json()["quota_history"]
    assert [(c["old_amount"], c["new_amount"], c["source"]) for c in history][-1] == (
        200000,
        250000,
        "plan",
    )
