"""The demo tour: the seeded team and what to try next."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.text import Text

from coachcli.render.columns import REP_COLUMNS
from coachcli.render.tables import rich_table

NEXT_STEPS = [
    ("team list --json", "the same team as JSON, for scripts"),
    ("team show ana", "one rep, found by the start of the name"),
    ("config show", "the sales methodology the coaching follows"),
    ("db check", "integrity, schema version and file permissions"),
]


def tour(folder: Path, reps: list[dict[str, Any]]) -> Group:
    home = f"COACH_HOME={shlex.quote(str(folder))}"
    steps = Text("\nTry it (the demo never touches your own data):\n", style="bold")
    for command, why in NEXT_STEPS:
        steps.append(f"  {home} coach {command}\n", style="cyan")
        steps.append(f"      {why}\n", style="dim")
    return Group(rich_table(reps, REP_COLUMNS, title="Your demo team"), steps)
