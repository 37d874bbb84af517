"""Queries about reps, their quotas and the other names imports know them by, on the read
layer (db/reader.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from coachcli.db.reader import columns, first, one_of, records


@dataclass(slots=True)
class RepRow:
    """A rep as stored (the columns of `rep`)."""

    id: int
    name: str
    name_key: str
    role: str
    email: str | None
    start_date: date | None
    created_at: datetime
    archived_at: datetime | None


@dataclass(slots=True)
class QuotaRow:
    id: int
    rep_id: int
    period: str
    start: date
    end: date
    amount: float


@dataclass(slots=True)
class QuotaChangeRow:
    id: int
    rep_id: int
    period: str
    old_amount: float | None
    new_amount: float
    changed_at: datetime
    source: str


@dataclass(slots=True)
class AliasRow:
    id: int
    rep_id: int
    kind: str
    value: str
    key: str


_REPS = f"SELECT {columns(RepRow, 'r')} FROM rep r"


def all_reps(connection: Any, include_archived: bool = False) -> list[RepRow]:
    """The team by name; archived reps only when asked."""
    active = "" if include_archived else " WHERE r.archived_at IS NULL"
    return records(connection, RepRow, f"{_REPS}{active} ORDER BY r.name_key")


def active_reps(connection: Any) -> list[RepRow]:
    """The team as reports show it: reps not archived, by name."""
    return all_reps(connection)


def rep_names(connection: Any) -> dict[int, str]:
    """Every rep's name by id, archived reps included."""
    return dict(connection.execute("SELECT id, name FROM rep"))


def rep_by_id(connection: Any, rep_id: int) -> RepRow | None:
    return first(connection, RepRow, f"{_REPS} WHERE r.id = :id", {"id": rep_id})


def rep_by_key(connection: Any, name_key: str) -> RepRow | None:
    return first(connection, RepRow, f"{_REPS} WHERE r.name_key = :key", {"key": name_key})


def quotas_by_rep(connection: Any, rep_ids: Iterable[int]) -> dict[int, list[QuotaRow]]:
    ids = tuple(rep_ids)
    found: dict[int, list[QuotaRow]] = defaultdict(list)
    if not ids:
        return found
    among, params = one_of("q.rep_id", ids)
    sql = f"SELECT {columns(QuotaRow, 'q')} FROM quota q WHERE {among} ORDER BY q.start, q.id"
    for quota in records(connection, QuotaRow, sql, params):
        found[quota.rep_id].append(quota)
    return found


def quota_changes(connection: Any, rep_id: int) -> list[QuotaChangeRow]:
    sql = (
        f"SELECT {columns(QuotaChangeRow, 'c')} FROM quota_change c WHERE c.rep_id = :rep_id "
        "ORDER BY c.changed_at, c.id"
    )
    return records(connection, QuotaChangeRow, sql, {"rep_id": rep_id})


def quota_for(connection: Any, rep_id: int, period: str) -> QuotaRow | None:
    sql = (
        f"SELECT {columns(QuotaRow, 'q')} FROM quota q "
        "WHERE q.rep_id = :rep_id AND q.period = :period"
    )
    return first(connection, QuotaRow, sql, {"rep_id": rep_id, "period": period})


def aliases(connection: Any, rep_id: int | None = None) -> list[AliasRow]:
    """Every alias (CRM owner ids, former names), or one rep's, oldest first."""
    mine = "" if rep_id is None else " WHERE a.rep_id = :rep_id"
    sql = f"SELECT {columns(AliasRow, 'a')} FROM rep_alias a{mine} ORDER BY a.id"
    return records(connection, AliasRow, sql, {"rep_id": rep_id})


def alias_by_key(connection: Any, kind: str, key: str) -> AliasRow | None:
    sql = f"SELECT {columns(AliasRow, 'a')} FROM rep_alias a WHERE a.kind = :kind AND a.key = :key"
    return first(connection, AliasRow, sql, {"kind": kind, "key": key})
