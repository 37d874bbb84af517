"""Aggregates for pipeline health, computed in SQL over a plain sqlite3 connection.

A report over 50,000 deals never loads them as objects: every figure here is a
GROUP BY or a short ORDER BY ... LIMIT that walks an index and stops, and the
service does the arithmetic. The connection comes from db/reader.py.

Rep scope: the team's figures filter on `+rep_id IN (...)`. The unary plus keeps
SQLite from walking ix_deal_rep_id and fetching every row at random, which is
twice as slow as one pass over the table or an index on status.

Money: every value is a deal's amount in the workspace currency, through
db/rates.py's `value_sql`; a deal whose currency has no rate adds to the counts
but to no value, and `left_out` says how much of each currency that is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from coachcli.db.rates import (
    CLOSED_RATE_DAY,
    HOME,
    OPEN_RATE_DAY,
    RATE_DAY,
    Pricing,
    in_foreign_currencies,
    value_sql,
)
from coachcli.enums import DealStatus

FLAGS = (
    "stale",
    "aged",
    "past_close",
    "no_next_step",
    "no_close_plan",
    "pushed",
    "no_activity_data",
    "missing",
    "no_close_date",
)
OPEN = DealStatus.open.value
# The value of an open deal at today's rate, as a list of a few deals shows it.
OPEN_VALUE = value_sql(OPEN_RATE_DAY)


@dataclass(frozen=True)
class DealGroup:
    """Deals of one rep in one status that got no further than one stage rank."""

    rep_id: int | None
    status: str
    max_stage_rank: int
    count: int
    value: float
    # Of `count`: deals with an amount in the workspace currency (a rate, when in
    # another), and deals without any amount (0).
    priced: int = 0
    no_amount: int = 0


@dataclass(frozen=True)
class LeftOut:
    """Deals of one currency left out of the totals: their currency has no rate."""

    currency: str
    count: int
    amount: float
    # A rate dated on or before this day would count every one of them.
    rate_needed_on: date


@dataclass(frozen=True)
class RepPeriod:
    """One rep's won cycle days (all time) and the period's won and open figures.

    Open deals missing from the latest CRM export are counted apart (`missing_*`),
    not in `open_*`: the CRM no longer vouches for them.
    """

    rep_id: int | None
    # Over the won deals created on or before they closed: one first seen already won
    # without a created date from the CRM has no cycle to count.
    won_cycle_days: float = 0.0
    won_cycle_count: int = 0
    won_value: float = 0.0
    open_count: int = 0
    open_value: float = 0.0
    missing_count: int = 0
    missing_value: float = 0.0


@dataclass(frozen=True)
class FlagRules:
    """What makes an open deal worth a flag, as dates and numbers for SQL."""

    today: date
    period_start: date
    period_end: date
    stale_days: int
    push_limit: int
    # Expected days in each open stage; unknown stages are never aged.
    expected_days: dict[str, int]

    def parameters(self) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            # Idle for stale_days or more, as the pre-brief's deals at risk count it.
            "stale_since": (self.today - timedelta(days=self.stale_days)).isoformat(),
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "push_limit": self.push_limit,
        }

    def aged_before(self, stage: str) -> str:
        """Deals in `stage` since before this day have overstayed it."""
        return (self.today - timedelta(days=self.expected_days[stage])).isoformat()


@dataclass(frozen=True)
class FlaggedDeal:
    id: int
    external_id: str
    name: str
    rep_id: int | None
    stage: str
    # In the deal's own currency, as the CRM has it.
    amount: float
    currency: str
    close_date: date | None
    # Days quiet, days in stage, days past close, pushes or days missing, by flag;
    # None for the rest.
    measure: int | None
    # Stale only: whether the quiet days count from the CRM's "activity" date or from
    # the last "change" seen.
    basis: str | None = None


@dataclass(frozen=True)
class Scope:
    """Which reps' deals a query reads: SQL to AND into its WHERE, and its values."""

    sql: str
    values: dict[str, object]

    @classmethod
    def of(cls, rep_ids: Sequence[int]) -> Scope:
        if len(rep_ids) == 1:
            return cls("rep_id = :rep_0", {"rep_0": rep_ids[0]})
        names = [f"rep_{n}" for n in range(len(rep_ids))]
        listed = ", ".join(f":{name}" for name in names) or "NULL"
        return cls(f"+rep_id IN ({listed})", dict(zip(names, rep_ids, strict=True)))


