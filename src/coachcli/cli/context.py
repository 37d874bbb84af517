"""What every command shares: the chosen database, --debug, today, the methodology."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite3 import Connection

    from coachcli.db.engine import Database
    from coachcli.methodology_schema import Methodology


@dataclass
class State:
    db: str | None = None
    debug: bool = False


state = State()


def today() -> date:
    """Today in local time; COACH_TODAY pins it (demos, reproducible examples, tests)."""
    from coachcli.dates import local_today, parse_date

    pinned = os.environ.get("COACH_TODAY")
    if pinned:
        return parse_date(pinned, local_today())
    return local_today()


@contextmanager
def database() -> Iterator[Database]:
    """The opened, migrated database for this command; closed when the block ends."""
    from coachcli.db.migrations import open_database

    opened = open_database(_chosen_url())
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def reading() -> Iterator[Connection]:
    """A read-only snapshot of this command's database for a report (db/reader.py)."""
    from coachcli.db.reader import reading as read_snapshot

    with read_snapshot(_chosen_url()) as connection:
        yield connection


def _chosen_url() -> str:
    """--db, else COACH_DB, else the file in the data folder (made private first)."""
    from coachcli.config import data_dir, database_url, ensure_private_dir

    url = database_url(state.db)
    if state.db is None and not os.environ.get("COACH_DB"):
        ensure_private_dir(data_dir())
    return url


def methodology() -> Methodology:
    from coachcli.config import load_methodology

    return load_methodology()
