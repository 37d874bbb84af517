"""The team of the five-year workspace: 25 reps, their quarterly quotas, and five years
of development plans (assessments, expectations, sprints, learning, revisions).

These are a few thousand rows, so they go through coach's own services in one ORM
transaction: the rows are exactly what the commands write (keys, expected levels,
quota history, sprint rules), at a cost of seconds. The bulk (sessions, actions,
deals) is written row by row elsewhere.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from coachcli.clock import Clock
from coachcli.dates import parse_period, quarter_of
from coachcli.db import plans as plan_queries
from coachcli.db.shared import driver
from coachcli.methodology_schema import Methodology
from coachcli.models import Rep, Sprint
from coachcli.services import assessments, learning, plans, team
from coachcli.services.plan_answers import (
    CauseInput,
    ExpectationInput,
    LearningInput,
    RatingInput,
    SprintClose,
    SprintInput,
)
from coachcli.services.sprints import sprint_end

# name, role: accents and a particle, so that name keys and matching are exercised.
TEAM = [
    ("Ana Souza", "ae"),
    ("Ben Carter", "senior_ae"),
    ("Chloe Martin", "ae"),
    ("Dev Patel", "sdr"),
    ("Elena Rossi", "kam"),
    ("Farid Haddad", "ae"),
    ("Gabriela Núñez", "ae"),
    ("Hiroshi Tanaka", "senior_ae"),
    ("Ingrid Johansson", "ae"),
    ("Jamal Okafor", "ae"),
    ("Katarzyna Wójcik", "kam"),
    ("Liam O'Brien", "sdr"),
    ("Maya Cohen", "ae"),
    ("Nils van der Berg", "senior_ae"),
    ("Olivia Brown", "ae"),
    ("Pedro Álvarez", "ae"),
    ("Quinn Murphy", "sdr"),
    ("Rosa Delgado", "ae"),
    ("Sven Lindqvist", "senior_ae"),
    ("Tanvi Rao", "ae"),
    ("Ugo Bianchi", "kam"),
    ("Vera Novak", "ae"),
    ("Will Turner", "senior_ae"),
    ("Xin Li", "ae"),
    ("Zoë Dupont", "ae"),
]
QUARTERLY_QUOTA = {"sdr": 60_000, "ae": 220_000, "senior_ae": 380_000, "kam": 480_000}
GOALS = [
    "Every commit deal qualified and on a written close plan",
    "Lead discovery that finds the cost of the problem before any demo",
    "Build a pipeline of three times the quarter's quota, half of it new logos",
    "Run negotiations that protect price: no discount without a trade",
    "Plan the top five accounts with their buying committees mapped",
]
OUTCOMES = ["achieved", "achieved", "partly", "not"]
RETROS = [
    "Kept the habit every week",
    "Good start, slipped in the busy month",
    "Needs another sprint with joint calls",
    "Clear progress on the calls I joined",
]


@dataclass
class SprintSpan:
    """What a one-on-one's pre-brief said about the sprint of its day."""

    start: date
    end: date
    number: int
    focus: str


@dataclass
class TeamRep:
    id: int
    name: str
    role: str
    sprints: list[SprintSpan] = field(default_factory=list)
    # (day, the largest gap as the pre-brief words it) of each assessment.
    gaps: list[tuple[date, str | None]] = field(default_factory=list)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def seed_team(session, methodology: Methodology, first: date, today: date, seed: int):
    """The reps with five years of quotas and plans; returns them as TeamRep."""
    rng = random.Random(f"{seed}-team")
    reps = [_add_rep(session, methodology, name, role, first, rng) for name, role in TEAM]
    for rep in reps:
        _quotas(session, rep, first, today, rng)
    for rep in reps:
        for year in range(first.year + 1, today.year + 1):
            _year_of_plans(session, methodology, rep, year, today, rng)
    return reps


def _add_rep(session, methodology, name: str, role: str, first: date, rng) -> TeamRep:
    start = first - timedelta(days=rng.randint(30, 2000))
    email = f"{name.split()[0].lower()}@example.com"
    info = team.add_rep(session, methodology, name, role, email, start, clock=Clock(at(first)))
    return TeamRep(info.id, info.name, role)


def _quotas(session, rep: TeamRep, first: date, today: date, rng: random.Random) -> None:
    """A quota for every quarter up to the next one, set before it starts; some are
    changed a few weeks in, so the quota history has changes too."""
    period = quarter_of(first)
    amount = QUARTERLY_QUOTA[rep.role]
    while period.start <= today + timedelta(days=92):
        amount = round(amount * rng.uniform(0.99, 1.04), -3)
        source = "team add" if period.start <= first else "team edit"
        team.set_quota(session, rep.id, amount, period, at(period.start - timedelta(10)), source)
        if rng.random() < 0.1 and period.start + timedelta(20) <= today:
            revised = round(amount * 0.95, -3)
            team.set_quota(
                session, rep.id, revised, period, at(period.start + timedelta(20)), "team edit"
            )
        period = quarter_of(period.end + timedelta(days=1))


