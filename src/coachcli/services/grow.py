"""GROW one-on-ones and consequence conversations: the pre-brief, carry-over, saving."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from coachcli.dates import local_day
from coachcli.db import coaching as queries
from coachcli.db.reps import RepRow
from coachcli.db.shared import driver
from coachcli.enums import ActionStatus, SessionKind
from coachcli.errors import Conflict, Invalid, NotFound
from coachcli.methodology_schema import Methodology
from coachcli.services import assessments, deals, plans
from coachcli.services.actions import (
    ActionInfo,
    NewAction,
    action_info,
    close_action,
    create_action,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from coachcli.models import CoachingSession, Rep

CARRY_DECISIONS = ("done", "keep", "drop")


class Brief(BaseModel):
    """What the manager should see before the first question. Frozen into the session."""

    rep: str
    role: str
    today: date
    cadence_days: int
    last_one_on_one: date | None
    days_since_last: int | None
    one_on_one_due: bool
    open_actions: list[ActionInfo]
    # Each section says there is nothing on record until plans, deals and activity exist.
    sprint_focus: str | None = None
    sprint_learning: list[str] = []
    top_gap: str | None = None
    deals_at_risk: list[str] = []
    activity_last_week: list[str] = []


@dataclass
class CarryDecision:
    action_id: int
    decision: str
    note: str | None = None


@dataclass
class GrowAnswers:
    kind: ClassVar[str] = SessionKind.one_on_one
    goal: str
    reality: str
    obstacles: list[str]
    options: list[str]
    actions: list[NewAction]
    support: str
    carry: list[CarryDecision] = field(default_factory=list)
    private_note: str | None = None

    def notes(self) -> dict:
        return {
            "goal": self.goal,
            "reality": self.reality,
            "obstacles": self.obstacles,
            "options": self.options,
        }

    def new_actions(self) -> list[NewAction]:
        return self.actions


@dataclass
class ConsequenceAnswers:
    kind: ClassVar[str] = SessionKind.consequence
    standard: str
    current_measure: str
    deadline: date
    if_missed: str
    support: str
    carry: list[CarryDecision] = field(default_factory=list)
    private_note: str | None = None

    def notes(self) -> dict:
        return {
            "standard": self.standard,
            "current_measure": self.current_measure,
            "deadline": self.deadline,
            "if_missed": self.if_missed,
        }

    def new_actions(self) -> list[NewAction]:
        return []


def build_brief(connection: Any, methodology: Methodology, rep: RepRow, today: date) -> Brief:
    last = queries.last_session(connection, rep.id, SessionKind.one_on_one)
    last_day = local_day(last.held_at) if last else None
    since = (today - last_day).days if last_day else None
    cadence = methodology.cadence.one_on_one_days
    role = methodology.roles.get(rep.role)
    focus, learning = plans.current_focus(connection, methodology, rep)
    return Brief(
        rep=rep.name,
        role=role.name if role else rep.role,
        today=today,
        cadence_days=cadence,
        last_one_on_one=last_day,
        days_since_last=since,
        one_on_one_due=since is None or since >= cadence,
        open_actions=[
            action_info(a, rep.name, today) for a in queries.open_actions(connection, rep.id)
        ],
        sprint_focus=focus,
        sprint_learning=learning,
        top_gap=assessments.largest_gap(connection, methodology, rep),
        deals_at_risk=deals.deals_at_risk(connection, methodology, rep.id, today),
    )


def parse_carry(text: str) -> CarryDecision:
    """Read ID=done|keep|drop, optionally followed by ':note'."""
    head, _, note = str(text).partition(":")
    match = re.fullmatch(r"\s*#?(\d{1,18})\s*=\s*(\w+)\s*", head, re.ASCII)
    if not match or match[2].lower() not in CARRY_DECISIONS:
        # Only the part before ':' is echoed: what follows is a note about a person.
        raise Invalid(f"--carry {head!r} must look like 12=done, 12=keep or 12=drop:reason.")
    return CarryDecision(int(match[1]), match[2].lower(), note.strip() or None)


def check_carry(connection: Any, rep: RepRow | Rep, decisions: list[CarryDecision]) -> None:
    """Every decision names an open action of this rep (exit 1 otherwise)."""
    for decision in decisions:
        item = queries.action_by_id(connection, decision.action_id)
        if item is None:
            raise NotFound(f"--carry names action #{decision.action_id}, which does not exist.")
        if item.rep_id != rep.id:
            raise Conflict(
                f"Action #{item.id} belongs to {item.rep_name}, not {rep.name}; "
                f"carry it over in a session with {item.rep_name}."
            )
        if item.status != ActionStatus.open:
            raise Conflict(f"Action #{item.id} is already {item.status}.")


@dataclass(frozen=True)
class Timing:
    """When a conversation was held and how long it took; `seconds` is None when it was
    entered after the fact (scripted), where a duration would mean nothing."""

    held_at: datetime
    seconds: int | None = None


def save_session(
    session: Session,
    rep: Rep,
    answers: GrowAnswers | ConsequenceAnswers,
    brief: Brief,
    timing: Timing,
) -> int:
    from coachcli.models import CoachingSession

    record = CoachingSession(
        rep_id=rep.id,
        kind=answers.kind,
        held_at=timing.held_at,
        duration_seconds=timing.seconds,
        support=answers.support,
        private_note=answers.private_note,
        evidence=brief.model_dump(mode="json"),
        **answers.notes(),
    )
    return _save(session, rep, record, answers.carry, answers.new_actions())


def _save(
    session: Session,
    rep: Rep,
    record: CoachingSession,
    carry: list[CarryDecision],
    actions: list[NewAction],
) -> int:
    check_carry(driver(session), rep, carry)
    session.add(record)
    session.flush()
    for decision in carry:
        _apply_carry(session, decision, record)
    for action in actions:
        create_action(session, rep, action, record.held_at, record.id)
    return record.id


def _apply_carry(session: Session, decision: CarryDecision, record: CoachingSession) -> None:
    from coachcli.models import ActionItem

    item = session.get(ActionItem, decision.action_id)
    if decision.decision == "keep":
        if decision.note:
            item.note = decision.note
            session.add(item)
        return
    status = ActionStatus.done if decision.decision == "done" else ActionStatus.dropped
    close_action(session, item, status, record.held_at, decision.note, in_session=record.id)
