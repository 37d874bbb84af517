"""Development plans: expectations, annual goals and sprints, revised with history kept.

The method (SPEC section 1, items 1-3): set expectations, rate each competency
(services/assessments.py), then work one focus competency at a time in 6-8 week
sprints (services/sprints.py). What the manager types is read by
services/plan_answers.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from coachcli.dates import as_local
from coachcli.db import plans as queries
from coachcli.db.coaching import actions_due_between
from coachcli.db.plans import PlanRow, SprintRow
from coachcli.db.reps import RepRow, quotas_by_rep
from coachcli.db.shared import driver
from coachcli.errors import Conflict, Invalid, NotFound
from coachcli.methodology_schema import (
    Methodology,
)
from coachcli.services.actions import ActionInfo, action_info
from coachcli.services.assessments import (
    GapRow,
    latest_assessment,
    record_assessment,
    role_name,
)
from coachcli.services.fields import clean_text
from coachcli.services.learning import LearningInfo, add_learning, learning_info
from coachcli.services.plan_answers import (
    CauseInput,
    ExpectationInput,
    RatingInput,
    SprintClose,
    SprintInput,
    check_goals,
    check_time_allocation,
    competency_key,
)
from coachcli.services.sprints import (
    check_due_in_sprint,
    check_new_end,
    check_start,
    day_after,
    next_sprint_start,
    open_sprint_of,
    sprint_label,
)
from coachcli.services.team import QuotaUpdate, set_quota

if TYPE_CHECKING:
    from sqlmodel import Session

    from coachcli.models import DevelopmentPlan, PlanRevision, Rep, Sprint


class ExpectationView(BaseModel):
    period: str
    start: date
    end: date
    quota: float | None
    new_logos: int | None
    renewals: float | None
    expansion: float | None
    activity_targets: dict[str, int]
    time_allocation: dict[str, int]


class SprintView(BaseModel):
    id: int
    number: int
    focus: str
    focus_name: str
    start: date
    end: date
    weeks: int
    days_left: int
    objectives: list[str]
    closed: bool
    outcome: str | None
    retro: str | None
    learning_assigned: int
    learning_done: int
    actions: list[ActionInfo] = []


class RevisionView(BaseModel):
    revised_at: datetime
    reason: str
    changes: dict


class PlanView(BaseModel):
    rep: str
    role: str
    year: int | None
    goals: list[str]
    current_sprint: SprintView | None
    sprints: list[SprintView]
    assessed_at: datetime | None
    previous_assessed_at: datetime | None
    gaps: list[GapRow]
    expectations: ExpectationView | None
    learning: list[LearningInfo]
    revisions: list[RevisionView]


def set_expectations(
    session: Session, rep: Rep, given: ExpectationInput, now: datetime
) -> QuotaUpdate | None:
    """Expectations for a period; a quota given with them becomes the period's quota (a
    change is returned, and kept in the rep's quota history)."""
    from coachcli.models import Expectation

    found = queries.expectation_for(driver(session), rep.id, given.period.label)
    row = (
        session.get(Expectation, found.id)
        if found
        else Expectation(
            rep_id=rep.id,
            period=given.period.label,
            start=given.period.start,
            end=given.period.end,
            set_at=now,
        )
    )
    row.quota, row.new_logos = given.quota, given.new_logos
    row.renewals, row.expansion = given.renewals, given.expansion
    row.activity_targets = dict(given.activity_targets)
    row.time_allocation = dict(check_time_allocation(given.time_allocation))
    row.set_at = now
    session.add(row)
    if given.quota is None:
        return None
    return set_quota(session, rep.id, given.quota, given.period, now, "plan")


def create_plan(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    goals: list[str],
    first: SprintInput,
    now: datetime,
) -> DevelopmentPlan:
    from coachcli.models import DevelopmentPlan

    year = first.start.year
    refuse_second_plan(driver(session), rep, year)
    plan = DevelopmentPlan(rep_id=rep.id, year=year, goals=check_goals(goals), created_at=now)
    session.add(plan)
    session.flush()
    _add_sprint(session, methodology, rep, plan, first, number=1, now=now)
    return plan


