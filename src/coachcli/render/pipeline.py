"""Pipeline health on screen (Rich, 80 columns) and as Markdown, from the view's JSON dump."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from coachcli.money import format_money
from coachcli.render.records import Column, markdown_table
from coachcli.render.tables import FittedLines, literal, rich_table
from coachcli.render.text import markdown_text

BAR = "█"
BAR_WIDTH = 12

FLAG_LABELS = {
    "stale": "Stale",
    "aged": "Aged in stage",
    "past_close": "Past close",
    "no_next_step": "No next step",
    "no_close_plan": "No close plan",
    "pushed": "Pushed",
    "no_activity_data": "No activity data",
    "missing": "Missing",
    "no_close_date": "No close date",
}


# ---- small formatters -------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def share_text(share: float | None) -> str:
    """A share as a percentage, with a decimal only where it matters (20.3% is over 20%)."""
    return "" if share is None else f"{share:.1%}".replace(".0%", "%")


def count(value: int) -> str:
    return f"{value:,}"


def times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def money(value: float | None, currency: str | None = None) -> str:
    return format_money(None if value is None else round(value, 2), currency)


def whole(value: float | None) -> str:
    return format_money(None if value is None else round(value))


def bar(value: float, largest: float, width: int = BAR_WIDTH) -> str:
    if largest <= 0 or value <= 0:
        return ""
    return BAR * max(1, round(width * value / largest))


def flag_label(flag: str, view: dict[str, Any]) -> str:
    rules = view["rules"]
    if flag == "stale":
        return f"Stale {rules['stale_days']}d+"
    if flag == "pushed":
        return f"Pushed {rules['push_limit']}+"
    return FLAG_LABELS.get(flag, flag)


def measure_text(
    flag: str, deal: dict[str, Any], expected: dict[str, int | None], home: str
) -> str:
    """Why a deal is on a flag's worst list, in a few characters. An amount in the
    workspace currency `home` goes without its code: the report's titles name it."""
    measure = deal["measure"]
    if flag == "stale":  # quiet since the CRM's last activity, or since the last change seen
        return f"{measure}d idle" if deal.get("basis") == "activity" else f"{measure}d unchanged"
    if flag == "aged":
        limit = expected.get(deal["stage"])
        return f"{measure}d" + (f" > {limit}d" if limit is not None else " in stage")
    if flag == "past_close":
        return f"{measure}d late"
    if flag == "pushed":
        return f"{measure} pushes"
    if flag == "missing":
        return f"gone {measure}d"
    return money(deal["amount"], None if deal["currency"] == home else deal["currency"])


def worst_text(flag: str, view: dict[str, Any]) -> str:
    return "\n".join(name + why for name, why in worst_lines(flag, view))


def worst_lines(flag: str, view: dict[str, Any]) -> list[tuple[str, str]]:
    """(deal name, " · why") for each of a flag's worst deals."""
    expected = {stage["stage"]: stage["expected_days"] for stage in view["stages"]}
    return [
        (deal["name"], f" · {measure_text(flag, deal, expected, view['currency'])}")
        for deal in view["flags"][flag]["deals"]
    ]


def heading(view: dict[str, Any]) -> str:
    period = view["period"]
    who = view["rep"] if view["rep"] is not None else "team"
    return f"Pipeline health: {who}, {period['label']} ({period['start']} to {period['end']}), " + (
        f"as of {view['as_of']}" if view.get("as_of") else f"today {view['today']}"
    )


# ---- records shared by the table and Markdown views --------------------------------------


