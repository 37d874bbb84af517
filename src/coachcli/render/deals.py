"""Deals, their history and import reports, on screen and in Markdown."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from coachcli.money import format_money
from coachcli.render.rates import rate_text
from coachcli.render.records import NAME_TEXT, SHORT_TEXT, Column, markdown_table
from coachcli.render.tables import literal, rich_table
from coachcli.render.text import markdown_text
from coachcli.words import counted

DEAL_COLUMNS = [
    # An 18-character Salesforce id would take a quarter of an 80-column table; on a
    # terminal a deal is named by the start of its name (`coach deal show globex`).
    Column("external_id", "Id", no_wrap=True, in_table=False),
    Column("name", "Deal", shorten=SHORT_TEXT),
    Column("owner", "Owner", shorten=NAME_TEXT),
    Column("stage_name", "Stage"),
    Column(
        "amount", "Amount", justify="right", show=format_money, currency="currency", no_wrap=True
    ),
    Column("close_date", "Close", no_wrap=True),
    Column("pushes", "Push", justify="right", show=lambda v: str(v) if v else ""),
]

# Deals the latest CRM export no longer has: a terminal table shows the column only
# when one of its deals is missing; CSV and Markdown always carry it.
MISSING_COLUMN = Column("missing_since", "Missing since", no_wrap=True)


def deal_columns(deals: list[dict[str, Any]]) -> list[Column]:
    """The columns of a deal list: DEAL_COLUMNS, and when a deal is missing, since when."""
    any_missing = any(deal.get("missing_since") for deal in deals)
    return [*DEAL_COLUMNS, replace(MISSING_COLUMN, in_table=any_missing)]


EVENT_COLUMNS = [
    Column("day", "Day", no_wrap=True),
    Column("kind", "Change", no_wrap=True),
    Column("old", "From", shorten=NAME_TEXT),
    Column("new", "To", shorten=NAME_TEXT),
]

STEP_COLUMNS = [
    Column("position", "#", justify="right"),
    Column("what", "Step", shorten=SHORT_TEXT),
    Column("due", "Due", no_wrap=True),
    Column("done_on", "Done", no_wrap=True),
]

CHANGE_COLUMNS = [
    Column("change", "Change", no_wrap=True),
    Column("external_id", "Id", no_wrap=True),
    Column("name", "Deal", shorten=SHORT_TEXT),
    Column("old", "From", shorten=NAME_TEXT),
    Column("new", "To", shorten=NAME_TEXT),
]
SHOWN_CHANGES = 40
LABELS = {
    "new": "new",
    "advanced": "advanced",
    "moved_back": "moved back",
    "pushed": "pushed",
    "pulled_in": "pulled in",
    "won": "won",
    "lost": "lost",
    "amount_up": "amount up",
    "amount_down": "amount down",
    "category": "category changed",
    "missing": "missing from this export",
    "returned": "back in the export",
    "reopened": "reopened",
    "next_step": "next step changed",
    "champion": "champion",
    "economic_buyer": "economic buyer",
    "decision_process": "decision process known",
    "value_confirmed": "value confirmed",
    "plan_step_added": "close-plan step added",
    "plan_step_done": "close-plan step done",
    "plan_step_removed": "close-plan step removed",
}


def _facts(deal: dict[str, Any]) -> list[tuple[str, str]]:
    evidence = [
        label
        for key, label in (
            ("champion", "champion"),
            ("economic_buyer", "economic buyer"),
            ("decision_process", "decision process known"),
        )
        if deal[key]
    ]
    value = "confirmed" if deal["value_confirmed"] else "estimated"
    amount = format_money(deal["amount"], deal["currency"])
    return [
        ("Account", deal["account"] or ""),
        ("Rep", deal["rep"] or f"{deal['owner'] or '?'} (not on the team)"),
        ("Stage", f"{deal['stage_name']}, {deal['days_in_stage']} days in stage"),
        ("Status", _status(deal)),
        ("Amount", f"{amount} ({value})"),
        *_counted_as(deal),
        (
            "Close date",
            f"{deal['close_date']}" + (f", pushed {deal['pushes']}x" if deal["pushes"] else ""),
        ),
        ("Category", deal["forecast_category"] or ""),
        ("Next step", deal["next_step"] or "none"),
        ("Evidence", ", ".join(evidence) or "none recorded"),
        ("Last activity", last_touch_text(deal)),
    ]


def _counted_as(deal: dict[str, Any]) -> list[tuple[str, str]]:
    """What a deal in another currency counts for in totals, or how to make it count."""
    value = deal.get("value")
    if value is None or value["currency"] == deal["currency"]:
        return []
    code, home = deal["currency"], value["currency"]
    if value["amount"] is None:
        day = value["rate_day"]
        return [
            (
                "In totals",
                f"left out: no {code} rate on or before {day}. Add one (1 {code} in {home}) "
                f"with `coach config fx {code} RATE --as-of {day}`",
            )
        ]
    rate = f"1 {code} = {rate_text(value['rate'])} {home} from {value['rate_as_of']}"
    return [("In totals", f"{format_money(round(value['amount'], 2), home)} ({rate})")]


def _status(deal: dict[str, Any]) -> str:
    text = deal["status"] + (f": {deal['lost_reason']}" if deal["lost_reason"] else "")
    if deal["missing_since"]:
        text += f"; missing since {deal['missing_since']} (not in the CRM's latest export)"
    return text


def last_touch_text(deal: dict[str, Any]) -> str:
    """The last sign of life and where it comes from, or that there is none."""
    if deal["last_touch"] is None:
        return "no activity data (no activity date from the CRM, no change seen yet)"
    source = "CRM activity" if deal["last_touch_from"] == "activity" else "last change seen"
    return f"{deal['last_touch']} ({source})"


def deal_panel(deal: dict[str, Any]) -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for label, value in _facts(deal):
        grid.add_row(label, literal(value))
    parts: list[Any] = [grid]
    if deal["steps"]:
        parts.append(rich_table(deal["steps"], STEP_COLUMNS, "Close plan"))
    title = literal(f"{deal['name']} ({deal['external_id']})")
    return Panel(Group(*parts), title=title, title_align="left")


def deal_markdown(deal: dict[str, Any]) -> str:
    lines = [f"# {markdown_text(deal['name'])} ({markdown_text(deal['external_id'])})\n"]
    lines += [f"- **{label}**: {markdown_text(value)}" for label, value in _facts(deal)]
    if deal["steps"]:
        lines += ["", "## Close plan", "", markdown_table(deal["steps"], STEP_COLUMNS)]
    return "\n".join(lines) + "\n"


DRY_RUN_NOTE = "Dry run: nothing was saved."


def import_summary(report: dict[str, Any]) -> list[str]:
    """Messages for the person: what was read, what happened, who is unknown."""
    verb = "Would import" if report["dry_run"] else "Imported"
    if report["nothing_changed"]:
        verb = "Read"
    source = f"{report['file']} ({report['source']})"
    lines = [f"{verb} {counted(report['rows'], 'deal')} from {source}, as of {report['as_of']}."]
    if report["nothing_changed"]:
        lines.append("Nothing changed since the last import; nothing was written.")
    if report["bad_rows"]:
        lines.append(f"Skipped {counted(len(report['bad_rows']), 'bad row')}:")
        lines += [f"  line {row['line']}: {row['reason']}" for row in report["bad_rows"]]
    if report["unknown_owners"]:
        lines.append(
            f"Owners not on the team: {', '.join(report['unknown_owners'])}. Their deals are "
            "kept under the owner's name; add them with `coach team add` or re-import with "
            "--create-reps."
        )
    if report["owner_ids_to_map"]:
        lines.append(
            f"Owner ids that match no rep: {', '.join(report['owner_ids_to_map'])}. No rep is "
            "named after an id: map each to its rep with `coach team edit NAME --crm-id ID` "
            "(or export the Opportunity Owner column too), then import the file again."
        )
    if report["created_reps"]:
        lines.append(f"Added to the team: {', '.join(report['created_reps'])}.")
    if report["dry_run"]:
        lines.append(DRY_RUN_NOTE)
    return lines


def left_out_rows(left_out: list[dict[str, Any]], shown: int = 20) -> list[str]:
    """Rows of the file that are not deals to import (deleted in the CRM), by reason."""
    by_reason: dict[str, list[int]] = {}
    for row in left_out:
        by_reason.setdefault(row["reason"], []).append(row["line"])
    lines = []
    for reason, numbers in by_reason.items():
        listed = ", ".join(str(number) for number in numbers[:shown])
        more = f" and {len(numbers) - shown} more" if len(numbers) > shown else ""
        where = "line" if len(numbers) == 1 else "lines"
        lines.append(f"Left out {counted(len(numbers), 'deal')} {reason} ({where} {listed}{more}).")
    return lines


def _count_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"change": LABELS.get(kind, kind), "deals": count}
        for kind, count in report["counts"].items()
        if count
    ]


def _changes(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every change but the new open deals (counted, not listed), with readable labels."""
    return [
        {**change, "change": _change_label(change)}
        for change in report["changes"]
        if change["change"] != "new"
    ]


