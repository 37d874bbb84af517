"""Aggregates for pipeline health, computed in SQL.

A report over 50,000 deals never loads them as objects: every figure here is a
GROUP BY or a short ORDER BY ... LIMIT, and the service does the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, false, null, or_
from sqlmodel import Session, col, func, select

from coachcli.models import ClosePlanStep, Deal, DealStatus, Quota

FLAGS = ("stale", "aged", "past_close", "no_next_step", "no_close_plan", "pushed")


@dataclass(frozen=True)
class DealGroup:
    """Deals of one rep in one status that got no further than one stage rank."""

    rep_id: int | None
    status: str
    max_stage_rank: int
    count: int
    value: float


@dataclass(frozen=True)
class RepPeriod:
    """One rep's won cycle days (all time) and the period's won and open figures."""

    rep_id: int | None
    won_cycle_days: float = 0.0
    won_value: float = 0.0
    open_count: int = 0
    open_value: float = 0.0


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


@dataclass(frozen=True)
class FlaggedDeal:
    id: int
    external_id: str
    name: str
    rep_id: int | None
    stage: str
    amount: float
    close_date: date
    # Days idle, days in stage, days past close or pushes, by flag; None for the rest.
    measure: int | None


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _total(condition: Any, value: Any) -> Any:
    return func.total(case((condition, value), else_=0))


def _in_scope(rep_ids: Sequence[int]) -> Any:
    return col(Deal.rep_id).in_(list(rep_ids))


def _open() -> Any:
    return Deal.status == DealStatus.open.value


def _one_rep(query: Any, rep_id: int | None) -> Any:
    # The team's figures read every rep's rows and the service keeps the reps in scope:
    # `rep_id IN (...)` would make SQLite walk ix_deal_rep_id and fetch every row at
    # random, twice as slow as one pass over the table.
    return query if rep_id is None else query.where(Deal.rep_id == rep_id)


def deal_groups(session: Session, rep_id: int | None = None) -> list[DealGroup]:
    """Counts and values of every deal by status, rep and highest stage rank reached."""
    # Rank first: no index has that order, so SQLite scans the table once and sorts
    # (60 ms over 50,000 deals); status or rep first walks an index (90-120 ms).
    query = select(
        Deal.rep_id, Deal.status, Deal.max_stage_rank, func.count(), func.total(Deal.amount)
    ).group_by(Deal.max_stage_rank, Deal.rep_id, Deal.status)
    return [DealGroup(*row) for row in session.exec(_one_rep(query, rep_id))]


def period_by_rep(
    session: Session, start: date, end: date, rep_id: int | None = None
) -> dict[int | None, RepPeriod]:
    """Per rep: days from created to closed over won deals, won and open value of the period."""
    cycle = func.julianday(Deal.closed_on) - func.julianday(Deal.created_date)
    won = (
        select(
            Deal.rep_id,
            func.total(cycle),
            _total(col(Deal.closed_on).between(start, end), Deal.amount),
        )
        .where(Deal.status == DealStatus.won.value)
        .group_by(Deal.rep_id)
    )
    closing = (
        select(Deal.rep_id, func.count(), func.total(Deal.amount))
        .where(_open(), col(Deal.close_date).between(start, end))
        .group_by(Deal.rep_id)
    )
    found = {row[0]: RepPeriod(*row) for row in session.exec(_one_rep(won, rep_id))}
    for key, count, value in session.exec(_one_rep(closing, rep_id)):
        found[key] = replace(found.get(key, RepPeriod(key)), open_count=count, open_value=value)
    return found


def unassigned_open_count(session: Session) -> int:
    """Open deals whose CRM owner matches no rep on the team."""
    query = select(func.count()).where(_open(), col(Deal.rep_id).is_(None))
    return session.exec(query).one()


def quota_total(session: Session, rep_ids: Sequence[int], period: str) -> float | None:
    """The summed quota of the reps for the period label; None when none has one."""
    query = select(func.count(), func.total(Quota.amount)).where(
        col(Quota.rep_id).in_(list(rep_ids)), Quota.period == period
    )
    count, total = session.exec(query).one()
    return total if count else None


def open_by_stage_and_month(
    session: Session, rep_ids: Sequence[int]
) -> list[tuple[str, str, int, float]]:
    """(stage, close month YYYY-MM, count, value) of the reps' open deals."""
    month = func.strftime("%Y-%m", Deal.close_date)
    query = (
        select(Deal.stage, month, func.count(), func.total(Deal.amount))
        .where(_open(), _in_scope(rep_ids))
        .group_by(Deal.stage, month)
    )
    return [(stage, str(m), count, value) for stage, m, count, value in session.exec(query)]


