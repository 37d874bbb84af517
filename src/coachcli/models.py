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
