"""A realistic demo workspace in a folder of its own; never the user's data folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from coachcli.clock import Clock
from coachcli.config import DB_FILENAME, ensure_private_dir
from coachcli.dates import quarter_of
from coachcli.db.migrations import open_database
from coachcli.errors import Conflict
from coachcli.methodology_schema import Methodology
from coachcli.services import assessments, plan_answers, plans, sprints, team
from coachcli.services.demo_deals import seed_deals

MARKER = ".coach-demo"

# name, role, email, years on the team, quarterly quota
DEMO_TEAM = [
    ("Ana Souza", "AE", "ana.souza@example.com", 2.5, 250_000),
    ("Ben Carter", "Senior AE", "ben.carter@example.com", 5.0, 400_000),
    ("Chloe Martin", "AE", "chloe.martin@example.com", 1.2, 220_000),
    ("Dev Patel", "SDR", "dev.patel@example.com", 0.6, 60_000),
    ("Elena Rossi", "KAM", "elena.rossi@example.com", 7.0, 500_000),
    ("Farid Haddad", "AE", "farid.haddad@example.com", 0.3, 180_000),
]


@dataclass(frozen=True)
class DemoWorkspace:
    folder: Path
    database: Path
    reps: int


def build_demo(folder: Path, methodology: Methodology, clock: Clock) -> DemoWorkspace:
    """Create (or rebuild) the demo workspace in `folder` and seed it, as of the clock's day."""
    today = clock.today()
    folder = folder.expanduser().resolve()
    _claim_folder(folder)
    database_path = folder / DB_FILENAME
    for leftover in folder.glob(DB_FILENAME + "*"):
        leftover.unlink()
    database = open_database(f"sqlite:///{database_path}", clock)
    try:
        with database.session(write=True) as session:
            _seed_team(session, methodology, clock)
            _seed_coaching(session, methodology, today)
            _seed_plans(session, methodology, today)
            seed_deals(session, methodology, today)
    finally:
        database.close()
    return DemoWorkspace(folder, database_path, len(DEMO_TEAM))


def _claim_folder(folder: Path) -> None:
    """Use an empty or earlier demo folder; refuse anything else so no data is lost."""
    marker = folder / MARKER
    if folder.exists() and any(folder.iterdir()) and not marker.exists():
        raise Conflict(
            f"{folder} exists and is not a coach demo folder; the demo will not write there.",
            hint="Pick an empty or new folder with --dir.",
        )
    ensure_private_dir(folder)
    marker.write_text("This folder holds the coach demo workspace; `coach demo` rebuilds it.\n")
    marker.chmod(0o600)


def _seed_team(session, methodology: Methodology, clock: Clock) -> None:
    today = clock.today()
    this_quarter = quarter_of(today)
    last_quarter = quarter_of(this_quarter.start - timedelta(days=1))
    for name, role, email, years, quota in DEMO_TEAM:
        start = today - timedelta(days=round(years * 365))
        rep = team.add_rep(
            session, methodology, name, role, email, start, quota, this_quarter, clock=clock
        )
        team.set_quota(
            session, rep.id, round(quota * 0.95, -3), last_quarter, clock.now(), "team add"
        )


# rep, days ago, goal, reality, obstacles, options, support, actions (what, who, due in days)
DEMO_SESSIONS = [
    (
        "Ana Souza",
        8,
        "Get Globex to a signed close plan",
        "Champion is keen; procurement wants a third quote",
        ["No access to the CFO"],
        ["Ask the champion for a CFO intro", "Offer a pilot"],
        "I join the CFO call if she gets it",
        [
            ("Send the ROI model to Globex", "Ana Souza", -2),
            ("Ask champion for CFO intro", "Ana Souza", 3),
        ],
    ),
    (
        "Ben Carter",
        15,
        "Rebuild Q1 pipeline coverage",
        "Coverage is 1.8x against a 3x need; most deals are renewals",
        ["Too little new-logo prospecting time"],
        ["Block two prospecting mornings a week"],
        "I shield Tuesday and Thursday mornings from internal meetings",
        [
            ("Book 6 first meetings with new logos", "Ben Carter", -4),
            ("Share the top-20 target account list", "me", -1),
        ],
    ),
    (
        "Chloe Martin",
        5,
        "Sharpen discovery on mid-market deals",
        "Two demos last week went ahead without a confirmed pain",
        ["Jumps to the demo too early"],
        ["Use the discovery checklist before every demo"],
        "Joint call on Thursday, then a debrief",
        [("Run discovery checklist on the Initech call", "Chloe Martin", 4)],
    ),
]