def _one_rep(rep_id: int | None) -> tuple[str, dict[str, object]]:
    # The team's figures read every rep's rows and the service keeps the reps in scope.
    return ("1", {}) if rep_id is None else ("rep_id = :rep_id", {"rep_id": rep_id})


def deal_groups(
    connection: sqlite3.Connection, pricing: Pricing, rep_id: int | None = None
) -> list[DealGroup]:
    """Counts and values of every deal by status, rep and highest stage rank reached."""
    where, values = _one_rep(rep_id)
    value = pricing.value()
    # A priced count only when some deal may lack a rate: each aggregate costs a few
    # ms over 50,000 deals.
    priced = f"count({value})" if pricing.foreign else "count(*)"
    # Rank first: no index has that order, so SQLite scans the table once and sorts
    # (60 ms over 50,000 deals); status or rep first walks an index (90-120 ms).
    rows = connection.execute(
        f"SELECT rep_id, status, max_stage_rank, count(*), total({value}), {priced}, "
        f"total(amount = 0) FROM deal WHERE {where} GROUP BY max_stage_rank, rep_id, status",
        values | pricing.parameters(),
    )
    return [DealGroup(*row[:6], no_amount=int(row[6])) for row in rows]


def left_out(
    connection: sqlite3.Connection, pricing: Pricing, rep_ids: Sequence[int]
) -> list[LeftOut]:
    """Per currency, the reps' deals whose rate is missing: what no total counts."""
    if not pricing.foreign:
        return []
    scope = Scope.of(rep_ids)
    rows = connection.execute(
        in_foreign_currencies(
            f"SELECT currency, count(*), total(amount), min({RATE_DAY}) FROM deal "
            f"WHERE {{foreign}} AND {scope.sql} AND {value_sql()} IS NULL GROUP BY currency"
        ),
        scope.values | pricing.parameters(),
    )
    return [
        LeftOut(code, count, amount, date.fromisoformat(day))
        for code, count, amount, day in sorted(rows)
    ]


def period_by_rep(
    connection: sqlite3.Connection,
    pricing: Pricing,
    start: date,
    end: date,
    rep_id: int | None = None,
) -> dict[int | None, RepPeriod]:
    """Per rep: days from created to closed over won deals, won and open value of the
    period, and the open value missing from the latest export."""
    rep, values = _one_rep(rep_id)
    values |= {"start": start.isoformat(), "end": end.isoformat()} | pricing.parameters()
    open_value, closed_value = pricing.value(OPEN_RATE_DAY), pricing.value(CLOSED_RATE_DAY)
    won = connection.execute(
        "SELECT rep_id, "
        "total(CASE WHEN created_date <= closed_on "
        "THEN julianday(closed_on) - julianday(created_date) END), "
        "count(CASE WHEN created_date <= closed_on THEN 1 END), "
        f"total(CASE WHEN closed_on BETWEEN :start AND :end THEN {closed_value} END) "
        f"FROM deal WHERE status = '{DealStatus.won.value}' AND {rep} GROUP BY rep_id",
        values,
    )
    found = {row[0]: RepPeriod(*row) for row in won}
    # The rows are read anyway (rep and amount are not in ix_deal_status_close), so
    # telling the missing apart costs nothing.
    closing = connection.execute(
        f"SELECT rep_id, missing_since IS NOT NULL AS gone, count(*), total({open_value}) "
        "FROM deal "
        f"WHERE status = '{OPEN}' AND close_date BETWEEN :start AND :end AND {rep} "
        "GROUP BY rep_id, gone",
        values,
    )
    for key, gone, count, value in closing:
        prefix = "missing" if gone else "open"
        figures = {f"{prefix}_count": count, f"{prefix}_value": value}
        found[key] = replace(found.get(key, RepPeriod(key)), **figures)
    return found


