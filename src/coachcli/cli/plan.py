"""coach plan: expectations, assessment, gaps, annual goals and 6-8 week sprints."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from coachcli.cli import context, output
from coachcli.cli.groups import NewByDefault
from coachcli.cli.help import sub_app
from coachcli.cli.options import (
    AnswersOption,
    DiscardOption,
    FormatOption,
    JsonOption,
    NoInputOption,
    ResumeOption,
)
from coachcli.cli.output import Format

app = sub_app(
    "Development plans: assessment, gaps, goals and 6-8 week sprints.\n\n"
    "`coach plan REP` builds one: expectations, competency assessment, gap table, root "
    "causes, annual goals and the first sprint. Then: show, assess, sprint, revise.\n\n"
    "\b\nExamples:\n"
    "  coach plan ana\n"
    "  coach plan ana --answers examples/plan-answers.yaml --no-input\n"
    "  coach plan show ana --format markdown\n"
    "  coach plan sprint ana",
    NewByDefault,
)

RepArgument = Annotated[str, typer.Argument(help="Rep name or a unique start of it.")]
RateOption = Annotated[
    list[str] | None, typer.Option("--rate", help="Rate a competency: KEY=1..5 (repeatable).")
]
EvidenceOption = Annotated[
    list[str] | None,
    typer.Option("--evidence", help="What you saw: KEY=TEXT (repeatable)."),
]
SourceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        help="Evidence source: KEY=call plan|deal documents|observation|report (repeatable).",
    ),
]
CauseOption = Annotated[
    list[str] | None,
    typer.Option(
        "--cause",
        help="Root cause of a gap: KEY=knowledge|skill|will|environment[:note] (repeatable).",
    ),
]
FocusOption = Annotated[
    str | None, typer.Option("--focus", help="Sprint focus competency (default: largest gap).")
]
WeeksOption = Annotated[str | None, typer.Option("--weeks", help="Sprint length, 6-8 weeks.")]
StartOption = Annotated[str | None, typer.Option("--start", help="Sprint start date.")]
ObjectiveOption = Annotated[
    list[str] | None, typer.Option("--objective", help="A measurable objective (repeatable).")
]
LearningOption = Annotated[
    list[str] | None,
    typer.Option("--learning", help='Learning activity "TITLE | DUE" (repeatable).'),
]
KEYED_FLAGS = {
    "activities": "--activity",
    "time_allocation": "--time",
    "ratings": "--rate",
    "evidence": "--evidence",
    "sources": "--source",
    "causes": "--cause",
}


@app.command("new")
def new(
    rep: RepArgument,
    period: Annotated[str | None, typer.Option(help="Period of the expectations.")] = None,
    quota: Annotated[str | None, typer.Option(help="Revenue quota for the period.")] = None,
    new_logos: Annotated[str | None, typer.Option(help="New customers to win.")] = None,
    renewals: Annotated[str | None, typer.Option(help="Renewal value to keep.")] = None,
    expansion: Annotated[str | None, typer.Option(help="Expansion value to add.")] = None,
    activity: Annotated[
        list[str] | None, typer.Option(help="Weekly activity level: KEY=N (repeatable).")
    ] = None,
    time: Annotated[
        list[str] | None,
        typer.Option(help="Time allocation: KEY=PERCENT, totalling 100 (repeatable)."),
    ] = None,
    rate: RateOption = None,
    evidence: EvidenceOption = None,
    source: SourceOption = None,
    cause: CauseOption = None,
    goal: Annotated[
        list[str] | None, typer.Option(help="An annual goal (repeatable, 1-3).")
    ] = None,
    focus: FocusOption = None,
    weeks: WeeksOption = None,
    start: StartOption = None,
    objective: ObjectiveOption = None,
    learning: LearningOption = None,
    resume: ResumeOption = False,
    discard_draft: DiscardOption = False,
    no_input: NoInputOption = False,
    answers: AnswersOption = None,
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """Build a development plan (`coach plan REP` for short).

    Expectations → assessment → gaps → root causes → goals → the first sprint."""
    plain = {"period": period, "quota": quota, "new_logos": new_logos, "renewals": renewals}
    plain |= {"expansion": expansion, "goals": goal, "focus": focus, "weeks": weeks}
    plain |= {"start": start, "objectives": objective, "learning": learning}
    keyed = {"activities": activity, "time_allocation": time}
    known = _known(answers, plain, keyed | _rating_flags(rate, evidence, source, cause), "new")
    from coachcli.interview import plan as flow
    from coachcli.services import plans

    wizard = _Wizard("plan", rep, known, no_input, resume, discard_draft)
    view = wizard.run(plans.new_plan_facts, flow.interview_new_plan, plans.save_new_plan)
    output.success(f"Saved the development plan of {view.rep}.")
    _show(view, output.chosen_format(fmt, as_json))


@app.command("show")
def show(rep: RepArgument, fmt: FormatOption = Format.table, as_json: JsonOption = False) -> None:
    """Goals, the current sprint and its progress, the gap table with its trend, learning."""
    from coachcli.services import plans, team

    with context.reading() as connection:
        found = team.resolve_rep(connection, rep, include_archived=True)
        view = plans.plan_view(connection, context.methodology(), found, context.today())
    _show(view, output.chosen_format(fmt, as_json))


@app.command("assess")
def assess(
    rep: RepArgument,
    rate: RateOption = None,
    evidence: EvidenceOption = None,
    source: SourceOption = None,
    cause: CauseOption = None,
    resume: ResumeOption = False,
    discard_draft: DiscardOption = False,
    no_input: NoInputOption = False,
    answers: AnswersOption = None,
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """Assess every competency again; the gap table shows the change since last time."""
    known = _known(answers, {}, _rating_flags(rate, evidence, source, cause), "assess")
    from coachcli.interview import plan as flow
    from coachcli.services import plans

    wizard = _Wizard("plan-assess", rep, known, no_input, resume, discard_draft)
    view = wizard.run(plans.assessment_facts, flow.interview_assessment, plans.save_assessment)
    output.success(f"Saved the assessment of {view.rep}.")
    _show(view, output.chosen_format(fmt, as_json), gaps_only=True)


@app.command("sprint")
def sprint(
    rep: RepArgument,
    outcome: Annotated[
        str | None, typer.Option(help="How the current sprint went: achieved, partly or not.")
    ] = None,
    retro: Annotated[str | None, typer.Option(help="Retro note of the current sprint.")] = None,
    focus: FocusOption = None,
    weeks: WeeksOption = None,
    start: StartOption = None,
    objective: ObjectiveOption = None,
    learning: LearningOption = None,
    resume: ResumeOption = False,
    discard_draft: DiscardOption = False,
    no_input: NoInputOption = False,
    answers: AnswersOption = None,
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """Close the current sprint with a short retro, then open the next one."""
    plain = {"outcome": outcome, "retro": retro, "focus": focus, "weeks": weeks, "start": start}
    plain |= {"objectives": objective, "learning": learning}
    known = _known(answers, plain, {}, "sprint")
    from coachcli.interview import plan as flow
    from coachcli.services import plans

    wizard = _Wizard("plan-sprint", rep, known, no_input, resume, discard_draft)
    view = wizard.run(plans.sprint_facts, flow.interview_next_sprint, plans.save_next_sprint)
    output.success(f"Opened sprint {view.current_sprint.number} for {view.rep}.")
    _show(view, output.chosen_format(fmt, as_json))


@app.command("revise")
def revise(
    rep: RepArgument,
    reason: Annotated[str, typer.Option(help="Why the plan changes (kept in its history).")],
    goal: Annotated[
        list[str] | None, typer.Option(help="Replace the annual goals (repeatable).")
    ] = None,
    focus: Annotated[str | None, typer.Option(help="New focus of the open sprint.")] = None,
    objective: Annotated[
        list[str] | None, typer.Option(help="Replace the sprint's objectives (repeatable).")
    ] = None,
    sprint_end: Annotated[str | None, typer.Option(help="Move the end of the open sprint.")] = None,
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """Change goals, focus, objectives or the sprint end; the reason and old values are kept."""
    from coachcli.dates import parse_date
    from coachcli.db.shared import driver
    from coachcli.services import plans, team

    today = context.today()
    changes: dict[str, Any] = {"goals": goal, "focus": focus, "objectives": objective}
    changes["end"] = parse_date(sprint_end, today) if sprint_end else None
    changes = {key: value for key, value in changes.items() if value}
    methodology = context.methodology()
    with context.database() as db, db.session(write=True) as session:
        found = team.rep_to_change(session, rep)
        plans.revise_plan(
            session, methodology, found, reason, changes, today, context.clock().now()
        )
        view = plans.plan_view(driver(session), methodology, found, today)
    output.success(f"Revised the plan of {view.rep}: {', '.join(view.revisions[-1].changes)}.")
    _show(view, output.chosen_format(fmt, as_json))


# ---- shared by the wizards -------------------------------------------------------------


def _rating_flags(rate, evidence, source, cause) -> dict[str, Any]:
    return {"ratings": rate, "evidence": evidence, "sources": source, "causes": cause}


def _known(answers_file: Path | None, plain: dict, keyed: dict, wizard: str) -> dict[str, Any]:
    """Answers file, then flags over it, flattened to question keys and checked. A file
    key the `wizard` does not ask is an error, not an answer quietly lost."""
    from coachcli.interview.answers import load_answers
    from coachcli.interview.plan import WIZARD_KEYS, flat_answers, pairs

    methodology = context.methodology()
    from_file = flat_answers(methodology, load_answers(answers_file, WIZARD_KEYS[wizard]))
    flags = {key: value for key, value in plain.items() if value not in (None, [])}
    for key, values in keyed.items():
        if values:
            flags[key] = pairs(values, KEYED_FLAGS[key])
    return {**from_file, **flat_answers(methodology, flags)}


class _Wizard:
    """One plan interview about one rep, on the interview runner: read what its questions
    need, ask (drafted, resumable), save in one transaction, show the plan."""

    def __init__(self, kind: str, rep: str, known: dict, no_input: bool, resume: bool, discard):
        self.kind, self.rep_text, self.known = kind, rep, known
        self.prompting = (no_input, resume, discard)

    def run(self, read_facts, interview, save):
        from coachcli.db.shared import driver
        from coachcli.services import plans, team

        methodology, today, clock = context.methodology(), context.today(), context.clock()
        what = self.kind.replace("-", " ")
        with context.database() as db:
            with db.reading() as connection:
                rep = team.resolve_rep(connection, self.rep_text)
                facts = read_facts(connection, methodology, rep, today)

            def ask(asker, _stopwatch):
                return interview(asker, methodology, facts, today, _show_gaps)

            def save_and_view(given, _conversation):
                with db.session(write=True) as session:
                    found = team.rep_record(session, rep.id)
                    changed = save(session, methodology, found, given, clock.now())
                    view = plans.plan_view(driver(session), methodology, found, today)
                _tell_quota_change(changed, rep.name)
                return view

            command = f"coach {what} {shlex.quote(rep.name)}"
            runner = context.interview(db, self.kind, rep.id, command, self.known, self.prompting)
            return runner.run(ask, save_and_view)


def _tell_quota_change(changed, rep_name: str) -> None:
    """A plan that set a different quota says so: the old value is in the history."""
    if changed is None or changed.old is None:
        return
    from coachcli.money import format_money

    output.warn(
        f"The {changed.period} quota of {rep_name} changed from {format_money(changed.old)} "
        f"to {format_money(changed.new)}; the old value is kept in the quota history "
        f"(coach team show {shlex.quote(rep_name)})."
    )


def _show_gaps(gaps) -> None:
    if gaps:
        from coachcli.render.plans import gap_table

        rows = [row.model_dump(mode="json") for row in gaps]
        output.stderr().print(gap_table(rows, "Skill gaps, largest first"))


def _show(view, fmt: Format, gaps_only: bool = False) -> None:
    from coachcli.render.plan_text import plan_markdown
    from coachcli.render.plans import gaps_section, plan_screen

    screen = gaps_section if gaps_only else plan_screen
    output.emit_document(view.model_dump(mode="json"), fmt, plan_markdown, screen)
