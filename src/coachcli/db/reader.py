"""Reports read through the standard library's sqlite3 driver, not the engine.

Why: importing SQLAlchemy and SQLModel and declaring the tables costs 0.6-0.8 s
of every process, more than a report over 50,000 deals may take in all (SPEC
section 5). A report only reads, so it opens the file with sqlite3 when the
schema is the one this release writes. A file that is new, older or not a coach
database is first opened once through db/migrations.py, which creates it,
upgrades it (after its backup) or refuses it with the usual message.

Every report runs inside one read transaction: in WAL mode its figures all come
from the same snapshot, even while another coach process writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from coachcli.clock import Clock
from coachcli.config import sqlite_path
from coachcli.db.shared import BUSY_TIMEOUT_MS, storage_error


@dataclass(frozen=True)
class RepRow:
    """A rep as a report needs one: who, and whether archived."""

    id: int
    name: str
    name_key: str
    archived_at: str | None


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


def active_reps(connection: sqlite3.Connection) -> list[RepRow]:
    """The team as reports show it: reps not archived, by name."""
    rows = connection.execute(
        "SELECT id, name, name_key, archived_at FROM rep WHERE archived_at IS NULL "
        "ORDER BY name_key"
    )
    return [RepRow(*row) for row in rows]


def all_reps(connection: sqlite3.Connection) -> list[RepRow]:
    """Every rep, archived or not, by name: what a typed `--rep` is matched against."""
    rows = connection.execute("SELECT id, name, name_key, archived_at FROM rep ORDER BY name_key")
    return [RepRow(*row) for row in rows]
