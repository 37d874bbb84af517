"""Reports read through the standard library's sqlite3 driver, not the engine.

Why: importing SQLAlchemy and SQLModel and declaring the tables costs 0.6-0.8 s
of every process, more than a report over 50,000 deals may take in all (SPEC
section 5). A report only reads, so it opens the file with sqlite3 when the
schema is the one this release writes. A file that is new, older or not a coach
database is first opened once through db/migrations.py, which creates it,
upgrades it (after its backup) or refuses it with the usual message.

Every read command reads through here: the queries of db/ take the driver's
connection (a snapshot from `reading`, or the connection of an ORM transaction
from `engine.driver`, so a write command reads what it has just written) and
turn rows into small dataclasses with `records`. Their SQL uses named
parameters and no engine-specific functions, so that it can run on PostgreSQL.

Every report runs inside one read transaction: in WAL mode its figures all come
from the same snapshot, even while another coach process writes.
"""

from __future__ import annotations

import json
import sqlite3
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import fields
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from coachcli.clock import Clock
from coachcli.config import sqlite_path
from coachcli.db.shared import BUSY_TIMEOUT_MS, storage_error

Record = TypeVar("Record")
Params = Mapping[str, Any]


def records(
    connection: Any, kind: type[Record], sql: str, params: Params | None = None
) -> list[Record]:
    """Every row of `sql` as a `kind`, a dataclass whose fields are the selected columns
    in order; dates, timestamps and JSON come back as Python values."""
    make = _maker(kind)
    return [make(row) for row in connection.execute(sql, params or {})]


def first(
    connection: Any, kind: type[Record], sql: str, params: Params | None = None
) -> Record | None:
    row = connection.execute(sql, params or {}).fetchone()
    return None if row is None else _maker(kind)(row)


def scalar(connection: Any, sql: str, params: Params | None = None) -> Any:
    """The first column of the first row, or None when there is none."""
    row = connection.execute(sql, params or {}).fetchone()
    return None if row is None else row[0]


def columns(kind: type, alias: str, **expressions: str) -> str:
    """The select list of `kind`: `alias.field` for each field, or the expression given
    for it, so that a query and its dataclass cannot drift apart."""
    # Quoted: some columns are keywords (`end`) in one engine or another.
    return ", ".join(expressions.get(f.name, f'{alias}."{f.name}"') for f in fields(kind))


def one_of(column: str, values: tuple[Any, ...]) -> tuple[str, Params]:
    """`column IN (...)` with one named parameter per value."""
    names = [f"v{n}" for n in range(len(values))]
    placeholders = ", ".join(f":{name}" for name in names)
    return f"{column} IN ({placeholders})", dict(zip(names, values, strict=True))


def where(*parts: tuple[str, Params] | None) -> tuple[str, Params]:
    """A WHERE clause of the conditions given (None: not wanted) and their parameters."""
    given = [part for part in parts if part is not None]
    if not given:
        return "", {}
    params: dict[str, Any] = {}
    for _, values in given:
        params.update(values)
    return "WHERE " + " AND ".join(sql for sql, _ in given), params


@cache
def _maker(kind: type[Record]) -> Callable[[tuple], Record]:
    hints = get_type_hints(kind)
    converting = [
        (position, convert)
        for position, column in enumerate(fields(kind))
        if (convert := _converter(hints[column.name])) is not None
    ]
    if not converting:
        return lambda row: kind(*row)

    def make(row: tuple) -> Record:
        # Runs for every row of a 30,000-row list: kept plain.
        values = list(row)
        for position, convert in converting:
            value = values[position]
            if value.__class__ is str:  # a driver that types the value hands it through
                values[position] = convert(value)
        return kind(*values)

    return make


def _converter(hint: Any) -> Callable[[str], Any] | None:
    """How a column read back as text becomes the field's type (SQLite keeps dates,
    timestamps and JSON as text; a driver that types them hands values through)."""
    if get_origin(hint) in (Union, types.UnionType):
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
    base = get_origin(hint) or hint
    if base is datetime:
        return datetime.fromisoformat
    if base is date:
        return date.fromisoformat
    if base in (list, dict):
        return json.loads
    return None


@contextmanager
def reading(url: str, clock: Clock) -> Iterator[sqlite3.Connection]:
    """A read-only snapshot of the database at `url`, for one report; `clock` dates the
    migrations when the file has to be created or upgraded first."""
    path = sqlite_path(url)
    opened = _through_engine(url, clock) if path is None else _snapshot(url, path, clock)
    try:
        with opened as connection:
            yield connection
    except sqlite3.Error as error:
        raise storage_error(url if path is None else str(path), str(error)) from None


@contextmanager
def _snapshot(url: str, path: Path, clock: Clock) -> Iterator[sqlite3.Connection]:
    connection = _open_current(url, path, clock)
    try:
        connection.execute("BEGIN")
        yield connection
    finally:
        connection.close()


def _open_current(url: str, path: Path, clock: Clock) -> sqlite3.Connection:
    if path.is_file():
        connection = _connect(path)
        if _is_current(connection):
            return connection
        connection.close()
    _create_or_upgrade(url, clock)
    return _connect(path)


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level None: the driver starts no transactions of its own (see engine.py).
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA query_only = ON")
    return connection


def _is_current(connection: sqlite3.Connection) -> bool:
    from coachcli.db.migrations import MIGRATION_TABLE, MIGRATIONS

    try:
        rows = connection.execute(f"SELECT name FROM {MIGRATION_TABLE}").fetchall()
    except sqlite3.Error:
        return False  # no coach schema yet, or not a database: the full path says which
    return sorted(name for (name,) in rows) == sorted(m.name for m in MIGRATIONS)


def _create_or_upgrade(url: str, clock: Clock) -> None:
    from coachcli.db.migrations import open_database

    open_database(url, clock).close()


@contextmanager
def _through_engine(url: str, clock: Clock) -> Iterator[sqlite3.Connection]:
    """An in-memory database lives in its engine only; read it through that."""
    from coachcli.db.migrations import open_database

    database = open_database(url, clock)
    try:
        with closing(database.engine.raw_connection()) as raw:
            connection = raw.driver_connection
            connection.execute("BEGIN")
            try:
                yield connection
            finally:
                connection.execute("ROLLBACK")
    finally:
        database.close()
