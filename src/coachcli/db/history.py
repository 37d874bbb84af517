"""What replaying a day of history reads, and where the replayed deals are put.

services/history.py rebuilds each deal as it stood on a past day from what these
queries return: the deals that existed then, the events of those that changed
since, and what each import after that day changed. Every query takes named
parameters and plain SQL, so it runs on PostgreSQL as it does on SQLite; the JSON
of an import's record is decoded in Python for the same reason.

`deals_shadowed` puts the replayed deals in temporary tables named `deal` and
`close_plan_step`. Temporary tables come first when a name is looked up (SQLite's
temp schema, PostgreSQL's pg_temp), so every report query of db/pipeline.py reads
the past exactly as it reads the present, with no second copy of any of them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

# The day a deal was first recorded: its "created" event, else its created date.
_FIRST_SEEN = (
    "coalesce((SELECT min(e.day) FROM deal_event e WHERE e.deal_id = deal.id "
    "AND e.kind = 'created'), deal.created_date)"
)


def first_recorded_day(connection: sqlite3.Connection) -> date | None:
    """The day the first deal was recorded; None when there is none."""
    day = connection.execute(f"SELECT min({_FIRST_SEEN}) FROM deal").fetchone()[0]
    return date.fromisoformat(day) if day else None


def deals_existing_on(connection: sqlite3.Connection, day: date) -> list[dict[str, Any]]:
    """Every deal first recorded on or before `day`, as it stands now, with `first_seen`:
    the day it was first recorded."""
    cursor = connection.execute(
        f"SELECT * FROM (SELECT deal.*, {_FIRST_SEEN} AS first_seen FROM deal) AS found "
        "WHERE first_seen <= :day ORDER BY id",
        {"day": day.isoformat()},
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def events_of_deals_changed_after(
    connection: sqlite3.Connection, day: date
) -> dict[int, list[tuple[str, str, str | None, str | None]]]:
    """Deal id → all its events (day, kind, old, new), oldest first, for every deal
    with an event after `day`: what replaying needs to undo."""
    rows = connection.execute(
        "SELECT deal_id, day, kind, old, new FROM deal_event WHERE deal_id IN "
        "(SELECT deal_id FROM deal_event WHERE day > :day) ORDER BY deal_id, day, id",
        {"day": day.isoformat()},
    )
    found: dict[int, list[tuple[str, str, str | None, str | None]]] = {}
    for deal_id, *event in rows:
        found.setdefault(deal_id, []).append(tuple(event))
    return found


def fields_before_imports_after(
    connection: sqlite3.Connection, day: date
) -> dict[int, dict[str, Any]]:
    """Deal id → each field as it was before the first import after `day` that changed
    it (the record `coach deal undo-import` keeps): the value it still had on `day`."""
    rows = connection.execute(
        "SELECT b.deal_id, b.fields FROM deal_before_import b "
        "JOIN deal_snapshot s ON s.id = b.snapshot_id WHERE s.as_of > :day "
        "ORDER BY s.as_of DESC, s.id DESC",
        {"day": day.isoformat()},
    )
    found: dict[int, dict[str, Any]] = {}
    for deal_id, fields in rows:  # latest first, so the earliest import's values win
        found.setdefault(deal_id, {}).update(json.loads(fields))
    return found


def close_plan_sizes(connection: sqlite3.Connection) -> dict[int, int]:
    """Deal id → how many close-plan steps it has now."""
    rows = connection.execute("SELECT deal_id, count(*) FROM close_plan_step GROUP BY deal_id")
    return dict(rows.fetchall())


@contextmanager
def deals_shadowed(
    connection: sqlite3.Connection, deals: list[dict[str, Any]], planned: list[int]
) -> Iterator[None]:
    """Inside the block, `deal` holds `deals` and `close_plan_step` one step for each deal
    id in `planned`: queries read them instead of the tables. The file is not written:
    temporary tables live in memory (`query_only` is lifted only to create them)."""
    _writable(connection, True)
    try:
        _create_shadows(connection, deals, planned)
    finally:
        _writable(connection, False)
    try:
        yield
    finally:
        _writable(connection, True)
        connection.execute("DROP TABLE temp.deal")
        connection.execute("DROP TABLE temp.close_plan_step")
        _writable(connection, False)


def _create_shadows(
    connection: sqlite3.Connection, deals: list[dict[str, Any]], planned: list[int]
) -> None:
    columns = [row[1] for row in connection.execute("PRAGMA main.table_info(deal)")]
    connection.execute("CREATE TEMP TABLE deal AS SELECT * FROM main.deal WHERE 0")
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join(f":{column}" for column in columns)
    connection.executemany(f"INSERT INTO temp.deal ({names}) VALUES ({marks})", deals)
    # What the report queries look up by: open deals by stage, and a deal's plan.
    connection.execute("CREATE INDEX temp.ix_shadow_status_stage ON deal (status, stage)")
    connection.execute("CREATE TEMP TABLE close_plan_step (deal_id INTEGER)")
    connection.executemany(
        "INSERT INTO temp.close_plan_step (deal_id) VALUES (?)", [(i,) for i in planned]
    )
    connection.execute("CREATE INDEX temp.ix_shadow_plan ON close_plan_step (deal_id)")


def _writable(connection: sqlite3.Connection, writable: bool) -> None:
    connection.execute(f"PRAGMA query_only = {'OFF' if writable else 'ON'}")
