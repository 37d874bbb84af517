"""Database tables. No I/O, no rich, no typer: only the shape of what is stored.

Timestamps are timezone-aware UTC on the way in (sqlmodel refuses naive ones);
SQLite hands them back naive, and `dates.as_local` knows they are UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel, UniqueConstraint


class Migration(SQLModel, table=True):
    """One applied schema migration; the count of rows is the schema version."""

    __tablename__ = "coach_migration"

    name: str = Field(primary_key=True)
    applied_at: datetime


class Rep(SQLModel, table=True):
    """A sales rep on the manager's team. Archived reps keep their history."""

    __tablename__ = "rep"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    # Case-folded name: names are unique regardless of case ("ana" == "Ana").
    name_key: str = Field(unique=True, index=True)
    role: str
    email: str | None = None
    start_date: date | None = None
    created_at: datetime
    archived_at: datetime | None = None


class Quota(SQLModel, table=True):
    """The revenue quota of one rep for one period (a quarter, month or year)."""

    __tablename__ = "quota"
    __table_args__ = (UniqueConstraint("rep_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id", index=True)
    period: str
    start: date
    end: date
    amount: float


class SessionKind(StrEnum):
    one_on_one = "one-on-one"
    consequence = "consequence"


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    dropped = "dropped"


class CoachingSession(SQLModel, table=True):
    """A coaching conversation with one rep. Its notes are private to the manager."""

    __tablename__ = "coaching_session"

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id", index=True)
    kind: str = Field(index=True)
    held_at: datetime
    duration_seconds: int | None = None
    goal: str | None = None
    reality: str | None = None
    obstacles: list[str] = Field(default_factory=list, sa_type=JSON)
    options: list[str] = Field(default_factory=list, sa_type=JSON)
    support: str | None = None
    standard: str | None = None
    current_measure: str | None = None
    deadline: date | None = None
    if_missed: str | None = None
    private_note: str | None = None
    # The pre-brief as it stood when the session started: the evidence it was held on.
    evidence: dict = Field(default_factory=dict, sa_type=JSON)


class ActionItem(SQLModel, table=True):
    """What / Who / When agreed with a rep; open until done or dropped."""

    __tablename__ = "action_item"
    __table_args__ = (Index("ix_action_item_rep_status", "rep_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id")
    session_id: int | None = Field(default=None, foreign_key="coaching_session.id", index=True)
    what: str
    who: str
    due: date
    status: str = Field(default=ActionStatus.open, index=True)
    created_at: datetime
    closed_at: datetime | None = None
    closed_in_session_id: int | None = Field(default=None, foreign_key="coaching_session.id")
    note: str | None = None
    reschedules: int = 0


class Expectation(SQLModel, table=True):
    """What the role asks of one rep in one period: targets, activity levels, time split."""

    __tablename__ = "expectation"
    __table_args__ = (UniqueConstraint("rep_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id", index=True)
    period: str
    start: date
    end: date
    quota: float | None = None
    new_logos: int | None = None
    renewals: float | None = None
    expansion: float | None = None
    # Agreed weekly level per activity slug, and percent of time per allocation slug.
    activity_targets: dict = Field(default_factory=dict, sa_type=JSON)
    time_allocation: dict = Field(default_factory=dict, sa_type=JSON)
    set_at: datetime


class Assessment(SQLModel, table=True):
    """One competency assessment of a rep; earlier ones are kept to show the trend."""

    __tablename__ = "assessment"

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id", index=True)
    # The role the expected levels were taken from, as it was on the day.
    role: str
    assessed_at: datetime


class Rating(SQLModel, table=True):
    """One competency's rating within an assessment, with its evidence and root cause."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("assessment_id", "competency"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    competency: str
    rating: int
    expected: int
    evidence: str | None = None
    source: str | None = None
    root_cause: str | None = None
    cause_note: str | None = None


class DevelopmentPlan(SQLModel, table=True):
    """A rep's annual development plan: one to three goals, delivered in sprints."""

    __tablename__ = "development_plan"

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id", index=True)
    year: int
    goals: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime


class PlanRevision(SQLModel, table=True):
    """A change to a plan after it met reality: why, and what it was before."""

    __tablename__ = "plan_revision"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="development_plan.id", index=True)
    revised_at: datetime
    reason: str
    changes: dict = Field(default_factory=dict, sa_type=JSON)


class SprintOutcome(StrEnum):
    achieved = "achieved"
    partly = "partly"
    not_achieved = "not"


class Sprint(SQLModel, table=True):
    """A 6-8 week action plan with exactly one focus competency."""

    __tablename__ = "sprint"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="development_plan.id", index=True)
    number: int
    focus: str
    objectives: list[str] = Field(default_factory=list, sa_type=JSON)
    start: date
    end: date
    closed_at: datetime | None = None
    outcome: str | None = None
    retro: str | None = None


class LearningActivity(SQLModel, table=True):
    """Something the rep will study or practise, for a competency, by a date."""

    __tablename__ = "learning_activity"

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id", index=True)
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id", index=True)
    competency: str
    title: str
    kind: str | None = None
    due: date
    created_at: datetime
    done_at: datetime | None = None
    note: str | None = None
