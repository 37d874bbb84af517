"""Development plans: expectations, competency assessments and gaps, goals and sprints.

The method (SPEC section 1, items 1-3): set expectations, rate each competency,
gap = expected level for the role - rating, name a root cause for the largest
gaps, then work one focus competency at a time in 6-8 week sprints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session

from coachcli.dates import Period, as_local, parse_date, quarter_of
from coachcli.db import plans as queries
from coachcli.db.reps import quotas_by_rep
from coachcli.enums import SprintOutcome
from coachcli.errors import Conflict, Invalid, NotFound
from coachcli.methodology_schema import (
    ROOT_CAUSES,
    Cadence,
    LearningSuggestion,
    Methodology,
    find_key,
)
from coachcli.models import (
    Assessment,
    DevelopmentPlan,
    Expectation,
    PlanRevision,
    Rating,
    Rep,
    Sprint,
)
from coachcli.services.actions import ActionInfo, action_info
from coachcli.services.fields import clean_text, split_dated
from coachcli.services.learning import LearningInfo, add_learning, learning_info
from coachcli.services.team import set_quota

SOURCES = ("call plan", "deal documents", "observation", "report")
OUTCOMES = tuple(outcome.value for outcome in SprintOutcome)
TOP_GAPS = 3
MAX_GOALS = 3


# ---- what the manager gives -------------------------------------------------------------


@dataclass
class ExpectationInput:
    period: Period
    quota: float | None = None
    new_logos: int | None = None
    renewals: float | None = None
    expansion: float | None = None
    activity_targets: dict[str, int] = field(default_factory=dict)
    time_allocation: dict[str, int] = field(default_factory=dict)


@dataclass
class RatingInput:
    competency: str
    rating: int
    evidence: str | None = None
    source: str | None = None


@dataclass
class CauseInput:
    competency: str
    cause: str
    note: str | None = None


@dataclass
class LearningInput:
    title: str
    due: date
    competency: str | None = None
    kind: str | None = None

    def as_text(self) -> str:
        """The flag form, which parses back to the same activity."""
        return f"{self.title} | {self.due.isoformat()}"


@dataclass
class SprintInput:
    focus: str
    start: date
    end: date
    objectives: list[str]
    learning: list[LearningInput] = field(default_factory=list)


@dataclass
class SprintClose:
    outcome: str
    retro: str | None = None


# ---- what the manager sees --------------------------------------------------------------


class GapRow(BaseModel):
    competency: str
    name: str
    expected: int
    rating: int
    gap: int
    previous_rating: int | None = None
    # Rating now - rating at the previous assessment: positive means the rep improved.
    change: int | None = None
    evidence: str | None = None
    source: str | None = None
    root_cause: str | None = None
    cause_note: str | None = None


class AssessmentView(BaseModel):
    id: int
    rep: str
    role: str
    assessed_at: datetime
    previous_assessed_at: datetime | None
    gaps: list[GapRow]


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


# ---- parsing what was typed -------------------------------------------------------------


def competency_key(methodology: Methodology, text: str) -> str:
    """The competency slug for a slug or a name, in any case; unknown is exit 2."""
    found = find_key(methodology.competencies, text)
    if found is not None:
        return found
    raise Invalid(
        f"Unknown competency {str(text).strip()!r}.",
        hint=f"Competencies: {', '.join(methodology.competencies)}.",
    )


def parse_rating(text: str | int) -> int:
    raw = str(text).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 5:
        raise Invalid(f"A rating is a whole number from 1 to 5, not {raw!r}.")
    return int(raw)


def source_key(text: str) -> str:
    wanted = " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()
    if wanted not in SOURCES:
        raise Invalid(f"Evidence source must be one of: {', '.join(SOURCES)}; not {text!r}.")
    return wanted


def cause_key(text: str) -> str:
    wanted = str(text).strip().casefold()
    if wanted not in ROOT_CAUSES:
        raise Invalid(f"Root cause must be one of: {', '.join(ROOT_CAUSES)}; not {text!r}.")
    return wanted


def outcome_key(text: str) -> str:
    wanted = " ".join(str(text).split()).casefold().replace("not achieved", "not")
    if wanted not in OUTCOMES:
        raise Invalid(f"Sprint outcome must be one of: {', '.join(OUTCOMES)}; not {text!r}.")
    return wanted


def parse_count(text: str | int, what: str) -> int:
    raw = str(text).strip().replace(",", "")
    if not raw.isdigit() or len(raw) > 9:
        raise Invalid(f"The {what} must be a whole number of zero or more, not {str(text)!r}.")
    return int(raw)


def parse_percent(text: str | int, what: str) -> int:
    value = parse_count(str(text).strip().rstrip("%"), what)
    if value > 100:
        raise Invalid(f"The {what} is a percentage from 0 to 100, not {value}.")
    return value


def default_period(today: date) -> str:
    return quarter_of(today).label


def check_time_allocation(shares: dict[str, int]) -> dict[str, int]:
    total = sum(shares.values())
    if total != 100:
        raise Invalid(
            f"Time allocation totals {total}%, not 100%.",
            hint="Adjust the --time KEY=PERCENT values so that they add up to 100.",
        )
    return shares


def parse_weeks(text: str | int, cadence: Cadence) -> int:
    low, high = cadence.sprint_min_weeks, cadence.sprint_max_weeks
    raw = str(text).strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise Invalid(f"A sprint lasts {low} to {high} weeks, not {raw!r}.")
    return int(raw)


def parse_start(
    text: str, today: date, earliest: date | None = None, inside: str = "the last sprint"
) -> date:
    """A sprint's first day; it may not fall inside the sprint before it (exit 1)."""
    return check_start(parse_date(text, today), earliest, inside)


