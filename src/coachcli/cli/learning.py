"""coach learning: learning activities per rep, linked to a competency and a sprint."""

from __future__ import annotations

from typing import Annotated

import typer

from coachcli.cli import context, output
from coachcli.cli.groups import ListByDefault
from coachcli.cli.help import sub_app
from coachcli.cli.options import JsonOption, LimitOption, ListFormatOption, RecordJsonOption
from coachcli.cli.output import ListFormat

app = sub_app(
    "Learning activities of the development plans.\n\n"
    "list (the default), assign, done.\n\n"
    "\b\nExamples:\n"
    "  coach learning ana --open\n"
    '  coach learning assign ana --competency discovery --title "SPIN, ch. 3" --due +2w\n'
    "  coach learning done 4",
    ListByDefault,
)


@app.command("list")
def list_(
    rep: Annotated[str | None, typer.Argument(help="Only this rep's learning.")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Only what is not done yet.")] = False,
    limit: LimitOption = None,
    fmt: ListFormatOption = ListFormat.table,
    as_json: JsonOption = False,
) -> None:
    """List learning activities, soonest due first."""
    from coachcli.render.plan_text import LEARNING_COLUMNS
    from coachcli.services import learning, team

    with context.reading() as connection:
        found = team.resolve_rep(connection, rep, include_archived=True) if rep else None
        items = learning.list_learning(
            connection, context.methodology(), context.today(), found and found.id, open_
        )
    output.emit_limited(
        [item.model_dump(mode="json") for item in items],
        LEARNING_COLUMNS,
        output.chosen_format(fmt, as_json),
        limit,
        "learning activities (soonest due first)",
        empty="No learning activities to show.",
    )


@app.command("assign")
def assign(
    rep: Annotated[str, typer.Argument(help="The rep who will do it.")],
    competency: Annotated[str, typer.Option(help="Competency key, e.g. discovery.")],
    title: Annotated[str, typer.Option(help="What to study or practise.")],
    due: Annotated[str, typer.Option(help="Due date (inside the current sprint).")],
    outside_sprint: Annotated[
        bool, typer.Option("--outside-sprint", help="Do not tie it to the current sprint.")
    ] = False,
    as_json: RecordJsonOption = False,
) -> None:
    """Assign a learning activity; it joins the rep's current sprint."""
    from coachcli.dates import parse_date
    from coachcli.services import learning, team

    today = context.today()
    with context.database() as db, db.session(write=True) as session:
        found = team.rep_to_change(session, rep)
        info = learning.assign(
            session,
            context.methodology(),
            found,
            competency,
            title,
            parse_date(due, today),
            today,
            context.clock().now(),
            outside_sprint,
        )
    _report(info, f"Assigned learning #{info.id} to {info.rep}, due {info.due}.", as_json)


@app.command("done")
def done(
    learning_id: Annotated[
        int, typer.Argument(min=1, max=2**63 - 1, help="Number shown by `coach learning`.")
    ],
    note: Annotated[str | None, typer.Option(help="What the rep took from it.")] = None,
    as_json: RecordJsonOption = False,
) -> None:
    """Mark a learning activity done."""
    from coachcli.services import learning

    with context.database() as db, db.session(write=True) as session:
        info = learning.complete(
            session,
            context.methodology(),
            learning_id,
            note,
            context.today(),
            context.clock().now(),
        )
    _report(info, f"Learning #{info.id} done: {info.title}", as_json)


def _report(info, message: str, as_json: bool) -> None:
    output.changed(message, info.model_dump(mode="json"), as_json)