def unassigned_open_count(connection: sqlite3.Connection) -> int:
    """Open deals whose CRM owner matches no rep on the team."""
    query = f"SELECT count(*) FROM deal WHERE status = '{OPEN}' AND rep_id IS NULL"
    return connection.execute(query).fetchone()[0]


def quota_total(
    connection: sqlite3.Connection, rep_ids: Sequence[int], period: str
) -> float | None:
    """The summed quota of the reps for the period label; None when none has one."""
    scope = Scope.of(rep_ids)
    count, total = connection.execute(
        f"SELECT count(*), total(amount) FROM quota WHERE period = :period AND {scope.sql}",
        {"period": period, **scope.values},
    ).fetchone()
    return total if count else None


def open_by_stage_and_month(
    connection: sqlite3.Connection, pricing: Pricing, rep_ids: Sequence[int]
) -> list[tuple[str, str, int, float]]:
    """(stage, close month YYYY-MM, count, value) of the reps' open deals."""
    scope = Scope.of(rep_ids)
    # Read from the covering ix_deal_status_stage alone. substr, not strftime: dates
    # are stored as ISO text, and it is twice as fast.
    rows = connection.execute(
        f"SELECT stage, substr(close_date, 1, 7) AS month, count(*), "
        f"total({pricing.value(OPEN_RATE_DAY)}) "
        f"FROM deal WHERE status = '{OPEN}' AND {scope.sql} GROUP BY stage, month",
        scope.values | pricing.parameters(),
    )
    return [(stage, month, count, value) for stage, month, count, value in rows]


# The last sign of life: the later of the CRM's activity date and the last change seen,
# NULL with neither (no activity data, never stale). services/deals.py's last_touch is
# the same rule in Python, and ix_deal_status_touch indexes this very expression.
_LAST_TOUCH = "max(coalesce(last_activity, last_change), coalesce(last_change, last_activity))"
_TOUCH_BASIS = (
    "CASE WHEN last_activity >= ifnull(last_change, last_activity) "
    "THEN 'activity' ELSE 'change' END"
)
_NO_PLAN = "NOT EXISTS (SELECT 1 FROM close_plan_step WHERE deal_id = deal.id)"
# Each flag's condition as flag_totals evaluates it on every open deal (the cheapest
# form), and, where it differs, as worst_deals looks for it (the form an index finds).
_CONDITIONS = {
    # _LAST_TOUCH <= :stale_since, for either date on its own.
    "stale": "coalesce(last_activity, last_change) <= :stale_since "
    "AND coalesce(last_change, last_activity) <= :stale_since",
    "past_close": "close_date < :today",
    "no_next_step": "coalesce(trim(next_step), '') = ''",
    # CASE, not AND: the plan lookup runs only for deals closing in the period.
    "no_close_plan": f"CASE WHEN close_date BETWEEN :period_start AND :period_end "
    f"THEN {_NO_PLAN} ELSE 0 END",
    "pushed": "pushes >= :push_limit",
    "no_activity_data": "coalesce(last_activity, last_change) IS NULL",
    "missing": "missing_since IS NOT NULL",
    "no_close_date": "close_date IS NULL",
}
# Flags few deals carry, counted over a range of their index (ix_deal_status_pushes,
# ix_deal_status_missing) instead of evaluated on every open deal; "aged" likewise,
# stage by stage over ix_deal_status_stage.
_SOUGHT = ("pushed", "missing")
_INDEXED = {
    "stale": f"{_LAST_TOUCH} <= :stale_since",
    # Neither date: the very expression ix_deal_status_touch indexes is NULL.
    "no_activity_data": f"{_LAST_TOUCH} IS NULL",
}
# The conditions that are NULL when a date is (which would void the whole mask).
_NULLABLE = frozenset({"stale", "past_close"})


