"""The demo tour: the seeded team and what to try next."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.text import Text

from coachcli.render.columns import REP_COLUMNS
from coachcli.render.tables import rich_table

NEXT_STEPS = [
    ("grow ben --brief", "the pre-brief before Ben's overdue one-on-one"),
    ("grow ana", "hold a GROW one-on-one (15 minutes, on a terminal)"),
    ("actions --overdue", "what slipped, across the team"),
    ("deal history globex", "a deal pushed week after week, from three CRM imports"),
    ("pipeline", "pipeline health: coverage, stages, stale and pushed deals, velocity"),
    ("plan show chloe", "Chloe's development plan: sprint ending soon, gaps and their trend"),
    ("export rep ana --rep-safe", "Ana's notes as Markdown, safe to share with her"),
    ("team list --json", "the team as JSON, for scripts"),
    ("config show", "the sales methodology the coaching follows"),
]


def tour(folder: Path, reps: list[dict[str, Any]], launcher: Launcher) -> Group:
    """The team, then commands that work when pasted: `launcher` says how coach is run
    from this shell (on the PATH, after activating its environment, or by its path)."""
    # Both variables on every line: an exported COACH_DB must not send the demo's
    # commands to the user's own database.
    database = shlex.quote(str(folder / "coach.db"))
    home = f"COACH_HOME={shlex.quote(str(folder))} COACH_DB={database}"
    steps = Text("\nTry it (the demo never touches your own data):\n", style="bold")
    if launcher.activate:
        steps.append("First put coach on your PATH:\n", style="bold")
        steps.append(f"  source {shlex.quote(launcher.activate)}\n", style="cyan")
    for command, why in NEXT_STEPS:
        steps.append(f"  {home} {launcher.command} {command}\n", style="cyan")
        steps.append(f"      {why}\n", style="dim")
    return Group(rich_table(reps, REP_COLUMNS, title="Your demo team"), steps)


@dataclass(frozen=True)
class Launcher:
    """How to run coach from the user's shell: `command` (coach, or the script's path)
    after sourcing `activate` when that is needed."""

    command: str = "coach"
    activate: str | None = None
