"""A development plan as plain text and Markdown (no Rich: exports build on it)."""

from __future__ import annotations

from typing import Any

from coachcli.money import format_money
from coachcli.render.records import NAME_TEXT, SHORT_TEXT, Column, markdown_table
from coachcli.render.text import markdown_text

BAR = "█"


def gap_bar(gap: int) -> str:
    return BAR * max(gap, 0)


def change_text(change: int | None) -> str:
    """Rating change since the previous assessment: ▲ better, ▼ worse."""
    if change is None:
        return ""
    if change == 0:
        return "="
    return f"▲{change}" if change > 0 else f"▼{-change}"


def action_line(action: dict[str, Any]) -> str:
    return f"{action['what']} ({action['who']}, {action['due']}, {action['status']})"


def days_left_text(sprint: dict[str, Any]) -> str:
    if sprint["closed"]:
        return f"closed: {sprint['outcome']}"
    days = sprint["days_left"]
    if days < 0:
        return f"ended {-days} days ago; close it with coach plan sprint"
    return f"{days} days left"


def gap_text(gap: int) -> str:
    return f"{gap_bar(gap)} {gap}".strip() if gap > 0 else str(gap)


GAP_COLUMNS = [
    Column("name", "Competency"),
    Column("expected", "Exp", justify="right", no_wrap=True),
    Column("rating", "Seen", justify="right", no_wrap=True),
    Column("gap", "Gap", show=gap_text, justify="right", no_wrap=True),
    Column("change", "Δ", show=change_text, justify="right", no_wrap=True),
    Column("root_cause", "Cause"),
]

# What the manager typed beside a rating, in full; the terminal shows it shortened.
GAP_NOTE_COLUMNS = [
    Column("name", "Competency"),
    Column("evidence", "Evidence"),
    Column("source", "Source"),
    Column("root_cause", "Cause"),
    Column("cause_note", "Cause note"),
]

# The root-cause analysis is the manager's private judgement of the rep (SPEC 3,
# "Private by default"); the evidence is what was observed, shared with the rep.
PRIVATE_GAP_KEYS = frozenset({"root_cause", "cause_note"})


def shareable(columns: list[Column], rep_safe: bool) -> list[Column]:
    """The columns a document may carry: a rep-safe one leaves the private ones out."""
    return [column for column in columns if not (rep_safe and column.key in PRIVATE_GAP_KEYS)]


