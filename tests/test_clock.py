"""One clock: COACH_NOW / COACH_TODAY pin it, and nothing else in src/ reads the system clock."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from coachcli.clock import Clock
from coachcli.errors import Invalid

from .conftest import TODAY

SRC = Path(__file__).resolve().parents[1] / "src" / "coachcli"
CLOCK_MODULE = "clock.py"
SYSTEM_CLOCK_READS = re.compile(
    r"\b(date\.today|datetime\.(now|utcnow|today)|time\.(time|time_ns|localtime|gmtime)"
    r"|utc_now|local_today)\("
)


def clock_reads(root: Path) -> list[str]:
    """Every line under `root`, outside the clock module, that reads the system clock."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == CLOCK_MODULE and path.parent == root:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SYSTEM_CLOCK_READS.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_nothing_outside_the_clock_module_reads_the_system_clock():
    assert clock_reads(SRC) == []


@pytest.mark.parametrize(
    "line",
    [
        "stamp = datetime.now(UTC)",
        "day = date.today()",
        "moment = datetime.utcnow()",
        "seconds = time.time()",
        "created_at=utc_now(),",
    ],
)
def test_the_scan_catches_a_clock_read_added_anywhere(tmp_path, line):
    (tmp_path / "services").mkdir()
    (tmp_path / "clock.py").write_text("now = datetime.now(UTC)\n")  # the one allowed place
    (tmp_path / "services" / "late.py").write_text(f"def f():\n    {line}\n")
    assert clock_reads(tmp_path) == [f"services/late.py:2: {line}"]


def test_coach_today_pins_today_and_now_at_local_noon():
    clock = Clock.from_environment({"COACH_TODAY": "2031-03-12"})
    assert clock.today() == date(2031, 3, 12)
    assert clock.now().tzinfo is not None
    assert clock.now().astimezone().hour == 12
    assert clock.now() == clock.now()  # stopped


def test_coach_now_pins_a_moment_and_wins_over_coach_today():
    clock = Clock.from_environment(
        {"COACH_NOW": "2031-03-12T23:30:00+00:00", "COACH_TODAY": "2020-01-01"}
    )
    assert clock.now() == datetime(2031, 3, 12, 23, 30, tzinfo=UTC)
    assert clock.today() == clock.now().astimezone().date()


def test_without_a_pin_the_clock_runs():
    clock = Clock.from_environment({})
    assert clock.pinned is None
    assert clock.now().tzinfo is UTC


@pytest.mark.parametrize(
    ("variable", "value"), [("COACH_TODAY", "tomorrow-ish"), ("COACH_NOW", "noon")]
)
def test_a_bad_pin_is_a_clear_error(variable, value):
    with pytest.raises(Invalid, match=variable):
        Clock.from_environment({variable: value})


def test_a_bad_pin_is_exit_2_naming_the_variable(coach, monkeypatch):
    monkeypatch.setenv("COACH_TODAY", "31/12/2031")
    result = coach("team", "list")
    assert result.exit_code == 2
    assert "COACH_TODAY='31/12/2031' is not a date" in result.stderr


def test_every_stamp_of_a_command_comes_from_the_pinned_day(coach, ana):
    """Actions, sessions, learning, archiving: dated the pinned day, never the machine's."""
    coach("actions", "add", "ana", "Send ROI model | me | +3d")
    coach("actions", "done", "1")
    held = coach(
        "grow", "ana", "--no-input", "--goal", "g", "--reality", "r", "--obstacle", "o",
        "--option", "p", "--support", "s", "--json",
    )  # fmt: skip
    assert held.exit_code == 0, held.stderr
    assert held.json()["held_at"].startswith(TODAY)
    brief = coach("grow", "ana", "--brief", "--json").json()
    assert (brief["last_one_on_one"], brief["days_since_last"]) == (TODAY, 0)
    [action] = coach("actions", "--all", "--json").json()
    assert action["age_days"] == 0


@pytest.mark.parametrize(
    ("variable", "value"),
    [("COACH_TODAY", "0001-01-01"), ("COACH_TODAY", "9999-12-31"),
     ("COACH_NOW", "9999-12-31T23:00:00-05:00")],
)  # fmt: skip
def test_a_pin_out_of_range_is_exit_2_naming_the_variable(coach, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    result = coach("team", "list")
    assert result.exit_code == 2
    assert f"{variable}={value!r} is out of range" in result.stderr
