"""Console entry point (`coach` and `python -m coachcli`)."""

from __future__ import annotations

import os


def run() -> None:
    # coach uses no pydantic plugins; without this, the first model looks through the
    # entry points of every installed package for some (15-25 ms of each command).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from coachcli.cli.app import app

    app(prog_name="coach")
