"""The writes of CRM imports and the snapshots they keep (deals are read through
db/deal_reads.py).

Imports work on plain rows through SQLAlchemy Core (executemany in one
transaction): 50,000 ORM objects would take tens of seconds to flush.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from coachcli.models import Deal, DealBeforeImport, DealEvent, DealSnapshot

DEAL = Deal.__table__
EVENT = DealEvent.__table__
BEFORE = DealBeforeImport.__table__
# Below this many rows an import keeps the indexes as they are (see _indexes_set_aside).
BULK_LOAD_ROWS = 2_000


def last_snapshot(session: Session) -> DealSnapshot | None:
    query = select(DealSnapshot).order_by(
        col(DealSnapshot.as_of).desc(), col(DealSnapshot.id).desc()
    )
    return session.exec(query).first()


def all_deal_rows(session: Session) -> dict[str, dict]:
    """Every deal as a plain row keyed by external id (see _typed_rows)."""
    rows = session.connection().exec_driver_sql(f"SELECT {_DEAL_COLUMNS} FROM deal").all()
    return {deal["external_id"]: deal for deal in _typed_rows(rows)}


def _typed_rows(rows: list) -> list[dict]:
    """Deals read on the driver as plain rows, typed column by column (dates as dates,
    flags as bools): Core's processing of each value costs a second over 50,000 deals.
    Timestamps stay the text they are stored as; an import only copies them into what
    an undo puts back."""
    if not rows:
        return []
    names = [column.name for column in DEAL.columns]
    by_column = zip(names, zip(*rows, strict=True), strict=True)
    columns = [_read_column(name, values) for name, values in by_column]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


_DEAL_COLUMNS = ", ".join(f'"{column.name}"' for column in DEAL.columns)
# Values bound to one statement; SQLite allows 32,766.
_MOST_VALUES = 30_000
IDS_IN_MEMORY = 200_000


class ImportTarget:
    """The deals as they stood before an import, looked up batch by batch by the key
    of each deal id in the file (`key`: how a file's id finds a stored one, a
    Salesforce id's 15- and 18-character forms alike); the deals looked up are noted
    in a temporary table, so that those the file did not name are found at the end in
    SQL, without holding every deal or every id of a large export in memory."""

    def __init__(self, session: Session, key: Callable[[str], str]):
        self.connection = connection = session.connection()
        self.last = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM deal").scalar()
        for table in ("import_alias", "import_seen"):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{table}")
        # Only an 18-character id can differ from its key: those that do are noted.
        connection.exec_driver_sql(
            "CREATE TEMP TABLE import_alias (deal_id INTEGER PRIMARY KEY, key TEXT NOT NULL)"
        )
        connection.exec_driver_sql("CREATE INDEX temp.import_alias_key ON import_alias (key)")
        connection.exec_driver_sql("CREATE TEMP TABLE import_seen (deal_id INTEGER PRIMARY KEY)")
        found = connection.exec_driver_sql(
            "SELECT id, external_id FROM deal WHERE length(external_id) = 18"
        )
        while part := found.fetchmany(10_000):
            aliases = [(deal_id, key(text)) for deal_id, text in part if key(text) != text]
            if aliases:
                connection.exec_driver_sql("INSERT INTO import_alias VALUES (?, ?)", aliases)
        self.aliased = bool(
            connection.exec_driver_sql("SELECT count(*) FROM import_alias").scalar()
        )

    def deals(self, keys: list[str]) -> dict[str, dict]:
        """Key → the deal it names (of two with one key, the later), each noted as seen."""
        found: dict[str, dict] = {}
        seen: list[tuple[int]] = []
        for part in _chunks(list(dict.fromkeys(keys)), _MOST_VALUES):
            marks = ", ".join("?" for _ in part)
            query = f"SELECT {_DEAL_COLUMNS} FROM deal WHERE id <= ? AND external_id IN ({marks})"
            pairs = [(deal["external_id"], deal) for deal in self._read(query, part)]
            if self.aliased:
                query = (
                    f"SELECT {_DEAL_COLUMNS}, a.key FROM deal JOIN import_alias a "
                    f"ON a.deal_id = deal.id WHERE id <= ? AND a.key IN ({marks})"
                )
                pairs += [(deal.pop("key"), deal) for deal in self._read(query, part, True)]
            for key, deal in sorted(pairs, key=lambda pair: pair[1]["id"]):
                found[key] = deal
                seen.append((deal["id"],))
        if seen:
            self.connection.exec_driver_sql("INSERT OR IGNORE INTO import_seen VALUES (?)", seen)
        return found

    def _read(self, query: str, keys: list[str], with_key: bool = False) -> list[dict]:
        rows = self.connection.exec_driver_sql(query, (self.last, *keys)).all()
        if not with_key:
            return _typed_rows(rows)
        deals = _typed_rows([row[:-1] for row in rows])
        return [{**deal, "key": row[-1]} for deal, row in zip(deals, rows, strict=True)]

    def unseen_open(self, size: int = 5_000) -> Iterator[list[dict]]:
        """The open deals from CRM exports, not already missing, that no id of the file
        named, in batches of `size`."""
        connection = self.connection
        connection.exec_driver_sql("DROP TABLE IF EXISTS temp.import_unseen")
        # Noted first: the caller marks each deal missing while these are read.
        connection.exec_driver_sql(
            "CREATE TEMP TABLE import_unseen AS SELECT id FROM deal WHERE id <= ? "
            "AND status = 'open' AND source != 'manual' AND missing_since IS NULL "
            "AND id NOT IN (SELECT deal_id FROM import_seen) ORDER BY id",
            (self.last,),
        )
        found = connection.exec_driver_sql(
            f"SELECT {_DEAL_COLUMNS} FROM import_unseen u JOIN deal USING (id) ORDER BY u.rowid"
        )
        while part := found.fetchmany(size):
            yield _typed_rows(part)
        connection.exec_driver_sql("DROP TABLE temp.import_unseen")

    def close(self) -> None:
        for table in ("import_alias", "import_seen"):
            self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{table}")


class FileIds:
    """The deal ids of a file being imported and the line each is first on: duplicates
    are told without holding every id of a large export in memory. Up to
    IDS_IN_MEMORY ids are kept in a dict (the cheaper for a 50,000-row export), more
    in a temporary table of the import's connection."""

    def __init__(self, session: Session):
        self.session = session
        self.lines: dict[str, int] | None = {}

    def first_lines(self, ids: list[tuple[str, int]]) -> dict[str, int]:
        lines = self.lines
        if lines is not None and len(lines) + len(ids) <= IDS_IN_MEMORY:
            return {external_id: lines.setdefault(external_id, line) for external_id, line in ids}
        connection = self.session.connection()
        if lines is not None:
            connection.exec_driver_sql("DROP TABLE IF EXISTS temp.import_file_id")
            connection.exec_driver_sql(
                "CREATE TEMP TABLE import_file_id (external_id TEXT PRIMARY KEY, line INTEGER)"
            )
            connection.exec_driver_sql(
                "INSERT INTO import_file_id VALUES (?, ?)", list(lines.items())
            )
            self.lines = None
        connection.exec_driver_sql("INSERT OR IGNORE INTO import_file_id VALUES (?, ?)", ids)
        found: dict[str, int] = {}
        for part in _chunks(list({external_id for external_id, _ in ids}), _MOST_VALUES):
            marks = ", ".join("?" for _ in part)
            found.update(
                connection.exec_driver_sql(
                    f"SELECT external_id, line FROM import_file_id WHERE external_id IN ({marks})",
                    tuple(part),
                ).all()
            )
        return found

    def close(self) -> None:
        if self.lines is None:
            self.session.connection().exec_driver_sql("DROP TABLE IF EXISTS temp.import_file_id")
        self.lines = {}


def _read_column(name: str, values: tuple) -> Iterable:
    read = _READERS.get(DEAL.c[name].type.python_type)
    return values if read is None else map(read, values)


def _date_or_none(text: str | None) -> date | None:
    return None if text is None else _date_of(text)


def _bool_or_none(value: int | None) -> bool | None:
    return None if value is None else bool(value)


_date_of = lru_cache(maxsize=8192)(date.fromisoformat)
_READERS = {date: _date_or_none, bool: _bool_or_none}


def insert_deals(
    session: Session, rows: list[dict], bulk: BulkLoad | None = None
) -> dict[str, int]:
    """Insert deals; returns the new ids by external id."""
    if not rows:
        return {}
    connection = session.connection()
    # SQLite gives a new row the largest id plus one, and this transaction holds the
    # write lock: the rows above the largest id before the load are the load.
    before = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM deal").scalar()
    _insert_many(session, DEAL.name, rows, bulk)
    added = connection.exec_driver_sql("SELECT external_id, id FROM deal WHERE id > ?", (before,))
    return dict(added.all())


def update_deals(session: Session, changes: list[dict]) -> None:
    """Apply {"id": …, field: value} changes, grouped by the set of fields they touch."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for change in changes:
        fields = tuple(sorted(key for key in change if key != "id"))
        groups.setdefault(fields, []).append(change)
    for fields, rows in groups.items():
        assignments = ", ".join(f'"{field}" = ?' for field in fields)
        columns = [_stored_column([row[field] for row in rows]) for field in fields]
        values = list(zip(*columns, [row["id"] for row in rows], strict=True))
        session.connection().exec_driver_sql(f"UPDATE deal SET {assignments} WHERE id = ?", values)


def insert_events(session: Session, rows: list[dict], bulk: BulkLoad | None = None) -> None:
    _insert_many(session, EVENT.name, rows, bulk)


def insert_before_import(
    session: Session, snapshot_id: int, rows: list[tuple[int, dict]], bulk: BulkLoad | None = None
) -> None:
    """(deal id, {field: value before}) of each deal an import changed."""
    _insert_many(
        session,
        BEFORE.name,
        [
            {
                "snapshot_id": snapshot_id,
                "deal_id": deal_id,
                "fields": json.dumps({key: _stored(value) for key, value in fields.items()}),
            }
            for deal_id, fields in rows
        ],
        bulk,
    )


# ---- undoing an import ---------------------------------------------------------------------


def snapshot_by_id(session: Session, snapshot_id: int) -> DealSnapshot | None:
    return session.get(DealSnapshot, snapshot_id)


def deals_of_snapshot(session: Session, snapshot_id: int) -> tuple[list[int], list[int]]:
    """Ids of the deals an import created, and of those it changed (events of theirs)."""
    rows = session.connection().exec_driver_sql(
        "SELECT deal_id, max(kind = 'created') FROM deal_event WHERE snapshot_id = ? "
        "GROUP BY deal_id",
        (snapshot_id,),
    )
    created, changed = [], []
    for deal_id, was_created in rows:
        (created if was_created else changed).append(deal_id)
    return created, changed


def count_events(session: Session, snapshot_id: int) -> int:
    query = "SELECT count(*) FROM deal_event WHERE snapshot_id = ?"
    return session.connection().exec_driver_sql(query, (snapshot_id,)).scalar() or 0


def before_import(session: Session, snapshot_id: int) -> dict[int, dict]:
    """Deal id → the fields an import changed, as they were before it."""
    rows = session.connection().exec_driver_sql(
        "SELECT deal_id, fields FROM deal_before_import WHERE snapshot_id = ?", (snapshot_id,)
    )
    return {deal_id: json.loads(fields) for deal_id, fields in rows}


def changed_by_hand_since(
    session: Session, snapshot_id: int, deal_ids: list[int], imported_at: datetime
) -> list[str]:
    """Names of those deals changed by hand since the import: an event of no import
    after its last event, or a later update."""
    last = (
        session.connection()
        .exec_driver_sql("SELECT max(id) FROM deal_event WHERE snapshot_id = ?", (snapshot_id,))
        .scalar()
    )
    found: list[str] = []
    for chunk in _chunks(deal_ids, 900):
        marks = ", ".join("?" for _ in chunk)
        rows = session.connection().exec_driver_sql(
            f"SELECT name FROM deal WHERE id IN ({marks}) AND (updated_at > ? "
            "OR EXISTS (SELECT 1 FROM deal_event e WHERE e.deal_id = deal.id AND e.id > ? "
            "AND e.snapshot_id IS NULL)) ORDER BY name",
            (*chunk, _stored_datetime(imported_at), last or 0),
        )
        found += [name for (name,) in rows]
    return found


def with_close_plan(session: Session, deal_ids: list[int]) -> list[str]:
    """Names of those deals that have close-plan steps."""
    found: list[str] = []
    for chunk in _chunks(deal_ids, 900):
        marks = ", ".join("?" for _ in chunk)
        rows = session.connection().exec_driver_sql(
            f"SELECT name FROM deal WHERE id IN ({marks}) AND EXISTS "
            "(SELECT 1 FROM close_plan_step s WHERE s.deal_id = deal.id) ORDER BY name",
            tuple(chunk),
        )
        found += [name for (name,) in rows]
    return found


def delete_import(session: Session, snapshot_id: int, created: list[int]) -> None:
    """The import's events, its record of what it changed, the deals it created (with
    their events) and the snapshot itself."""
    connection = session.connection()
    connection.exec_driver_sql("DELETE FROM deal_event WHERE snapshot_id = ?", (snapshot_id,))
    connection.exec_driver_sql(
        "DELETE FROM deal_before_import WHERE snapshot_id = ?", (snapshot_id,)
    )
    for chunk in _chunks(created, 900):
        marks = ", ".join("?" for _ in chunk)
        connection.exec_driver_sql(
            f"DELETE FROM deal_event WHERE deal_id IN ({marks})", tuple(chunk)
        )
        connection.exec_driver_sql(f"DELETE FROM deal WHERE id IN ({marks})", tuple(chunk))
    connection.exec_driver_sql("DELETE FROM deal_snapshot WHERE id = ?", (snapshot_id,))


def _insert_many(session: Session, table: str, rows: list[dict], bulk: BulkLoad | None = None):
    """executemany straight on the driver: Core's per-row parameter processing costs
    seconds at 50,000 rows. Values are stored the way SQLAlchemy stores them. `bulk`:
    the load this insert is part of, which decides about the table's indexes."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    # Column by column: a column of plain values (most of them) is copied as it is,
    # instead of a function call per cell.
    stored = [_stored_column([row[column] for row in rows]) for column in columns]
    values = list(zip(*stored, strict=True))
    connection = session.connection()
    insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    if bulk is not None:
        bulk.adding(table, len(values))
        connection.exec_driver_sql(insert, values)
        return
    with _indexes_set_aside(connection, table, len(values)):
        connection.exec_driver_sql(insert, values)


