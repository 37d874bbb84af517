"""What a manager types into a development plan, read and checked: ratings, causes,
counts, percentages, sprint lengths and starts, learning as `TITLE | DUE`, goals.

Pure: no database. The wizard (interview/plan.py) and the flags use the same parsers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coachcli.dates import Period, parse_date, quarter_of
from coachcli.enums import SprintOutcome
from coachcli.errors import Invalid
from coachcli.methodology_schema import (
    ROOT_CAUSES,
    Cadence,
    LearningSuggestion,
    Methodology,
    find_key,
)
from coachcli.services.fields import clean_text, split_dated
from coachcli.services.sprints import check_due_in_sprint, check_start

SOURCES = ("call plan", "deal documents", "observation", "report")


OUTCOMES = tuple(outcome.value for outcome in SprintOutcome)


MAX_GOALS = 3


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


def check_goals(goals: list[str]) -> list[str]:
    if not 1 <= len(goals) <= MAX_GOALS:
        raise Invalid(f"A plan has one to {MAX_GOALS} annual goals, not {len(goals)}.")
    return [clean_text(goal, "goal") for goal in goals]
