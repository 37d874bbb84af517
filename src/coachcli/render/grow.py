"""How the pre-brief, sessions and actions look on screen."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from coachcli.render.tables import literal
from coachcli.render.text import markdown_text

NOTHING = {
    "sprint_focus": "No development plan on record.",
    "top_gap": "No skills assessment on record.",
    "deals_at_risk": "No deals at risk on record.",
    "activity_last_week": "No activity logged for last week.",
}


BRIEF_SECTIONS = (
    ("sprint_focus", "Sprint focus"),
    ("top_gap", "Largest gap"),
    ("deals_at_risk", "Deals at risk"),
    ("activity_last_week", "Last week"),
)


def last_one_on_one(brief: dict[str, Any]) -> Text:
    words, due = _cadence_words(brief)
    text = Text(words)
    text.append(": due" if due else ": on track", style="yellow" if due else "green")
    return text


def _cadence_words(brief: dict[str, Any]) -> tuple[str, bool]:
    since, cadence = brief["days_since_last"], brief["cadence_days"]
    if since is None:
        return "No one-on-one on record yet", True
    days = "1 day" if since == 1 else f"{since} days"
    return f"{days} ago ({brief['last_one_on_one']}); cadence {cadence} days", since >= cadence


def brief_panel(brief: dict[str, Any]) -> Panel:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    facts.add_row("Last one-on-one", last_one_on_one(brief))
    facts.add_row("Open actions", _actions_summary(brief["open_actions"]))
    for key, label in BRIEF_SECTIONS:
        facts.add_row(label, literal(_section_text(brief, key), "" if brief.get(key) else "dim"))
    title = literal(f"Pre-brief: {brief['rep']} ({brief['role']}), {brief['today']}")
    return Panel(facts, title=title, title_align="left")


def _section_text(brief: dict[str, Any], key: str) -> str:
    """A section of the brief as lines of text, or the "nothing on record" line."""
    value = brief.get(key)
    if not value:
        return NOTHING[key]
    lines = value if isinstance(value, list) else [value]
    if key == "sprint_focus":
        lines = [*lines, *(f"learning: {item}" for item in brief.get("sprint_learning", []))]
    return "\n".join(str(line) for line in lines)


def brief_markdown(brief: dict[str, Any]) -> str:
    """The pre-brief as Markdown, to paste into notes before the one-on-one."""
    words, due = _cadence_words(brief)
    parts = [
        f"# Pre-brief: {markdown_text(brief['rep'])} ({markdown_text(brief['role'])}), "
        f"{brief['today']}\n",
        f"- **Last one-on-one:** {words}: {'due' if due else 'on track'}",
        "- **Open actions:**" + ("" if brief["open_actions"] else " none open"),
    ]
    for action in brief["open_actions"]:
        late = f", {action['overdue_days']}d overdue" if action["overdue_days"] else ""
        parts.append(
            f"  - #{action['id']} {markdown_text(action['what'])} ({markdown_text(action['who'])}, "
            f"due {action['due']}, age {action['age_days']}d{late})"
        )
    for key, label in BRIEF_SECTIONS:
        lines = _section_text(brief, key).splitlines()
        parts.append(f"- **{label}:** " + "; ".join(markdown_text(line) for line in lines))
    return "\n".join(parts) + "\n"


def _actions_summary(actions: list[dict[str, Any]]) -> Text | Table:
    if not actions:
        return Text("None open.", style="dim")
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column()
    for action in actions:
        # The WHAT on its own line, owner, due date and age below: readable at 80 columns.
        line = literal(action["what"])
        line.append(
            f"\n{action['who']} · due {action['due']} · age {action['age_days']}d", style="dim"
        )
        if action["overdue_days"]:
            line.append(f" · {action['overdue_days']}d overdue", style="bold red")
        table.add_row(Text(f"#{action['id']}", style="dim"), line)
    return table


def session_panel(detail: dict[str, Any]) -> Panel:
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="dim", no_wrap=True)
    rows.add_column()
    for label, key in SESSION_FIELDS[detail["kind"]]:
        value = detail.get(key)
        if value:
            shown = "\n".join(f"• {item}" for item in value) if isinstance(value, list) else value
            rows.add_row(label, literal(shown))
    for label, key in (("Actions agreed", "actions"), ("Closed here", "carried_over")):
        if detail[key]:
            rows.add_row(
                label,
                literal(
                    "\n".join(
                        f"#{a['id']} {a['what']}: {a['who']}, by {a['due']} ({a['status']})"
                        for a in detail[key]
                    )
                ),
            )
    minutes = f", {detail['minutes']} min" if detail["minutes"] else ""
    title = literal(
        f"#{detail['id']} {detail['kind']} with {detail['rep']}, "
        f"{str(detail['held_at'])[:16].replace('T', ' ')}{minutes}"
    )
    return Panel(Group(rows), title=title, title_align="left")


SESSION_FIELDS = {
    "one-on-one": [
        ("Goal", "goal"),
        ("Reality", "reality"),
        ("Obstacles", "obstacles"),
        ("Options", "options"),
        ("Support", "support"),
        ("Private note", "private_note"),
    ],
    "consequence": [
        ("Standard", "standard"),
        ("Current", "current_measure"),
        ("Deadline", "deadline"),
        ("If missed", "if_missed"),
        ("Support", "support"),
        ("Private note", "private_note"),
    ],
}
