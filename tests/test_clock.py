"""One clock: COACH_NOW / COACH_TODAY pin it, and nothing else in src/ reads the system clock."""

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from coachcli.clock import Clock
from coachcli.errors import Invalid

from .conftest import TODAY

SRC = Path(__file__).resolve().parents[1] / "src" / "coachcli"
CLOCK_MODULE = "clock.py"
# What reads the system clock, called or passed on (default_factory=datetime.now), by
# module: datetime's classes, the time module, and file times read as dates.
CLOCK_READERS = {
    "datetime": {"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp"},
    "date": {"today", "fromtimestamp"},
    "time": {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"},
    "path": {"getmtime", "getctime", "getatime"},
}
# A file's time read as a date. (st_mtime_ns, as config.py uses it, only tells whether
# a file changed: a version stamp, not a date.)
FILE_TIMES = {"st_mtime", "st_ctime", "st_atime"}
OUR_OWN = {"utc_now", "local_today"}  # the helpers this clock replaced


def clock_reads(root: Path) -> list[str]:
    """Every line under `root`, outside the clock module, that reads the system clock."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == CLOCK_MODULE and path.parent == root:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = _aliases(tree)
        for node in ast.walk(tree):
            if _reads_clock(node, aliases):
                line = ast.get_source_segment(path.read_text(encoding="utf-8"), node)
                found.append(f"{path.relative_to(root)}:{node.lineno}: {line}")
    return found


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local names of datetime, date, time and os.path, however they were imported;
    a clock function imported by name (`from time import time`) maps to itself."""
    names = {"datetime": "datetime", "date": "date", "time": "time", "path": "path"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("datetime", "time", "os.path"):
            for alias in node.names:
                kind = alias.name if node.module == "datetime" else f"{node.module}.{alias.name}"
                names[alias.asname or alias.name] = kind
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
    return names


def _reads_clock(node: ast.AST, aliases: dict[str, str]) -> bool:
    if isinstance(node, ast.Attribute):
        if node.attr in FILE_TIMES:
            return True
        owner = node.value
        kind = aliases.get(owner.id) if isinstance(owner, ast.Name) else None
        if isinstance(owner, ast.Attribute):  # datetime.datetime.now, os.path.getmtime
            kind = owner.attr
        return kind is not None and node.attr in CLOCK_READERS.get(kind.split(".")[-1], ())
    if isinstance(node, ast.Name):
        kind = aliases.get(node.id, "")
        module, _, function = kind.rpartition(".")
        if module in ("time", "os.path") and function in CLOCK_READERS[module.split(".")[-1]]:
            return True
        return node.id in OUR_OWN and isinstance(node.ctx, ast.Load)
    return False


def test_nothing_outside_the_clock_module_reads_the_system_clock():
    assert clock_reads(SRC) == []


@pytest.mark.parametrize(
    "line",
    [
        "stamp = datetime.now(UTC)",
        "day = date.today()",
        "moment = datetime.utcnow()",
        "seconds = time.time()",
        "created_at = utc_now()",
        "made = Field(default_factory=datetime.now)",
        "seen = datetime.fromtimestamp(os.path.getmtime(p))",
        "year = time.strftime('%Y')",
        "when = p.stat().st_mtime",
    ],
)
def test_the_scan_catches_a_clock_read_added_anywhere(tmp_path, line):
    (tmp_path / "services").mkdir()
    (tmp_path / "clock.py").write_text("now = datetime.now(UTC)\n")  # the one allowed place
    (tmp_path / "services" / "late.py").write_text(f"def f():\n    {line}\n")
    assert [hit.split(": ")[0] for hit in clock_reads(tmp_path)][:1] == ["services/late.py:2"]


@pytest.mark.parametrize(
    "code",
    [
        "from time import time\nx = time()",
        "from datetime import datetime as dt\nx = dt.now()",
        "import datetime\nx = datetime.datetime.now()",
        "from os.path import getmtime\nx = getmtime('f')",
    ],
)
def test_the_scan_sees_through_imports_by_another_name(tmp_path, code):
    (tmp_path / "late.py").write_text(code + "\n")
    assert clock_reads(tmp_path) != []


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
