"""Every test runs against its own data folder (COACH_HOME) and a pinned today."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from coachcli.cli.app import app
from coachcli.clock import Clock

# Far from any real date, so that a reading of the machine's clock cannot pass unnoticed.
# 2054 has the calendar of 2026 (weekdays, ISO weeks): the examples read as they did.
TODAY = "2054-11-22"
CLOCK = Clock.pinned_to(date.fromisoformat(TODAY))


@pytest.fixture(autouse=True)
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "coach-home"
    monkeypatch.setenv("COACH_HOME", str(home))
    monkeypatch.setenv("COACH_TODAY", TODAY)
    monkeypatch.delenv("COACH_DB", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return home


class Result:
    """What a CLI run gave: exit code, stdout and stderr apart."""

    def __init__(self, raw):
        self.exit_code = raw.exit_code
        self.stdout = raw.stdout
        self.stderr = raw.stderr
        self.exception = raw.exception

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def coach() -> Callable[..., Result]:
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return Result(runner.invoke(app, list(args), input=input, catch_exceptions=True))

    return run


@pytest.fixture
def commands_built_once(monkeypatch):
    """`coach` builds the command tree once, not at every run (0.1 s each): for modules
    that run many commands (tests/test_upgrades.py, tests/test_faults.py)."""
    monkeypatch.setattr(typer.testing, "_get_command", _build_command)


_build_command = cache(typer.main.get_command)


@pytest.fixture
def ana(coach) -> dict:
    result = coach(
        "team",
        "add",
        "Ana Souza",
        "--role",
        "AE",
        "--quota",
        "250000",
        "--period",
        "2054-Q4",
        "--no-input",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    return result.json()


def file_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


@pytest.fixture
def write(tmp_path):
    """Writes a test's file (a CRM export, a mapping) as UTF-8 and gives its path."""

    def write_file(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        return str(path)

    return write_file
