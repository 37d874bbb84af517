"""Database tables. No I/O, no rich, no typer: only the shape of what is stored.

Timestamps are timezone-aware UTC on the way in (sqlmodel refuses naive ones);
SQLite hands them back naive, and `dates.as_local` knows they are UTC.
"""

from __future__ import annotations

from datetime import date, datetime

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