def _change_label(change: dict[str, Any]) -> str:
    label = LABELS.get(change["change"], change["change"])
    # Won or lost on first sight: counted with the wins or losses, marked as new.
    return f"{label} (new)" if change.get("first_seen") else label


COUNT_COLUMNS = [Column("change", "Change"), Column("deals", "Deals", justify="right")]


def import_tables(report: dict[str, Any]) -> Group:
    counts = _count_rows(report)
    parts: list[Any] = [rich_table(counts, COUNT_COLUMNS, "What changed")] if counts else []
    changes = _changes(report)
    if changes:
        parts.append(rich_table(changes[:SHOWN_CHANGES], CHANGE_COLUMNS, "Changes"))
    hidden = len(changes) - SHOWN_CHANGES
    if hidden > 0:
        parts.append(literal(f"… and {hidden} more; --json lists every change.", style="dim"))
    return Group(*parts)


def import_markdown(report: dict[str, Any]) -> str:
    parts = [f"# Import of {markdown_text(report['file'])} as of {report['as_of']}\n"]
    if report["dry_run"]:  # a saved report must not read as if the import happened
        parts.append(f"{DRY_RUN_NOTE}\n")
    parts.append(markdown_table(_count_rows(report), COUNT_COLUMNS))
    changes = _changes(report)
    if changes:
        parts += ["## Changes\n", markdown_table(changes, CHANGE_COLUMNS)]
    return "\n".join(parts)


