"""The development-plan wizard: expectations, assessment, root causes, goals, sprints.

Answers are keyed flat (rating_discovery, time_admin …) so that flags, answer files
and drafts meet in one dictionary; `plan_answers` turns the nested forms that
people write (`ratings: {discovery: 3}`, `--rate discovery=3`) into those keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import Any

from coachcli.errors import Invalid
from coachcli.interview.asker import Asker, Choice, Question, RefusedAnswer
from coachcli.methodology_schema import ROOT_CAUSES, LearningSuggestion, Methodology, find_key
from coachcli.money import parse_amount
from coachcli.services import assessments, plan_answers, sprints
from coachcli.services.assessments import GapRow
from coachcli.services.fields import clean_text
from coachcli.services.plan_answers import (
    CauseInput,
    ExpectationInput,
    LearningInput,
    RatingInput,
    SprintClose,
    SprintInput,
)
from coachcli.services.plans import AssessmentAnswers, NewPlanAnswers, NextSprintAnswers, PlanFacts
from coachcli.services.team import QUOTA_PERIODS, quota_period
from coachcli.words import counted

ShowGaps = Callable[[list[GapRow]], None]

# Answer-file keys that hold one value per competency, activity or time share.
NESTED = {
    "activities": "activity_",
    "time_allocation": "time_",
    "ratings": "rating_",
    "evidence": "evidence_",
    "sources": "source_",
    "causes": "cause_",
}
PLAIN = (
    "period",
    "quota",
    "new_logos",
    "renewals",
    "expansion",
    "goals",
    "focus",
    "weeks",
    "start",
    "objectives",
    "learning",
    "outcome",
    "retro",
)
ANSWER_KEYS = (*PLAIN, *NESTED)
ASSESSMENT_KEYS = ("ratings", "evidence", "sources", "causes")
SPRINT_KEYS = ("focus", "weeks", "start", "objectives", "learning")
# The answer-file keys each plan command asks.
WIZARD_KEYS = {
    "new": tuple(key for key in ANSWER_KEYS if key not in ("outcome", "retro")),
    "assess": ASSESSMENT_KEYS,
    "sprint": ("outcome", "retro", *SPRINT_KEYS),
}


# ---- flags and answer files into flat keys -------------------------------------------------


def pairs(values: Iterable[str] | None, flag: str) -> dict[str, str]:
    """KEY=VALUE flag values as a mapping; a repeated key is an error."""
    found: dict[str, str] = {}
    for value in values or []:
        key, equals, rest = str(value).partition("=")
        if not equals or not key.strip():
            raise Invalid(f"{flag} takes KEY=VALUE, e.g. {flag} discovery=3; not {value!r}.")
        if key.strip() in found:
            raise Invalid(f"{flag} gives {key.strip()!r} more than once.")
        found[key.strip()] = rest.strip()
    return found


def flat_answers(methodology: Methodology, given: dict[str, Any]) -> dict[str, Any]:
    """Flatten answers (from a file or from flags) into question keys, checking every name."""
    flat = {key: value for key, value in given.items() if key in PLAIN and value not in (None, [])}
    if "focus" in flat:
        flat["focus"] = plan_answers.competency_key(methodology, flat["focus"])
    if "outcome" in flat:
        flat["outcome"] = plan_answers.outcome_key(flat["outcome"])
    for key, prefix in NESTED.items():
        mapping = given.get(key) or {}
        if not isinstance(mapping, dict):
            raise Invalid(f"'{key}' must map names to answers, e.g. {key}: {{discovery: 3}}.")
        for name, value in mapping.items():
            flat.update(_nested_answer(methodology, key, prefix, str(name), value))
    return flat


LONG_FORMS = {"ratings": {"rating", "evidence", "source"}, "causes": {"cause", "note"}}


def _nested_answer(methodology: Methodology, key: str, prefix: str, name: str, value: Any) -> dict:
    slug = _slug(methodology, key, name)
    if isinstance(value, dict):
        unknown = sorted(set(map(str, value)) - LONG_FORMS.get(key, set()))
        if unknown:
            allowed = ", ".join(sorted(LONG_FORMS.get(key, ()))) or "a single value"
            raise Invalid(
                f"'{key}.{name}' has {counted(len(unknown), 'unknown key')}: "
                f"{', '.join(unknown)}; use {allowed}."
            )
    if key == "ratings" and isinstance(value, dict):
        parts = {"rating_": value.get("rating"), "evidence_": value.get("evidence")}
        parts["source_"] = value.get("source")
        return {p + slug: _checked(p, slug, v) for p, v in parts.items() if v is not None}
    if key == "causes":
        cause, note = _cause_parts(value)
        cause = _checked("cause_", slug, cause)
        return {f"cause_{slug}": cause, **({f"cause_note_{slug}": note} if note else {})}
    return {prefix + slug: _checked(prefix, slug, value)}


# Checked as soon as they are read, so that a bad value is reported before any question.
_CHECKS = {
    "rating_": plan_answers.parse_rating,
    "source_": plan_answers.source_key,
    "cause_": plan_answers.cause_key,
}


def _checked(prefix: str, slug: str, value: Any) -> Any:
    check = _CHECKS.get(prefix)
    if check is None or value is None:
        return value
    try:
        return check(value)
    except Invalid as problem:
        raise Invalid(f"{slug}: {problem.message}", hint=problem.hint) from None


def _cause_parts(value: Any) -> tuple[Any, Any]:
    if isinstance(value, dict):
        return value.get("cause"), value.get("note")
    cause, _, note = str(value).partition(":")
    return cause.strip(), note.strip() or None


def _slug(methodology: Methodology, key: str, name: str) -> str:
    if key == "activities":
        return _known_slug(name, methodology.activities, "activity type")
    if key == "time_allocation":
        return _known_slug(name, methodology.time_allocation, "time allocation")
    return plan_answers.competency_key(methodology, name)


def _known_slug(name: str, table: dict, what: str) -> str:
    found = find_key(table, name)
    if found is None:
        raise Invalid(f"Unknown {what} {name.strip()!r}.", hint=f"Known: {', '.join(table)}.")
    return found


# ---- expectations ---------------------------------------------------------------------------


def ask_expectations(
    asker: Asker, methodology: Methodology, today: date, quotas: dict[str, float]
) -> ExpectationInput:
    """`quotas`: the rep's quota per period label, offered as the default for that period."""
    asker.say("\n── Expectations ──")
    period = asker.text(
        Question(
            "period",
            "Period these expectations cover:",
            "--period",
            default=plan_answers.default_period(today),
            parse=quota_period,
            dump=lambda p: p.label,
            hint=QUOTA_PERIODS,
        )
    )
    given = ExpectationInput(period=period)
    given.quota = _optional_amount(asker, "quota", "Revenue quota", quotas.get(period.label))
    given.new_logos = asker.text(
        Question(
            "new_logos",
            "New logos (new customers) to win, optional:",
            "--new-logos",
            required=False,
            parse=partial(plan_answers.parse_count, what="number of new logos"),
        )
    )
    given.renewals = _optional_amount(asker, "renewals", "Renewal value to keep")
    given.expansion = _optional_amount(asker, "expansion", "Expansion value to add")
    given.activity_targets = ask_activity_levels(asker, methodology)
    given.time_allocation = ask_time_allocation(asker, methodology)
    return given


