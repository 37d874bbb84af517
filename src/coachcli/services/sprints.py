"""Sprint rules: 6-8 weeks, one after the other, learning due inside the sprint.

A sprint may end sooner than planned but not run past the longest sprint, and a new
one may not start inside the one before (SPEC section 1, item 3).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coachcli.db import plans as queries
from coachcli.db.plans import PlanRow, SprintRow
from coachcli.errors import Conflict, Invalid
from coachcli.methodology_schema import (
    Methodology,
)


def check_start(start: date, earliest: date | None, inside: str = "the last sprint") -> date:
    if earliest is not None and start < earliest:
        raise Conflict(
            f"The new sprint would start {start.isoformat()}, inside {inside}.",
            hint=f"Start it on {earliest.isoformat()} or later, or end the current sprint "
            "sooner with `coach plan revise REP --sprint-end DATE --reason …`.",
        )
    return start


def day_after(sprint: SprintRow) -> date:
    return sprint.end + timedelta(days=1)


def sprint_label(sprint: SprintRow) -> str:
    return f"sprint {sprint.number} ({sprint.start.isoformat()} to {sprint.end.isoformat()})"


def sprint_end(start: date, weeks: int) -> date:
    return start + timedelta(weeks=weeks, days=-1)


def check_due_in_sprint(due: date, start: date, end: date) -> date:
    if not start <= due <= end:
        raise Invalid(
            f"Due {due.isoformat()} is outside the sprint "
            f"({start.isoformat()} to {end.isoformat()})."
        )
    return due


def open_sprint_of(connection: Any, plan: PlanRow) -> SprintRow | None:
    return next(
        (s for s in reversed(queries.sprints_of(connection, plan.id)) if s.closed_at is None), None
    )


def next_sprint_start(connection: Any, plan: PlanRow, today: date) -> date:
    """Sprints run back to back: the day after the last one ends, or today if that is later."""
    sprints = queries.sprints_of(connection, plan.id)
    after_last = day_after(sprints[-1]) if sprints else today
    return max(after_last, today)


def check_new_end(connection: Any, methodology: Methodology, sprint: SprintRow, end: date) -> None:
    """A sprint may end sooner than planned, but not run past the longest sprint, and not
    leave its learning due after it."""
    latest = sprint_end(sprint.start, methodology.cadence.sprint_max_weeks)
    if end > latest:
        raise Invalid(
            f"A sprint lasts at most {methodology.cadence.sprint_max_weeks} weeks: "
            f"end it by {latest.isoformat()}.",
            hint="Open the next sprint with `coach plan sprint` for what comes after.",
        )
    late = [item for item in queries.learning_of_sprint(connection, sprint.id) if item.due > end]
    if late:
        titles = "; ".join(f"#{item.id} {item.title} (due {item.due})" for item in late)
        raise Invalid(
            f"Learning of this sprint is due after {end.isoformat()}: {titles}.",
            hint="Mark it done (`coach learning done ID`) or choose a later --sprint-end.",
        )
