"""How the database check looks, on screen and in Markdown. Takes plain values."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from coachcli.render.tables import literal
from coachcli.render.text import markdown_cell


def check_rows(report: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(what was checked, what was found, whether it is good), in reading order."""
    problems = report["foreign_key_problems"]
    how = "" if report["full"] else " (quick)"
    keys = (
        "not checked (--full checks them)"
        if problems is None
        else f"{problems} problem{'' if problems == 1 else 's'}"
    )
    return [
        ("Database", report["path"], True),
        (f"Integrity{how}", ", ".join(report["integrity"][:5]), report["integrity"] == ["ok"]),
        ("Foreign keys", keys, not problems),
        (
            "Schema",
            f"version {report['schema_version']} of {report['latest_version']}",
            report["schema_version"] == report["latest_version"],
        ),
        ("Journal", report["journal_mode"], True),
        ("File mode", report["file_mode"] or "-", report["file_mode"] in (None, "0o600")),
    ]


def check_table(report: dict[str, Any]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    for label, value, good in check_rows(report):
        mark = Text(" ✓" if good else " ✗", style="green" if good else "red")
        table.add_row(label, literal(value) + mark)
    return table


def check_markdown(report: dict[str, Any]) -> str:
    lines = ["# Database check\n", "| Check | Found | OK |", "| --- | --- | --- |"]
    for label, value, good in check_rows(report):
        lines.append(f"| {label} | {markdown_cell(value)} | {'yes' if good else 'no'} |")
    return "\n".join(lines) + "\n"
