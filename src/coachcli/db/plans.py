"""Queries about expectations, assessments, development plans, sprints and learning, on the
read layer (db/reader.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from coachcli.db.reader import columns, first, records, where


@dataclass(slots=True)
class ExpectationRow:
    id: int
    rep_id: int
    period: str
    start: date
    end: date
    quota: float | None
    new_logos: int | None
    renewals: float | None
    expansion: float | None
    activity_targets: dict
    time_allocation: dict
    set_at: datetime


@dataclass(slots=True)
class AssessmentRow:
    id: int
    rep_id: int
    role: str
    assessed_at: datetime


@dataclass(slots=True)
class RatingRow:
    id: int
    assessment_id: int
    competency: str
    rating: int
    expected: int
    evidence: str | None
    source: str | None
    root_cause: str | None
    cause_note: str | None


@dataclass(slots=True)
class PlanRow:
    id: int
    rep_id: int
    year: int
    goals: list[str]
    created_at: datetime


@dataclass(slots=True)
class RevisionRow:
    id: int
    plan_id: int
    revised_at: datetime
    reason: str
    changes: dict


@dataclass(slots=True)
class SprintRow:
    id: int
    plan_id: int
    number: int
    focus: str
    objectives: list[str]
    start: date
    end: date
    closed_at: datetime | None
    outcome: str | None
    retro: str | None


@dataclass(slots=True)
class LearningRow:
    id: int
    rep_id: int
    sprint_id: int | None
    competency: str
    title: str
    kind: str | None
    due: date
    created_at: datetime
    done_at: datetime | None
    note: str | None


@dataclass(slots=True)
class ListedLearning(LearningRow):
    rep_name: str


def expectation_for(connection: Any, rep_id: int, period: str) -> ExpectationRow | None:
    sql = (
        f"SELECT {columns(ExpectationRow, 'e')} FROM expectation e "
        "WHERE e.rep_id = :rep_id AND e.period = :period"
    )
    return first(connection, ExpectationRow, sql, {"rep_id": rep_id, "period": period})


def latest_expectation(connection: Any, rep_id: int, today: date) -> ExpectationRow | None:
    """The expectations whose period holds today, else the most recent ones set."""
    sql = (
        f"SELECT {columns(ExpectationRow, 'e')} FROM expectation e WHERE e.rep_id = :rep_id "
        "ORDER BY e.start DESC"
    )
    rows = records(connection, ExpectationRow, sql, {"rep_id": rep_id})
    covering = [row for row in rows if row.start <= today <= row.end]
    return covering[0] if covering else (rows[0] if rows else None)


def assessments(connection: Any, rep_id: int) -> list[AssessmentRow]:
    """A rep's assessments, newest first."""
    sql = (
        f"SELECT {columns(AssessmentRow, 'a')} FROM assessment a WHERE a.rep_id = :rep_id "
        "ORDER BY a.assessed_at DESC, a.id DESC"
    )
    return records(connection, AssessmentRow, sql, {"rep_id": rep_id})


def ratings_of(connection: Any, assessment_id: int) -> list[RatingRow]:
    sql = (
        f"SELECT {columns(RatingRow, 'r')} FROM rating r WHERE r.assessment_id = :id ORDER BY r.id"
    )
    return records(connection, RatingRow, sql, {"id": assessment_id})


def latest_plan(connection: Any, rep_id: int) -> PlanRow | None:
    sql = (
        f"SELECT {columns(PlanRow, 'p')} FROM development_plan p WHERE p.rep_id = :rep_id "
        "ORDER BY p.year DESC, p.id DESC LIMIT 1"
    )
    return first(connection, PlanRow, sql, {"rep_id": rep_id})


def sprints_of(connection: Any, plan_id: int) -> list[SprintRow]:
    sql = f"SELECT {columns(SprintRow, 's')} FROM sprint s WHERE s.plan_id = :id ORDER BY s.number"
    return records(connection, SprintRow, sql, {"id": plan_id})


def revisions_of(connection: Any, plan_id: int) -> list[RevisionRow]:
    sql = (
        f"SELECT {columns(RevisionRow, 'v')} FROM plan_revision v WHERE v.plan_id = :id "
        "ORDER BY v.revised_at, v.id"
    )
    return records(connection, RevisionRow, sql, {"id": plan_id})


def learning(
    connection: Any, rep_id: int | None = None, open_only: bool = False
) -> list[ListedLearning]:
    """Learning activities with their rep's name, soonest due first."""
    clause, params = where(
        ("l.rep_id = :rep_id", {"rep_id": rep_id}) if rep_id is not None else None,
        ("l.done_at IS NULL", {}) if open_only else None,
    )
    sql = (
        f"SELECT {columns(ListedLearning, 'l', rep_name='r.name')} FROM learning_activity l "
        f"JOIN rep r ON r.id = l.rep_id {clause} ORDER BY l.due, l.id"
    )
    return records(connection, ListedLearning, sql, params)


def learning_of_sprint(connection: Any, sprint_id: int) -> list[LearningRow]:
    sql = (
        f"SELECT {columns(LearningRow, 'l')} FROM learning_activity l WHERE l.sprint_id = :id "
        "ORDER BY l.due, l.id"
    )
    return records(connection, LearningRow, sql, {"id": sprint_id})
