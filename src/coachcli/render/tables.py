"""Records as Rich tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.box import HEAVY_HEAD, Box
from rich.table import Table
from rich.text import Text

from coachcli.render.records import Column
from coachcli.render.text import clean


def rich_table(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    box: Box = HEAVY_HEAD,
) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold", box=box)
    columns = [column for column in columns if column.in_table]
    for column in columns:
        table.add_column(
            column.header, justify=column.justify, style=column.style, no_wrap=column.no_wrap
        )
    for record in records:
        table.add_row(*(literal(column.text(record)) for column in columns))
    return table


def literal(value: object, style: str = "") -> Text:
    """User text for Rich output: shown as typed, never parsed as markup."""
    return Text(clean(value), style=style)