def _optional_amount(
    asker: Asker, key: str, label: str, default: float | None = None
) -> float | None:
    return asker.text(
        Question(
            key,
            f"{label}, optional:",
            f"--{key.replace('_', '-')}",
            default=None if default is None else f"{default:g}",
            required=False,
            parse=partial(parse_amount, what=label.lower()),
        )
    )


def ask_activity_levels(asker: Asker, methodology: Methodology) -> dict[str, int]:
    asker.say("   agreed weekly activity levels (Enter keeps the methodology's default)")
    levels = {}
    for slug, activity in methodology.activities.items():
        levels[slug] = asker.text(
            Question(
                f"activity_{slug}",
                f"{activity.name} per week:",
                f"--activity {slug}=N",
                file_form=f"activities: {{{slug}: N}}",
                default=str(activity.weekly_target),
                parse=partial(plan_answers.parse_count, what=f"weekly {activity.unit}"),
            )
        )
    return levels


def ask_time_allocation(asker: Asker, methodology: Methodology) -> dict[str, int]:
    """Percent of time per share; asked again on a terminal until it totals 100."""
    keys = [f"time_{slug}" for slug in methodology.time_allocation]
    asker.say("   time allocation in percent, totalling 100")

    def ask_shares() -> dict[str, int]:
        return {
            slug: asker.text(
                Question(
                    f"time_{slug}",
                    f"{share.name} (% of time):",
                    f"--time {slug}=PERCENT",
                    file_form=f"time_allocation: {{{slug}: PERCENT}}",
                    default=str(share.percent),
                    parse=partial(plan_answers.parse_percent, what=f"share for {share.name}"),
                )
            )
            for slug, share in methodology.time_allocation.items()
        }

    return asked_until_valid(asker, keys, ask_shares, plan_answers.check_time_allocation)


