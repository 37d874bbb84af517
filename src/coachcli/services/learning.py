"""Learning activities: what a rep studies or practises, for a competency, by a date."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from coachcli.dates import local_day
from coachcli.db import plans as queries
from coachcli.db.plans import LearningRow, SprintRow
from coachcli.db.shared import driver
from coachcli.errors import Conflict, Invalid, NotFound
from coachcli.methodology_schema import Methodology
from coachcli.services.fields import clean_text
from coachcli.services.plan_answers import competency_key
from coachcli.services.sprints import check_due_in_sprint, open_sprint_of

if TYPE_CHECKING:
    from sqlmodel import Session

    from coachcli.models import LearningActivity, Rep


class LearningInfo(BaseModel):
    id: int
    rep: str
    competency: str
    competency_name: str
    title: str
    kind: str | None
    due: date
    done: bool
    done_on: date | None
    overdue_days: int
    sprint_id: int | None
    note: str | None


def learning_info(
    methodology: Methodology, item: LearningRow | LearningActivity, rep_name: str, today: date
) -> LearningInfo:
    competency = methodology.competencies.get(item.competency)
    done = item.done_at is not None
    return LearningInfo(
        id=item.id,
        rep=rep_name,
        competency=item.competency,
        competency_name=competency.name if competency else item.competency,
        title=item.title,
        kind=item.kind,
        due=item.due,
        done=done,
        done_on=local_day(item.done_at) if done else None,
        overdue_days=0 if done else max(0, (today - item.due).days),
        sprint_id=item.sprint_id,
        note=item.note,
    )


def add_learning(
    session: Session,
    rep: Rep,
    competency: str,
    title: str,
    due: date,
    sprint: SprintRow | None,
    kind: str | None,
    now: datetime,
) -> LearningActivity:
    from coachcli.models import LearningActivity

    item = LearningActivity(
        rep_id=rep.id,
        sprint_id=sprint.id if sprint else None,
        competency=competency,
        title=clean_text(title, "title"),
        kind=kind,
        due=due,
        created_at=now,
    )
    session.add(item)
    session.flush()
    return item


def assign(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    competency: str,
    title: str,
    due: date,
    today: date,
    now: datetime,
    outside_sprint: bool = False,
) -> LearningInfo:
    """Assign learning; it belongs to the rep's open sprint unless `outside_sprint`."""
    key = competency_key(methodology, competency)
    connection = driver(session)
    plan = queries.latest_plan(connection, rep.id)
    sprint = None if outside_sprint or plan is None else open_sprint_of(connection, plan)
    if sprint is not None:
        try:
            check_due_in_sprint(due, sprint.start, sprint.end)
        except Invalid as problem:
            raise Invalid(
                problem.message,
                hint="Choose a due date inside the current sprint, or pass --outside-sprint.",
            ) from None
    elif due < today:
        raise Invalid(f"The due date {due.isoformat()} is in the past.")
    item = add_learning(session, rep, key, title, due, sprint, None, now)
    return learning_info(methodology, item, rep.name, today)


def complete(
    session: Session,
    methodology: Methodology,
    learning_id: int,
    note: str | None,
    today: date,
    now: datetime,
) -> LearningInfo:
    from coachcli.models import LearningActivity, Rep

    item = session.get(LearningActivity, learning_id)
    if item is None:
        raise NotFound(f"No learning activity #{learning_id}.", hint="`coach learning` lists them.")
    if item.done_at is not None:
        raise Conflict(f"Learning activity #{learning_id} is already done.")
    item.done_at = now
    if note and note.strip():
        item.note = note.strip()
    session.add(item)
    return learning_info(methodology, item, session.get(Rep, item.rep_id).name, today)


def list_learning(
    connection: Any, methodology: Methodology, today: date, rep_id: int | None, open_only: bool
) -> list[LearningInfo]:
    rows = queries.learning(connection, rep_id, open_only)
    return [learning_info(methodology, item, item.rep_name, today) for item in rows]