def refuse_second_plan(connection: Any, rep: RepRow | Rep, year: int) -> None:
    """One plan a year, and none while the last one still has a sprint open."""
    existing = queries.latest_plan(connection, rep.id)
    if existing is None:
        return
    if existing.year >= year:
        raise Conflict(
            f"{rep.name} already has a {existing.year} development plan.",
            hint="See it with `coach plan show`; change it with `coach plan assess`, "
            "`coach plan sprint` or `coach plan revise`.",
        )
    if open_sprint_of(connection, existing) is not None:
        raise Conflict(
            f"{rep.name}'s {existing.year} plan still has an open sprint.",
            hint="Close it first with `coach plan sprint` (or shorten it with `plan revise`).",
        )


def _add_sprint(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    plan: PlanRow | DevelopmentPlan,
    given: SprintInput,
    number: int,
    now: datetime,
) -> Sprint:
    from coachcli.models import Sprint

    focus = competency_key(methodology, given.focus)
    if not given.objectives:
        raise Invalid("A sprint needs at least one measurable objective (--objective).")
    sprint = Sprint(
        plan_id=plan.id,
        number=number,
        focus=focus,
        objectives=[clean_text(item, "objective") for item in given.objectives],
        start=given.start,
        end=given.end,
    )
    session.add(sprint)
    session.flush()
    for item in given.learning:
        check_due_in_sprint(item.due, sprint.start, sprint.end)
        add_learning(
            session, rep, item.competency or focus, item.title, item.due, sprint, item.kind, now
        )
    return sprint


def current_plan(connection: Any, rep: RepRow | Rep) -> PlanRow:
    plan = queries.latest_plan(connection, rep.id)
    if plan is None:
        raise NotFound(
            f"{rep.name} has no development plan yet.",
            hint=f"Build one with `coach plan {rep.name.split()[0]}`.",
        )
    return plan


def close_and_open_sprint(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    close: SprintClose | None,
    given: SprintInput,
    now: datetime,
) -> Sprint:
    from coachcli.models import Sprint

    connection = driver(session)
    plan = current_plan(connection, rep)
    current = open_sprint_of(connection, plan)
    sprints = queries.sprints_of(connection, plan.id)
    last = current or (sprints[-1] if sprints else None)
    if last is not None:
        check_start(given.start, day_after(last), sprint_label(last))
    if current is not None:
        if close is None:
            raise Invalid(
                "Close the current sprint first: give its --outcome (achieved, partly, not)."
            )
        closing = session.get(Sprint, current.id)
        closing.outcome, closing.retro, closing.closed_at = close.outcome, close.retro, now
        session.add(closing)
    number = (sprints[-1].number + 1) if sprints else 1
    return _add_sprint(session, methodology, rep, plan, given, number, now)


def revise_plan(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    reason: str,
    changes: dict,
    today: date,
    now: datetime,
) -> PlanRevision:
    """Apply changes to the goals and the open sprint, keeping what they were before."""
    from coachcli.models import DevelopmentPlan, PlanRevision, Sprint

    connection = driver(session)
    plan = session.get(DevelopmentPlan, current_plan(connection, rep).id)
    found = open_sprint_of(connection, plan)
    sprint = session.get(Sprint, found.id) if found else None
    recorded = {}
    if "goals" in changes:
        recorded["goals"] = {"from": plan.goals, "to": check_goals(changes["goals"])}
        plan.goals = recorded["goals"]["to"]
        session.add(plan)
    sprint_changes = {key: changes[key] for key in ("focus", "objectives", "end") if key in changes}
    if sprint_changes:
        recorded.update(_revise_sprint(session, methodology, sprint, sprint_changes))
    if not recorded:
        raise Invalid("Say what changes: --goal, --focus, --objective or --sprint-end.")
    revision = PlanRevision(
        plan_id=plan.id, revised_at=now, reason=clean_text(reason, "reason"), changes=recorded
    )
    session.add(revision)
    session.flush()
    return revision


