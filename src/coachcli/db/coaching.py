"""Queries about coaching sessions and action items."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from coachcli.enums import ActionStatus
from coachcli.models import ActionItem, CoachingSession, Rep


def actions(
    session: Session,
    rep_id: int | None = None,
    statuses: tuple[str, ...] = (ActionStatus.open,),
    due_before: date | None = None,
) -> list[tuple[ActionItem, str]]:
    """Action items with their rep's name, soonest due first."""
    query = select(ActionItem, Rep.name).join(Rep, col(Rep.id) == ActionItem.rep_id)
    if rep_id is not None:
        query = query.where(ActionItem.rep_id == rep_id)
    if statuses:
        query = query.where(col(ActionItem.status).in_(statuses))
    if due_before is not None:
        query = query.where(ActionItem.due < due_before)
    return list(session.exec(query.order_by(ActionItem.due, ActionItem.id)))


def open_actions(session: Session, rep_id: int) -> list[ActionItem]:
    return [item for item, _ in actions(session, rep_id)]


def actions_of_session(session: Session, session_id: int) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.session_id == session_id)
    return list(session.exec(query.order_by(ActionItem.id)))


def actions_of_rep(session: Session, rep_id: int) -> list[ActionItem]:
    """Every action of a rep, oldest first: one query for all their sessions."""
    query = select(ActionItem).where(ActionItem.rep_id == rep_id)
    return list(session.exec(query.order_by(ActionItem.id)))


def actions_closed_in(session: Session, session_id: int) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.closed_in_session_id == session_id)
    return list(session.exec(query.order_by(ActionItem.id)))


def last_session(session: Session, rep_id: int, kind: str) -> CoachingSession | None:
    query = (
        select(CoachingSession)
        .where(CoachingSession.rep_id == rep_id, CoachingSession.kind == kind)
        .order_by(col(CoachingSession.held_at).desc())
    )
    return session.exec(query).first()


def sessions(
    session: Session, rep_id: int | None = None, kind: str | None = None, limit: int | None = None
) -> list[tuple[CoachingSession, str, int]]:
    """Sessions, newest first (the first `limit`), with the rep's name and the count of
    actions agreed."""
    agreed = (
        select(func.count(col(ActionItem.id)))
        .where(ActionItem.session_id == CoachingSession.id)
        .scalar_subquery()
    )
    query = select(CoachingSession, Rep.name, agreed).join(
        Rep, col(Rep.id) == CoachingSession.rep_id
    )
    query = _of_rep_and_kind(query, rep_id, kind)
    order = (col(CoachingSession.held_at).desc(), col(CoachingSession.id).desc())
    return list(session.exec(query.order_by(*order).limit(limit)))


def count_sessions(session: Session, rep_id: int | None = None, kind: str | None = None) -> int:
    query = _of_rep_and_kind(select(func.count(col(CoachingSession.id))), rep_id, kind)
    return session.exec(query).one()


def _of_rep_and_kind(query: Any, rep_id: int | None, kind: str | None) -> Any:
    """`query` narrowed to one rep's sessions, and to one kind, where given."""
    if rep_id is not None:
        query = query.where(CoachingSession.rep_id == rep_id)
    if kind is not None:
        query = query.where(CoachingSession.kind == kind)
    return query