def asked_until_valid(asker: Asker, keys: list[str], ask: Callable, check: Callable) -> Any:
    """Answers checked together (a total, a count): on a terminal a failed check asks them
    all again; scripted, or when every one of them was given beforehand, it is the error
    (and the runner's check reports it before the first question)."""
    while True:
        try:
            return check(ask())
        except Invalid as problem:
            if all(key in asker.known for key in keys):
                raise RefusedAnswer(problem) from None
            if not asker.interactive:
                raise
            asker.say(f"   {problem.message} Please answer again.")
            asker.forget(keys)


# ---- assessment and root causes -------------------------------------------------------------


def ask_assessment(asker: Asker, methodology: Methodology, role: str) -> list[RatingInput]:
    asker.say("\n── Assessment: rate what you have seen, 1 to 5 ──")
    ratings = []
    for slug, competency in methodology.competencies.items():
        expected = assessments.expected_level(methodology, slug, role)
        asker.say(f"\n{competency.name} (expected for the role: {expected})")
        levels = [
            Choice(str(level), f"{level}  {behaviour}")
            for level, behaviour in enumerate(competency.behaviours, start=1)
        ]
        rating = asker.select(
            Question(
                f"rating_{slug}",
                "Level seen:",
                f"--rate {slug}=1..5",
                file_form=f"ratings: {{{slug}: 1..5}}",
            ),
            levels,
        )
        evidence = asker.text(
            Question(
                f"evidence_{slug}",
                "Evidence (what you saw or heard, optional):",
                f"--evidence {slug}=TEXT",
                required=False,
            )
        )
        source = None
        if evidence or asker.has_answer(f"source_{slug}"):
            source = asker.select(
                Question(f"source_{slug}", "Source:", f"--source {slug}=SOURCE", "observation"),
                [Choice(s, s) for s in plan_answers.SOURCES],
            )
        ratings.append(RatingInput(slug, plan_answers.parse_rating(rating), evidence, source))
    return ratings


def ask_causes(asker: Asker, methodology: Methodology, gaps: list[GapRow]) -> list[CauseInput]:
    """A root cause for each of the largest gaps, with the learning it suggests.

    Causes given for other competencies (flags, answer files) are kept as well."""
    top = assessments.top_gaps(gaps)
    top += [row for row in gaps if row not in top and asker.has_answer(f"cause_{row.competency}")]
    if top:
        asker.say("\n── Root causes of the largest gaps ──")
    choices = [
        Choice(key, f"{info.name}: {info.description}")
        for key, info in methodology.root_causes.items()
        if key in ROOT_CAUSES
    ]
    causes = []
    for row in top:
        cause = asker.select(
            Question(
                f"cause_{row.competency}",
                f"Why the gap in {row.name} (gap {row.gap})?",
                f"--cause {row.competency}=CAUSE",
                file_form=f"causes: {{{row.competency}: CAUSE}}",
                general="--cause KEY=CAUSE for each of the three largest gaps",
            ),
            choices,
        )
        note = asker.text(
            Question(
                f"cause_note_{row.competency}",
                "Note (optional):",
                f"--cause {row.competency}={cause}:NOTE",
                required=False,
            )
        )
        causes.append(CauseInput(row.competency, cause, note))
        _say_suggestions(asker, methodology, row.competency, cause, "   learning ideas:")
    return causes


def _say_suggestions(
    asker: Asker, methodology: Methodology, competency: str, cause: str | None, heading: str
) -> list[LearningSuggestion]:
    """The methodology's learning ideas, numbered so that a number can pick one."""
    ideas = assessments.suggested_learning(methodology, competency, cause)
    asker.say(heading)
    for number, idea in enumerate(ideas, start=1):
        asker.say(f"   {number}. {idea.title} ({idea.kind}, {idea.cause})")
    return ideas


# ---- goals and sprints ----------------------------------------------------------------------


def ask_goals(asker: Asker) -> list[str]:
    asker.say("\n── Annual goals (one to three) ──")
    parse = partial(clean_text, what="goal")
    question = Question("goals", "Goal for the year", "--goal", parse=parse)
    return asked_until_valid(
        asker, ["goals"], lambda: asker.many(question), plan_answers.check_goals
    )


