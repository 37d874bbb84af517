"""Records as Rich tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from rich.box import HEAVY_HEAD, Box
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from coachcli.render.records import Column
from coachcli.render.text import clean, one_line, shortened

TITLE_TEXT = 120


def rich_table(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    box: Box = HEAVY_HEAD,
) -> Table:
    # A title may hold user text (a deal's name): shown as typed, on one line.
    shown = None if title is None else Text(shortened(clean(title), TITLE_TEXT))
    table = _ListTable(title=shown, title_justify="left", header_style="bold", box=box)
    columns = [_one_currency(column, records) for column in columns if column.in_table]
    for column in columns:
        # Free text shares what the fixed columns (ids, dates, amounts) leave, one line a
        # row: a narrow terminal cuts it further with "…" instead of squeezing the dates.
        cut = column.shorten is not None
        table.add_column(
            column.header,
            justify=column.justify,
            style=column.style,
            no_wrap=column.no_wrap or cut,
            overflow="ellipsis" if cut else "fold",
            ratio=_share(column, columns, records),
        )
    for record in records:
        table.add_row(*(_renderable(column, record) for column in columns))
    return table


def _renderable(column: Column, record: dict[str, Any]) -> Any:
    value = record.get(column.key)
    if isinstance(value, FittedLines):
        return value
    return literal(_cell(column, record))


class FittedLines:
    """Lines of (user text, suffix) that each keep to one line of the cell: the user
    text is cut with "…" so the suffix (a measure, an amount) always shows whole."""

    def __init__(self, lines: Sequence[tuple[str, str]], least: int = 8) -> None:
        self.lines = [(one_line(clean(text)), suffix) for text, suffix in lines]
        self.least = least

    def __rich_measure__(self, console: Any, options: Any) -> Measurement:
        widths = [len(text) + len(suffix) for text, suffix in self.lines] or [0]
        shortest = [min(len(text), self.least) + len(suffix) for text, suffix in self.lines]
        return Measurement(max(shortest, default=0), max(widths))

    def __rich_console__(self, console: Any, options: Any) -> Any:
        for text, suffix in self.lines:
            room = max(options.max_width - len(suffix), 1)
            yield Text(shortened(text, room) + suffix, no_wrap=True, overflow="ellipsis")


def _one_currency(column: Column, records: Sequence[dict[str, Any]]) -> Column:
    """An amount column whose rows share one currency names it once, in its header:
    at 80 columns the four characters a row are worth more to the deal's name."""
    if column.currency is None:
        return column
    codes = {record.get(column.currency) for record in records}
    if len(codes) != 1 or None in codes:
        return column
    (code,) = codes
    return replace(column, header=code, currency=None)


def _share(
    column: Column, columns: Sequence[Column], records: Sequence[dict[str, Any]]
) -> int | None:
    """A flexible column's share of the width the fixed ones leave: its cut length, no
    more than its longest cell needs (short names leave room to the stages), or for a
    wrapping column as much as all the cut ones together (half of it)."""
    if column.wrap:
        return sum(other.shorten or 0 for other in columns) or 1
    if column.shorten is None:
        return None
    longest = max([len(column.header), *(len(_cell(column, record)) for record in records)])
    return min(column.shorten, longest)


class _ListTable(Table):
    """At its natural width when that fits the terminal; too wide, it spans the terminal
    and the free-text columns (those with a ratio) share what the fixed ones leave."""

    def __rich_console__(self, console: Any, options: Any) -> Any:
        self.expand = self.__rich_measure__(console, options).maximum > options.max_width
        yield from super().__rich_console__(console, options)


def _cell(column: Column, record: dict[str, Any]) -> str:
    text = column.text(record)
    return shortened(clean(text), column.shorten) if column.shorten else text


def literal(value: object, style: str = "") -> Text:
    """User text for Rich output: shown as typed, never parsed as markup."""
    return Text(clean(value), style=style)
