"""Markdown notes: a session, and the running document of a rep. Strings only.

Rep-safe documents leave out private notes, the details of consequence
conversations and the root causes of skill gaps; they are what a manager can share
with the rep.
"""

from __future__ import annotations

from typing import Any

from coachcli.render.columns import ACTION_COLUMNS
from coachcli.render.plan_text import plan_markdown
from coachcli.render.records import markdown_table
from coachcli.render.text import markdown_text

WITHHELD = "_Consequence conversation: details are private._"


def session_markdown(detail: dict[str, Any], rep_safe: bool = False, level: int = 1) -> str:
    heading = "#" * level
    when = str(detail["held_at"])[:16].replace("T", " ")
    title = "One-on-one" if detail["kind"] == "one-on-one" else "Consequence conversation"
    parts = [f"{heading} {title} with {markdown_text(detail['rep'])}, {when} (#{detail['id']})\n"]
    if detail["kind"] == "consequence" and rep_safe:
        return "\n".join([*parts, WITHHELD, ""])
    sub = "#" * (level + 1)
    for label, key in _sections(detail["kind"]):
        value = detail.get(key)
        if key == "private_note" and rep_safe:
            continue
        if value:
            parts.append(f"{sub} {label}\n\n{_block(value)}\n")
    for label, key in (("Actions agreed", "actions"), ("Carried over and closed", "carried_over")):
        if detail[key]:
            parts.append(f"{sub} {label}\n\n{markdown_table(detail[key], ACTION_COLUMNS[2:])}")
    return "\n".join(parts)


def _sections(kind: str) -> list[tuple[str, str]]:
    if kind == "one-on-one":
        return [
            ("Goal", "goal"),
            ("Reality", "reality"),
            ("Obstacles", "obstacles"),
            ("Way forward", "options"),
            ("Support", "support"),
            ("Private note", "private_note"),
        ]
    return [
        ("Standard", "standard"),
        ("Current measure", "current_measure"),
        ("Deadline", "deadline"),
        ("Consequence if missed", "if_missed"),
        ("Support offered", "support"),
        ("Private note", "private_note"),
    ]


def _block(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(f"- {markdown_text(item)}" for item in value)
    return markdown_text(value)


def rep_markdown(
    rep: dict[str, Any],
    sessions: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    plan: dict[str, Any] | None,
    rep_safe: bool = False,
) -> str:
    """One running document per rep: the plan, actions, then sessions newest first."""
    parts = [
        f"# Coaching notes: {markdown_text(rep['name'])}\n",
        f"Role: {markdown_text(rep['role'])}\n",
        plan_markdown(plan, level=2, rep_safe=rep_safe)
        if plan
        else "## Development plan\n\nNo development plan on record.\n",
        "## Actions\n",
    ]
    parts.append(markdown_table(actions, ACTION_COLUMNS[2:]) if actions else "No actions.\n")
    parts.append("## Sessions\n")
    if not sessions:
        parts.append("No sessions yet.\n")
    parts.extend(session_markdown(s, rep_safe, level=3) for s in sessions)
    return "\n".join(parts)