def size_lines(view: dict[str, Any]) -> list[dict[str, str]]:
    """(measure, value) rows: open pipeline, the period, quota, coverage and win rate,
    and what was left out of them for want of an exchange rate."""
    size, label, code = view["size"], view["period"]["label"], view["currency"]
    rates, required = view["win_rate"], view["required_coverage"]
    rows = [
        (
            "Open pipeline",
            f"{plural(size['open_count'], 'deal')}, {money(size['open_value'], code)}",
        ),
        (
            f"Closing {label}",
            f"{plural(size['period_open_count'], 'deal')}, "
            f"{money(size['period_open_value'], code)}",
        ),
        (f"Quota {label}", _quota_text(size, code)),
        ("Coverage", _coverage_text(view)),
        (
            "Required",
            f"{times(required['by_value'])} by value, {times(required['by_count'])} by count",
        ),
        (
            "Win rate",
            f"{_value_rate_text(rates)}, {percent(rates['by_count']) or 'n/a'} by count "
            f"({rates['won_count']:,} won, {rates['lost_count']:,} lost)",
        ),
    ]
    if size["period_missing_count"]:
        gone = plural(size["period_missing_count"], "deal")
        rows.append(
            (
                "Missing",
                f"{gone}, {money(size['period_missing_value'], code)} closing {label} not in the "
                "latest export; left out of coverage",
            )
        )
    if size["unassigned_open_count"]:
        unassigned = plural(size["unassigned_open_count"], "open deal")
        rows.append(("No rep", f"{unassigned} owned by no rep on the team"))
    rows += [("Left out", left_out_text(found, code)) for found in view["left_out"]]
    return [{"measure": measure, "value": value} for measure, value in rows]


def _quota_text(size: dict[str, Any], code: str) -> str:
    if size["quota"] is None:
        return "none set"
    return (
        f"{money(size['quota'], code)}, won {money(size['won_in_period'], code)}, "
        f"remaining {money(size['remaining_quota'], code)}"
    )


def _value_rate_text(rates: dict[str, Any]) -> str:
    """The win rate by value, or why it cannot be computed (never a misleading 100%)."""
    if rates["by_value"] is not None:
        return f"{percent(rates['by_value'])} by value"
    for side in ("lost", "won"):
        count = rates[f"{side}_count"]
        if count and not rates[f"{side}_value"]:
            bare = rates[f"{side}_without_amount"] == count
            reason = "carry no amount" if bare else "carry no amount or no rate"
            return f"by value cannot be computed (the {side} deals {reason})"
    return "n/a by value"  # nothing closed yet


def left_out_text(found: dict[str, Any], home: str) -> str:
    """A currency's deals that no total counts, and the command that would count them."""
    code = found["currency"]
    return (
        f"{plural(found['count'], 'deal')}, {money(found['amount'], code)}: no {code} rate "
        f"on or before {found['rate_needed_on']}. Add one (1 {code} in {home}) with "
        f"`coach config fx {code} RATE --as-of {found['rate_needed_on']}`"
    )


def _coverage_text(view: dict[str, Any]) -> str:
    size, needed = view["size"], view["required_coverage"]["by_value"]
    if size["quota"] is None:
        return "n/a (no quota for the period)"
    if size["quota_met"]:
        return "quota met"
    text = times(view["coverage"])
    if needed is not None:
        text += " (below required)" if (view["coverage"] or 0) < needed else " (enough)"
    return text


def stage_records(view: dict[str, Any]) -> list[dict[str, Any]]:
    largest = max((stage["value"] for stage in view["stages"]), default=0)
    rates = {row["from_stage"]: row["rate"] for row in view["conversion"]}
    return [
        {**stage, "bar": bar(stage["value"], largest), "next": percent(rates.get(stage["stage"]))}
        for stage in view["stages"]
    ]