def ask_sprint(
    asker: Asker,
    methodology: Methodology,
    gaps: list[GapRow],
    causes: dict[str, str],
    start_default: date,
    today: date,
    earliest: date | None = None,
    inside: str = "the last sprint",
) -> SprintInput:
    asker.say("\n── Sprint: one focus, measurable objectives, learning ──")
    focus = asker.select(
        Question("focus", "Focus competency:", "--focus", default=_default_focus(gaps)),
        _focus_choices(methodology, gaps),
    )
    focus = plan_answers.competency_key(methodology, focus)
    cadence = methodology.cadence
    weeks = asker.text(
        Question(
            "weeks",
            f"Length in weeks ({cadence.sprint_min_weeks}-{cadence.sprint_max_weeks}):",
            "--weeks",
            default=str(cadence.sprint_weeks),
            parse=partial(plan_answers.parse_weeks, cadence=cadence),
        )
    )
    start = asker.text(
        Question(
            "start",
            "Starts on:",
            "--start",
            default=start_default.isoformat(),
            parse=partial(plan_answers.parse_start, today=today, earliest=earliest, inside=inside),
            dump=date.isoformat,
        )
    )
    end = sprints.sprint_end(start, weeks)
    asker.say(f"   sprint runs {start.isoformat()} to {end.isoformat()}")
    objectives = asker.many(
        Question(
            "objectives",
            "Measurable objective",
            "--objective",
            parse=partial(clean_text, what="objective"),
            hint="e.g. two discovery calls a week with a written summary",
        )
    )
    learning = ask_learning(asker, methodology, focus, causes.get(focus), start, end, today)
    return SprintInput(focus, start, end, objectives, learning)


def _default_focus(gaps: list[GapRow]) -> str | None:
    return gaps[0].competency if gaps else None


def _focus_choices(methodology: Methodology, gaps: list[GapRow]) -> list[Choice]:
    gap_of = {row.competency: row.gap for row in gaps}
    ordered = sorted(methodology.competencies, key=lambda key: -gap_of.get(key, -99))
    return [
        Choice(key, _focus_title(methodology.competencies[key].name, gap_of.get(key)))
        for key in ordered
    ]


def _focus_title(name: str, gap: int | None) -> str:
    return name if gap is None else f"{name} (gap {gap})"


def ask_learning(
    asker: Asker,
    methodology: Methodology,
    focus: str,
    cause: str | None,
    start: date,
    end: date,
    today: date,
) -> list[LearningInput]:
    heading = f"   learning for {methodology.competencies[focus].name}:"
    ideas = _say_suggestions(asker, methodology, focus, cause, heading)
    return asker.many(
        Question(
            "learning",
            "Learning activity",
            "--learning",
            required=False,
            parse=partial(
                plan_answers.parse_learning, start=start, end=end, today=today, suggestions=ideas
            ),
            dump=LearningInput.as_text,
            hint="TITLE | DUE, or a suggestion's number | DUE, e.g. 2 | +3w",
        )
    )


def ask_sprint_close(asker: Asker, number: int) -> SprintClose:
    asker.say(f"\n── Retro of sprint {number} ──")
    outcome = asker.select(
        Question("outcome", "Did the sprint reach its objectives?", "--outcome"),
        [Choice("achieved", "Achieved"), Choice("partly", "Partly"), Choice("not", "Not")],
    )
    retro = asker.text(
        Question(
            "retro", "Retro: what worked, what to change (optional):", "--retro", required=False
        )
    )
    return SprintClose(plan_answers.outcome_key(outcome), retro)


# ---- whole interviews -----------------------------------------------------------------------


def interview_new_plan(
    asker: Asker, methodology: Methodology, facts: PlanFacts, today: date, show_gaps: ShowGaps
) -> NewPlanAnswers:
    expectations = ask_expectations(asker, methodology, today, facts.quotas)
    ratings = ask_assessment(asker, methodology, facts.role)
    gaps = assessments.draft_gaps(methodology, facts.role, ratings)
    if asker.interactive:
        show_gaps(gaps)
    causes = ask_causes(asker, methodology, gaps)
    goals = ask_goals(asker)
    by_cause = {cause.competency: cause.cause for cause in causes}
    sprint = ask_sprint(asker, methodology, gaps, by_cause, today, today)
    return NewPlanAnswers(expectations, ratings, causes, goals, sprint)


def interview_assessment(
    asker: Asker, methodology: Methodology, facts: PlanFacts, today: date, show_gaps: ShowGaps
) -> AssessmentAnswers:
    ratings = ask_assessment(asker, methodology, facts.role)
    gaps = assessments.draft_gaps(methodology, facts.role, ratings)
    if asker.interactive:
        show_gaps(gaps)
    return AssessmentAnswers(ratings, ask_causes(asker, methodology, gaps))


def interview_next_sprint(
    asker: Asker, methodology: Methodology, facts: PlanFacts, today: date, show_gaps: ShowGaps
) -> NextSprintAnswers:
    close = ask_sprint_close(asker, facts.current_sprint) if facts.current_sprint else None
    if asker.interactive:
        show_gaps(facts.gaps)
    start = facts.next_start or today
    sprint = ask_sprint(
        asker,
        methodology,
        facts.gaps,
        facts.causes,
        start,
        today,
        facts.earliest_start,
        facts.last_sprint,
    )
    return NextSprintAnswers(close, sprint)
