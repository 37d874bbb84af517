"""Records as Rich tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.box import HEAVY_HEAD, Box
from rich.table import Table
from rich.text import Text

from coachcli.render.records import Column
from coachcli.render.text import clean, shortened


def rich_table(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    box: Box = HEAVY_HEAD,
) -> Table:
    table = _ListTable(title=title, title_justify="left", header_style="bold", box=box)
    columns = [column for column in columns if column.in_table]
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
            ratio=_share(column, columns),
        )
    for record in records:
        table.add_row(*(literal(_cell(column, record)) for column in columns))
    return table


def _share(column: Column, columns: Sequence[Column]) -> int | None:
    """A flexible column's share of the width the fixed ones leave: its cut length, or
    for a wrapping column as much as all the cut ones together (half of it)."""
    if column.wrap:
        return sum(other.shorten or 0 for other in columns) or 1
    return column.shorten


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
