"""Deals, their history and import reports, on screen and in Markdown."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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
    Column("stage_name", "Stage", shorten=NAME_TEXT),
    Column(
        "amount", "Amount", justify="right", show=format_money, currency="currency", no_wrap=True
    ),
    Column("close_date", "Close", no_wrap=True, show=lambda day: day or "none"),
    Column("pushes", "Push", justify="right", show=lambda v: str(v) if v else ""),
]

# Deals the latest CRM export no longer has, since when. CSV and Markdown always carry
# the column; a terminal table only when one of its deals is missing.
MISSING_COLUMN = Column("missing_since", "Missing", no_wrap=True)


def deal_columns(deals: list[dict[str, Any]]) -> list[Column]:
    """The columns of a deal list. At 80 columns every one counts, so the terminal
    table leaves out Push when no deal was pushed and Missing when none is missing."""
    shown = {
        "pushes": any(deal.get("pushes") for deal in deals),
        "missing_since": any(deal.get("missing_since") for deal in deals),
    }
    return [
        replace(column, in_table=column.in_table and shown.get(column.key, True))
        for column in [*DEAL_COLUMNS, MISSING_COLUMN]
    ]


# A deal's history in words: what kind of change, and stages, categories and amounts
# as people name them (the stored keys and numbers stay in JSON and CSV).
EVENT_LABELS = {
    "created": "created",
    "stage": "stage",
    "close_date": "close date",
    "category": "category",
    "amount": "amount",
    "currency": "currency",
    "won": "won",
    "lost": "lost",
    "missing": "missing from an export",
    "returned": "back in the export",
    "reopened": "reopened",
}
EVENT_COLUMNS = [
    Column("day", "Day", no_wrap=True),
    Column("kind", "Change", no_wrap=True, show=lambda kind: EVENT_LABELS.get(kind, kind)),
    Column("old", "From", shorten=NAME_TEXT, words="old_label"),
    Column("new", "To", shorten=NAME_TEXT, words="new_label"),
]

STEP_COLUMNS = [
    Column("position", "#", justify="right"),
    Column("what", "Step", shorten=SHORT_TEXT),
    Column("due", "Due", no_wrap=True),
    Column("done_on", "Done", no_wrap=True),
]

# One row per deal, its changes in a sentence that wraps in its cell; the CRM id only
# where there is room for it (Markdown), as in `deal list`.
CHANGE_COLUMNS = [
    Column("external_id", "Id", no_wrap=True, in_table=False),
    Column("name", "Deal", shorten=SHORT_TEXT),
    Column("owner", "Owner", shorten=NAME_TEXT),
    Column("changes", "Changes", wrap=True),
]
SHOWN_DEALS = 40
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
    "currency": "currency changed",
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
        ("Stage", _stage(deal)),
        ("Status", _status(deal)),
        ("Amount", f"{amount} ({value})"),
        *_counted_as(deal),
        (
            "Close date",
            f"{deal['close_date'] or 'none: the CRM gave none'}"
            + (f", pushed {deal['pushes']}x" if deal["pushes"] else ""),
        ),
        ("Category", deal["forecast_category_name"] or ""),
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


def _stage(deal: dict[str, Any]) -> str:
    if deal["status"] != "open":  # days in a closing stage say nothing
        return deal["stage_name"]
    return f"{deal['stage_name']}, {deal['days_in_stage']} days in stage"


def _status(deal: dict[str, Any]) -> str:
    text = deal["status"]
    if deal["closed_on"]:  # "won on 2054-11-28": when it closed matters for the period
        text += f" on {deal['closed_on']}"
    text += f": {deal['lost_reason']}" if deal["lost_reason"] else ""
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
        count = report.get("bad_row_count", len(report["bad_rows"]))
        lines.append(f"Skipped {counted(count, 'bad row')}:")
        lines += [f"  line {row['line']}: {row['reason']}" for row in report["bad_rows"]]
        if count > len(report["bad_rows"]):
            lines.append(f"  … and {count - len(report['bad_rows'])} more")
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


def left_out_rows(
    left_out: list[dict[str, Any]], counts: dict[str, int] | None = None, shown: int = 20
) -> list[str]:
    """Rows of the file that are not deals to import (deleted in the CRM), by reason;
    `counts`: how many there are of each reason, when `left_out` gives only the first."""
    by_reason: dict[str, list[int]] = {}
    for row in left_out:
        by_reason.setdefault(row["reason"], []).append(row["line"])
    lines = []
    for reason, numbers in by_reason.items():
        count = (counts or {}).get(reason, len(numbers))
        listed = ", ".join(str(number) for number in numbers[:shown])
        more = f" and {count - shown} more" if count > shown else ""
        where = "line" if count == 1 else "lines"
        lines.append(f"Left out {counted(count, 'deal')} {reason} ({where} {listed}{more}).")
    return lines


def _count_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"change": LABELS.get(kind, kind), "deals": count}
        for kind, count in report["counts"].items()
        if count
    ]


# How a deal's changes line up in its sentence: what happened to it first (won,
# lost, gone), then how it moved.
SENTENCE_ORDER = (
    "new",
    "won",
    "lost",
    "reopened",
    "missing",
    "returned",
    "advanced",
    "moved_back",
    "pushed",
    "pulled_in",
    "amount_up",
    "amount_down",
    "currency",
    "category",
)


def deal_changes(report: dict[str, Any], most: int | None = None) -> tuple[list[dict], int]:
    """One row per deal the import changed, its changes in words joined by " · ", at
    most `most` of them (the words are only written for those), and how many deals
    changed. Deals that moved come first; those that are only new follow."""
    by_deal: dict[str, list[dict[str, Any]]] = {}
    for change in report["changes"]:
        by_deal.setdefault(change["external_id"], []).append(change)
    # sorted() keeps the file's order within each group.
    ordered = sorted(by_deal.values(), key=lambda changes: _only_new(changes))
    rows = [
        {
            "external_id": changes[0]["external_id"],
            "name": changes[0]["name"],
            "owner": changes[0]["owner"],
            "changes": " · ".join(_in_words(change) for change in _in_order(changes)),
        }
        for changes in (ordered if most is None else ordered[:most])
    ]
    return rows, len(ordered)


def _only_new(changes: list[dict[str, Any]]) -> bool:
    return len(changes) == 1 and changes[0]["change"] == "new"


def _in_order(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    place = {kind: index for index, kind in enumerate(SENTENCE_ORDER)}
    return sorted(changes, key=lambda change: place.get(change["change"], len(place)))


def _in_words(change: dict[str, Any]) -> str:
    """One change as a manager says it: "advanced Discovery → Negotiation",
    "close 2054-12-15 → 2055-01-15", "amount 10,000 USD → 12,000 USD", "Commit → Closed"."""
    kind, old, new = change["change"], change["old_label"], change["new_label"]
    if kind in ("advanced", "moved_back"):
        return f"{LABELS[kind]} {old} → {new}"
    if kind in ("pushed", "pulled_in"):
        return f"close {old} → {new}"
    if kind in ("amount_up", "amount_down"):
        return f"amount {old} → {new}"
    if kind == "currency":
        return f"currency {old} → {new}"
    if kind == "category":
        return f"{old or 'no category'} → {new or 'no category'}"
    label = LABELS.get(kind, kind)
    # Won or lost on first sight: counted with the wins or losses, marked as new.
    return f"{label} (new)" if change.get("first_seen") else label


COUNT_COLUMNS = [Column("change", "Change"), Column("deals", "Deals", justify="right")]


def import_tables(report: dict[str, Any]) -> Group:
    counts = _count_rows(report)
    parts: list[Any] = [rich_table(counts, COUNT_COLUMNS, "What changed")] if counts else []
    rows, changed = deal_changes(report, SHOWN_DEALS)
    if rows:
        parts.append(rich_table(rows, CHANGE_COLUMNS, "Changes by deal"))
    # An import's report may keep the changes of the deals shown only, and count all.
    hidden = report.get("deals_changed", changed) - len(rows)
    if hidden > 0:
        more = f"… and {counted(hidden, 'more deal')}; --json lists every change."
        parts.append(literal(more, style="dim"))
    return Group(*parts)


def import_markdown(report: dict[str, Any]) -> str:
    return "".join(import_markdown_parts(report))


def import_markdown_parts(
    report: dict[str, Any], deals: Callable[[], Iterable[list[dict[str, Any]]]] | None = None
) -> Iterator[str]:
    """The import's Markdown, piece by piece. `deals`: each call reads every deal's
    changes again, in the order found (a report that keeps them in a file); None: the
    report's own `changes`."""
    yield f"# Import of {markdown_text(report['file'])} as of {report['as_of']}\n\n"
    if report["dry_run"]:  # a saved report must not read as if the import happened
        yield f"{DRY_RUN_NOTE}\n\n"
    counts = _count_rows(report)
    yield markdown_table(counts, COUNT_COLUMNS) if counts else "Nothing changed.\n"
    if deals is None:
        rows, _ = deal_changes(report)
    else:  # those that moved first, then those only new, as deal_changes orders them
        rows = (
            deal_changes({"changes": changes})[0][0]
            for only_new in (False, True)
            for changes in deals()
            if _only_new(changes) == only_new
        )
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    table = markdown_table([first], CHANGE_COLUMNS)
    yield "\n## Changes by deal\n\n" + table
    rule = table.count("\n") - 1  # the header's lines, to drop from each row's table
    for row in rows:
        yield markdown_table([row], CHANGE_COLUMNS).split("\n", rule)[-1]


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
    removed = [f"its {counted(plan['events'], 'recorded change')}"]
    if plan["created_deals"]:
        removed.insert(0, f"the {counted(plan['created_deals'], 'deal')} it added")
    text = f"{remove} {' and '.join(removed)}"
    changed = plan["changed_deals"]
    if changed:
        pronoun = "it" if changed == 1 else "they"
        text += f", and {put} back {counted(changed, 'deal')} as {pronoun} stood before it"
    return text


def undo_question(plan: dict[str, Any]) -> str:
    """The yes/no before `coach deal undo-import`: what it would take away and put back."""
    effect = _undo_effect(plan, "removes", "puts")
    return f"Undo the import of {plan['file']} as of {plan['as_of']}? It {effect}."


def undo_done(plan: dict[str, Any]) -> str:
    effect = _undo_effect(plan, "removed", "put")
    return f"Undid the import of {plan['file']} as of {plan['as_of']}: {effect}."
