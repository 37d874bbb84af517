"""Action items: What / Who / When, from agreement to done, moved or dropped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from coachcli.clock import Clock
from coachcli.dates import DATE_FORMS, local_day, parse_date
from coachcli.db import coaching as queries
from coachcli.db.coaching import ActionRow
from coachcli.db.reps import rep_names
from coachcli.enums import ActionStatus
from coachcli.errors import Conflict, Invalid, NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    from coachcli.models import ActionItem, Rep

MANAGER = "me"
MAX_WHAT = 500


@dataclass(frozen=True)
class NewAction:
    what: str
    who: str
    due: date

    def as_text(self) -> str:
        """The flag form, which parses back to the same action."""
        return f"{self.what} | {self.who} | {self.due.isoformat()}"


@dataclass(slots=True)
class ActionInfo:
    """An action as shown. A plain dataclass, not a pydantic model: `actions --all`
    lists tens of thousands, and pydantic's validation of each cost more than the read."""

    id: int
    rep: str
    what: str
    who: str
    due: date
    status: str
    age_days: int
    overdue_days: int
    reschedules: int
    session_id: int | None
    note: str | None


def parse_action(text: str, rep_name: str, today: date) -> NewAction:
    """Read "WHAT | WHO | WHEN" (or "WHAT | WHEN", the rep being who).

    WHAT may itself contain pipes: the last two fields are split off from the right.
    """
    parts = [part.strip() for part in str(text).rsplit("|", 2)]
    if len(parts) == 1:
        raise Invalid(
            f"Action {text!r} needs a due date: write it as WHAT | WHO | WHEN, "
            "e.g. 'Send ROI model | Ana | +3d'."
        )
    what, who, when = parts if len(parts) == 3 else (parts[0], "", parts[1])
    if not what:
        raise Invalid(f"Action {text!r} has no WHAT: say what will be done.")
    if len(what) > MAX_WHAT:
        raise Invalid(f"The action's WHAT is {len(what)} characters; keep it to {MAX_WHAT}.")
    if not when:
        raise Invalid(f"Action {text!r} has no WHEN: give a due date such as +3d or friday.")
    try:
        due = parse_date(when, today)
    except Invalid:
        raise Invalid(f"Action {what!r}: WHEN {when!r} is not a date. Use {DATE_FORMS}.") from None
    if due < today:
        raise Invalid(
            f"Action {what!r} is due {due.isoformat()}, in the past: choose a WHEN from today on."
        )
    return NewAction(what, normalise_who(who, rep_name), due)


def normalise_who(who: str, rep_name: str) -> str:
    """Empty means the rep (full name); "me", "manager" or "I" mean the manager; any other
    name is kept as typed."""
    if not who:
        return rep_name
    if who.casefold() in (MANAGER, "manager", "i"):
        return MANAGER
    return who


def create_action(
    session: Session, rep: Rep, action: NewAction, now: datetime, session_id: int | None = None
) -> ActionItem:
    from coachcli.models import ActionItem

    item = ActionItem(
        rep_id=rep.id,
        session_id=session_id,
        what=action.what,
        who=action.who,
        due=action.due,
        created_at=now,
    )
    session.add(item)
    session.flush()
    return item


def action_info(item: ActionRow | ActionItem, rep_name: str, today: date) -> ActionInfo:
    created = local_day(item.created_at)
    overdue = (today - item.due).days if item.status == ActionStatus.open else 0
    return ActionInfo(
        id=item.id,
        rep=rep_name,
        what=item.what,
        who=item.who,
        due=item.due,
        status=item.status,
        age_days=max(0, (today - created).days),
        overdue_days=max(0, overdue),
        reschedules=item.reschedules,
        session_id=item.session_id,
        note=item.note,
    )


def list_actions(
    connection: Any, today: date, rep_id: int | None = None, which: str = "open"
) -> list[ActionInfo]:
    statuses = {"open": (ActionStatus.open,), "overdue": (ActionStatus.open,), "all": ()}[which]
    due_before = today if which == "overdue" else None
    rows = queries.actions(connection, rep_id, statuses, due_before)
    names = rep_names(connection)
    return [action_info(item, names[item.rep_id], today) for item in rows]


def get_action(session: Session, action_id: int) -> ActionItem:
    from coachcli.models import ActionItem

    item = session.get(ActionItem, action_id)
    if item is None:
        raise NotFound(f"No action #{action_id}.", hint="`coach actions --all` lists them.")
    return item


def close_action(
    session: Session,
    item: ActionItem,
    status: ActionStatus,
    now: datetime,
    note: str | None = None,
    in_session: int | None = None,
) -> ActionItem:
    if item.status != ActionStatus.open:
        raise Conflict(f"Action #{item.id} is already {item.status}.")
    item.status = status
    item.closed_at = now
    item.closed_in_session_id = in_session
    if note and note.strip():
        item.note = note.strip()
    session.add(item)
    return item


def move_action(session: Session, item: ActionItem, due: date, today: date) -> ActionItem:
    if item.status != ActionStatus.open:
        raise Conflict(f"Action #{item.id} is {item.status}; only open actions can move.")
    if due < today:
        raise Invalid(f"The new due date {due.isoformat()} is in the past.")
    if due != item.due:
        item.due = due
        item.reschedules += 1
    session.add(item)
    return item


def finish(
    session: Session, action_id: int, status: ActionStatus, note: str | None, clock: Clock
) -> ActionInfo:
    """Mark an open action done or dropped, outside a session."""
    item = close_action(session, get_action(session, action_id), status, clock.now(), note)
    return _info_with_rep(session, item, clock.today())


def reschedule(session: Session, action_id: int, due: date, today: date) -> ActionInfo:
    item = move_action(session, get_action(session, action_id), due, today)
    return _info_with_rep(session, item, today)


def _info_with_rep(session: Session, item: ActionItem, today: date) -> ActionInfo:
    from coachcli.models import Rep

    return action_info(item, session.get(Rep, item.rep_id).name, today)