def check_start(start: date, earliest: date | None, inside: str = "the last sprint") -> date:
    if earliest is not None and start < earliest:
        raise Conflict(
            f"The new sprint would start {start.isoformat()}, inside {inside}.",
            hint=f"Start it on {earliest.isoformat()} or later, or end the current sprint "
            "sooner with `coach plan revise REP --sprint-end DATE --reason …`.",
        )
    return start


def _day_after(sprint: Sprint) -> date:
    return sprint.end + timedelta(days=1)


def sprint_label(sprint: Sprint) -> str:
    return f"sprint {sprint.number} ({sprint.start.isoformat()} to {sprint.end.isoformat()})"


def sprint_end(start: date, weeks: int) -> date:
    return start + timedelta(weeks=weeks, days=-1)


def parse_learning(
    text: str,
    start: date,
    end: date,
    today: date,
    suggestions: list[LearningSuggestion] = (),
) -> LearningInput:
    """Read "TITLE | DUE"; a number for TITLE picks that suggestion. DUE must be in the sprint."""
    title, when = split_dated(text, "a learning activity as TITLE | DUE", "Role-play | +2w")
    kind = None
    if title.isdigit() and 1 <= int(title) <= len(suggestions):
        picked = suggestions[int(title) - 1]
        title, kind = picked.title, picked.kind
    return LearningInput(
        clean_text(title, "title"), due_in_sprint(when, start, end, today), kind=kind
    )


def due_in_sprint(text: str, start: date, end: date, today: date) -> date:
    return check_due_in_sprint(parse_date(text, today), start, end)


def check_due_in_sprint(due: date, start: date, end: date) -> date:
    if not start <= due <= end:
        raise Invalid(
            f"Due {due.isoformat()} is outside the sprint "
            f"({start.isoformat()} to {end.isoformat()})."
        )
    return due


def check_goals(goals: list[str]) -> list[str]:
    if not 1 <= len(goals) <= MAX_GOALS:
        raise Invalid(f"A plan has one to {MAX_GOALS} annual goals, not {len(goals)}.")
    return [clean_text(goal, "goal") for goal in goals]


# ---- gaps ------------------------------------------------------------------------------


def build_gaps(
    methodology: Methodology, role: str, ratings: list[Rating], previous: list[Rating] = ()
) -> list[GapRow]:
    """One row per rated competency, largest gap first (ties in methodology order)."""
    before = {rating.competency: rating.rating for rating in previous}
    order = list(methodology.competencies)
    rows = [_gap_row(methodology, rating, before.get(rating.competency)) for rating in ratings]
    rank = {key: index for index, key in enumerate(order)}
    return sorted(rows, key=lambda row: (-row.gap, rank.get(row.competency, len(order))))


