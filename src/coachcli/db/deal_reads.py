"""Queries that read deals, their events and close plans, on the read layer (db/reader.py).

The bulk writes of imports stay in db/deals.py, on SQLAlchemy Core."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from coachcli.db.reader import Params, columns, first, one_of, records, scalar, where


@dataclass(slots=True)
class DealRow:
    """A deal as stored (the columns of `deal`)."""

    id: int
    external_id: str
    name: str
    account: str | None
    rep_id: int | None
    owner: str | None
    stage: str
    max_stage_rank: int
    stage_since: date
    status: str
    amount: float
    currency: str | None
    close_date: date | None
    forecast_category: str | None
    created_date: date
    last_activity: date | None
    next_step: str | None
    value_confirmed: bool
    champion: bool
    economic_buyer: bool
    decision_process: bool
    pushes: int
    closed_on: date | None
    lost_reason: str | None
    source: str
    missing_since: date | None
    updated_at: datetime
    last_change: date | None


@dataclass(slots=True)
class ListedDeal(DealRow):
    rep_name: str | None


@dataclass(slots=True)
class EventRow:
    id: int
    deal_id: int
    day: date
    kind: str
    old: str | None
    new: str | None
    snapshot_id: int | None


@dataclass(slots=True)
class StepRow:
    id: int
    deal_id: int
    position: int
    what: str
    due: date
    done_on: date | None


_DEALS = f"SELECT {columns(DealRow, 'd')} FROM deal d"


def deal_by_id(connection: Any, deal_id: int) -> DealRow | None:
    return first(connection, DealRow, f"{_DEALS} WHERE d.id = :id", {"id": deal_id})


def deal_by_external_id(connection: Any, external_id: str) -> DealRow | None:
    sql = f"{_DEALS} WHERE d.external_id = :external_id"
    return first(connection, DealRow, sql, {"external_id": external_id})


def deals_with_id_start(connection: Any, start: str) -> list[DealRow]:
    """Deals whose CRM id is `start` or `start` and three more characters (a
    Salesforce id's 15- and 18-character forms), case as given."""
    sql = (
        f"{_DEALS} WHERE d.external_id = :start OR "
        "(length(d.external_id) = :longer AND substr(d.external_id, 1, :length) = :start)"
    )
    params = {"start": start, "length": len(start), "longer": len(start) + 3}
    return records(connection, DealRow, sql, params)


def deals_named(connection: Any, prefix: str) -> list[DealRow]:
    """Deals whose name starts with `prefix`, ignoring case. SQL narrows (SQLite's lower()
    knows ASCII only); the comparison that decides is Python's."""
    sql = f"{_DEALS} WHERE lower(d.name) LIKE :pattern"
    rows = records(connection, DealRow, sql, {"pattern": f"{prefix.lower()}%"})
    return [deal for deal in rows if deal.name.casefold().startswith(prefix.casefold())]


def deals(
    connection: Any,
    rep_id: int | None = None,
    statuses: tuple[str, ...] = (),
    close_from: date | None = None,
    close_to: date | None = None,
    limit: int | None = None,
) -> list[ListedDeal]:
    """Deals with their rep's name, soonest close date first, those without one last."""
    clause, params = _filtered(rep_id, statuses, close_from, close_to)
    sql = (
        f"SELECT {columns(ListedDeal, 'd', rep_name='r.name')} FROM deal d "
        f"LEFT JOIN rep r ON r.id = d.rep_id {clause} "
        "ORDER BY d.close_date IS NULL, d.close_date, d.id"
    )
    if limit is not None:
        sql, params = f"{sql} LIMIT :limit", {**params, "limit": limit}
    return records(connection, ListedDeal, sql, params)


def totals_by_currency(
    connection: Any,
    home: str,
    rep_id: int | None = None,
    statuses: tuple[str, ...] = (),
    close_from: date | None = None,
    close_to: date | None = None,
) -> list[tuple[str, int, float]]:
    """(currency, count, amount) of the deals `deals` would list; no currency is `home`."""
    clause, params = _filtered(rep_id, statuses, close_from, close_to)
    sql = (
        "SELECT coalesce(d.currency, :home) AS code, count(*), coalesce(sum(d.amount), 0) "
        f"FROM deal d {clause} GROUP BY code"
    )
    rows = connection.execute(sql, {**params, "home": home})
    return [(code, count, float(amount)) for code, count, amount in rows]


def _filtered(
    rep_id: int | None, statuses: tuple[str, ...], close_from: date | None, close_to: date | None
) -> tuple[str, Params]:
    return where(
        ("d.rep_id = :rep_id", {"rep_id": rep_id}) if rep_id is not None else None,
        one_of("d.status", statuses) if statuses else None,
        ("d.close_date >= :close_from", {"close_from": close_from.isoformat()})
        if close_from is not None
        else None,
        ("d.close_date <= :close_to", {"close_to": close_to.isoformat()})
        if close_to is not None
        else None,
    )


def events_of(connection: Any, deal_id: int) -> list[EventRow]:
    sql = (
        f"SELECT {columns(EventRow, 'e')} FROM deal_event e WHERE e.deal_id = :id "
        "ORDER BY e.day, e.id"
    )
    return records(connection, EventRow, sql, {"id": deal_id})


def steps_of(connection: Any, deal_id: int) -> list[StepRow]:
    sql = (
        f"SELECT {columns(StepRow, 's')} FROM close_plan_step s WHERE s.deal_id = :id "
        "ORDER BY s.position, s.id"
    )
    return records(connection, StepRow, sql, {"id": deal_id})


def next_manual_number(connection: Any) -> int:
    return (scalar(connection, "SELECT max(id) FROM deal") or 0) + 1
