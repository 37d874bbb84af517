"""The GROW one-on-one and the consequence conversation, question by question."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from coachcli.clock import Stopwatch
from coachcli.dates import parse_date
from coachcli.errors import Invalid
from coachcli.interview.asker import Asker, Choice, Question
from coachcli.methodology_schema import GrowQuestions
from coachcli.services.actions import ActionInfo, NewAction, parse_action
from coachcli.services.grow import (
    Brief,
    CarryDecision,
    ConsequenceAnswers,
    GrowAnswers,
    parse_carry,
)
from coachcli.words import counted

CARRY_CHOICES = [
    Choice("done", "Done"),
    Choice("keep", "Keep open: carry it to the next one-on-one"),
    Choice("drop", "Drop: no longer needed"),
]
SUGGESTIONS_SHOWN = 3


class Budget:
    """Elapsed time against the conversation's budget (15 minutes), for the stage headers."""

    def __init__(self, budget_minutes: int, stopwatch: Stopwatch):
        self.stopwatch = stopwatch
        self.budget = budget_minutes * 60

    def label(self) -> str:
        elapsed = self.stopwatch.elapsed()
        text = f"{_mmss(elapsed)} of {_mmss(self.budget)}"
        return text if elapsed <= self.budget else f"{text}, {_mmss(elapsed - self.budget)} over"


def _mmss(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def stage(asker: Asker, clock: Budget, title: str, suggestions: Sequence[str] = ()) -> None:
    asker.say(f"\n── {title} · {clock.label()} ──")
    for suggestion in list(suggestions)[:SUGGESTIONS_SHOWN]:
        asker.say(f"   ask: {suggestion}")


def ask_carry_over(
    asker: Asker, open_actions: list[ActionInfo], clock: Budget
) -> list[CarryDecision]:
    """Walk every open action: done, keep or drop. Missing decisions keep it open."""
    if open_actions:
        stage(asker, clock, f"Carry-over: {counted(len(open_actions), 'open action')}")
    decisions = []
    for action in open_actions:
        late = f", {action.overdue_days} days overdue" if action.overdue_days else ""
        decision = asker.select(
            Question(
                f"carry_{action.id}",
                f"#{action.id} {action.what} ({action.who}, due {action.due.isoformat()}{late})",
                f"--carry {action.id}=done|keep|drop",
                default="keep",
            ),
            CARRY_CHOICES,
        )
        note = None
        if decision != "keep":
            note = asker.text(
                Question(
                    f"carry_note_{action.id}",
                    "Note (optional):",
                    f"--carry {action.id}={decision}:NOTE",
                    required=False,
                )
            )
        decisions.append(CarryDecision(action.id, decision, note))
    return decisions


def ask_grow(
    asker: Asker,
    brief: Brief,
    questions: GrowQuestions,
    today: date,
    clock: Budget,
    open_actions: list[ActionInfo],
) -> GrowAnswers:
    carry = ask_carry_over(asker, open_actions, clock)
    stage(asker, clock, "Goal", questions.goal)
    if brief.sprint_focus:
        asker.say(f"   sprint focus: {brief.sprint_focus}")
    goal = asker.text(Question("goal", "Goal, the one objective for today:", "--goal"))
    stage(asker, clock, "Reality", questions.reality)
    reality = asker.text(Question("reality", "Reality, in the rep's words:", "--reality"))
    stage(asker, clock, "Obstacles", questions.obstacles)
    obstacles = asker.many(Question("obstacles", "Obstacle", "--obstacle"))
    stage(asker, clock, "Way forward", questions.way_forward)
    options = asker.many(Question("options", "Option", "--option"))
    asker.say("   actions: What | Who | When (Who is the rep, me, or a name)")
    actions = asker.many(
        Question(
            "actions",
            "Action",
            "--action",
            required=False,
            dump=NewAction.as_text,
            parse=partial(parse_action, rep_name=brief.rep, today=today),
            hint=f"e.g. Send ROI model | {brief.rep.split()[0]} | +3d",
        )
    )
    stage(asker, clock, "Close", questions.closing)
    recap(asker, actions, carry, open_actions)
    support = asker.text(Question("support", "Support you will give:", "--support"))
    private_note = asker.text(
        Question(
            "private_note",
            "Private note (only for you, optional):",
            "--private-note",
            required=False,
        )
    )
    return GrowAnswers(goal, reality, obstacles, options, actions, support, carry, private_note)


def recap(
    asker: Asker,
    actions: list[NewAction],
    carry: list[CarryDecision],
    open_actions: list[ActionInfo],
) -> None:
    kept = {d.action_id for d in carry if d.decision == "keep"}
    asker.say("Recap, read it back to the rep:")
    for action in actions:
        asker.say(f"   new   {action.what}: {action.who}, by {action.due.isoformat()}")
    for action in open_actions:
        if action.id in kept:
            asker.say(f"   open  {action.what}: {action.who}, by {action.due.isoformat()}")
    if not actions and not kept:
        asker.say("   no actions open after this session")


def ask_consequence(
    asker: Asker, questions: Sequence[str], today: date, clock: Budget
) -> ConsequenceAnswers:
    stage(asker, clock, "Consequence conversation (private)", questions)
    standard = asker.text(Question("standard", "Standard to meet:", "--standard"))
    current = asker.text(Question("current", "Current measure:", "--current"))
    deadline = asker.text(
        Question(
            "deadline",
            "Deadline:",
            "--deadline",
            parse=partial(_future_date, today=today),
            dump=date.isoformat,
        )
    )
    if_missed = asker.text(Question("if_missed", "Consequence if it is not met:", "--if-missed"))
    support = asker.text(Question("support", "Support offered:", "--support"))
    private_note = asker.text(
        Question("private_note", "Private note (optional):", "--private-note", required=False)
    )
    return ConsequenceAnswers(standard, current, deadline, if_missed, support, [], private_note)


def _future_date(text: str, today: date) -> date:
    day = parse_date(text, today)
    if day <= today:
        raise Invalid(f"The deadline {day.isoformat()} must be after today.")
    return day


def carry_answers(raw: Any) -> dict[str, str]:
    """--carry values (a list, or a mapping {12: done} in a file) as answers by question key."""
    if isinstance(raw, dict):
        raw = [f"{key}={value}" for key, value in raw.items()]
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    decisions = [parse_carry(item) for item in items]
    ids = [decision.action_id for decision in decisions]
    repeated = sorted({action_id for action_id in ids if ids.count(action_id) > 1})
    if repeated:
        raise Invalid(f"--carry decides action #{repeated[0]} more than once.")
    answers = {}
    for decision in decisions:
        answers[f"carry_{decision.action_id}"] = decision.decision
        if decision.note:
            answers[f"carry_note_{decision.action_id}"] = decision.note
    return answers


def carry_decisions(answers: dict[str, Any]) -> list[CarryDecision]:
    return [
        CarryDecision(int(key.removeprefix("carry_")), value)
        for key, value in answers.items()
        if key.startswith("carry_") and not key.startswith("carry_note_")
    ]
