"""The SQLite engine and the one way to get a session from it.

Why the transaction handling is taken over: Python's sqlite3 driver starts
transactions lazily and never around DDL, so schema changes would not be atomic,
and a read-then-write transaction would upgrade its lock late and fail at once
with "database is locked". Here the driver's handling is switched off and every
transaction is begun explicitly: `BEGIN IMMEDIATE` for writes (the write lock is
taken up front and waits for the busy timeout), a plain `BEGIN` for reads.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, create_engine

from coachcli.clock import Clock
from coachcli.config import PRIVATE_FILE_MODE, ensure_private_dir, sqlite_path
from coachcli.db.shared import BUSY_TIMEOUT_MS, driver, storage_error
from coachcli.errors import Conflict, StorageError

_WRITE_OPTION = "coach_begin"


class Database:
    """An opened, migrated database: the engine, where it lives, and the command's clock
    (it dates migrations and names backups)."""

    def __init__(self, engine: Engine, path: Path | None, url: str, clock: Clock):
        self.engine = engine
        self.path = path
        self.url = url
        self.clock = clock
        self.writer = engine.execution_options(**{_WRITE_OPTION: "IMMEDIATE"})
        # Whether a write transaction began, and whether one was committed: what an
        # interrupted command tells the person (cli/app.py).
        self.writing = False
        self.saved = False

    @property
    def label(self) -> str:
        return str(self.path) if self.path else self.url

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        bind = self.writer if write else self.engine
        self.writing = self.writing or write
        with translate_errors(self.label), Session(bind, expire_on_commit=False) as session:
            yield session
            if write:
                session.commit()
                self.saved = True

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """A read transaction for the queries of the read layer (db/reader.py), on this
        engine: for a command that also writes, or waits for answers in between."""

        with self.session() as session:
            yield driver(session)

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A write transaction on a bare connection: schema changes and bulk inserts."""
        with (
            translate_errors(self.label),
            self.writer.connect() as connection,
            connection.begin(),
        ):
            yield connection

    def close(self) -> None:
        self.engine.dispose()


def create_sqlite_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        raise StorageError(
            f"coach keeps its data in SQLite; {url.split('://')[0]}:// databases are not "
            "supported.",
            hint="Give --db a file path or an sqlite:/// URL.",
        )
    path = sqlite_path(url)
    if path is not None:
        prepare_private_file(path)
    engine = create_engine(url, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_connection)
        event.listen(engine, "begin", _begin)
    return engine


def prepare_private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does; its -wal/-shm files copy the mode."""
    if not path.parent.exists():
        ensure_private_dir(path.parent)
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file.")
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        os.close(descriptor)
        path.chmod(PRIVATE_FILE_MODE)
    except OSError as error:
        raise StorageError(f"Cannot open the database {path}: {error.strerror}.") from None


def _configure_connection(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, see module doc
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA cache_size = -65536")
    cursor.close()


def _begin(connection) -> None:
    mode = connection.get_execution_options().get(_WRITE_OPTION, "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())


@contextmanager
def translate_errors(label: str) -> Iterator[None]:
    """Turn driver errors into messages naming the file; never echo bound values."""
    try:
        yield
    except IntegrityError as error:
        raise Conflict(f"That would duplicate or orphan a record: {error.orig}.") from None
    except DBAPIError as error:
        reason = str(error.orig) if error.orig is not None else type(error).__name__
        raise storage_error(label, reason) from None
