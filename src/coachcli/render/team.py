"""How a rep looks: a panel on screen, a short document in Markdown."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from coachcli.money import format_money
from coachcli.render.tables import literal
from coachcli.render.text import markdown_text


def _facts(rep: dict[str, Any]) -> list[tuple[str, str]]:
    quota = format_money(rep["quota"]) or "none"
    facts = [
        ("Role", rep["role"]),
        ("Email", rep["email"] or "-"),
        ("Start", str(rep["start_date"] or "-")),
        ("Status", "archived" if rep["archived"] else "active"),
        ("Quota now", f"{quota} ({rep['quota_period']}): {rep['quota_reason']}"),
        # How imports know the rep besides the name.
        ("CRM ids", ", ".join(rep["crm_ids"]) or "none"),
    ]
    if rep["former_names"]:
        facts.append(("Was named", ", ".join(rep["former_names"])))
    return facts


def _history_rows(rep: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(when, period, from → to, by which command), oldest first."""
    return [
        (
            str(change["changed_at"])[:10],
            change["period"],
            f"{format_money(change['old_amount']) or 'none'} → "
            f"{format_money(change['new_amount'])}",
            change["source"],
        )
        for change in rep["quota_history"]
    ]


def rep_panel(rep: dict[str, Any]) -> Panel:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    for label, value in _facts(rep):
        facts.add_row(label, literal(value))
    parts: list[Any] = [facts]
    if rep["quotas"]:
        quotas = Table("Period", "From", "To", "Quota", title="Quotas", title_justify="left")
        quotas.columns[3].justify = "right"
        for quota in rep["quotas"]:
            quotas.add_row(quota["period"], quota["start"], quota["end"],
                           format_money(quota["amount"]))  # fmt: skip
        parts.append(quotas)
    else:
        parts.append(Text("No quota set.", style="dim"))
    if rep["quota_history"]:
        history = Table("Changed", "Period", "Quota", "By", title="Quota history",
                        title_justify="left")  # fmt: skip
        for row in _history_rows(rep):
            history.add_row(*row)
        parts.append(history)
    return Panel(Group(*parts), title=literal(rep["name"]), title_align="left", expand=False)


def rep_markdown(rep: dict[str, Any]) -> str:
    """`coach team show --format markdown`: the facts, quotas and their history."""
    lines = [f"# {markdown_text(rep['name'])}\n"]
    lines += [f"- **{label}:** {markdown_text(value)}" for label, value in _facts(rep)]
    if rep["quotas"]:
        lines += [
            "",
            "## Quotas",
            "",
            "| Period | From | To | Quota |",
            "| --- | --- | --- | ---: |",
        ]
        lines += [
            f"| {q['period']} | {q['start']} | {q['end']} | {format_money(q['amount'])} |"
            for q in rep["quotas"]
        ]
    if rep["quota_history"]:
        lines += ["", "## Quota history", "", "| Changed | Period | Quota | By |",
                  "| --- | --- | --- | --- |"]  # fmt: skip
        lines += [f"| {' | '.join(row)} |" for row in _history_rows(rep)]
    return "\n".join(lines) + "\n"
