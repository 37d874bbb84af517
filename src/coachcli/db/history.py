"""What replaying a day of history reads, and where the replayed deals are put.

services/history.py rebuilds the deals that changed since a past day as they stood
on it, from what these queries return: those deals as they are now, their events,
and what each import after that day changed. Every query takes named
parameters and plain SQL, so it runs on PostgreSQL as it does on SQLite; the JSON
of an import's record is decoded in Python for the same reason.

`deals_shadowed` puts the deals of that day (the replayed ones, and the others as
they are) in temporary tables named `deal` and `close_plan_step`. Temporary tables
come first when a name is looked up (SQLite's temp schema, PostgreSQL's pg_temp), so
every report query of db/pipeline.py reads the past exactly as it reads the present,
with no second copy of any of them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

# Deals recorded on or before :day: no "created" event after it (a deal without one,
# recorded before they were kept, by its created date). NOT IN and IN read each list
# once, where a lookup per deal would cost ten times as much.
_RECORDED_BY = (
    "deal.id NOT IN (SELECT deal_id FROM deal_event WHERE kind = 'created' AND day > :day) "
    "AND (deal.created_date <= :day OR deal.id IN "
    "(SELECT deal_id FROM deal_event WHERE kind = 'created'))"
)


def first_recorded_day(connection: sqlite3.Connection) -> date | None:
    """The day the first deal was recorded; None when there is none."""
    day = connection.execute(
        "SELECT min(day) FROM (SELECT min(day) AS day FROM deal_event WHERE kind = 'created' "
        "UNION ALL SELECT min(created_date) FROM deal WHERE id NOT IN "
        "(SELECT deal_id FROM deal_event WHERE kind = 'created')) AS found"
    ).fetchone()[0]
    return date.fromisoformat(day) if day else None


def deals_changed_after(connection: sqlite3.Connection, day: date) -> list[dict[str, Any]]:
    """The deals recorded on or before `day` that something changed after it (an event,
    an import, a later activity or change date), as they are now. The others stand as
    they stood."""
    cursor = connection.execute(
        f"SELECT * FROM deal WHERE {_RECORDED_BY} AND (last_activity > :day "
        "OR last_change > :day OR id IN (SELECT deal_id FROM deal_event WHERE day > :day) "
        f"OR id IN ({_IMPORTED_AFTER})) ORDER BY id",
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


# Deals whose fields an import after :day changed (what undo-import keeps).
_IMPORTED_AFTER = (
    "SELECT b.deal_id FROM deal_before_import b "
    "JOIN deal_snapshot s ON s.id = b.snapshot_id WHERE s.as_of > :day"
)


def fields_before_imports_after(
    connection: sqlite3.Connection, day: date
) -> dict[int, dict[str, Any]]:
    """Deal id → each field as it was before the first import after `day` that changed
    it (the record `coach deal undo-import` keeps): the value it still had on `day`."""
    rows = connection.execute(
        _IMPORTED_AFTER.replace("b.deal_id", "b.deal_id, b.fields")
        + " ORDER BY s.as_of DESC, s.id DESC",
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
    connection: sqlite3.Connection, day: date, replayed: list[dict[str, Any]], planned: list[int]
) -> Iterator[None]:
    """Inside the block, `deal` holds the deals recorded by `day`: `replayed` for those
    that changed since, the rest as they are; `close_plan_step` holds a step for each
    deal with a plan then (the replayed ones in `planned`). Queries read them instead of
    the tables. The file is not written: temporary tables live in memory, and
    `query_only` is lifted only to make them."""
    _writable(connection, True)
    try:
        _create_shadows(connection, day, replayed, planned)
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
    connection: sqlite3.Connection, day: date, replayed: list[dict[str, Any]], planned: list[int]
) -> None:
    columns = [row[1] for row in connection.execute("PRAGMA main.table_info(deal)")]
    connection.execute("CREATE TEMP TABLE deal AS SELECT * FROM main.deal WHERE 0")
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    rows = [tuple(deal[column] for column in columns) for deal in replayed]
    connection.executemany(f"INSERT INTO temp.deal ({names}) VALUES ({marks})", rows)
    # The plans of the deals not replayed are as they are now.
    connection.execute(
        "CREATE TEMP TABLE close_plan_step AS SELECT DISTINCT deal_id FROM main.close_plan_step "
        "WHERE deal_id NOT IN (SELECT id FROM temp.deal)"
    )
    connection.executemany(
        "INSERT INTO temp.close_plan_step (deal_id) VALUES (?)", [(i,) for i in planned]
    )
    connection.execute("CREATE INDEX temp.ix_shadow_plan ON close_plan_step (deal_id)")
    connection.execute(
        f"INSERT INTO temp.deal SELECT * FROM main.deal AS deal WHERE {_RECORDED_BY} "
        "AND id NOT IN (SELECT id FROM temp.deal)",
        {"day": day.isoformat()},
    )


def _writable(connection: sqlite3.Connection, writable: bool) -> None:
    connection.execute(f"PRAGMA query_only = {'OFF' if writable else 'ON'}")