def _seed_coaching(session, methodology: Methodology, today: date) -> None:
    from datetime import UTC, datetime, time

    from coachcli.db.shared import driver
    from coachcli.services import grow
    from coachcli.services.actions import NewAction

    for name, days_ago, goal, reality, obstacles, options, support, actions in DEMO_SESSIONS:
        rep = team.rep_to_change(session, name)
        held = datetime.combine(today - timedelta(days=days_ago), time(9, 30), tzinfo=UTC)
        day = today - timedelta(days=days_ago)
        brief = grow.build_brief(driver(session), methodology, rep, day)
        agreed = [
            NewAction(what, who if who == "me" else name.split()[0], today + timedelta(days=due))
            for what, who, due in actions
        ]
        answers = grow.GrowAnswers(goal, reality, obstacles, options, agreed, support)
        # Seeded history looks as if it was recorded when it happened, in 14 minutes.
        grow.save_session(session, rep, answers, brief, grow.Timing(held, 14 * 60))


# rep, sprint started days ago, ratings that differ from 3, earlier ratings, causes, goal,
# focus, objective, learning (title, due in days from the sprint start)
DEMO_PLANS = [
    (
        "Chloe Martin",
        37,
        {"discovery": 2, "qualification": 3, "closing": 2, "collaboration": 4},
        {"discovery": 1, "closing": 2},
        {"discovery": "skill", "closing": "knowledge", "value": "skill"},
        "Lead discovery that finds the cost of the problem before any demo",
        "discovery",
        "Three impact questions on every first call, checked on two joint calls",
        [("Role-play three discovery openings with a peer", 10), ("Joint call and debrief", 30)],
    ),
    (
        "Ana Souza",
        2,
        {"qualification": 2, "forecasting": 2, "value": 4},
        {},
        {"qualification": "knowledge", "forecasting": "will", "discovery": "skill"},
        "Every commit deal qualified and on a written close plan",
        "qualification",
        "Economic buyer named on every deal past discovery",
        [("Course on qualification frameworks", 14)],
    ),
]


def _seed_plans(session, methodology: Methodology, today: date) -> None:

    for name, days_ago, ratings, earlier, causes, goal, focus, objective, learning in DEMO_PLANS:
        rep = team.rep_to_change(session, name)
        start = today - timedelta(days=days_ago)
        if earlier:
            _assess(session, methodology, rep, {**ratings, **earlier}, {}, start - timedelta(180))
        _assess(session, methodology, rep, ratings, causes, start - timedelta(days=1))
        weeks = methodology.cadence.sprint_weeks
        sprint = plan_answers.SprintInput(
            focus,
            start,
            sprints.sprint_end(start, weeks),
            [objective],
            [plan_answers.LearningInput(t, start + timedelta(days=d)) for t, d in learning],
        )
        plans.create_plan(session, methodology, rep, [goal], sprint, _utc(start))


def _assess(session, methodology, rep, ratings: dict, causes: dict, day: date) -> None:

    given = [plan_answers.RatingInput(key, ratings.get(key, 3)) for key in methodology.competencies]
    reasons = [plan_answers.CauseInput(key, cause) for key, cause in causes.items()]
    assessments.record_assessment(session, methodology, rep, given, reasons, _utc(day))


def _utc(day: date):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(9), tzinfo=UTC)
