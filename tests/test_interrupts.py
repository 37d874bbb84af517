"""Ctrl-C tells the truth: exit 130, no traceback, and whether the work was saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

HEADER = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate\n"


def test_an_interrupt_after_the_import_committed_says_it_was_saved(coach, ana, tmp_path):
    export = tmp_path / "big.csv"
    rows = "".join(
        f"006{n:05d},Deal {n},Ana Souza,Qualification,1000,2054-12-15\n" for n in range(3000)
    )
    export.write_text(HEADER + rows)
    child = subprocess.Popen(
        [sys.executable, "-m", "coachcli", "deal", "import", str(export), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(),
    )  # fmt: skip
    # The report is written after the commit and is larger than the pipe holds: once
    # its first bytes arrive the child is saving nothing more, only writing, and it
    # waits for us to read. The interrupt lands there.
    assert child.stdout.read(1) == b"{"
    child.send_signal(signal.SIGINT)
    _, errors = child.communicate(timeout=60)
    assert child.returncode == 130
    assert "Interrupted after the changes were saved." in errors.decode()
    assert "Traceback" not in errors.decode()
    assert len(coach("deal", "list", "--json").json()) == 3000
