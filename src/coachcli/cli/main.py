"""Console entry point (`coach` and `python -m coachcli`)."""

from __future__ import annotations


def run() -> None:
    from coachcli.cli.app import app

    app(prog_name="coach")
