"""The value sets stored in the database, importable without the ORM.

Reports that read through the standard library's sqlite3 driver (db/reader.py)
need them without paying for SQLModel; models.py uses the same ones.
"""

from enum import StrEnum


class SessionKind(StrEnum):
    one_on_one = "one-on-one"
    consequence = "consequence"


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    dropped = "dropped"


class SprintOutcome(StrEnum):
    achieved = "achieved"
    partly = "partly"
    not_achieved = "not"


class DealStatus(StrEnum):
    open = "open"
    won = "won"
    lost = "lost"
