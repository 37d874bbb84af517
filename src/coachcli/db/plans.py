"""Queries about expectations, assessments, development plans, sprints and learning."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from coachcli.models import (
    ActionItem,
    Assessment,
    DevelopmentPlan,
    Expectation,
    LearningActivity,
    PlanRevision,
    Rating,
    Rep,
    Sprint,
)


def expectation_for(session: Session, rep_id: int, period: str) -> Expectation | None:
    query = select(Expectation).where(Expectation.rep_id == rep_id, Expectation.period == period)
    return session.exec(query).first()


def latest_expectation(session: Session, rep_id: int, today: date) -> Expectation | None:
    """The expectations whose period holds today, else the most recent ones set."""
    query = select(Expectation).where(Expectation.rep_id == rep_id)
    rows = list(session.exec(query.order_by(col(Expectation.start).desc())))
    covering = [row for row in rows if row.start <= today <= row.end]
    return covering[0] if covering else (rows[0] if rows else None)


def assessments(session: Session, rep_id: int) -> list[Assessment]:
    """A rep's assessments, newest first."""
    query = select(Assessment).where(Assessment.rep_id == rep_id)
    return list(
        session.exec(query.order_by(col(Assessment.assessed_at).desc(), col(Assessment.id).desc()))
    )


def ratings_of(session: Session, assessment_id: int) -> list[Rating]:
    query = select(Rating).where(Rating.assessment_id == assessment_id)
    return list(session.exec(query.order_by(Rating.id)))


def latest_plan(session: Session, rep_id: int) -> DevelopmentPlan | None:
    query = select(DevelopmentPlan).where(DevelopmentPlan.rep_id == rep_id)
    order = (col(DevelopmentPlan.year).desc(), col(DevelopmentPlan.id).desc())
    return session.exec(query.order_by(*order)).first()


def sprints_of(session: Session, plan_id: int) -> list[Sprint]:
    query = select(Sprint).where(Sprint.plan_id == plan_id)
    return list(session.exec(query.order_by(Sprint.number)))


def revisions_of(session: Session, plan_id: int) -> list[PlanRevision]:
    query = select(PlanRevision).where(PlanRevision.plan_id == plan_id)
    return list(session.exec(query.order_by(PlanRevision.revised_at, PlanRevision.id)))


def learning(
    session: Session, rep_id: int | None = None, open_only: bool = False
) -> list[tuple[LearningActivity, str]]:
    """Learning activities with their rep's name, soonest due first."""
    query = select(LearningActivity, Rep.name).join(Rep, col(Rep.id) == LearningActivity.rep_id)
    if rep_id is not None:
        query = query.where(LearningActivity.rep_id == rep_id)
    if open_only:
        query = query.where(col(LearningActivity.done_at).is_(None))
    return list(session.exec(query.order_by(LearningActivity.due, LearningActivity.id)))


def learning_of_sprint(session: Session, sprint_id: int) -> list[LearningActivity]:
    query = select(LearningActivity).where(LearningActivity.sprint_id == sprint_id)
    return list(session.exec(query.order_by(LearningActivity.due, LearningActivity.id)))


def actions_due_between(session: Session, rep_id: int, start: date, end: date) -> list[ActionItem]:
    query = select(ActionItem).where(
        ActionItem.rep_id == rep_id, ActionItem.due >= start, ActionItem.due <= end
    )
    return list(session.exec(query.order_by(ActionItem.due, ActionItem.id)))