def month_records(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Close months from this one on; earlier ones are all past due, so they share a row."""
    now = str(view["today"])[:7]
    dated = [month for month in view["close_months"] if month["month"] is not None]
    past = [month for month in dated if month["month"] < now]
    months = [month for month in dated if month["month"] >= now]
    months += [
        {**month, "month": "no close date"}
        for month in view["close_months"]
        if month["month"] is None
    ]
    if past:
        months.insert(
            0,
            {
                "month": f"before {now}",
                "count": sum(month["count"] for month in past),
                "value": sum(month["value"] for month in past),
            },
        )
    largest = max((month["value"] for month in months), default=0)
    return [{**month, "bar": bar(month["value"], largest)} for month in months]


def flag_records(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **flag,
            "label": flag_label(key, view),
            "status": _status(flag),
            "worst": worst_text(key, view),
        }
        for key, flag in view["flags"].items()
    ]


def _status(flag: dict[str, Any]) -> str:
    if flag["limit"] is None:
        return ""  # told, never checked
    return "over" if flag["over"] else "ok"


def velocity_records(view: dict[str, Any]) -> list[dict[str, Any]]:
    team = {**view["velocity"]["team"], "rep": "Team"}
    reps = view["velocity"]["reps"]
    return reps if view["rep"] is not None else [*reps, team]


SIZE_COLUMNS = [Column("measure", "Measure", no_wrap=True), Column("value", "Value")]

STAGE_COLUMNS = [
    Column("name", "Stage", no_wrap=True),
    Column("count", "Deals", justify="right", show=count, no_wrap=True),
    Column("value", "Value", justify="right", show=money, no_wrap=True),
    Column("value_share", "Share", justify="right", show=percent, no_wrap=True),
    Column("bar", "", no_wrap=True),
    Column("next", "→ next", justify="right", no_wrap=True),
]

MONTH_COLUMNS = [
    Column("month", "Close month", no_wrap=True),
    Column("count", "Deals", justify="right", show=count, no_wrap=True),
    Column("value", "Value", justify="right", show=money, no_wrap=True),
    Column("bar", "", no_wrap=True),
]

FLAG_COLUMNS = [
    Column("label", "Flag"),
    Column("count", "Deals", justify="right", show=count, no_wrap=True),
    Column("share", "Share", justify="right", show=share_text, no_wrap=True),
    Column("limit", "Limit", justify="right", show=percent, no_wrap=True),
    Column("status", "", no_wrap=True),
    Column("worst", "Worst"),
]

VELOCITY_COLUMNS = [
    Column("rep", "Rep"),
    Column("open_count", "Open", justify="right", show=count, no_wrap=True),
    Column("won_count", "Won", justify="right", show=count, no_wrap=True),
    Column("average_won_value", "Avg won", justify="right", show=whole, no_wrap=True),
    Column("win_rate", "Win %", justify="right", show=percent, no_wrap=True),
    Column("average_cycle_days", "Cycle d", justify="right", no_wrap=True),
    Column("velocity", "Per day", justify="right", show=whole, no_wrap=True),
]

CONVERSION_NOTE = (
    "→ next: share of the deals that reached a stage which went on to the next one "
    "(from the last open stage: to won)."
)


# ---- Rich -------------------------------------------------------------------------------


NO_DEALS = (
    "No deals yet. Import your CRM's opportunity export with `coach deal import FILE`, "
    "or add one with `coach deal add`."
)


def no_deals_text(view: dict[str, Any]) -> str:
    """Why the report is empty: nothing recorded yet, or nothing recorded by the day."""
    first = view.get("first_recorded")
    if view.get("as_of") and first:
        return (
            f"No deals as of {view['as_of']}: the first deal was recorded on {first}. "
            "Give a later --as-of."
        )
    unassigned = view["size"]["unassigned_open_count"]
    if unassigned and view["rep"] is None:
        return (
            f"No deals of reps on the team: {plural(unassigned, 'open deal')} belong to CRM "
            "owners who are not on it. Add them with `coach team add NAME` (or import again "
            "with --create-reps); the next import gives them their deals."
        )
    return NO_DEALS


def has_deals(view: dict[str, Any]) -> bool:
    rates = view["win_rate"]
    return bool(view["size"]["open_count"] or rates["won_count"] or rates["lost_count"])


def pipeline_screen(view: dict[str, Any]) -> Group:
    parts: list[RenderableType] = [Text(heading(view), style="bold"), Text()]
    if not has_deals(view):
        return Group(*parts, Text(no_deals_text(view)))
    parts += [_size_grid(view), Text()]
    code = view["currency"]
    parts.append(_table(stage_records(view), STAGE_COLUMNS, f"Stages (open deals, {code})"))
    parts += [Text(CONVERSION_NOTE, style="dim"), Text()]
    if view["close_months"]:
        months = f"Close months (open deals, {code})"
        parts.append(_table(month_records(view), MONTH_COLUMNS, months))
    # On screen each worst deal keeps to one line: its name gives way to the measure.
    records = [
        {**record, "worst": FittedLines(worst_lines(key, view))}
        for key, record in zip(view["flags"], flag_records(view), strict=True)
    ]
    flags = _table(records, FLAG_COLUMNS, "Contents (share of open deals)")
    for row, flag in zip(flags.rows, view["flags"].values(), strict=True):
        row.style = "red" if flag["over"] else ""
    parts.append(flags)
    speed = _table(velocity_records(view), VELOCITY_COLUMNS, velocity_title(view))
    if view["rep"] is None and len(speed.rows) > 1:
        speed.rows[-2].end_section = True  # a rule above the team's row
    parts.append(speed)
    parts.append(_check(view))
    return Group(*parts)


def velocity_title(view: dict[str, Any]) -> str:
    return f"Sales velocity ({view['currency']} a day)"


def _table(records: list[dict[str, Any]], columns: list[Column], title: str) -> Table:
    return rich_table(records, columns, title, box=box.SIMPLE_HEAD)


def _size_grid(view: dict[str, Any]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for line in size_lines(view):
        grid.add_row(line["measure"], literal(line["value"]))
    return grid


def check_lines(view: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Why `--check` fails, one line per check, and what it could not check."""
    open_count, label = view["size"]["open_count"], view["period"]["label"]
    failures = []
    for failure in view["check"]["failures"]:
        if failure["check"] == "coverage":
            failures.append(
                f"coverage {times(failure['value'])} for {label} is below the "
                f"{times(failure['limit'])} the win rate by value requires"
            )
        else:
            failures.append(
                f"{flag_label(failure['check'], view).lower()}: {failure['count']:,} of "
                f"{open_count:,} open deals ({share_text(failure['value'])}), over the "
                f"limit of {share_text(failure['limit'])}"
            )
    skipped = {
        "no_quota": f"coverage, no quota set for {label}",
        "no_wins": "coverage, no deal won yet to set the required coverage",
        "no_value_win_rate": "coverage, the win rate by value cannot be computed",
    }
    return failures, [skipped.get(key, key) for key in view["check"]["skipped"]]


def _check(view: dict[str, Any]) -> Text:
    failures, skipped = check_lines(view)
    if failures:
        text = Text(f"Check: {len(failures)} failing", style="bold red")
        for reason in failures:
            text.append(f"\n• {reason}", style="red")
    else:
        text = Text("Check: passed", style="green")
    for reason in skipped:
        text.append(f"\n• not checked: {reason}", style="dim")
    return text


# ---- Markdown ---------------------------------------------------------------------------


def pipeline_markdown(view: dict[str, Any]) -> str:
    """The report as Markdown; deal and rep names are escaped, never read as markup."""
    code = view["currency"]
    parts = [f"# {markdown_text(heading(view))}\n", "## Size\n"]
    parts.append(markdown_table(size_lines(view), SIZE_COLUMNS))
    parts += [f"## Stages ({code})\n", markdown_table(stage_records(view), STAGE_COLUMNS)]
    parts.append(f"{markdown_text(CONVERSION_NOTE)}\n")
    if view["close_months"]:
        months = markdown_table(month_records(view), MONTH_COLUMNS)
        parts += [f"## Close months ({code})\n", months]
    parts += ["## Contents\n", markdown_table(flag_records(view), FLAG_COLUMNS)]
    parts += [
        f"## {velocity_title(view)}\n",
        markdown_table(velocity_records(view), VELOCITY_COLUMNS),
    ]
    parts += ["## Check\n", _check_markdown(view)]
    return "\n".join(parts)


def _check_markdown(view: dict[str, Any]) -> str:
    failures, skipped = check_lines(view)
    lines = [f"{len(failures)} failing:" if failures else "Passed."]
    lines += [f"- {markdown_text(reason)}" for reason in failures]
    lines += [f"- not checked: {markdown_text(reason)}" for reason in skipped]
    return "\n".join(lines) + "\n"
