"""How a development plan looks on screen: gap table with bars, sprint panel, history."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from coachcli.render.plan_text import (
    GAP_COLUMNS,
    LEARNING_COLUMNS,
    action_line,
    days_left_text,
    expectation_lines,
    gap_notes,
)
from coachcli.render.tables import literal, rich_table
from coachcli.render.text import one_line


def gap_table(gaps: list[dict[str, Any]], title: str | None = None) -> Table:
    # No vertical rules: the longest competency names then fit on one line at 80 columns.
    return rich_table(gaps, GAP_COLUMNS, title, box=box.SIMPLE_HEAD)


def gaps_section(view: dict[str, Any]) -> Group:
    """The gap table, then what the manager typed beside the ratings."""
    return Group(gap_table(view["gaps"], gap_title(view)), *gap_notes_lines(view["gaps"]))


def gap_notes_lines(gaps: list[dict[str, Any]]) -> list[Text]:
    """Evidence and cause notes as a list under the table, one line each, cut to the
    terminal's width: as table columns, prose squeezes the ratings unreadable at 80
    columns. Markdown and JSON carry the full text."""
    noted = [row for row in gaps if gap_notes(row)]
    if not noted:
        return []
    lines = [Text("Evidence and causes", style="table.title")]
    for row in noted:
        lines.append(literal(f"  {row['name']}"))
        lines += [_cut_to_width(f"    {label}: ", text) for label, text in gap_notes(row)]
    return [*lines, Text()]


def _cut_to_width(label: str, text: str) -> Text:
    line = Text(label, style="dim", no_wrap=True, overflow="ellipsis")
    line.append_text(literal(one_line(text)))
    return line


def gap_title(view: dict[str, Any]) -> str:
    when = str(view["assessed_at"])[:10]
    before = view.get("previous_assessed_at")
    since = f", Δ since {str(before)[:10]}" if before else ""
    return f"Skill gaps (assessed {when}{since})"


def plan_screen(view: dict[str, Any]) -> Group:
    parts: list[RenderableType] = [_overview(view)]
    if view["current_sprint"]:
        parts.append(sprint_panel(view["current_sprint"]))
    if view["gaps"]:
        parts.append(gaps_section(view))
    if view["learning"]:
        columns = [c for c in LEARNING_COLUMNS if c.key != "rep"]
        parts.append(rich_table(view["learning"], columns, "Learning"))
    if view["revisions"]:
        parts.append(_revisions(view["revisions"]))
    return Group(*parts)


def _overview(view: dict[str, Any]) -> Panel:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    for label, text in expectation_lines(view["expectations"]):
        facts.add_row(label, literal(text))
    goals = "\n".join(f"• {goal}" for goal in view["goals"]) or "No plan yet."
    facts.add_row("Goals", literal(goals))
    closed = [s for s in view["sprints"] if s["closed"]]
    if closed:
        history = ", ".join(f"{s['number']} {s['focus']}: {s['outcome']}" for s in closed)
        facts.add_row("Past sprints", literal(history))
    year = f" {view['year']}" if view["year"] else ""
    title = literal(f"Development plan{year}: {view['rep']} ({view['role']})")
    return Panel(facts, title=title, title_align="left")


def sprint_panel(sprint: dict[str, Any]) -> Panel:
    body = Table.grid(padding=(0, 2))
    body.add_column(style="dim", no_wrap=True)
    body.add_column()
    body.add_row("Focus", literal(sprint["focus_name"], style="bold"))
    body.add_row(
        "Dates", literal(f"{sprint['start']} to {sprint['end']}, {days_left_text(sprint)}")
    )
    body.add_row("Objectives", literal("\n".join(f"• {o}" for o in sprint["objectives"])))
    body.add_row(
        "Learning", Text(f"{sprint['learning_done']} of {sprint['learning_assigned']} done")
    )
    body.add_row("Actions", _actions(sprint["actions"]))
    title = Text(f"Sprint {sprint['number']}")
    return Panel(body, title=title, title_align="left")


def _actions(actions: list[dict[str, Any]]) -> Text:
    if not actions:
        return Text("None due in the sprint.", style="dim")
    done = sum(1 for action in actions if action["status"] == "done")
    lines = [f"{done} of {len(actions)} done"]
    lines += [f"• {action_line(action)}" for action in actions]
    return literal("\n".join(lines))


def _revisions(revisions: list[dict[str, Any]]) -> Table:
    table = Table(title="Revisions", title_justify="left", header_style="bold")
    table.add_column("Date", no_wrap=True)
    table.add_column("Reason")
    table.add_column("Changed")
    for revision in revisions:
        changes = ", ".join(
            f"{key}: {_short(c['from'])} → {_short(c['to'])}"
            for key, c in revision["changes"].items()
        )
        table.add_row(
            str(revision["revised_at"])[:10], literal(revision["reason"]), literal(changes)
        )
    return table


def _short(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)
