"""What the SQLAlchemy engine (db/engine.py) and the sqlite3 reader (db/reader.py) share.

Both wait the same time for a writer, and a person reads the same message for a
failure whichever path a command took. Bound values never reach that message:
they may be coaching notes.
"""

from __future__ import annotations

from typing import Any

from coachcli.errors import StorageError

BUSY_TIMEOUT_MS = 10_000


def storage_error(label: str, reason: str) -> StorageError:
    """The error for a driver failure on the database at `label`."""
    return StorageError(f"Cannot use the database {label}: {reason}.", hint=_hint(reason))


def _hint(reason: str) -> str | None:
    if "not a database" in reason or "malformed" in reason:
        return "Restore a backup with `coach db restore FILE`, or point --db at another file."
    if "locked" in reason or "busy" in reason:
        return "Another coach process is writing; try again in a moment."
    if "disk is full" in reason or "disk I/O error" in reason:
        return (
            "The disk that holds it is full (or failing); nothing of this command was "
            "saved. Free some space there and run it again."
        )
    if "unable to open" in reason or "readonly" in reason:
        return "Check that the file and its folder exist and are yours (`coach db path`)."
    return None


def driver(session: Any) -> Any:
    """The driver's connection inside an ORM session's transaction, flushed first: the
    queries of the read layer then see what that transaction has written."""
    session.flush()
    return session.connection().connection.driver_connection