def _year_of_plans(session, methodology, rep: TeamRep, year: int, today: date, rng) -> None:
    """January: assess, set expectations, plan with its first sprint; then sprints back
    to back, each closed with a retro; a mid-year assessment; sometimes a revision."""
    model = session.get(Rep, rep.id)
    focus, sprint = _new_plan(session, methodology, rep, model, year, rng)
    _note_sprint(session, methodology, rep, sprint, today, rng)
    for number in itertools.count(1):
        following = _sprint(methodology, focus[number % len(focus)], sprint.end + timedelta(1), rng)
        if following.start > today or following.end.year > year:
            break
        if following.start >= date(year, 7, 1) > sprint.start:
            _assess(session, methodology, rep, model, date(year, 7, 1), rng)
        close = SprintClose(rng.choice(OUTCOMES), rng.choice(RETROS))
        plans.close_and_open_sprint(session, methodology, model, close, following,
                                    at(following.start))  # fmt: skip
        _note_sprint(session, methodology, rep, following, today, rng)
        sprint = following
    if rng.random() < 0.3 and date(year, 5, 15) <= today:
        goals = {"goals": rng.sample(GOALS, rng.randint(1, 3))}
        reason = "Territory changed: new goals agreed"
        plans.revise_plan(session, methodology, model, reason, goals, today, at(date(year, 5, 15)))
    if sprint.end < today:
        _close_last_sprint(session, rep, sprint, rng)


def _new_plan(session, methodology, rep: TeamRep, model: Rep, year: int, rng):
    """The plan of `year` with its first sprint; returns the focus order and the sprint."""
    start = _first_monday(date(year, 1, 10))
    ratings = _assess(session, methodology, rep, model, start - timedelta(1), rng)
    plans.set_expectations(session, model, _expectations(methodology, year, rng), at(start))
    focus = _gap_order(methodology, rep.role, ratings)
    goals = rng.sample(GOALS, rng.randint(1, 3))
    first = _sprint(methodology, focus[0], start, rng)
    plans.create_plan(session, methodology, model, goals, first, at(start))
    return focus, first


def _first_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _assess(session, methodology, rep: TeamRep, model: Rep, day: date, rng) -> dict[str, int]:
    ratings = {}
    for key, competency in methodology.competencies.items():
        expected = competency.expected[rep.role]
        ratings[key] = max(1, min(5, expected - rng.choice([0, 0, 1, 1, 2, -1])))
    gaps = _gap_order(methodology, rep.role, ratings)[:3]
    causes = [
        CauseInput(key, rng.choice(["knowledge", "skill", "will", "environment"])) for key in gaps
    ]
    given = [RatingInput(key, value, source="observation") for key, value in ratings.items()]
    assessments.record_assessment(session, methodology, model, given, causes, at(day, 15))
    rep.gaps.append((day, assessments.largest_gap(driver(session), methodology, model)))
    return ratings


def _gap_order(methodology, role: str, ratings: dict[str, int]) -> list[str]:
    """Competencies, the largest gap first: the order sprint focuses are taken in."""
    gap = {key: methodology.competencies[key].expected[role] - ratings[key] for key in ratings}
    return sorted(ratings, key=lambda key: -gap[key])[:4]


def _expectations(methodology, year: int, rng: random.Random) -> ExpectationInput:
    return ExpectationInput(
        period=parse_period(str(year)),
        new_logos=rng.randint(4, 12),
        renewals=float(rng.randint(2, 8) * 50_000),
        expansion=float(rng.randint(1, 6) * 25_000),
        activity_targets={key: kind.weekly_target for key, kind in methodology.activities.items()},
        time_allocation={key: share.percent for key, share in methodology.time_allocation.items()},
    )


def _sprint(methodology, focus: str, start: date, rng: random.Random) -> SprintInput:
    end = sprint_end(start, methodology.cadence.sprint_weeks)
    ideas = methodology.competencies[focus].learning
    learning_items = [
        LearningInput(idea.title, start + timedelta(days=days), kind=idea.kind)
        for idea, days in zip(rng.sample(ideas, 2), (13, 34), strict=True)
    ]
    objective = f"Two observed calls a week show {methodology.competencies[focus].name}"
    return SprintInput(focus, start, end, [objective], learning_items)


def _note_sprint(session, methodology, rep: TeamRep, sprint: SprintInput, today, rng) -> None:
    """Learning due by today is mostly done, a few days either side of its due date."""
    name = methodology.competencies[sprint.focus].name
    opened = _open_sprint(session, rep.id)
    rep.sprints.append(SprintSpan(sprint.start, sprint.end, opened.number, name))
    for item in plan_queries.learning_of_sprint(driver(session), opened.id):
        done = item.due + timedelta(days=rng.randint(-6, 3))
        if done <= today - timedelta(1) and rng.random() < 0.85:
            learning.complete(session, methodology, item.id, None, today, at(done, 16))


def _open_sprint(session, rep_id: int) -> Sprint:
    """The rep's latest sprint, as a record of `session` that can be changed."""
    plan = plan_queries.latest_plan(driver(session), rep_id)
    return session.get(Sprint, plan_queries.sprints_of(driver(session), plan.id)[-1].id)


def _close_last_sprint(session, rep: TeamRep, sprint: SprintInput, rng) -> None:
    """The year's last sprint is closed at its end (there is no service that closes one
    without opening the next; these are the fields `plan sprint` sets)."""
    last = _open_sprint(session, rep.id)
    last.outcome, last.retro = rng.choice(OUTCOMES), rng.choice(RETROS)
    last.closed_at = at(sprint.end + timedelta(1))
    session.add(last)
