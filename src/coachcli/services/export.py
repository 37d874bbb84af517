"""Markdown notes of sessions and reps, for the manager's files or to share with a rep."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlmodel import Session

from coachcli.errors import Conflict
from coachcli.files import write_private_file
from coachcli.methodology_schema import Methodology
from coachcli.models import Rep
from coachcli.render.markdown import rep_markdown, session_markdown
from coachcli.services import actions, plans, sessions, team


def session_document(session: Session, session_id: int, today: date, rep_safe: bool) -> str:
    detail = sessions.session_detail(session, session_id, today)
    return session_markdown(detail.model_dump(mode="json"), rep_safe)


def rep_document(
    session: Session, methodology: Methodology, rep: Rep, today: date, rep_safe: bool
) -> str:
    info = team.rep_info(session, methodology, rep, today)
    details = sessions.rep_sessions(session, rep, today)
    items = actions.list_actions(session, today, rep, which="all")
    return rep_markdown(
        info.model_dump(mode="json"),
        [detail.model_dump(mode="json") for detail in details],
        [item.model_dump(mode="json") for item in items],
        plan=_plan_if_any(session, methodology, rep, today),
        rep_safe=rep_safe,
    )


def _plan_if_any(session: Session, methodology: Methodology, rep: Rep, today: date) -> dict | None:
    from coachcli.errors import NotFound

    try:
        view = plans.plan_view(session, methodology, rep, today)
    except NotFound:
        return None
    return view.model_dump(mode="json")


def export_all(
    session: Session,
    methodology: Methodology,
    folder: Path,
    today: date,
    rep_safe: bool,
    overwrite: bool,
) -> list[Path]:
    """One running document per rep, archived reps included, in `folder`."""
    reps = team.all_reps(session, include_archived=True)
    targets: list[Path] = []
    for rep in reps:
        targets.append(_free_name(folder, rep, targets))
    existing = [path for path in targets if path.exists()]
    if existing and not overwrite:  # all or nothing: never a half-written set of notes
        raise Conflict(
            f"{len(existing)} file(s) already exist in {folder}, e.g. {existing[0].name}.",
            hint="Pass --force to overwrite them.",
        )
    for rep, path in zip(reps, targets, strict=True):
        text = rep_document(session, methodology, rep, today, rep_safe)
        write_private_file(path, text, overwrite)
    return targets


def _free_name(folder: Path, rep: Rep, taken: list[Path]) -> Path:
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
