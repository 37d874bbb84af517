"""coach sessions: past one-on-ones and consequence conversations."""

from __future__ import annotations

from typing import Annotated

import typer

from coachcli.cli import context, output
from coachcli.cli.groups import ListByDefault
from coachcli.cli.help import sub_app
from coachcli.cli.options import FormatOption, JsonOption, LimitOption, ListFormatOption
from coachcli.cli.output import Format, ListFormat

app = sub_app(
    "Past one-on-ones and consequence conversations.\n\n"
    "list (the default), show.\n\n"
    "\b\nExamples:\n"
    "  coach sessions ana\n"
    "  coach sessions show 3 --format markdown",
    ListByDefault,
)


@app.command("list")
def list_(
    rep: Annotated[str | None, typer.Argument(help="Only this rep's sessions.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="one-on-one or consequence.")] = None,
    limit: LimitOption = None,
    fmt: ListFormatOption = ListFormat.table,
    as_json: JsonOption = False,
) -> None:
    """List sessions, newest first."""
    from coachcli.render.columns import SESSION_COLUMNS
    from coachcli.services import sessions, team

    wanted = sessions.parse_kind(kind)
    chosen = output.chosen_format(fmt, as_json)
    with context.reading() as connection:
        found = team.resolve_rep(connection, rep, include_archived=True) if rep else None
        rows, total = sessions.list_sessions(
            connection, found and found.id, wanted, output.row_limit(limit, chosen)
        )
    records = [row.model_dump(mode="json") for row in rows]
    output.emit_limited(
        records,
        SESSION_COLUMNS,
        chosen,
        limit,
        "sessions (newest first)",
        empty="No sessions yet: coach grow REP holds the first.",
        total=total,
    )


@app.command("show")
def show(
    session_id: Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="Session number.")],
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """Show one session in full, private notes included (this is your view)."""
    from coachcli.render.grow import session_panel
    from coachcli.render.markdown import session_markdown
    from coachcli.services import sessions

    with context.reading() as connection:
        detail = sessions.session_detail(connection, session_id, context.today())
    data = detail.model_dump(mode="json")
    output.emit_document(data, output.chosen_format(fmt, as_json), session_markdown, session_panel)
