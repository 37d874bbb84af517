"""Odd input found in review: each is a clear error with the right exit code, nothing saved."""

import pytest

GROW = ("--goal", "G", "--reality", "R", "--obstacle", "O", "--option", "P", "--support", "S")


def test_answers_file_values_of_the_wrong_shape_are_exit_2(coach, ana, tmp_path):
    file = tmp_path / "a.yaml"
    file.write_text("goal: [a, b]\nreality: r\nobstacles: [{a: 1}]\noptions: [o]\nsupport: s\n")
    result = coach("grow", "ana", "--answers", str(file), "--no-input")
    assert result.exit_code == 2
    assert "not a list" in result.stderr
    assert coach("sessions", "--json").json() == []


def test_numbers_in_answers_files_are_text(coach, ana, tmp_path):
    file = tmp_path / "a.yaml"
    file.write_text("goal: 42\nreality: 2054-11-01\nobstacles: [7]\noptions: [yes]\nsupport: 3.5\n")
    saved = coach("grow", "ana", "--answers", str(file), "--no-input", "--json").json()
    assert (saved["goal"], saved["reality"], saved["obstacles"]) == ("42", "2054-11-01", ["7"])


@pytest.mark.parametrize(
    ("carry", "message"),
    [
        ("²=done", "must look like"),
        ("99999999999999999999=done", "must look like"),
        ("1=done", "more than once"),
    ],
)
def test_odd_carry_values_are_exit_2(coach, ana, carry, message):
    coach("actions", "add", "ana", "Send ROI | Ana | +2d")
    extra = ("--carry", "1=keep") if message == "more than once" else ()
    result = coach("grow", "ana", "--no-input", *GROW, "--carry", carry, *extra)
    assert result.exit_code == 2
    assert message in result.stderr


def test_carry_notes_are_not_echoed_in_errors(coach, ana):
    result = coach("grow", "ana", "--no-input", *GROW, "--carry", "1=finish:on a PIP, private")
    assert result.exit_code == 2
    assert "PIP" not in result.stderr


def test_carry_does_not_belong_to_consequence_mode(coach, ana):
    result = coach(
        "grow",
        "ana",
        "--consequence",
        "--no-input",
        "--carry",
        "1=done",
        "--standard",
        "s",
        "--current",
        "c",
        "--deadline",
        "+1w",
        "--if-missed",
        "i",
        "--support",
        "s",
    )
    assert result.exit_code == 2
    assert "--carry" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("actions", "done", "99999999999999999999"),
        ("sessions", "show", "0"),
        ("export", "session", "99999999999999999999"),
    ],
)
def test_out_of_range_ids_are_usage_errors(coach, ana, args):
    assert coach(*args).exit_code == 2


@pytest.mark.parametrize("period", ["0000", "0000-01", "0000-Q1", "9999-Q4x", "10000"])
def test_out_of_range_periods_are_exit_2(coach, period):
    result = coach("team", "add", "Bob", "--quota", "5", "--period", period, "--no-input")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_period_without_quota_and_empty_start_are_refused(coach, ana):
    assert coach("team", "add", "Bob", "--period", "2055-Q1", "--no-input").exit_code == 2
    assert coach("team", "edit", "ana", "--start", "").exit_code == 2


def test_export_all_is_all_or_nothing(coach, ana, tmp_path):
    coach("team", "add", "Ben Carter", "--no-input")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "ben-carter.md").write_text("mine")
    result = coach("export", "all", "--dir", str(folder))
    assert result.exit_code == 1 and "--force" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["ben-carter.md"]
