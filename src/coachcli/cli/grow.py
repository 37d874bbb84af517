"""coach grow: the GROW one-on-one (and --consequence conversations)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from coachcli.cli import context, output
from coachcli.cli.options import (
    AnswersOption,
    DiscardOption,
    FormatOption,
    JsonOption,
    NoInputOption,
    ResumeOption,
)
from coachcli.cli.output import Format
from coachcli.errors import Invalid

GROW_KEYS = ("goal", "reality", "obstacles", "options", "actions", "carry")
CONSEQUENCE_KEYS = ("standard", "current", "deadline", "if_missed")


def grow(
    rep: Annotated[str, typer.Argument(help="Rep name or a unique start of it.")],
    goal: Annotated[str | None, typer.Option(help="Goal: the one objective for today.")] = None,
    reality: Annotated[str | None, typer.Option(help="Reality in the rep's words.")] = None,
    obstacle: Annotated[list[str] | None, typer.Option(help="An obstacle (repeatable).")] = None,
    option: Annotated[list[str] | None, typer.Option(help="An option (repeatable).")] = None,
    action: Annotated[
        list[str] | None, typer.Option(help='An agreed action "WHAT | WHO | WHEN" (repeatable).')
    ] = None,
    carry: Annotated[
        list[str] | None,
        typer.Option(help="Decide an open action: ID=done|keep|drop[:note] (repeatable)."),
    ] = None,
    support: Annotated[str | None, typer.Option(help="The support you will give.")] = None,
    private_note: Annotated[
        str | None, typer.Option(help="A note for you only; never in rep-safe or team exports.")
    ] = None,
    consequence: Annotated[
        bool, typer.Option("--consequence", help="Consequence coaching instead of GROW (private).")
    ] = False,
    standard: Annotated[str | None, typer.Option(help="Consequence: the standard.")] = None,
    current: Annotated[str | None, typer.Option(help="Consequence: current measure.")] = None,
    deadline: Annotated[str | None, typer.Option(help="Consequence: deadline date.")] = None,
    if_missed: Annotated[str | None, typer.Option(help="Consequence: if not met.")] = None,
    brief: Annotated[
        bool, typer.Option("--brief", help="Only show the pre-brief; hold no session.")
    ] = False,
    resume: ResumeOption = False,
    discard_draft: DiscardOption = False,
    no_input: NoInputOption = False,
    answers: AnswersOption = None,
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """A GROW one-on-one with its pre-brief.

    Pre-brief, then every open action (done, keep, drop), then Goal, Reality,
    Obstacles and Way forward with suggested questions, What / Who / When actions,
    a recap and your support. Every answer also has a flag.

    \b
    Examples:
      coach grow ana --brief
      coach grow ana
      coach grow ana --no-input --goal "Close Globex" --reality "Stuck at legal" \\
        --obstacle "No CFO access" --option "Ask the champion" \\
        --action "Send ROI model | Ana | +3d" --support "I join the CFO call"
      coach grow ben --consequence
    """
    flags = {
        "goal": goal,
        "reality": reality,
        "obstacles": obstacle,
        "options": option,
        "actions": action,
        "support": support,
        "private_note": private_note,
        "carry": carry,
        "standard": standard,
        "current": current,
        "deadline": deadline,
        "if_missed": if_missed,
    }
    known = _known(answers, flags, consequence)
    chosen = output.chosen_format(fmt, as_json)
    if brief:
        with context.reading() as connection:
            _, pre_brief = _pre_brief(connection, rep)
        _show_brief(pre_brief, chosen)
        return
    with context.database() as db:
        with db.reading() as connection:
            rep_id, pre_brief = _pre_brief(connection, rep)
        prompting = (no_input, resume, discard_draft)
        saved = _converse(db, rep_id, pre_brief, known, consequence, prompting)
    _report(saved, consequence, chosen)


def _known(answers_file: Path | None, flags: dict[str, Any], consequence: bool) -> dict:
    from coachcli.interview.answers import merge_answers
    from coachcli.interview.grow import carry_answers

    known = merge_answers(answers_file, flags)
    wrong = GROW_KEYS if consequence else CONSEQUENCE_KEYS
    misplaced = [key for key in wrong if flags.get(key) not in (None, [])]
    if misplaced:
        mode = "a consequence conversation" if consequence else "a GROW session (add --consequence)"
        raise Invalid(f"--{misplaced[0].replace('_', '-')} does not belong to {mode}.")
    known.update(carry_answers(known.pop("carry", [])))
    return known


def _pre_brief(connection, rep_text: str):
    from coachcli.services import grow, team

    rep = team.resolve_rep(connection, rep_text)
    return rep.id, grow.build_brief(connection, context.methodology(), rep, context.today())


def _show_brief(pre_brief, fmt: Format) -> None:
    from coachcli.render.grow import brief_markdown, brief_panel

    output.emit_document(pre_brief.model_dump(mode="json"), fmt, brief_markdown, brief_panel)


def _converse(db, rep_id: int, pre_brief, known: dict, consequence: bool, prompting) -> int:
    """The conversation on the interview runner: checked, drafted, resumable, saved once.
    `prompting`: --no-input, --resume, --discard-draft."""
    from coachcli.db.reps import rep_by_id
    from coachcli.interview.grow import carry_decisions
    from coachcli.services import grow, team

    with db.reading() as connection:
        grow.check_carry(connection, rep_by_id(connection, rep_id), carry_decisions(known))
    mode = " --consequence" if consequence else ""
    name = "consequence" if consequence else "grow"
    command = f"coach grow {shlex.quote(pre_brief.rep)}{mode}"
    interview = context.interview(db, name, rep_id, command, known, prompting)

    def save(answers, conversation) -> int:
        timing = _timing(conversation)
        with db.session(write=True) as session:
            rep = team.rep_record(session, rep_id)
            return grow.save_session(session, rep, answers, pre_brief, timing)

    return interview.run(lambda asker, stopwatch: _ask(asker, pre_brief, consequence, stopwatch),
                         save)  # fmt: skip


def _timing(conversation):
    """Held when the conversation began; a duration only when it was held live."""
    from datetime import timedelta

    from coachcli.services.grow import Timing

    now = context.clock().now()
    if not conversation.interactive:
        return Timing(now)
    seconds = conversation.stopwatch.elapsed()
    return Timing(now - timedelta(seconds=seconds), seconds)


def _ask(asker, pre_brief, consequence: bool, stopwatch):
    from coachcli.interview import grow as flow

    if asker.interactive:
        from coachcli.render.grow import brief_panel

        output.stderr().print(brief_panel(pre_brief.model_dump(mode="json")))
    methodology, today = context.methodology(), context.today()
    budget = flow.Budget(methodology.cadence.grow_minutes, stopwatch)
    if consequence:
        return flow.ask_consequence(asker, methodology.questions.consequence, today, budget)
    return flow.ask_grow(
        asker, pre_brief, methodology.questions.grow, today, budget, pre_brief.open_actions
    )


def _report(session_id: int, consequence: bool, fmt: Format) -> None:
    from coachcli.services import sessions
    from coachcli.words import counted

    with context.reading() as connection:
        detail = sessions.session_detail(connection, session_id, context.today())
    kind = "consequence conversation" if consequence else "one-on-one"
    message = (
        f"Saved {kind} #{detail.id} with {detail.rep}: "
        f"{counted(len(detail.actions), 'new action')}, {len(detail.carried_over)} closed."
    )
    output.changed(message, detail.model_dump(mode="json"), fmt is Format.json)
    output.note(f"Markdown notes: coach export session {detail.id}")
