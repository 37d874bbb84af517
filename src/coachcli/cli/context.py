"""What every command shares: the chosen database, --debug, today, the methodology."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from coachcli.clock import Clock

if TYPE_CHECKING:
    from sqlite3 import Connection

    from coachcli.db.engine import Database
    from coachcli.interview.runner import Interview
    from coachcli.methodology_schema import Methodology


@dataclass
class State:
    db: str | None = None
    debug: bool = False
    # Made once per command by the root callback (cli/app.py), from COACH_NOW / COACH_TODAY.
    clock: Clock = field(default_factory=Clock)
    # Set as the command's database closes: whether it began writing, and saved.
    writing: bool = False
    saved: bool = False


state = State()


def clock() -> Clock:
    """This command's clock: the one source of today and now (see clock.py)."""
    return state.clock


def today() -> date:
    return state.clock.today()


@contextmanager
def database() -> Iterator[Database]:
    """The opened, migrated database for this command; closed when the block ends."""
    from coachcli.db.migrations import open_database

    opened = open_database(chosen_url(), state.clock)
    try:
        yield opened
    finally:
        state.writing = state.writing or opened.writing
        state.saved = state.saved or opened.saved
        opened.close()


@contextmanager
def reading() -> Iterator[Connection]:
    """A read-only snapshot of this command's database for a report (db/reader.py)."""
    from coachcli.db.reader import reading as read_snapshot

    with read_snapshot(chosen_url(), state.clock) as connection:
        yield connection


def chosen_url() -> str:
    """--db, else COACH_DB, else the file in the data folder (made private first)."""
    from coachcli.config import data_dir, database_url, ensure_private_dir

    url = database_url(state.db)
    if state.db is None and not os.environ.get("COACH_DB"):
        ensure_private_dir(data_dir())
    return url


def interview(db: Database, name: str, scope: int | str, command: str, known: dict,
              prompting: tuple[bool, bool, bool]) -> Interview:  # fmt: skip
    """An interview of this command on its database and clock (interview/runner.py);
    `prompting`: --no-input, --resume, --discard-draft."""
    from coachcli.cli import output
    from coachcli.interview.runner import Interview, Prompting

    return Interview(
        name, scope, command, db.url, state.clock, known, Prompting(*prompting), output.warn
    )


def methodology() -> Methodology:
    from coachcli.config import load_methodology

    return load_methodology()