def flag_totals(
    connection: sqlite3.Connection, rep_ids: Sequence[int], rules: FlagRules, pricing: Pricing
) -> dict[str, tuple[int, float]]:
    """(count, value) of the open deals under each flag.

    The flags few deals carry (aged, pushed, missing) are each counted over a range
    of their own index. The others are evaluated in one pass: each deal's flags are
    packed into one number and the deals grouped by it, so every condition is
    evaluated once per deal (half the time of six sums). The plus in `+status` makes
    it one pass over the table: every column is needed, and fetching the open deals'
    rows through an index on status takes 60% longer when most deals are open, while
    a pass costs only ~20 ms when few are.
    """
    scope = Scope.of(rep_ids)
    values = {**rules.parameters(), **scope.values, **pricing.parameters()}
    value = pricing.value(OPEN_RATE_DAY)
    masked = [flag for flag in FLAGS if flag in _CONDITIONS and flag not in _SOUGHT]
    mask = " | ".join(
        f"({_flag_bit(flag, _CONDITIONS[flag])} << {bit})" for bit, flag in enumerate(masked)
    )
    rows = connection.execute(
        f"SELECT {mask} AS mask, count(*), total({value}) FROM deal "
        f"WHERE +status = '{OPEN}' AND {scope.sql} GROUP BY mask",
        values,
    )
    totals = dict.fromkeys(FLAGS, (0, 0.0))
    for mask_value, count, amount in rows:
        for bit, flag in enumerate(masked):
            if mask_value >> bit & 1:
                totals[flag] = _plus(totals[flag], count, amount)
    for flag in _SOUGHT:
        totals[flag] = connection.execute(
            f"SELECT count(*), total({value}) FROM deal WHERE status = '{OPEN}' "
            f"AND {_CONDITIONS[flag]} AND {scope.sql}",
            values,
        ).fetchone()
    for stage in rules.expected_days:
        count, amount = connection.execute(
            f"SELECT count(*), total({value}) FROM deal WHERE status = '{OPEN}' AND "
            f"stage = :stage AND stage_since < :before AND {scope.sql}",
            {**values, "stage": stage, "before": rules.aged_before(stage)},
        ).fetchone()
        totals["aged"] = _plus(totals["aged"], count, amount)
    return totals


def _plus(before: tuple[int, float], count: int, amount: float) -> tuple[int, float]:
    return (before[0] + count, before[1] + amount)


def _flag_bit(flag: str, condition: str) -> str:
    # ifnull: a NULL condition (no date to compare) is "no", and would void the mask.
    return f"ifnull({condition}, 0)" if flag in _NULLABLE else f"({condition})"


# The deal as a worst list shows it, then its value in the workspace currency (what
# "largest first" compares) and, last, the flag's measure.
_COLUMNS = (
    f"id, external_id, name, rep_id, stage, amount, {HOME}, close_date, {OPEN_VALUE} AS value"
)
_MEASURE = 9

# Per flag: the column the measure is taken from, and the order that puts the worst
# first. Each order follows an index on status, so SQLite reads a few rows and stops.
_WORST = {
    "stale": (_LAST_TOUCH, f"{_LAST_TOUCH}, value DESC"),
    "past_close": ("close_date", "close_date, value DESC"),
    "pushed": ("pushes", "pushes DESC, value DESC"),
    "missing": ("missing_since", "missing_since, value DESC"),
    # Rare flags: their index finds the few deals, then they are sorted by value (the
    # largest-first walk of every open deal would look at them all to find a few).
    "no_activity_data": ("NULL", "value DESC"),
    "no_close_date": ("NULL", "value DESC"),
}


