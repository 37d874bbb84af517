"""How the database check looks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from coachcli.render.tables import literal

if TYPE_CHECKING:
    from coachcli.db.maintenance import CheckReport


def check_table(report: CheckReport) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    integrity = ", ".join(report.integrity[:5])
    rows = [
        ("Database", literal(report.path), True),
        ("Integrity", literal(integrity), report.integrity == ["ok"]),
        (
            "Foreign keys",
            Text(f"{report.foreign_key_problems} problems"),
            report.foreign_key_problems == 0,
        ),
        (
            "Schema",
            Text(f"version {report.schema_version} of {report.latest_version}"),
            report.schema_version == report.latest_version,
        ),
        ("Journal", Text(report.journal_mode), True),
        ("File mode", Text(report.file_mode or "-"), report.file_mode in (None, "0o600")),
    ]
    for label, value, good in rows:
        table.add_row(
            label, value.copy().append(" ✓" if good else " ✗", style="green" if good else "red")
        )
    return table
