"""coach db: where the data lives, integrity checks, backups and restores."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coachcli.cli import context, output
from coachcli.cli.help import sub_app
from coachcli.cli.options import FormatOption, JsonOption, NoInputOption, YesOption
from coachcli.cli.output import Format

app = sub_app(
    "The database: path, check, backup, restore.\n\n"
    "\b\nExamples:\n"
    "  coach db check\n"
    "  coach db backup ~/coach-backup.db"
)


@app.command("path")
def path() -> None:
    """Print the database in use (a file path, or the URL given with --db)."""
    from coachcli.config import database_url, sqlite_path

    url = database_url(context.state.db)
    output.write(f"{sqlite_path(url) or url}\n")


@app.command("check")
def check(
    full: Annotated[
        bool,
        typer.Option("--full", help="The full integrity check and the foreign keys (slower)."),
    ] = False,
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """Check integrity (quickly, or in full), schema version and file permissions."""
    from dataclasses import asdict

    from coachcli.config import sqlite_path
    from coachcli.db.integrity import check_database
    from coachcli.db.migrations import LATEST_VERSION
    from coachcli.render.storage import check_markdown, check_table

    url = context.chosen_url()
    path = sqlite_path(url)
    with context.reading() as connection:
        report = check_database(connection, str(path or url), path, LATEST_VERSION, full)
    data = {**asdict(report), "ok": report.ok}
    output.emit_document(data, output.chosen_format(fmt, as_json), check_markdown, check_table)
    if not report.ok:
        from coachcli.errors import StorageError

        raise StorageError(
            "The database check found problems (marked ✗ above).",
            hint="`coach db restore FILE` brings back a backup; the data it replaces is kept.",
        )


@app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the backup.", dir_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a consistent copy of the database (SQLite backup API), readable by you only."""
    from coachcli.services import storage

    with context.database() as db:
        written = storage.backup(db, file, overwrite=force)
    output.success(f"Backed up to {written}")


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A backup made with coach db backup.")],
    yes: YesOption = False,
    no_input: NoInputOption = False,
) -> None:
    """Replace the database with a backup; the current data is backed up first."""
    from coachcli.interview.runner import confirm
    from coachcli.services import storage

    purpose = f"to replace the current data with {file}"
    if not confirm(f"Replace the current data with {file}?", yes, no_input, purpose):
        output.note("Nothing changed.")
        return
    with context.database() as db:
        safety = storage.restore(db, file)
    output.success(f"Restored from {file}.")
    if safety:
        output.note(f"The data it replaced is kept in {safety}")