def _days_since(day: Any, today: date) -> Any:
    return func.julianday(today.isoformat()) - func.julianday(day)


def _days_over_expected(in_stage: Any, rules: FlagRules) -> Any:
    if not rules.expected_days:
        return in_stage
    return in_stage - case(rules.expected_days, value=Deal.stage, else_=0)


def _flag_condition(flag: str, rules: FlagRules) -> Any:
    today = rules.today
    if flag == "stale":
        last_touch = func.coalesce(Deal.last_activity, Deal.created_date)
        return last_touch < (today - timedelta(days=rules.stale_days)).isoformat()
    if flag == "aged":
        return or_(
            false(),
            *(
                and_(Deal.stage == stage, Deal.stage_since < today - timedelta(days=days))
                for stage, days in rules.expected_days.items()
            ),
        )
    if flag == "past_close":
        return Deal.close_date < today
    if flag == "no_next_step":
        return func.coalesce(func.trim(Deal.next_step), "") == ""
    if flag == "no_close_plan":
        planned = exists().where(ClosePlanStep.deal_id == Deal.id)
        return and_(col(Deal.close_date).between(rules.period_start, rules.period_end), ~planned)
    if flag == "pushed":
        return Deal.pushes >= rules.push_limit
    raise ValueError(f"unknown pipeline flag {flag!r}")


def flag_totals(
    session: Session, rep_ids: Sequence[int], rules: FlagRules
) -> dict[str, tuple[int, float]]:
    """(count, value) of the open deals under each flag, in one pass."""
    columns = []
    for flag in FLAGS:
        condition = _flag_condition(flag, rules)
        columns += [_count(condition), _total(condition, Deal.amount)]
    row = session.exec(select(*columns).where(_open(), _in_scope(rep_ids))).one()
    return {flag: (row[2 * i] or 0, row[2 * i + 1] or 0.0) for i, flag in enumerate(FLAGS)}


def _worst_first(flag: str, rules: FlagRules) -> tuple[Any, list[Any]]:
    """The measure shown beside a flagged deal and the order that puts the worst first."""
    amount = col(Deal.amount).desc()
    if flag == "stale":
        idle = _days_since(func.coalesce(Deal.last_activity, Deal.created_date), rules.today)
        return idle, [idle.desc(), amount]
    if flag == "aged":
        in_stage = _days_since(Deal.stage_since, rules.today)
        return in_stage, [_days_over_expected(in_stage, rules).desc(), amount]
    if flag == "past_close":
        late = _days_since(Deal.close_date, rules.today)
        return late, [late.desc(), amount]
    if flag == "pushed":
        return Deal.pushes, [col(Deal.pushes).desc(), amount]
    return null(), [amount]


def worst_deals(
    session: Session, rep_ids: Sequence[int], rules: FlagRules, flag: str, limit: int
) -> list[FlaggedDeal]:
    """The worst few open deals under one flag."""
    measure, order = _worst_first(flag, rules)
    query = (
        select(
            Deal.id,
            Deal.external_id,
            Deal.name,
            Deal.rep_id,
            Deal.stage,
            Deal.amount,
            Deal.close_date,
            measure,
        )
        .where(_open(), _in_scope(rep_ids), _flag_condition(flag, rules))
        .order_by(*order, col(Deal.id))
        .limit(limit)
    )
    return [
        FlaggedDeal(*row[:7], measure=None if row[7] is None else round(row[7]))
        for row in session.exec(query)
    ]