def gap_notes(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of a gap row's evidence and cause note; the cause alone is in the table."""
    notes = []
    if row.get("evidence") or row.get("source"):
        source = f" ({row['source']})" if row.get("source") else ""
        notes.append((f"Evidence{source}", row.get("evidence") or ""))
    if row.get("cause_note"):
        cause = f" ({row['root_cause']})" if row.get("root_cause") else ""
        notes.append((f"Cause{cause}", row["cause_note"]))
    return notes


LEARNING_COLUMNS = [
    Column("id", "#", justify="right", no_wrap=True),
    Column("rep", "Rep", shorten=NAME_TEXT),
    Column("competency_name", "Competency", shorten=NAME_TEXT),
    Column("title", "Learning", shorten=SHORT_TEXT),
    Column("due", "Due", no_wrap=True),
    Column("done", "Done", show=lambda done: "yes" if done else "", no_wrap=True),
    Column("overdue_days", "Late", show=lambda v: f"{v}d" if v else "", justify="right"),
]


def expectation_lines(expectations: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, text) pairs: the period's targets, weekly activity levels, time split."""
    if not expectations:
        return []
    targets = [
        ("quota", format_money(expectations["quota"])),
        ("new logos", expectations["new_logos"]),
        ("renewals", format_money(expectations["renewals"])),
        ("expansion", format_money(expectations["expansion"])),
    ]
    shown = ", ".join(f"{label} {value}" for label, value in targets if value not in (None, ""))
    weekly = ", ".join(f"{k} {v}" for k, v in expectations["activity_targets"].items())
    time = ", ".join(f"{k} {v}%" for k, v in expectations["time_allocation"].items())
    return [
        (f"Targets {expectations['period']}", shown or "none set"),
        ("Weekly activity", weekly),
        ("Time", time),
    ]


def plan_markdown(view: dict[str, Any], level: int = 1, rep_safe: bool = False) -> str:
    """The plan as a Markdown section: goals, sprint, gaps, learning, history.

    Rep-safe leaves out the root causes and their notes."""
    h = "#" * level
    parts = [
        f"{h} Development plan: {markdown_text(view['rep'])} ({markdown_text(view['role'])})\n"
    ]
    lines = [f"**{label}**: {text}" for label, text in expectation_lines(view["expectations"])]
    parts += [f"{h}# Expectations\n", _bullets(lines, escape=False)]
    parts += [f"{h}# Goals for {view['year'] or 'the year'}\n", _bullets(view["goals"])]
    parts += [f"{h}# Current sprint\n", _sprint_markdown(view["current_sprint"])]
    parts += [f"{h}# Skill gaps\n", _gaps_markdown(view, f"{h}##", rep_safe)]
    parts.append(f"{h}# Learning\n")
    learning_columns = [c for c in LEARNING_COLUMNS if c.key != "rep"]
    parts.append(
        markdown_table(view["learning"], learning_columns) if view["learning"] else "None yet.\n"
    )
    parts += [f"{h}# Sprints\n", _sprints_markdown(view["sprints"])]
    if view["revisions"]:
        parts += [f"{h}# Revisions\n", _revisions_markdown(view["revisions"])]
    return "\n".join(parts)


def _bullets(items: list[str], escape: bool = True) -> str:
    if not items:
        return "None on record.\n"
    return "\n".join(f"- {markdown_text(i) if escape else i}" for i in items) + "\n"


def _sprint_markdown(sprint: dict[str, Any] | None) -> str:
    if sprint is None:
        return "No open sprint.\n"
    lines = [
        f"Sprint {sprint['number']}: **{markdown_text(sprint['focus_name'])}**, "
        f"{sprint['start']} to {sprint['end']} ({days_left_text(sprint)}). "
        f"Learning done: {sprint['learning_done']} of {sprint['learning_assigned']}.\n",
        "Objectives:\n",
        _bullets(sprint["objectives"]),
    ]
    if sprint["actions"]:
        actions = [
            f"{a['what']} ({a['who']}, {a['due']}, {a['status']})" for a in sprint["actions"]
        ]
        lines += ["Actions due in the sprint:\n", _bullets(actions)]
    return "\n".join(lines)


def _gaps_markdown(view: dict[str, Any], heading: str, rep_safe: bool) -> str:
    if not view["gaps"]:
        return "No assessment on record.\n"
    when = str(view["assessed_at"])[:10]
    before = view["previous_assessed_at"]
    since = f"; Δ is the change since {str(before)[:10]}" if before else ""
    table = markdown_table(view["gaps"], shareable(GAP_COLUMNS, rep_safe))
    notes = _gap_notes_markdown(view["gaps"], heading, rep_safe)
    return f"Assessed {when}{since}.\n\n{table}{notes}"


def _gap_notes_markdown(gaps: list[dict[str, Any]], heading: str, rep_safe: bool) -> str:
    """Only the competencies with something typed: most ratings come without notes."""
    columns = shareable(GAP_NOTE_COLUMNS, rep_safe)
    typed = [column.key for column in columns if column.key != "name"]
    noted = [row for row in gaps if any(row.get(key) for key in typed)]
    if not noted:
        return ""
    title = "Evidence" if rep_safe else "Evidence and causes"
    return f"\n{heading} {title}\n\n" + markdown_table(noted, columns)


def _sprints_markdown(sprints: list[dict[str, Any]]) -> str:
    if not sprints:
        return "None yet.\n"
    columns = [
        Column("number", "#", justify="right"),
        Column("focus_name", "Focus"),
        Column("start", "Start"),
        Column("end", "End"),
        Column("outcome", "Outcome", show=lambda v: v or "open"),
        Column("retro", "Retro", shorten=SHORT_TEXT),
    ]
    return markdown_table(sprints, columns)


def _revisions_markdown(revisions: list[dict[str, Any]]) -> str:
    lines = []
    for revision in revisions:
        changed = ", ".join(revision["changes"])
        lines.append(
            f"- {str(revision['revised_at'])[:10]}: {markdown_text(revision['reason'])} "
            f"(changed {markdown_text(changed)})"
        )
    return "\n".join(lines) + "\n"
