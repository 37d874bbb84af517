"""Queries about coaching sessions and action items, on the read layer (db/reader.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from coachcli.db.reader import Params, columns, first, one_of, records, scalar, where
from coachcli.enums import ActionStatus


@dataclass(slots=True)
class ActionRow:
    """An action item as stored (the columns of `action_item`)."""

    id: int
    rep_id: int
    session_id: int | None
    what: str
    who: str
    due: date
    status: str
    created_at: datetime
    closed_at: datetime | None
    closed_in_session_id: int | None
    note: str | None
    reschedules: int


@dataclass(slots=True)
class ListedAction(ActionRow):
    rep_name: str


@dataclass(slots=True)
class SessionRow:
    """A coaching session as stored (the columns of `coaching_session`)."""

    id: int
    rep_id: int
    kind: str
    held_at: datetime
    duration_seconds: int | None
    goal: str | None
    reality: str | None
    obstacles: list[str]
    options: list[str]
    support: str | None
    standard: str | None
    current_measure: str | None
    deadline: date | None
    if_missed: str | None
    private_note: str | None
    evidence: dict


@dataclass(slots=True)
class ListedSession(SessionRow):
    rep_name: str
    actions_agreed: int


_ACTIONS = f"SELECT {columns(ActionRow, 'a')} FROM action_item a"


def actions(
    connection: Any,
    rep_id: int | None = None,
    statuses: tuple[str, ...] = (ActionStatus.open,),
    due_before: date | None = None,
) -> list[ActionRow]:
    """Action items, soonest due first (their reps' names: reps.rep_names, read once
    rather than joined to each of 30,000 rows)."""
    clause, params = where(
        ("a.rep_id = :rep_id", {"rep_id": rep_id}) if rep_id is not None else None,
        one_of("a.status", statuses) if statuses else None,
        ("a.due < :before", {"before": due_before.isoformat()}) if due_before else None,
    )
    return records(connection, ActionRow, f"{_ACTIONS} {clause} ORDER BY a.due, a.id", params)


def open_actions(connection: Any, rep_id: int) -> list[ActionRow]:
    return actions(connection, rep_id)


def action_by_id(connection: Any, action_id: int) -> ListedAction | None:
    sql = (
        f"SELECT {columns(ListedAction, 'a', rep_name='r.name')} FROM action_item a "
        "JOIN rep r ON r.id = a.rep_id WHERE a.id = :id"
    )
    return first(connection, ListedAction, sql, {"id": action_id})


def actions_of_session(connection: Any, session_id: int) -> list[ActionRow]:
    sql = f"{_ACTIONS} WHERE a.session_id = :id ORDER BY a.id"
    return records(connection, ActionRow, sql, {"id": session_id})


def actions_closed_in(connection: Any, session_id: int) -> list[ActionRow]:
    sql = f"{_ACTIONS} WHERE a.closed_in_session_id = :id ORDER BY a.id"
    return records(connection, ActionRow, sql, {"id": session_id})


def actions_of_rep(connection: Any, rep_id: int) -> list[ActionRow]:
    """Every action of a rep, oldest first: one query for all their sessions."""
    sql = f"{_ACTIONS} WHERE a.rep_id = :rep_id ORDER BY a.id"
    return records(connection, ActionRow, sql, {"rep_id": rep_id})


def actions_due_between(connection: Any, rep_id: int, start: date, end: date) -> list[ActionRow]:
    sql = (
        f"{_ACTIONS} WHERE a.rep_id = :rep_id AND a.due >= :start AND a.due <= :end "
        "ORDER BY a.due, a.id"
    )
    params = {"rep_id": rep_id, "start": start.isoformat(), "end": end.isoformat()}
    return records(connection, ActionRow, sql, params)


def session_by_id(connection: Any, session_id: int) -> SessionRow | None:
    sql = f"SELECT {columns(SessionRow, 's')} FROM coaching_session s WHERE s.id = :id"
    return first(connection, SessionRow, sql, {"id": session_id})


def last_session(connection: Any, rep_id: int, kind: str) -> SessionRow | None:
    sql = (
        f"SELECT {columns(SessionRow, 's')} FROM coaching_session s "
        "WHERE s.rep_id = :rep_id AND s.kind = :kind ORDER BY s.held_at DESC, s.id DESC LIMIT 1"
    )
    return first(connection, SessionRow, sql, {"rep_id": rep_id, "kind": kind})


def sessions(
    connection: Any, rep_id: int | None = None, kind: str | None = None, limit: int | None = None
) -> list[ListedSession]:
    """Sessions, newest first (the first `limit`), with the rep's name and the count of
    actions agreed."""
    clause, params = _of_rep_and_kind(rep_id, kind)
    agreed = "(SELECT count(*) FROM action_item a WHERE a.session_id = s.id)"
    select = columns(ListedSession, "s", rep_name="r.name", actions_agreed=agreed)
    sql = (
        f"SELECT {select} FROM coaching_session s JOIN rep r ON r.id = s.rep_id {clause} "
        "ORDER BY s.held_at DESC, s.id DESC"
    )
    if limit is not None:
        sql, params = f"{sql} LIMIT :limit", {**params, "limit": limit}
    return records(connection, ListedSession, sql, params)


def count_sessions(connection: Any, rep_id: int | None = None, kind: str | None = None) -> int:
    clause, params = _of_rep_and_kind(rep_id, kind)
    return scalar(connection, f"SELECT count(*) FROM coaching_session s {clause}", params)


def _of_rep_and_kind(rep_id: int | None, kind: str | None) -> tuple[str, Params]:
    """The WHERE clause narrowing sessions to one rep's, and to one kind, where given."""
    return where(
        ("s.rep_id = :rep_id", {"rep_id": rep_id}) if rep_id is not None else None,
        ("s.kind = :kind", {"kind": kind}) if kind is not None else None,
    )
