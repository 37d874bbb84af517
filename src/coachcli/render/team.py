"""How reps look in tables and panels."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from coachcli.money import format_money
from coachcli.render.tables import literal


def rep_panel(rep: dict[str, Any]) -> Panel:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    for label, value in (
        ("Role", rep["role"]),
        ("Email", rep["email"]),
        ("Start", rep["start_date"]),
        ("Status", "archived" if rep["archived"] else "active"),
    ):
        facts.add_row(label, literal(value or "-"))
    quotas = Table("Period", "From", "To", "Quota", title="Quotas", title_justify="left")
    quotas.columns[3].justify = "right"
    for quota in rep["quotas"]:
        quotas.add_row(quota["period"], quota["start"], quota["end"], format_money(quota["amount"]))
    body = Group(facts, quotas) if rep["quotas"] else Group(facts, literal("No quota set."))
    return Panel(body, title=literal(rep["name"]), title_align="left", expand=False)
