"""Consistent backups, restores and integrity checks, through SQLite's own APIs."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from coachcli.db.engine import Database, prepare_private_file
from coachcli.errors import Conflict, StorageError

SIDECARS = ("-wal", "-shm", "-journal")


def backup_database(database: Database, target: Path, overwrite: bool = False) -> Path:
    """Copy the live database to `target` with the backup API (consistent, 0600)."""
    target = target.expanduser().resolve()
    if database.path is not None and _is_live_file(target, database.path):
        raise Conflict("The backup cannot overwrite the database or its journal files.")
    if target.exists() and not overwrite:
        raise Conflict(f"{target} already exists.", hint="Pass --force to overwrite it.")
    # Written beside the target under another name, then renamed: a backup that fails
    # (a full disk) leaves neither a partial file nor a lost earlier backup.
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)  # what an earlier, killed backup left
    prepare_private_file(partial)
    raw = database.engine.raw_connection()
    destination = None
    try:
        destination = sqlite3.connect(partial)
        raw.driver_connection.backup(destination)
        destination.close()  # closing checkpoints the copy into one self-contained file
        destination = None
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        if destination is not None:
            destination.close()
        for leftover in (partial, *(Path(f"{partial}{suffix}") for suffix in SIDECARS)):
            leftover.unlink(missing_ok=True)
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise StorageError(f"Cannot write the backup {target}: {reason}.") from None
    finally:
        raw.close()
    return target


def stamped_backup_path(database: Database, label: str) -> Path:
    """A backup beside the database, named by the clock's moment: `coach.db.LABEL-STAMP.bak`.

    A pinned clock gives every backup of the day the same stamp, so a number is added
    rather than overwrite an earlier backup."""
    assert database.path is not None
    base = f"{database.path.name}.{label}-{database.clock.stamp()}"
    target = database.path.with_name(f"{base}.bak")
    number = 2
    while target.exists():
        target = database.path.with_name(f"{base}-{number}.bak")
        number += 1
    return target


def _is_live_file(target: Path, database: Path) -> bool:
    live = database.resolve()
    return target == live or any(target == live.with_name(live.name + s) for s in SIDECARS)


def backup_migrations(source: Path) -> list[str]:
    """Check that `source` is a healthy coach database; return its applied migrations."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise StorageError(f"No backup file at {source}.")
    try:
        origin = sqlite3.connect(source.as_uri() + "?mode=ro", uri=True)
        try:
            verdict = origin.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in origin.execute("SELECT name FROM sqlite_master")}
            if verdict != "ok" or "coach_migration" not in tables:
                raise StorageError(f"{source} is not a healthy coach database ({verdict}).")
            return [row[0] for row in origin.execute("SELECT name FROM coach_migration")]
        finally:
            origin.close()
    except sqlite3.Error as error:
        raise StorageError(f"Cannot read the backup {source}: {error}.") from None


def restore_database(database: Database, source: Path) -> None:
    """Replace the database's content with a backup's (check it with backup_migrations)."""
    source = source.expanduser().resolve()
    try:
        origin = sqlite3.connect(source.as_uri() + "?mode=ro", uri=True)
        raw = database.engine.raw_connection()
        try:
            origin.backup(raw.driver_connection)
        finally:
            raw.close()
            origin.close()
    except sqlite3.Error as error:
        raise StorageError(f"Cannot restore from {source}: {error}.") from None
