"""The command tree: help everywhere, fast startup, version, error handling."""

import os
import re
import subprocess
import sys

from coachcli import __version__
from coachcli.cli.app import app

# Rich too: help is drawn by the plain formatter, so `coach --help` pays for no Rich import.
HEAVY = (
    "sqlalchemy", "sqlmodel", "questionary", "prompt_toolkit", "yaml", "numpy", "plotext",
    "rich", "pydantic",
)  # fmt: skip


def walk(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


def test_every_command_has_help_text():
    import typer

    root = typer.main.get_command(app)
    missing = [
        " ".join(path) for path, command in walk(root) if path and not (command.help or "").strip()
    ]
    assert missing == []


def test_every_command_answers_help(coach):
    import typer

    for path, _ in walk(typer.main.get_command(app)):
        result = coach(*path, "--help")
        assert result.exit_code == 0, path
        assert "Usage" in result.stdout


def test_help_names_values_for_what_they_are(coach):
    """No Python type placeholders (<str>, <bool>, <list[str]>) anywhere in the help."""
    import typer

    for path, _ in walk(typer.main.get_command(app)):
        shown = coach(*path, "--help").stdout
        assert re.findall(r"<[a-z\[\]|]+>|\{[a-z_]+\}", shown) == [], path
    assert "--due DATE" in coach("actions", "move", "--help").stdout
    assert "Usage: coach grow [OPTIONS] REP" in coach("grow", "--help").stdout


def test_the_commands_are_grouped_by_job(coach):
    shown = coach("--help").stdout
    sections = [line.rstrip(":") for line in shown.splitlines() if line.endswith(":")]
    assert sections[-4:] == ["Daily", "Coaching", "Pipeline and forecast", "Data and setup"]
    coaching = shown.split("Coaching:")[1].split("Pipeline and forecast:")[0]
    assert coaching.split()[0] == "grow"


def test_each_main_command_shows_an_example(coach):
    for path in (["grow"], ["plan"], ["pipeline"], ["deal"], ["team"], ["actions"], ["demo"]):
        assert "Example" in coach(*path, "--help").stdout, path


def test_help_imports_no_heavy_library():
    probe = (
        "import sys\n"
        "from coachcli.cli.main import run\n"
        "sys.argv = ['coach', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_version(coach):
    result = coach("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"coach {__version__}"


def test_version_answers_before_the_command_tree_is_built():
    """`coach --version` is what scripts ask most often: it imports neither typer nor
    anything of the commands (issue 12, start-up)."""
    probe = (
        "import sys\n"
        "from coachcli.cli.main import run\n"
        "sys.argv = ['coach', '--version']\n"
        "run()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'click', 'rich'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert result.stdout.splitlines() == [f"coach {__version__}", "[]"]


def test_python_dash_m_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "coachcli", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_usage_errors_are_exit_2(coach):
    assert coach("team", "list", "--format", "xml").exit_code == 2
    assert coach("no-such-command").exit_code == 2


def test_unexpected_errors_show_no_traceback_unless_debug(coach, monkeypatch):
    from coachcli.services import team

    def explode(*args, **kwargs):
        raise ValueError("private detail about a rep")

    monkeypatch.setattr(team, "list_reps", explode)
    result = coach("team", "list")
    assert result.exit_code == 1
    assert "ValueError" in result.stderr and "--debug" in result.stderr
    assert "private detail" not in result.stderr
    debug = coach("--debug", "team", "list")
    assert isinstance(debug.exception, ValueError)
