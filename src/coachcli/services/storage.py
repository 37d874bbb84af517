"""Looking after the database file: where it is, checks, backups and restores."""

from __future__ import annotations

from pathlib import Path

from coachcli.db.engine import Database
from coachcli.db.maintenance import (
    backup_database,
    backup_migrations,
    restore_database,
    stamped_backup_path,
)
from coachcli.db.migrations import MIGRATIONS, upgrade
from coachcli.errors import StorageError


def backup(database: Database, target: Path, overwrite: bool = False) -> Path:
    return backup_database(database, target, overwrite)


def restore(database: Database, source: Path) -> Path | None:
    """Restore a backup; the current content is backed up first so nothing is lost."""
    newer = sorted(set(backup_migrations(source)) - {m.name for m in MIGRATIONS})
    if newer:
        raise StorageError(
            f"{source} was written by a newer coach (it has migration {newer[0]}).",
            hint="Upgrade coach before restoring it; nothing was changed.",
        )
    safety = None
    if database.path is not None:
        safety = backup_database(database, stamped_backup_path(database, "before-restore"))
    restore_database(database, source)
    upgrade(database)  # an older backup is brought up to this release's schema
    return safety