def _gap_row(methodology: Methodology, rating: Rating, previous: int | None) -> GapRow:
    competency = methodology.competencies.get(rating.competency)
    return GapRow(
        competency=rating.competency,
        name=competency.name if competency else rating.competency,
        expected=rating.expected,
        rating=rating.rating,
        gap=rating.expected - rating.rating,
        previous_rating=previous,
        change=None if previous is None else rating.rating - previous,
        evidence=rating.evidence,
        source=rating.source,
        root_cause=rating.root_cause,
        cause_note=rating.cause_note,
    )


def draft_gaps(methodology: Methodology, role: str, ratings: list[RatingInput]) -> list[GapRow]:
    """Gaps of ratings not yet saved, for the wizard to show before the root-cause step."""
    rows = [
        Rating(
            assessment_id=0,
            competency=item.competency,
            rating=item.rating,
            expected=expected_level(methodology, item.competency, role),
        )
        for item in ratings
    ]
    return build_gaps(methodology, role, rows)


def top_gaps(rows: list[GapRow], count: int = TOP_GAPS) -> list[GapRow]:
    return [row for row in rows if row.gap > 0][:count]


def expected_level(methodology: Methodology, competency: str, role: str) -> int:
    levels = methodology.competencies[competency].expected
    # A role the methodology no longer knows falls back to the most common level.
    return levels.get(role, sorted(levels.values())[len(levels) // 2])


def suggested_learning(
    methodology: Methodology, competency: str, cause: str | None
) -> list[LearningSuggestion]:
    """The methodology's learning ideas for the competency, those for the cause first."""
    ideas = list(methodology.competencies[competency].learning)
    return sorted(ideas, key=lambda idea: idea.cause != cause)


# ---- writing ---------------------------------------------------------------------------


def set_expectations(session: Session, rep: Rep, given: ExpectationInput, now: datetime) -> None:
    row = queries.expectation_for(session, rep.id, given.period.label) or Expectation(
        rep_id=rep.id,
        period=given.period.label,
        start=given.period.start,
        end=given.period.end,
        set_at=now,
    )
    row.quota, row.new_logos = given.quota, given.new_logos
    row.renewals, row.expansion = given.renewals, given.expansion
    row.activity_targets = dict(given.activity_targets)
    row.time_allocation = dict(check_time_allocation(given.time_allocation))
    row.set_at = now
    session.add(row)
    if given.quota is not None:
        set_quota(session, rep.id, given.quota, given.period)


def record_assessment(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    ratings: list[RatingInput],
    causes: list[CauseInput],
    now: datetime,
) -> Assessment:
    _check_ratings(methodology, ratings)
    assessment = Assessment(rep_id=rep.id, role=rep.role, assessed_at=now)
    session.add(assessment)
    session.flush()
    by_competency = {cause.competency: cause for cause in causes}
    for item in ratings:
        cause = by_competency.get(item.competency)
        session.add(
            Rating(
                assessment_id=assessment.id,
                competency=item.competency,
                rating=parse_rating(item.rating),
                expected=expected_level(methodology, item.competency, rep.role),
                evidence=item.evidence,
                source=item.source,
                root_cause=cause.cause if cause else None,
                cause_note=cause.note if cause else None,
            )
        )
    session.flush()
    return assessment


def _check_ratings(methodology: Methodology, ratings: list[RatingInput]) -> None:
    keys = [competency_key(methodology, item.competency) for item in ratings]
    if not keys:
        raise Invalid("An assessment rates at least one competency (--rate KEY=1..5).")
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise Invalid(f"Competency {repeated[0]!r} is rated more than once.")


def create_plan(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    goals: list[str],
    first: SprintInput,
    now: datetime,
) -> DevelopmentPlan:
    year = first.start.year
    refuse_second_plan(session, rep, year)
    plan = DevelopmentPlan(rep_id=rep.id, year=year, goals=check_goals(goals), created_at=now)
    session.add(plan)
    session.flush()
    _add_sprint(session, methodology, rep, plan, first, number=1, now=now)
    return plan


def refuse_second_plan(session: Session, rep: Rep, year: int) -> None:
    """One plan a year, and none while the last one still has a sprint open."""
    existing = queries.latest_plan(session, rep.id)
    if existing is None:
        return
    if existing.year >= year:
        raise Conflict(
            f"{rep.name} already has a {existing.year} development plan.",
            hint="See it with `coach plan show`; change it with `coach plan assess`, "
            "`coach plan sprint` or `coach plan revise`.",
        )
    if open_sprint_of(session, existing) is not None:
        raise Conflict(
            f"{rep.name}'s {existing.year} plan still has an open sprint.",
            hint="Close it first with `coach plan sprint` (or shorten it with `plan revise`).",
        )


def _add_sprint(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    plan: DevelopmentPlan,
    given: SprintInput,
    number: int,
    now: datetime,
) -> Sprint:
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


def current_plan(session: Session, rep: Rep) -> DevelopmentPlan:
    plan = queries.latest_plan(session, rep.id)
    if plan is None:
        raise NotFound(
            f"{rep.name} has no development plan yet.",
            hint=f"Build one with `coach plan {rep.name.split()[0]}`.",
        )
    return plan


def open_sprint_of(session: Session, plan: DevelopmentPlan) -> Sprint | None:
    return next(
        (s for s in reversed(queries.sprints_of(session, plan.id)) if s.closed_at is None), None
    )


def next_sprint_start(session: Session, plan: DevelopmentPlan, today: date) -> date:
    """Sprints run back to back: the day after the last one ends, or today if that is later."""
    sprints = queries.sprints_of(session, plan.id)
    after_last = _day_after(sprints[-1]) if sprints else today
    return max(after_last, today)


def close_and_open_sprint(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    close: SprintClose | None,
    given: SprintInput,
    now: datetime,
) -> Sprint:
    plan = current_plan(session, rep)
    current = open_sprint_of(session, plan)
    sprints = queries.sprints_of(session, plan.id)
    last = current or (sprints[-1] if sprints else None)
    if last is not None:
        check_start(given.start, _day_after(last), sprint_label(last))
    if current is not None:
        if close is None:
            raise Invalid(
                "Close the current sprint first: give its --outcome (achieved, partly, not)."
            )
        current.outcome, current.retro, current.closed_at = close.outcome, close.retro, now
        session.add(current)
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
    plan = current_plan(session, rep)
    sprint = open_sprint_of(session, plan)
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


def _check_new_end(session: Session, methodology: Methodology, sprint: Sprint, end: date) -> None:
    """A sprint may end sooner than planned, but not run past the longest sprint, and not
    leave its learning due after it."""
    latest = sprint_end(sprint.start, methodology.cadence.sprint_max_weeks)
    if end > latest:
        raise Invalid(
            f"A sprint lasts at most {methodology.cadence.sprint_max_weeks} weeks: "
            f"end it by {latest.isoformat()}.",
            hint="Open the next sprint with `coach plan sprint` for what comes after.",
        )
    late = [item for item in queries.learning_of_sprint(session, sprint.id) if item.due > end]
    if late:
        titles = "; ".join(f"#{item.id} {item.title} (due {item.due})" for item in late)
        raise Invalid(
            f"Learning of this sprint is due after {end.isoformat()}: {titles}.",
            hint="Mark it done (`coach learning done ID`) or choose a later --sprint-end.",
        )


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
        _check_new_end(session, methodology, sprint, end)
        recorded["sprint_end"] = {"from": sprint.end.isoformat(), "to": end.isoformat()}
        sprint.end = end
    session.add(sprint)
    return recorded


# ---- reading ---------------------------------------------------------------------------


def latest_assessment(
    session: Session, methodology: Methodology, rep: Rep
) -> AssessmentView | None:
    found = queries.assessments(session, rep.id)
    if not found:
        return None
    latest, previous = found[0], (found[1] if len(found) > 1 else None)
    earlier = queries.ratings_of(session, previous.id) if previous else []
    return AssessmentView(
        id=latest.id,
        rep=rep.name,
        role=_role_name(methodology, latest.role),
        assessed_at=as_local(latest.assessed_at),
        previous_assessed_at=as_local(previous.assessed_at) if previous else None,
        gaps=build_gaps(methodology, latest.role, queries.ratings_of(session, latest.id), earlier),
    )


def plan_view(session: Session, methodology: Methodology, rep: Rep, today: date) -> PlanView:
    plan = queries.latest_plan(session, rep.id)
    assessment = latest_assessment(session, methodology, rep)
    if plan is None and assessment is None:
        raise NotFound(
            f"{rep.name} has no development plan or assessment yet.",
            hint=f"Build one with `coach plan {rep.name.split()[0]}`.",
        )
    sprints = [_sprint_view(session, methodology, rep, s, today) for s in _sprints(session, plan)]
    current = next((s for s in reversed(sprints) if not s.closed), None)
    expectation = queries.latest_expectation(session, rep.id, today)
    return PlanView(
        rep=rep.name,
        role=_role_name(methodology, rep.role),
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
            for item, _ in queries.learning(session, rep.id)
        ],
        revisions=[
            RevisionView(revised_at=as_local(r.revised_at), reason=r.reason, changes=r.changes)
            for r in (queries.revisions_of(session, plan.id) if plan else [])
        ],
    )


def _sprints(session: Session, plan: DevelopmentPlan | None) -> list[Sprint]:
    return queries.sprints_of(session, plan.id) if plan else []


def _sprint_view(
    session: Session, methodology: Methodology, rep: Rep, sprint: Sprint, today: date
) -> SprintView:
    learning = queries.learning_of_sprint(session, sprint.id)
    actions = queries.actions_due_between(session, rep.id, sprint.start, sprint.end)
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


def _role_name(methodology: Methodology, role: str) -> str:
    found = methodology.roles.get(role)
    return found.name if found else role


def current_focus(
    session: Session, methodology: Methodology, rep: Rep
) -> tuple[str | None, list[str]]:
    """The open sprint's focus and its open learning, for the one-on-one pre-brief."""
    plan = queries.latest_plan(session, rep.id)
    sprint = open_sprint_of(session, plan) if plan else None
    if sprint is None:
        return None, []
    competency = methodology.competencies.get(sprint.focus)
    name = competency.name if competency else sprint.focus
    learning = [
        f"{item.title} (due {item.due.isoformat()})"
        for item in queries.learning_of_sprint(session, sprint.id)
        if item.done_at is None
    ]
    return f"{name}, sprint {sprint.number} until {sprint.end.isoformat()}", learning


def largest_gap(session: Session, methodology: Methodology, rep: Rep) -> str | None:
    assessment = latest_assessment(session, methodology, rep)
    gaps = top_gaps(assessment.gaps, 1) if assessment else []
    if not gaps:
        return None
    row = gaps[0]
    return f"{row.name}: rated {row.rating}, expected {row.expected} (gap {row.gap})"


# ---- what each wizard needs before it asks, and how it saves -------------------------------


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


def new_plan_facts(session: Session, methodology: Methodology, rep: Rep, today: date) -> PlanFacts:
    """Refuses before the first question when the rep already has this year's plan."""
    refuse_second_plan(session, rep, today.year)
    quotas = quotas_by_rep(session, [rep.id]).get(rep.id, [])
    return PlanFacts(role=rep.role, quotas={quota.period: quota.amount for quota in quotas})


def assessment_facts(
    session: Session, methodology: Methodology, rep: Rep, today: date
) -> PlanFacts:
    return PlanFacts(role=rep.role)


def sprint_facts(session: Session, methodology: Methodology, rep: Rep, today: date) -> PlanFacts:
    plan = current_plan(session, rep)
    current = open_sprint_of(session, plan)
    sprints = queries.sprints_of(session, plan.id)
    assessment = latest_assessment(session, methodology, rep)
    gaps = assessment.gaps if assessment else []
    return PlanFacts(
        role=rep.role,
        current_sprint=current.number if current else None,
        gaps=gaps,
        causes={row.competency: row.root_cause for row in gaps if row.root_cause},
        next_start=next_sprint_start(session, plan, today),
        earliest_start=_day_after(sprints[-1]) if sprints else None,
        last_sprint=sprint_label(sprints[-1]) if sprints else "the last sprint",
    )


def save_new_plan(
    session: Session, methodology: Methodology, rep: Rep, given: NewPlanAnswers, now: datetime
) -> None:
    set_expectations(session, rep, given.expectations, now)
    record_assessment(session, methodology, rep, given.ratings, given.causes, now)
    create_plan(session, methodology, rep, given.goals, given.sprint, now)


def save_assessment(
    session: Session, methodology: Methodology, rep: Rep, given: AssessmentAnswers, now: datetime
) -> None:
    record_assessment(session, methodology, rep, given.ratings, given.causes, now)


def save_next_sprint(
    session: Session, methodology: Methodology, rep: Rep, given: NextSprintAnswers, now: datetime
) -> None:
    close_and_open_sprint(session, methodology, rep, given.close, given.sprint, now)