@contextmanager
def _indexes_set_aside(connection: Connection, table: str, adding: int) -> Iterator[None]:
    """For a load at least as large as the table: drop its plain indexes, rebuild after.

    SQLite updates every index for each row inserted, which with the deal table's
    indexes is a fifth of a 50,000-row import; building each index once over the
    loaded table is several times cheaper. A rebuild reads the whole table, so a
    small load into a large table keeps its indexes. The definitions are read back
    from sqlite_master (the schema stays the migrations' own), unique ones are kept
    (they guard the data), and it all happens in the caller's transaction: when the
    insert fails, the caller's rollback brings the dropped indexes back with the rest.
    """
    load = BulkLoad(connection, (table,))
    load.adding(table, adding)
    yield
    load.finish()


class BulkLoad:
    """A load in several inserts (an import's batches) into some tables, which sets
    aside a table's plain indexes once the rows it has added reach the rows the table
    had (and BULK_LOAD_ROWS), and builds them again at `finish` (see _indexes_set_aside:
    the rows added before that point paid for their index entries, at most as many as
    the table had)."""

    def __init__(self, connection: Connection, tables: tuple[str, ...]):
        self.connection = connection
        self.present = {
            table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() or 0
            for table in tables
        }
        self.added = dict.fromkeys(tables, 0)
        self.aside: dict[str, list[str]] = {}

    @classmethod
    def of_import(cls, session: Session) -> BulkLoad:
        return cls(session.connection(), (DEAL.name, EVENT.name, BEFORE.name))

    def adding(self, table: str, rows: int) -> None:
        self.added[table] += rows
        if table in self.aside or self.added[table] < max(self.present[table], BULK_LOAD_ROWS):
            return
        plain = self.connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %'",
            (table,),
        ).all()
        for name, _ in plain:
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')
        self.aside[table] = [definition for _, definition in plain]

    def finish(self) -> None:
        for definitions in self.aside.values():
            for definition in definitions:
                self.connection.exec_driver_sql(definition)
        self.aside = {}


def _stored_column(values: list[Any]) -> list[Any]:
    """One column's values the way SQLAlchemy stores them."""
    kinds = set(map(type, values))
    if kinds.isdisjoint(_CONVERTERS):
        return values
    return list(map(_stored, values))


def _stored(value: Any) -> Any:
    convert = _CONVERTERS.get(value.__class__)
    return value if convert is None else convert(value)


@lru_cache(maxsize=4096)
def _stored_datetime(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


# Exact types: a lookup per value is what keeps 50,000-row writes fast.
_CONVERTERS = {datetime: _stored_datetime, date: lru_cache(maxsize=8192)(date.isoformat), bool: int}


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
