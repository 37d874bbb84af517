"""Database tables. No I/O, no rich, no typer: only the shape of what is stored.

Timestamps are timezone-aware UTC on the way in (sqlmodel refuses naive ones);
SQLite hands them back naive, and `dates.as_local` knows they are UTC.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Index, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from coachcli.enums import ActionStatus, DealStatus


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


class RepAlias(SQLModel, table=True):
    """Another way imports know a rep: a CRM owner id, or a name the rep had before."""

    __tablename__ = "rep_alias"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id", index=True)
    # "crm_id" or "former_name".
    kind: str
    # As given: the id as typed, the name as it was.
    value: str
    # As compared: a Salesforce id in its 15-character form, a name folded (rep_names).
    key: str


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


class QuotaChange(SQLModel, table=True):
    """A quota set or changed: the rep's quota history (the quota table holds the latest)."""

    __tablename__ = "quota_change"

    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id", index=True)
    period: str
    old_amount: float | None = None
    new_amount: float
    changed_at: datetime
    # Which command changed it: "team add", "team edit", "plan".
    source: str


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
    closed_in_session_id: int | None = Field(
        default=None, foreign_key="coaching_session.id", index=True
    )
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


class Deal(SQLModel, table=True):
    """An opportunity, entered by hand or kept in step with CRM exports."""

    __tablename__ = "deal"
    __table_args__ = (
        Index("ix_deal_status_close", "status", "close_date"),
        # The few deals gone from the latest export, found without reading the rest.
        Index("ix_deal_status_missing", "status", "missing_since"),
        # Covers the pipeline's per-rep aggregates, so they never read the table itself
        # (currency and close date: what converting an amount reads).
        Index(
            "ix_deal_status_rep",
            "status",
            "rep_id",
            "max_stage_rank",
            "amount",
            "closed_on",
            "created_date",
            "currency",
            "close_date",
        ),
        # Let the pipeline's "worst first" lists read a few index entries and stop,
        # instead of sorting every open deal: quiet longest, pushed most, largest
        # amount (no next step), longest in each stage. The last one also covers the
        # open deals by stage and close month.
        # The last sign of life: the later of the CRM's last activity and the last
        # change seen; NULL when there is neither (db/pipeline.py, _LAST_TOUCH).
        Index(
            "ix_deal_status_touch",
            "status",
            text("max(coalesce(last_activity, last_change), coalesce(last_change, last_activity))"),
        ),
        Index("ix_deal_status_pushes", "status", "pushes"),
        Index("ix_deal_status_amount", "status", "amount"),
        Index(
            "ix_deal_status_stage",
            "status",
            "stage",
            "stage_since",
            "close_date",
            "amount",
            "rep_id",
            "currency",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The CRM's id; deals entered by hand get one of the form "coach-<n>".
    external_id: str = Field(unique=True, index=True)
    name: str
    account: str | None = None
    rep_id: int | None = Field(default=None, foreign_key="rep.id", index=True)
    # The owner as the CRM names them, kept when no rep on the team matches.
    owner: str | None = None
    stage: str
    # Highest stage rank ever reached: stage-to-stage conversion is read from it.
    max_stage_rank: int = 0
    stage_since: date
    status: str = Field(default=DealStatus.open)
    amount: float = 0
    # ISO 4217; None is the workspace currency (methodology key `currency`). Indexed:
    # reports find the few deals in other currencies without reading the rest.
    currency: str | None = Field(default=None, index=True)
    close_date: date | None = None
    forecast_category: str | None = None
    created_date: date
    last_activity: date | None = None
    next_step: str | None = None
    value_confirmed: bool = False
    champion: bool = False
    economic_buyer: bool = False
    decision_process: bool = False
    pushes: int = 0
    closed_on: date | None = None
    lost_reason: str | None = None
    source: str = "manual"
    missing_since: date | None = None
    updated_at: datetime
    # The last day a change was seen, in an import or by hand: stage, amount, close
    # date, next step or category. None when a deal has not changed since first seen.
    last_change: date | None = None


class DealEvent(SQLModel, table=True):
    """One dated change of a deal: created, stage, amount, close date, category, won, lost."""

    __tablename__ = "deal_event"
    __table_args__ = (Index("ix_deal_event_deal_day", "deal_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id")
    day: date
    kind: str = Field(index=True)
    old: str | None = None
    new: str | None = None
    snapshot_id: int | None = Field(default=None, foreign_key="deal_snapshot.id")


class DealSnapshot(SQLModel, table=True):
    """One CRM import: the day it describes and what changed since the one before."""

    __tablename__ = "deal_snapshot"

    id: int | None = Field(default=None, primary_key=True)
    as_of: date
    source: str
    file_name: str
    imported_at: datetime
    rows: int
    summary: dict = Field(default_factory=dict, sa_type=JSON)


class DealBeforeImport(SQLModel, table=True):
    """A deal's fields as they stood before an import changed them: what undoing the
    import puts back. Deals the import created need none (they go)."""

    __tablename__ = "deal_before_import"

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="deal_snapshot.id", index=True)
    deal_id: int = Field(foreign_key="deal.id")
    # Field name → value as stored (dates as ISO text), only the fields it changed.
    fields: dict = Field(default_factory=dict, sa_type=JSON)


class ClosePlanStep(SQLModel, table=True):
    """A step of a deal's close plan: the sequence of events to signature."""

    __tablename__ = "close_plan_step"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    position: int
    what: str
    due: date
    done_on: date | None = None


class ExchangeRate(SQLModel, table=True):
    """What one unit of a currency is worth in the workspace currency, from a day on.

    A deal takes the latest rate on or before its close date (today's while open).
    `in_currency` is the workspace currency the rate was given in: after the
    workspace currency changes, older rates no longer apply and are not used.
    """

    __tablename__ = "exchange_rate"
    # Also the index the conversion's lookup walks (latest as_of on or before a day).
    __table_args__ = (UniqueConstraint("currency", "in_currency", "as_of"),)

    id: int | None = Field(default=None, primary_key=True)
    currency: str
    in_currency: str
    as_of: date
    rate: float
    set_at: datetime