def _revise_sprint(
    session: Session, methodology: Methodology, sprint: Sprint | None, changes: dict
) -> dict:
    if sprint is None:
        raise Conflict(
            "There is no open sprint to revise.", hint="Open one with `coach plan sprint`."
        )
    recorded = {}
    if "focus" in changes:
        focus = competency_key(methodology, changes["focus"])
        recorded["focus"] = {"from": sprint.focus, "to": focus}
        sprint.focus = focus
    if "objectives" in changes:
        objectives = [clean_text(item, "objective") for item in changes["objectives"]]
        recorded["objectives"] = {"from": sprint.objectives, "to": objectives}
        sprint.objectives = objectives
    if "end" in changes:
        end = changes["end"]
        if end < sprint.start:
            raise Invalid(
                f"The sprint cannot end ({end.isoformat()}) before it starts "
                f"({sprint.start.isoformat()})."
            )
        check_new_end(driver(session), methodology, sprint, end)
        recorded["sprint_end"] = {"from": sprint.end.isoformat(), "to": end.isoformat()}
        sprint.end = end
    session.add(sprint)
    return recorded


def plan_view(connection: Any, methodology: Methodology, rep: RepRow, today: date) -> PlanView:
    plan = queries.latest_plan(connection, rep.id)
    assessment = latest_assessment(connection, methodology, rep)
    if plan is None and assessment is None:
        raise NotFound(
            f"{rep.name} has no development plan or assessment yet.",
            hint=f"Build one with `coach plan {rep.name.split()[0]}`.",
        )
    sprints = [
        _sprint_view(connection, methodology, rep, s, today) for s in _sprints(connection, plan)
    ]
    current = next((s for s in reversed(sprints) if not s.closed), None)
    expectation = queries.latest_expectation(connection, rep.id, today)
    return PlanView(
        rep=rep.name,
        role=role_name(methodology, rep.role),
        year=plan.year if plan else None,
        goals=plan.goals if plan else [],
        current_sprint=current,
        sprints=sprints,
        assessed_at=assessment.assessed_at if assessment else None,
        previous_assessed_at=assessment.previous_assessed_at if assessment else None,
        gaps=assessment.gaps if assessment else [],
        expectations=ExpectationView.model_validate(expectation, from_attributes=True)
        if expectation
        else None,
        learning=[
            learning_info(methodology, item, rep.name, today)
            for item in queries.learning(connection, rep.id)
        ],
        revisions=[
            RevisionView(revised_at=as_local(r.revised_at), reason=r.reason, changes=r.changes)
            for r in (queries.revisions_of(connection, plan.id) if plan else [])
        ],
    )


def _sprints(connection: Any, plan: PlanRow | None) -> list[SprintRow]:
    return queries.sprints_of(connection, plan.id) if plan else []


def _sprint_view(
    connection: Any, methodology: Methodology, rep: RepRow, sprint: SprintRow, today: date
) -> SprintView:
    learning = queries.learning_of_sprint(connection, sprint.id)
    actions = actions_due_between(connection, rep.id, sprint.start, sprint.end)
    competency = methodology.competencies.get(sprint.focus)
    return SprintView(
        id=sprint.id,
        number=sprint.number,
        focus=sprint.focus,
        focus_name=competency.name if competency else sprint.focus,
        start=sprint.start,
        end=sprint.end,
        weeks=round(((sprint.end - sprint.start).days + 1) / 7),
        days_left=(sprint.end - today).days,
        objectives=sprint.objectives,
        closed=sprint.closed_at is not None,
        outcome=sprint.outcome,
        retro=sprint.retro,
        learning_assigned=len(learning),
        learning_done=sum(1 for item in learning if item.done_at is not None),
        actions=[action_info(item, rep.name, today) for item in actions],
    )


