"""Where output goes: data to stdout, people to stderr. Formats chosen in one place."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from coachcli.render.text import clean

if TYPE_CHECKING:  # Rich is imported when something is printed, not for --help
    from rich.console import Console, RenderableType
    from rich.text import Text


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class ListFormat(StrEnum):
    """Lists also go to spreadsheets; documents (briefs, plans, reports) do not."""

    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


@cache
def stdout() -> Console:
    from rich.console import Console

    # Colour follows NO_COLOR and whether stdout is a terminal (Rich decides both).
    return Console(highlight=False, markup=False, emoji=False)


@cache
def stderr() -> Console:
    from rich.console import Console

    # Soft wrap: messages carry paths and commands that must survive copy and paste.
    return Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)


AnyFormat = TypeVar("AnyFormat", Format, ListFormat)


def chosen_format(fmt: AnyFormat, as_json: bool) -> AnyFormat:
    return type(fmt).json if as_json else fmt


def show(renderable: RenderableType, soft_wrap: bool = False) -> None:
    """A renderable to stdout; `soft_wrap` leaves long lines to the terminal, so that a
    command shown on one line is still one line when copied."""
    stdout().print(renderable, soft_wrap=soft_wrap)


def write(text: str) -> None:
    """Raw text to stdout (JSON, Markdown): never through Rich, so nothing is altered."""
    sys.stdout.write(text)
    sys.stdout.flush()


def emit_document(
    data: dict[str, Any],
    fmt: Format,
    markdown: Callable[[dict[str, Any]], str],
    screen: Callable[[dict[str, Any]], RenderableType],
) -> None:
    """One record (a deal, a plan, a report) in the chosen format."""
    from coachcli.render.records import to_json

    if fmt == Format.json:
        write(to_json(data))
    elif fmt == Format.markdown:
        write(markdown(data))
    else:
        show(screen(data))


def plain(values: Any) -> Any:
    """Service results (pydantic models, dataclasses, lists of them) as plain JSON-ready
    values for the renderers, in one pass of pydantic's compiled serialiser."""
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(values)


def changed(message: str, record: dict[str, Any], as_json: bool) -> None:
    """After a command changed a record: a line for the person, the record itself as JSON
    when asked (--json), so a script can read what was stored."""
    from coachcli.render.records import to_json

    success(message)
    if as_json:
        write(to_json(record))


def emit_records(
    records: Sequence[Any],
    columns: Sequence[Any],
    fmt: Format | ListFormat,
    title: str | None = None,
    empty: str = "Nothing to show.",
    footer: Sequence[str] = (),
) -> None:
    """A list in the chosen format; JSON is the list of records as given, CSV the
    table's columns with their raw values. `footer` lines (totals) end a table or
    Markdown; JSON and CSV leave them to the program that reads them. Records are
    dicts, or service results (dataclasses, pydantic models) that JSON serialises as
    they are and the other formats turn into dicts first (`plain`)."""
    from coachcli.render.records import csv_table, markdown_table, to_json
    from coachcli.render.tables import rich_table
    from coachcli.render.text import markdown_text

    # By value: list commands pass a ListFormat, the others a Format.
    if fmt == Format.json:
        write(to_json(list(records)))
        return
    records = plain(list(records))
    if fmt == Format.markdown:
        text = markdown_table(records, columns)
        if footer:  # a paragraph after the table, a line each (two spaces break a line)
            text += "\n" + "  \n".join(markdown_text(line) for line in footer) + "\n"
        write(text)
    elif fmt == ListFormat.csv:
        write(csv_table(records, columns))
    elif not records:
        note(empty)
    else:
        show(rich_table(records, columns, title))
        for line in footer:
            show(literal(line))


# A terminal table of thousands of rows takes seconds to draw and nobody reads it.
TABLE_LIMIT = 100


def row_limit(limit: int | None, fmt: Format | ListFormat) -> int | None:
    """How many rows to show: `--limit` as given (0 for all); else TABLE_LIMIT in a
    table, and everything in JSON, CSV and Markdown."""
    if limit is None:
        return TABLE_LIMIT if fmt == ListFormat.table else None
    return limit or None


def emit_limited(
    records: Sequence[Any],
    columns: Sequence[Any],
    fmt: Format | ListFormat,
    limit: int | None,
    what: str,
    empty: str,
    total: int | None = None,
) -> None:
    """emit_records for a list that may be long: at most row_limit rows, and a note
    on stderr of what was left out and how to see it. `what`: "actions (soonest due
    first)", as the note names the rows. `total`: how many there are in all, when the
    query already stopped at row_limit."""
    most = row_limit(limit, fmt)
    shown = records if most is None else records[:most]
    total = len(records) if total is None else total
    emit_records(shown, columns, fmt, empty=empty)
    if len(shown) < total:
        # One line at 80 columns, even for a six-figure list.
        note(f"Showing {len(shown):,} of {total:,} {what}; --limit 0 shows all.")


def literal(message: str, style: str = "") -> Text:
    # Not render.tables.literal: that module imports rich.table, which --help must not pay for.
    from rich.text import Text

    return Text(clean(message), style=style)


def note(message: str) -> None:
    """A message for the person (stderr), user text included literally."""
    stderr().print(literal(message, style="dim"))


def success(message: str) -> None:
    stderr().print(literal(message, style="green"))


def warn(message: str) -> None:
    stderr().print(literal(message, style="yellow"))


def error(message: str, hint: str | None = None, label: str = "Error") -> None:
    stderr().print(literal(f"{label}: ", style="bold red") + literal(message))
    if hint:
        note(hint)
