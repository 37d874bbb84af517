"""The house rules a linter can check: ruff clean, imports from typer only, lazy imports."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is in the test extra")
def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is in the test extra")
def test_ruff_format_is_applied():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "src", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_services_and_models_import_no_ui_library():
    """Library first: services decide, they never import typer, rich or questionary."""
    probe = (
        "import sys, pkgutil, importlib\n"
        "import coachcli.services as services\n"
        "for info in pkgutil.iter_modules(services.__path__):\n"
        "    importlib.import_module(f'coachcli.services.{info.name}')\n"
        "import coachcli.models, coachcli.interview.asker\n"
        "ui = {'typer', 'rich', 'questionary', 'prompt_toolkit', 'click'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & ui))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
