"""coach actions: What / Who / When items across reps."""

from __future__ import annotations

from typing import Annotated

import typer

from coachcli.cli import context, output
from coachcli.cli.groups import ListByDefault
from coachcli.cli.help import sub_app
from coachcli.cli.options import JsonOption, LimitOption, ListFormatOption, RecordJsonOption
from coachcli.cli.output import ListFormat

app = sub_app(
    "Action items: What / Who / When.\n\n"
    "list (the default), add, done, move, drop.\n\n"
    "\b\nExamples:\n"
    "  coach actions --overdue\n"
    '  coach actions add ana "Call the CFO | me | fri"\n'
    "  coach actions done 12 --note 'sent Tuesday'",
    ListByDefault,
)

ActionId = Annotated[
    int, typer.Argument(min=1, max=2**63 - 1, help="Action number, as `coach actions` shows it.")
]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why, or what happened.")]


@app.command("list")
def list_(
    rep: Annotated[str | None, typer.Argument(help="Only this rep's actions.")] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open actions (the default).")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Open and past due.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Done and dropped too.")] = False,
    limit: LimitOption = None,
    fmt: ListFormatOption = ListFormat.table,
    as_json: JsonOption = False,
) -> None:
    """List action items, soonest due first."""
    from coachcli.services import actions, team

    which = "all" if all_ else "overdue" if overdue else "open"
    with context.reading() as connection:
        found = team.resolve_rep(connection, rep, include_archived=True) if rep else None
        items = actions.list_actions(connection, context.today(), found and found.id, which)
    from coachcli.render.columns import ACTION_COLUMNS, OPEN_ACTION_COLUMNS

    columns = ACTION_COLUMNS if which == "all" else OPEN_ACTION_COLUMNS
    chosen = output.chosen_format(fmt, as_json)
    what = "actions (soonest due first)"
    output.emit_limited(items, columns, chosen, limit, what, empty="No actions to show.")


@app.command("add")
def add(
    rep: Annotated[str, typer.Argument(help="The rep the action belongs to.")],
    action: Annotated[str, typer.Argument(help='"WHAT | WHO | WHEN", e.g. "Call CFO | me | fri".')],
    as_json: RecordJsonOption = False,
) -> None:
    """Add an action outside a session (it is carried over at the next one-on-one)."""
    from coachcli.services import actions, team

    today = context.today()
    with context.database() as db, db.session(write=True) as session:
        found = team.rep_to_change(session, rep)
        parsed = actions.parse_action(action, found.name, today)
        item = actions.create_action(session, found, parsed, context.clock().now())
        info = actions.action_info(item, found.name, today)
    _done(f"Added action #{info.id} for {info.rep}: {info.what}, due {info.due}.", info, as_json)


@app.command("done")
def done(action_id: ActionId, note: NoteOption = None, as_json: RecordJsonOption = False) -> None:
    """Mark an action done."""
    _close(action_id, "done", note, as_json)


@app.command("drop")
def drop(action_id: ActionId, note: NoteOption = None, as_json: RecordJsonOption = False) -> None:
    """Drop an action that is no longer needed (kept in the history)."""
    _close(action_id, "dropped", note, as_json)


@app.command("move")
def move(
    action_id: ActionId,
    due: Annotated[str, typer.Option("--due", help="New due date: 2026-12-01, fri, +1w ...")],
    as_json: RecordJsonOption = False,
) -> None:
    """Reschedule an action; the number of reschedules is counted."""
    from coachcli.dates import parse_date
    from coachcli.services import actions

    today = context.today()
    with context.database() as db, db.session(write=True) as session:
        info = actions.reschedule(session, action_id, parse_date(due, today), today)
    from coachcli.words import times

    message = f"Action #{info.id} now due {info.due} (rescheduled {times(info.reschedules)})."
    _done(message, info, as_json)


def _close(action_id: int, status: str, note: str | None, as_json: bool) -> None:
    from coachcli.enums import ActionStatus
    from coachcli.services import actions

    with context.database() as db, db.session(write=True) as session:
        info = actions.finish(session, action_id, ActionStatus(status), note, context.clock())
    _done(f"Action #{info.id} {status}: {info.what}", info, as_json)


def _done(message: str, info, as_json: bool) -> None:
    output.changed(message, output.plain(info), as_json)