def worst_deals(
    connection: sqlite3.Connection,
    rep_ids: Sequence[int],
    rules: FlagRules,
    pricing: Pricing,
    flag: str,
    limit: int,
) -> list[FlaggedDeal]:
    """The worst few open deals under one flag."""
    if flag == "aged":
        return _longest_overstayed(connection, rep_ids, rules, pricing, limit)
    scope = Scope.of(rep_ids)
    condition = _INDEXED.get(flag, _CONDITIONS[flag])
    if flag in _WORST:
        measured, order = _WORST[flag]
        query = (
            f"SELECT {_COLUMNS}, {measured}, {_TOUCH_BASIS} FROM deal WHERE status = '{OPEN}' "
            f"AND {scope.sql} AND {condition} ORDER BY {order}, id LIMIT :limit"
        )
    else:
        query = _largest(f"{scope.sql} AND {condition}", pricing)
    rows = connection.execute(
        query, {**rules.parameters(), **scope.values, **pricing.parameters(), "limit": limit}
    )
    basis = (lambda row: row[_MEASURE + 1]) if flag == "stale" else (lambda row: None)
    return [_flagged(row, _measure(flag, row[_MEASURE], rules.today), basis(row)) for row in rows]


def _largest(condition: str, pricing: Pricing) -> str:
    """The open deals under `condition`, largest value first.

    Sorting every flagged deal by its converted value would read them all, so the
    deals in the workspace currency come largest first from ix_deal_status_amount
    (a few rows), those in other currencies from ix_deal_currency (usually few),
    and the two are merged; when every deal is in the workspace currency, the first
    part is the answer.
    """
    home = (
        f"SELECT * FROM (SELECT {_COLUMNS}, NULL FROM deal WHERE status = '{OPEN}' "
        f"AND {HOME} = :fx_home AND {condition} ORDER BY amount DESC, id LIMIT :limit)"
    )
    if not pricing.foreign:
        return home
    others = in_foreign_currencies(
        f"SELECT {_COLUMNS}, NULL FROM deal WHERE {{foreign}} AND +status = '{OPEN}' "
        f"AND {condition}"
    )
    return f"{home} UNION ALL {others} ORDER BY value DESC, id LIMIT :limit"


def _longest_overstayed(
    connection: sqlite3.Connection,
    rep_ids: Sequence[int],
    rules: FlagRules,
    pricing: Pricing,
    limit: int,
) -> list[FlaggedDeal]:
    """The deals furthest over their stage's expected days.

    Over-expected days cannot be indexed (they depend on the methodology), so each
    stage's oldest few come from ix_deal_status_stage and are merged here.
    """
    scope = Scope.of(rep_ids)
    candidates = []
    for stage in rules.expected_days:
        rows = connection.execute(
            f"SELECT {_COLUMNS}, stage_since FROM deal WHERE status = '{OPEN}' AND stage = :stage "
            f"AND stage_since < :before AND {scope.sql} ORDER BY stage_since, value DESC, id "
            "LIMIT :limit",
            {"stage": stage, "before": rules.aged_before(stage), "limit": limit, **scope.values}
            | pricing.parameters(),
        )
        for row in rows:
            in_stage = _days_before(rules.today, row[_MEASURE])
            over = in_stage - rules.expected_days[stage]
            # A deal without a rate has no value: it goes after those that have one.
            value = row[8] if row[8] is not None else -1.0
            candidates.append(((-over, -value, row[0]), _flagged(row, in_stage)))
    return [deal for _, deal in sorted(candidates, key=lambda pair: pair[0])[:limit]]


def _measure(flag: str, value: object, today: date) -> int | None:
    if flag in ("stale", "past_close", "missing"):
        return _days_before(today, value)
    return value if flag == "pushed" else None


def _days_before(today: date, day: object) -> int:
    return (today - date.fromisoformat(str(day))).days


def _flagged(row: tuple, measure: int | None, basis: str | None = None) -> FlaggedDeal:
    return FlaggedDeal(
        *row[:7],
        close_date=date.fromisoformat(row[7]) if row[7] else None,
        measure=measure,
        basis=basis,
    )