def current_focus(
    connection: Any, methodology: Methodology, rep: RepRow | Rep
) -> tuple[str | None, list[str]]:
    """The open sprint's focus and its open learning, for the one-on-one pre-brief."""
    plan = queries.latest_plan(connection, rep.id)
    sprint = open_sprint_of(connection, plan) if plan else None
    if sprint is None:
        return None, []
    competency = methodology.competencies.get(sprint.focus)
    name = competency.name if competency else sprint.focus
    learning = [
        f"{item.title} (due {item.due.isoformat()})"
        for item in queries.learning_of_sprint(connection, sprint.id)
        if item.done_at is None
    ]
    return f"{name}, sprint {sprint.number} until {sprint.end.isoformat()}", learning


@dataclass
class PlanFacts:
    role: str
    quotas: dict[str, float] = field(default_factory=dict)
    current_sprint: int | None = None
    gaps: list[GapRow] = field(default_factory=list)
    causes: dict[str, str] = field(default_factory=dict)
    next_start: date | None = None
    earliest_start: date | None = None
    last_sprint: str = "the last sprint"


@dataclass
class NewPlanAnswers:
    expectations: ExpectationInput
    ratings: list[RatingInput]
    causes: list[CauseInput]
    goals: list[str]
    sprint: SprintInput


@dataclass
class AssessmentAnswers:
    ratings: list[RatingInput]
    causes: list[CauseInput]


@dataclass
class NextSprintAnswers:
    close: SprintClose | None
    sprint: SprintInput


def new_plan_facts(
    connection: Any, methodology: Methodology, rep: RepRow, today: date
) -> PlanFacts:
    """Refuses before the first question when the rep already has this year's plan."""
    refuse_second_plan(connection, rep, today.year)
    quotas = quotas_by_rep(connection, [rep.id]).get(rep.id, [])
    return PlanFacts(role=rep.role, quotas={quota.period: quota.amount for quota in quotas})


def assessment_facts(
    connection: Any, methodology: Methodology, rep: RepRow, today: date
) -> PlanFacts:
    return PlanFacts(role=rep.role)


def sprint_facts(connection: Any, methodology: Methodology, rep: RepRow, today: date) -> PlanFacts:
    plan = current_plan(connection, rep)
    current = open_sprint_of(connection, plan)
    sprints = queries.sprints_of(connection, plan.id)
    assessment = latest_assessment(connection, methodology, rep)
    gaps = assessment.gaps if assessment else []
    return PlanFacts(
        role=rep.role,
        current_sprint=current.number if current else None,
        gaps=gaps,
        causes={row.competency: row.root_cause for row in gaps if row.root_cause},
        next_start=next_sprint_start(connection, plan, today),
        earliest_start=day_after(sprints[-1]) if sprints else None,
        last_sprint=sprint_label(sprints[-1]) if sprints else "the last sprint",
    )


def save_new_plan(
    session: Session, methodology: Methodology, rep: Rep, given: NewPlanAnswers, now: datetime
) -> QuotaUpdate | None:
    """Save the whole wizard; the quota change it made, if any, is returned to be told."""
    changed = set_expectations(session, rep, given.expectations, now)
    record_assessment(session, methodology, rep, given.ratings, given.causes, now)
    create_plan(session, methodology, rep, given.goals, given.sprint, now)
    return changed


def save_assessment(
    session: Session, methodology: Methodology, rep: Rep, given: AssessmentAnswers, now: datetime
) -> None:
    record_assessment(session, methodology, rep, given.ratings, given.causes, now)


def save_next_sprint(
    session: Session, methodology: Methodology, rep: Rep, given: NextSprintAnswers, now: datetime
) -> None:
    close_and_open_sprint(session, methodology, rep, given.close, given.sprint, now)
