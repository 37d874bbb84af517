"""The database check (`coach db check`), on the read layer: SQLite's own checks, the
schema version and the file's permissions, without importing SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coachcli.db.reader import scalar


@dataclass(frozen=True)
class CheckReport:
    path: str
    integrity: list[str]
    # None when not checked: the full check (--full) counts them.
    foreign_key_problems: int | None
    schema_version: int
    latest_version: int
    journal_mode: str
    file_mode: str | None
    # integrity_check and foreign_key_check, or only quick_check (seconds less on a
    # five-year workspace: it skips comparing each index with its table).
    full: bool = False

    @property
    def ok(self) -> bool:
        return (
            self.integrity == ["ok"]
            and not self.foreign_key_problems
            and self.schema_version == self.latest_version
        )


def check_database(
    connection: Any, label: str, path: Path | None, latest: int, full: bool = False
) -> CheckReport:
    """Check the database open on `connection` (`path`: its file, for the permissions)."""
    pragma = "integrity_check" if full else "quick_check"
    integrity = [row[0] for row in connection.execute(f"PRAGMA {pragma}")]
    foreign = len(connection.execute("PRAGMA foreign_key_check").fetchall()) if full else None
    journal = scalar(connection, "PRAGMA journal_mode")
    version = scalar(connection, "SELECT count(*) FROM coach_migration")
    mode = oct(path.stat().st_mode & 0o777) if path is not None and path.exists() else None
    return CheckReport(label, integrity, foreign, version, latest, journal, mode, full)
