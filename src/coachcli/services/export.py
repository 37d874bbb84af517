"""What goes into the Markdown notes of sessions and reps, and where the files go.

The service gathers the values; the command hands them to render/markdown.py, which
writes the document (and leaves out what is private when it is rep-safe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic_core import to_jsonable_python

from coachcli.db.reps import RepRow
from coachcli.errors import Conflict, NotFound
from coachcli.methodology_schema import Methodology
from coachcli.services import actions, plans, sessions, team
from coachcli.words import counted


@dataclass
class RepNotes:
    """Everything a rep's running document shows, as plain values."""

    rep: dict[str, Any]
    sessions: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    plan: dict[str, Any] | None = None


def session_notes(connection: Any, session_id: int, today: date) -> dict[str, Any]:
    return sessions.session_detail(connection, session_id, today).model_dump(mode="json")


def rep_notes(connection: Any, methodology: Methodology, rep: RepRow, today: date) -> RepNotes:
    return RepNotes(
        rep=team.rep_info(connection, methodology, rep, today).model_dump(mode="json"),
        sessions=[d.model_dump(mode="json") for d in sessions.rep_sessions(connection, rep, today)],
        actions=to_jsonable_python(actions.list_actions(connection, today, rep.id, which="all")),
        plan=_plan_if_any(connection, methodology, rep, today),
    )


def _plan_if_any(
    connection: Any, methodology: Methodology, rep: RepRow, today: date
) -> dict | None:
    try:
        view = plans.plan_view(connection, methodology, rep, today)
    except NotFound:
        return None
    return view.model_dump(mode="json")


def notes_of_every_rep(
    connection: Any, methodology: Methodology, folder: Path, today: date, overwrite: bool
) -> list[tuple[Path, RepNotes]]:
    """The file and the notes of each rep, archived reps included. All or nothing: when
    a file exists and `overwrite` is not given, nothing is returned to be written."""
    reps = team.all_reps(connection, include_archived=True)
    targets: list[Path] = []
    for rep in reps:
        targets.append(_free_name(folder, rep, targets))
    existing = [path for path in targets if path.exists()]
    if existing and not overwrite:
        raise Conflict(
            f"{counted(len(existing), 'file')} already in {folder}, e.g. {existing[0].name}.",
            hint="Pass --force to overwrite them.",
        )
    return [
        (path, rep_notes(connection, methodology, rep, today))
        for rep, path in zip(reps, targets, strict=True)
    ]


def _free_name(folder: Path, rep: RepRow, taken: list[Path]) -> Path:
    """ "Ana Souza" and "Ana Souza!" share a slug: the later one gets a number."""
    base, number = file_slug(rep.name), rep.id
    path = folder / f"{base}.md"
    while path in taken:
        path = folder / f"{base}-{number}.md"
        number += 1
    return path


def file_slug(name: str) -> str:
    """A file name from a rep's name: letters and digits of any script, dashes between."""
    slug = re.sub(r"[^\w]+", "-", name.casefold()).strip("-_")
    return slug or "rep"
