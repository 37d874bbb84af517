"""Records as Markdown tables, CSV and JSON; Column describes a field for every format.

No Rich here, so services can build Markdown documents (render/tables.py has Rich)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from coachcli.render.text import INVISIBLE, clean, markdown_cell

# Where a list table cuts free text (what, goal, title, deal name): a row stays a row.
SHORT_TEXT = 48
NAME_TEXT = 24


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    justify: Literal["left", "right", "center"] = "left"
    show: Callable[[Any], str] | None = None
    style: str = ""
    no_wrap: bool = False
    # False for what a terminal table can do without (long CRM ids at 80 columns);
    # Markdown, CSV and JSON still carry it.
    in_table: bool = True
    # Free text is cut to this many characters in a terminal table (full text elsewhere).
    shorten: int | None = None
    # For an amount: the key of the record's currency code. Tables and Markdown show
    # "1,200 EUR"; CSV keeps the number and adds the code in a column of its own.
    currency: str | None = None
    # For a coded value (a stage key, an amount as stored): the key of the record's
    # words for it ("Solution / Proposal", "48,000 USD"), which tables and Markdown
    # show; CSV keeps the code.
    words: str | None = None
    # Long text that wraps inside its cell, never cut (a deal's list of changes): a
    # table too wide for the terminal gives it what the other columns leave.
    wrap: bool = False

    def text(self, record: dict[str, Any]) -> str:
        if self.words is not None:
            return _plain(record.get(self.words))
        value = record.get(self.key)
        text = self.show(value) if self.show is not None else _plain(value)
        code = record.get(self.currency) if self.currency else None
        return f"{text} {code}" if text and code else text


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def markdown_table(records: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    header = "| " + " | ".join(markdown_cell(c.header) for c in columns) + " |"
    rule = "| " + " | ".join("---:" if c.justify == "right" else "---" for c in columns) + " |"
    rows = [
        "| " + " | ".join(markdown_cell(column.text(record)) for column in columns) + " |"
        for record in records
    ]
    return "\n".join([header, rule, *rows]) + "\n"


# A spreadsheet runs a cell that starts with one of these as a formula ("CSV
# injection"); a leading apostrophe makes it text, and the apostrophe is not shown.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_table(records: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """CSV of the columns' raw values, headed by their keys.

    Numbers stay numbers and dates ISO, so a spreadsheet can sum and sort them;
    text that a spreadsheet would run as a formula is neutralised. Lines end in
    "\n", which a text stream turns into the platform's own ending (CRLF on
    Windows); a "\r\n" here would become "\r\r\n" there.
    """
    keys = _csv_keys(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    for record in records:
        writer.writerow([_csv_cell(record.get(key)) for key in keys])
    return buffer.getvalue()


def _csv_keys(columns: Sequence[Column]) -> list[str]:
    """The columns' keys, each amount followed by its currency (a number sums; a code
    beside it says in what)."""
    keys: list[str] = []
    for column in columns:
        keys.append(column.key)
        if column.currency and all(c.key != column.currency for c in columns):
            keys.append(column.currency)
    return list(dict.fromkeys(keys))


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return _plain(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 1500, not 1500.0: amounts are mostly whole
    if isinstance(value, int | float):
        return value
    text = value if isinstance(value, str) else _plain(value)
    text = "'" + text if text.startswith(_FORMULA_STARTS) else text
    return clean(text)  # after the formula check: an escaped CR must still be neutralised


def to_json(data: Any) -> str:
    """Stable JSON: ISO dates, numbers as numbers, Unicode as is, two-space indent.

    Written by pydantic's compiled serialiser: the standard library's encoder took a
    second over 30,000 actions, this about a tenth of that, the same text."""
    from pydantic_core import to_json as serialised

    text = serialised(data, indent=2).decode()
    # json escapes C0 itself; DEL, C1, bidirectional and invisible characters it leaves
    # raw. Written as \uXXXX they are the same JSON value, and cannot act on a terminal.
    return _JSON_RAW.sub(lambda found: f"\\u{ord(found[0]):04x}", text) + "\n"


_JSON_RAW = re.compile(f"[\x7f-\x9f]|{INVISIBLE.pattern}")
