"""Make tests/schemas/vN.db: a workspace written by the coach release of schema N.

    git worktree add --detach /tmp/wt-vN COMMIT     # the commit README.md names
    python tests/schemas/make_schema_file.py N /tmp/wt-vN/src tests/schemas/vN.db
    git worktree remove /tmp/wt-vN

It drives that release's own CLI (`python -m coachcli` with its source first on
PYTHONPATH), step by step, with only the commands and flags it had: the data is
stored exactly as that release stored it. The clock is 2054-11-22 (COACH_TODAY for
releases that read it, faketime one minute per step before it). Each step names the schema
version that brought its command; tests/test_upgrades.py expects the same data.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

TODAY = "2054-11-22"
HEADER = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate,CreatedDate\n"
FIRST_EXPORT = HEADER + (
    "006A,Globex expansion,Ana Souza,Needs Analysis,48000,2054-12-15,2054-09-01\n"
    "006B,Initech renewal,Ana Souza,Proposal/Price Quote,30000,2054-12-05,2054-08-10\n"
    "006C,Acme pilot,Ben Carter,Prospecting,12000,2055-01-20,2054-10-02\n"
    "006D,Umbrella,Ana Souza,Closed Won,25000,2054-11-10,2054-06-01\n"
)
# A week later: Globex moves on, Initech's close date slips, Acme grows, a new deal.
SECOND_EXPORT = HEADER + (
    "006A,Globex expansion,Ana Souza,Proposal/Price Quote,48000,2054-12-15,2054-09-01\n"
    "006B,Initech renewal,Ana Souza,Proposal/Price Quote,30000,2055-01-15,2054-08-10\n"
    "006C,Acme pilot,Ben Carter,Prospecting,15000,2055-01-20,2054-10-02\n"
    "006D,Umbrella,Ana Souza,Closed Won,25000,2054-11-10,2054-06-01\n"
    "006E,Hooli,Ben Carter,Qualification,9000,2055-02-28,2054-11-18\n"
)
# Schema 10 lets an open deal come without a close date.
UNDATED = "006F,Stark undated,Ana Souza,Prospecting,5000,,2054-11-20\n"
PLAN_ANSWERS = """\
period: 2054-Q4
quota: 300000
new_logos: 4
activities: {calls: 45, emails: 80, meetings: 8, demos: 4, proposals: 2}
time_allocation: {prospecting: 25, deals: 45, customers: 15, admin: 10, learning: 5}
ratings:
  prospecting: 3
  discovery: {rating: 2, evidence: Jumped to the demo after two questions., source: observation}
  qualification: 2
  value: 3
  objections: 3
  negotiating: 3
  closing: 2
  account_planning: 3
  pipeline: 3
  forecasting: 3
  time_management: 3
  collaboration: 4
causes: {discovery: skill, qualification: knowledge, closing: skill}
goals:
  - Run discovery that surfaces the cost of the problem before any demo
weeks: 6
start: 2054-11-23
objectives:
  - Ask three open impact questions before presenting, on every first call
learning:
  - Role-play three discovery openings with a peer | 2054-12-04
"""

STEPS: list[tuple[int, list[str]]] = [
    (1, ["team", "add", "Ana Souza", "--role", "AE", "--email", "ana.souza@example.com",
         "--start", "2053-03-01", "--quota", "250000", "--period", "2054-Q4", "--no-input"]),
    (1, ["team", "add", "Ben Carter", "--role", "SDR", "--quota", "90k", "--period", "2054-Q4",
         "--no-input"]),
    (1, ["team", "add", "Cyril Left", "--role", "AE", "--no-input"]),
    (1, ["team", "archive", "cyril", "--yes"]),
    (1, ["team", "edit", "ana", "--quota", "300000", "--period", "2054-Q4"]),
    (1, ["team", "edit", "ben", "--quota", "95000", "--period", "2055-Q1"]),
    (2, ["grow", "ana", "--no-input", "--goal", "Close Globex this quarter",
         "--reality", "Stuck at procurement", "--obstacle", "No access to the CFO",
         "--obstacle", "Legal backlog", "--option", "Ask the champion for an intro",
         "--support", "I join the CFO call", "--private-note", "Seems tired",
         "--action", "Send ROI model | Ana | 2054-11-25",
         "--action", "Call the CFO | me | 2054-11-28"]),
    (2, ["grow", "ben", "--no-input", "--consequence", "--standard", "20 meetings a month",
         "--current", "11 meetings", "--deadline", "2054-12-31",
         "--if-missed", "A performance plan",
         "--support", "Weekly call reviews"]),
    (2, ["actions", "add", "ben", "Book 20 meetings | Ben | 2054-11-29"]),
    (2, ["actions", "add", "ana", "Update the forecast | Ana | 2054-11-24"]),
    (2, ["actions", "done", "4", "--note", "Done on Monday"]),
    (3, ["plan", "ana", "--answers", "{plan}", "--no-input"]),
    (4, ["deal", "import", "{first}", "--as-of", "2054-11-15"]),
    (4, ["deal", "import", "{second}", "--as-of", TODAY]),
    (4, ["deal", "add", "--name", "Wayne by hand", "--rep", "ben", "--stage", "proposal",
         "--amount", "12k", "--close", "2054-12-20", "--currency", "eur", "--id", "HAND-1",
         "--account", "Wayne Enterprises", "--no-input"]),
    (4, ["deal", "plan-step", "HAND-1", "Security review | 2054-12-01"]),
    (4, ["deal", "update", "006A", "--next-step", "Send the contract"]),
    (8, ["config", "fx", "EUR", "1.08", "--as-of", "2054-11-01"]),
    (9, ["team", "edit", "ana", "--crm-id", "0058d000001AbCd"]),
]  # fmt: skip


def make(version: int, source: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        files = {
            "plan": folder / "plan.yaml",
            "first": folder / "first.csv",
            "second": folder / "second.csv",
        }
        files["plan"].write_text(PLAN_ANSWERS)
        files["first"].write_text(FIRST_EXPORT)
        files["second"].write_text(SECOND_EXPORT + (UNDATED if version >= 10 else ""))
        env = {**os.environ, "PYTHONPATH": str(source), "COACH_HOME": str(folder / "home"),
               "COACH_TODAY": TODAY, "NO_COLOR": "1", "TZ": "UTC"}  # fmt: skip
        for minute, (since, args) in enumerate(STEPS):
            if since > version:
                continue
            args = [arg.format(**files) for arg in args]
            # Each step a minute after the one before, for releases without COACH_TODAY.
            clock = ["faketime", f"{TODAY} 11:{minute:02d}:00"]
            command = [*clock, sys.executable, "-m", "coachcli", *args]
            run = subprocess.run(command, env=env, capture_output=True, text=True)
            if run.returncode != 0:
                raise SystemExit(f"{' '.join(args)}: exit {run.returncode}\n{run.stderr}")
        database = folder / "home" / "coach.db"
        with closing(sqlite3.connect(database)) as connection:
            connection.execute("VACUUM")
            (applied,) = connection.execute("SELECT count(*) FROM coach_migration").fetchone()
        if applied != version:
            raise SystemExit(f"{source} writes schema version {applied}, not {version}")
        shutil.copyfile(database, target)


if __name__ == "__main__":
    make(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
