"""Console entry point (`coach` and `python -m coachcli`)."""

from __future__ import annotations

import os
import signal
import sys


def run() -> None:
    if sys.argv[1:] == ["--version"]:
        # Answered before the command tree is built: a script asks this often, and
        # building every command's options costs more than all the rest.
        from coachcli import VERSION_LINE

        print(VERSION_LINE)
        return
    # coach uses no pydantic plugins; without this, the first model looks through the
    # entry points of every installed package for some (15-25 ms of each command).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from coachcli.cli.app import app

    try:
        app(prog_name="coach")
    finally:
        # The command has answered, and said what was saved: a Ctrl-C while Python
        # shuts down would only print a traceback from a finaliser or kill the
        # process by the signal, with nothing left to save.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
