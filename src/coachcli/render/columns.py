"""The columns of each list, shared by tables, Markdown and exports. No Rich here."""

from __future__ import annotations

from typing import Any

from coachcli.money import format_money
from coachcli.render.records import NAME_TEXT, SHORT_TEXT, Column

REP_COLUMNS = [
    Column("name", "Name", style="bold", shorten=NAME_TEXT),
    Column("role", "Role", no_wrap=True),
    Column("start_date", "Start", no_wrap=True),
    Column(
        "quota",
        "Quota",
        justify="right",
        show=lambda v: format_money(v) or "no quota",
        no_wrap=True,
    ),
    Column("quota_period", "Period", no_wrap=True),
]


def _overdue(value: Any) -> str:
    return f"{value}d" if value else ""


ACTION_COLUMNS = [
    Column("id", "#", justify="right", no_wrap=True),
    Column("rep", "Rep", no_wrap=True, shorten=NAME_TEXT),
    Column("what", "What", shorten=SHORT_TEXT),
    Column("who", "Who", shorten=NAME_TEXT),
    Column("due", "Due", no_wrap=True),
    Column("status", "Status", no_wrap=True),
    Column("overdue_days", "Late", show=_overdue, justify="right", no_wrap=True),
]

SESSION_COLUMNS = [
    Column("id", "#", justify="right", no_wrap=True),
    Column("held_at", "Held", show=lambda v: str(v)[:10], no_wrap=True),
    Column("rep", "Rep", no_wrap=True, shorten=NAME_TEXT),
    Column("kind", "Kind", no_wrap=True),
    Column("headline", "Goal / standard", shorten=SHORT_TEXT),
    Column("actions_agreed", "Actions", justify="right"),
]

OPEN_ACTION_COLUMNS = [column for column in ACTION_COLUMNS if column.key != "status"]