def total_lines(totals: list[dict[str, Any]]) -> list[str]:
    """One line per currency: amounts in different currencies are never added up."""
    return [
        f"Total: {format_money(total['amount'], total['currency'])} in "
        f"{counted(total['count'], 'deal')}"
        for total in totals
    ]


def left_out_note(shown: int, total: int) -> str:
    """What a shortened deal list leaves out, and how to see it."""
    return (
        f"Showing the first {shown:,} of {total:,} deals (soonest close first). Narrow it "
        "with REP, --period or --status; --limit 0 shows all; --format csv for a spreadsheet."
    )


def _undo_effect(plan: dict[str, Any], remove: str, put: str) -> str:
    text = (
        f"{remove} {counted(plan['created_deals'], 'deal')} it added and "
        f"{counted(plan['events'], 'recorded change')}"
    )
    if plan["changed_deals"]:
        text += f", and {put} {counted(plan['changed_deals'], 'deal')} it changed back as they were"
    return text


def undo_question(plan: dict[str, Any]) -> str:
    """The yes/no before `coach deal undo-import`: what it would take away and put back."""
    effect = _undo_effect(plan, "removes", "puts")
    return f"Undo the import of {plan['file']} as of {plan['as_of']}? It {effect}."


def undo_done(plan: dict[str, Any]) -> str:
    effect = _undo_effect(plan, "removed", "put")
    return f"Undid the import of {plan['file']} as of {plan['as_of']}: {effect}."
