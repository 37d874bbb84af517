"""CRM imports: each export becomes a dated snapshot and a report of what changed.

The whole import is one transaction: it lands completely or not at all. Rows go
through SQLAlchemy Core in bulk (see db/deals.py), and every difference from the
deal as it stood becomes an event, dated as of the export.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from pydantic import BaseModel, Field
from pydantic_core import to_json
from sqlmodel import Session

from coachcli.clock import Clock
from coachcli.db import deals as queries
from coachcli.db.shared import driver
from coachcli.enums import DealStatus
from coachcli.errors import CoachError, Conflict, Invalid, NotFound
from coachcli.methodology_schema import Methodology
from coachcli.models import DealSnapshot, Rep
from coachcli.services import team
from coachcli.services.crm_csv import DealRow, Export, RowError, header_key
from coachcli.services.deals import Ranks, changes_between, report_kind, value_label
from coachcli.services.rep_names import crm_id_key, looks_like_id
from coachcli.words import counted

REPORT_ORDER = (
    "new",
    "advanced",
    "moved_back",
    "pushed",
    "pulled_in",
    "won",
    "lost",
    "amount_up",
    "amount_down",
    "currency",
    "category",
    "missing",
    "returned",
    "reopened",
)
SHOWN_BAD_ROWS = 50
LEFT_OUT_SHOWN = 20  # lines listed for each reason a row was left out
_LABELS_KEPT = 50_000
SPILLED_DEALS = 1_000  # deals a line of a change log's file


class Change(BaseModel):
    external_id: str
    name: str
    # The owner the deal is kept under: the rep's name, or the CRM's owner text.
    owner: str | None
    change: str
    # As stored (stage and category keys, plain amounts), and in people's words:
    # "Solution / Proposal", "Best Case", "48,000 USD" (see deals.value_label).
    old: str | None
    new: str | None
    old_label: str | None
    new_label: str | None
    # A deal this import saw for the first time, already won or lost: counted under
    # won or lost (not under new), so a month's wins are complete.
    first_seen: bool = False


class ImportReport(BaseModel):
    file: str
    source: str
    as_of: date
    rows: int
    dry_run: bool
    nothing_changed: bool
    snapshot_id: int | None
    counts: dict[str, int]
    # The changes of the deals a screen shows: the first ChangeLog.shown deals that
    # moved, then the first that are only new. Every change, in the order found, is
    # read from a log that keeps them all (ChangeLog(every=True)).
    changes: list[Change]
    deals_changed: int
    # Owners by name that match no rep, and owner ids that match none (which only
    # `coach team edit NAME --crm-id ID` can map: no rep is named after an id).
    unknown_owners: list[str]
    owner_ids_to_map: list[str]
    created_reps: list[str]
    # The first SHOWN_BAD_ROWS rows skipped as invalid, and how many there were.
    bad_rows: list[RowError]
    bad_row_count: int
    # Rows that are not deals to import (deleted in the CRM): the first LEFT_OUT_SHOWN
    # of each reason, and how many there are of each; told to the person, not in JSON.
    left_out: list[RowError] = Field(default_factory=list, exclude=True)
    left_out_counts: dict[str, int] = Field(default_factory=dict, exclude=True)


class ChangeLog:
    """The changes an import reports, deal by deal as they are found: all counted; the
    changes of the first `shown` deals that moved and of the first `shown` that are
    only new kept (what a screen shows); and, when `every` change is asked for, all of
    them written, SPILLED_DEALS deals a line of JSON, to an unnamed temporary file, read
    back once the import is saved, so that a million changes never sit in memory."""

    def __init__(self, shown: int = 40, every: bool = False):
        self.shown, self.every = shown, every
        self.counts: Counter[str] = Counter()
        self.deals_changed = 0
        self.moved: list[list[Change]] = []
        self.new: list[list[Change]] = []
        self.waiting: list[list[Change]] = []  # deals not yet written to the file
        # Closed by close(), or by leaving the log's with-block.
        self.file = tempfile.TemporaryFile() if every else None  # noqa: SIM115

    def add(self, changes: list[Change]) -> None:
        """The changes of one deal."""
        if not changes:
            return
        self.deals_changed += 1
        self.counts.update(change.change for change in changes)
        kept = self.new if len(changes) == 1 and changes[0].change == "new" else self.moved
        if len(kept) < self.shown:
            kept.append(changes)
        if self.file is not None:
            self.waiting.append(changes)
            if len(self.waiting) >= SPILLED_DEALS:
                self._spill()

    def _spill(self) -> None:
        assert self.file is not None
        if self.waiting:
            self.file.write(to_json(self.waiting) + b"\n")  # pydantic's compiled writer
            self.waiting = []

    def kept(self) -> list[Change]:
        return [change for changes in (*self.moved, *self.new) for change in changes]

    def parts(self) -> Iterator[list[list[dict[str, Any]]]]:
        """Every deal's changes as JSON values, in the order found, a part at a time
        (when the log keeps `every` change); each call reads them all again."""
        if self.file is None:
            raise ValueError("this log keeps only the changes a screen shows")
        self._spill()
        self.file.seek(0)
        for line in self.file:
            yield json.loads(line)

    def deals(self) -> Iterator[list[dict[str, Any]]]:
        """Each deal's changes as JSON values, in the order found (see `parts`)."""
        for part in self.parts():
            yield from part

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    def __enter__(self) -> ChangeLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def import_export(
    session: Session,
    methodology: Methodology,
    export: Export,
    file_name: str,
    as_of: date,
    options: dict[str, bool],
    clock: Clock,
    log: ChangeLog | None = None,
) -> ImportReport:
    """options: create_reps, skip_invalid, dry_run. `clock` stamps the import; `log`
    keeps the changes (default: those of the deals a screen shows).

    The export is read batch by batch: each batch is compared with the deals it names
    and written at once, in the caller's one transaction, so that the import holds a
    batch in memory, never the file. A bad row (without --skip-invalid) or an export
    date refused means the import cannot land: the rest is only read, to report every
    bad row, and the caller's transaction is rolled back by the error raised."""
    log = log if log is not None else ChangeLog()
    problem = _as_of_problem(session, as_of, clock.today())
    owners = _Owners(session, methodology, export, options, clock)
    plan = _ImportPlan(methodology, as_of, clock.now(), export.source, log)
    bad = _BadRows(SHOWN_BAD_ROWS)
    store = _Store(session, plan, export.source, file_name, as_of, options["dry_run"])
    target, ids = queries.ImportTarget(session, _deal_key), queries.FileIds(session)
    rows = 0
    for batch in export.batches(ids):
        bad.add(batch.errors)
        store.left_out(batch.left_out)
        rows += len(batch.rows)
        if problem is not None or (bad.count and not options["skip_invalid"]):
            continue  # the import cannot land: the rest is read for its bad rows only
        # A row skipped as invalid still names its deal: it is not missing from the CRM.
        named = [row.external_id for row in batch.rows]
        named += [error.external_id for error in batch.errors if error.external_id]
        existing = target.deals([_deal_key(external_id) for external_id in named])
        plan.compare(batch.rows, existing, owners.of(batch.rows))
        store.write()
    refuse_bad_rows(bad.shown, options["skip_invalid"], bad.count)
    if not rows and bad.count:
        raise Invalid(
            f"Nothing in {file_name} can be imported: every row has a problem "
            f"({counted(bad.count, 'bad row')}), and importing none would mark "
            "every deal missing. Run without --skip-invalid to list them, fix them and "
            "import again."
        )
    if problem is not None:
        raise problem
    for deals in target.unseen_open():
        plan.missing(deals)
        store.write()
    snapshot_id = store.finish(rows)
    target.close()
    ids.close()
    return ImportReport(
        file=file_name,
        source=export.source,
        as_of=as_of,
        rows=rows,
        dry_run=options["dry_run"],
        nothing_changed=not plan.changed,
        snapshot_id=snapshot_id,
        counts=plan.counts(),
        changes=log.kept(),
        deals_changed=log.deals_changed,
        unknown_owners=owners.unknown_names(),
        owner_ids_to_map=owners.unknown_ids(),
        created_reps=owners.created,
        bad_rows=bad.shown,
        bad_row_count=bad.count,
        left_out=store.left_out_rows.shown,
        left_out_counts=dict(store.left_out_rows.counts),
    )


class _BadRows:
    """The first `most` bad rows, and how many there are."""

    def __init__(self, most: int):
        self.most, self.shown, self.count = most, [], 0

    def add(self, errors: list[RowError]) -> None:
        self.count += len(errors)
        self.shown += errors[: self.most - len(self.shown)]


def _as_of_problem(session: Session, as_of: date, today: date) -> CoachError | None:
    try:
        check_as_of(session, as_of, today)
    except CoachError as error:
        return error
    return None


def check_as_of(session: Session, as_of: date, today: date) -> None:
    """An export describes a day that has come (tomorrow is allowed: the CRM may keep
    another time zone), and no earlier day than the last import."""
    latest = today + timedelta(days=1)
    if as_of > latest:
        raise Invalid(
            f"The export date {as_of.isoformat()} is in the future (today is "
            f"{today.isoformat()}); an import is dated at most tomorrow.",
            hint="Pass --as-of with the day the export was taken, or leave it out for today.",
        )
    last = queries.last_snapshot(session)
    if last is not None and as_of < last.as_of:
        raise Conflict(
            f"This export is dated {as_of.isoformat()}, before the last import "
            f"({last.as_of.isoformat()}).",
            hint="Imports build a history in date order; pass --as-of with a later date.",
        )


def refuse_bad_rows(errors: list[RowError], skip_invalid: bool, count: int | None = None) -> None:
    """`errors`: the first bad rows, at least SHOWN_BAD_ROWS of them when there are
    more; `count`: how many there are (default: those given)."""
    count = len(errors) if count is None else count
    if not count or skip_invalid:
        return
    listed = [f"  line {error.line}: {error.reason}" for error in errors[:SHOWN_BAD_ROWS]]
    if count > SHOWN_BAD_ROWS:
        listed.append(f"  … and {count - SHOWN_BAD_ROWS} more")
    raise Invalid(
        f"{counted(count, 'bad row')}; nothing was imported:\n" + "\n".join(listed),
        hint="Fix those rows, or pass --skip-invalid to import the good ones.",
    )


# An owner is the pair the file gives: the owner column's text, and the owner id when
# the file has one beside the name.
Owner = tuple[str, str | None]


class _Owners:
    """Each owner's rep id and the owner text its deals keep, found as the batches bring
    owners (services/team.py's OwnerIndex: ids first, then names); with --create-reps,
    a rep for each owner the file names that matches none, never one known only by id."""

    def __init__(
        self,
        session: Session,
        methodology: Methodology,
        export: Export,
        options: dict[str, bool],
        clock: Clock,
    ):
        self.session, self.methodology, self.clock = session, methodology, clock
        self.index = team.owner_index(driver(session))
        # An OwnerId-only export: the owner column holds ids, and a deal shows its rep's name.
        self.ids = header_key(export.columns.get("owner", "")).endswith("ownerid")
        self.learn = not options["dry_run"]
        self.create = options["create_reps"] and not options["dry_run"]
        self.found: dict[Owner, tuple[int, str]] = {}
        self.unknown: set[Owner] = set()
        self._created: dict[str, Rep] = {}  # owner name → the rep made for it

    def of(self, rows: list[DealRow]) -> dict[Owner, tuple[int, str]]:
        """Owners found so far, those of `rows` included."""
        for owner, owner_id in {(row.owner, row.owner_id) for row in rows}:
            if (owner, owner_id) not in self.found and (owner, owner_id) not in self.unknown:
                self._find(owner, owner_id)
        return self.found

    def _find(self, owner: str, owner_id: str | None) -> None:
        rep_id = self.index.find(owner, owner_id)
        is_id = self.ids or looks_like_id(owner)
        if rep_id is not None:
            self.found[(owner, owner_id)] = (rep_id, self.index.names[rep_id] if is_id else owner)
            if owner_id and self.learn:
                _learn_owner_id(self.session, self.index, rep_id, owner_id)
        elif self.create and not is_id:
            rep = self._created.get(owner)
            if rep is None:
                rep = team.add_rep(self.session, self.methodology, owner, "ae", clock=self.clock)
                self._created[owner] = rep
            if owner_id:
                team.add_crm_id(self.session, rep.id, owner_id)
            self.found[(owner, owner_id)] = (rep.id, owner)
        else:
            self.unknown.add((owner, owner_id))

    def unknown_names(self) -> list[str]:
        """Owner names that match no rep, in the order of their names."""
        unknown = sorted(self.unknown, key=str)
        return list(dict.fromkeys(o for o, _ in unknown if not (self.ids or looks_like_id(o))))

    @property
    def created(self) -> list[str]:
        """The reps made, in the order of the owner names."""
        return [self._created[owner].name for owner in sorted(self._created, key=repr)]

    def unknown_ids(self) -> list[str]:
        unknown = sorted(self.unknown, key=str)
        return [o for o, _ in unknown if self.ids or looks_like_id(o)]


def _learn_owner_id(session: Session, index: team.OwnerIndex, rep_id: int, owner_id: str):
    """A rep found by name keeps the owner id the file gives with it, so the next
    import finds them even when the CRM spells the name differently."""
    key = crm_id_key(owner_id)
    if key not in index.by_id:
        team.add_crm_id(session, rep_id, owner_id)
        index.by_id[key] = rep_id


def _deal_key(external_id: str) -> str:
    """A Salesforce export may give an opportunity's 15- or 18-character id: one deal.
    (Other CRMs' ids are never 18 characters and letters; most are short.)"""
    return crm_id_key(external_id) if len(external_id) == 18 else external_id


class _About(NamedTuple):
    """The deal a change is about, as the report names it; an amount reads in the
    currency it had before the change and the one it has after."""

    external_id: str
    name: str
    owner: str | None
    currencies: tuple[str | None, str | None]


class _ImportPlan:
    """What the import writes for a batch: new deals, updates, events and what they
    change as it was (`take` hands them over); the changes found go to the log."""

    def __init__(
        self, methodology: Methodology, as_of: date, now: datetime, source: str, log: ChangeLog
    ):
        self.methodology, self.ranks = methodology, Ranks.of(methodology)
        self.as_of, self.now, self.source, self.log = as_of, now, source, log
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.events: list[tuple[str, tuple[str, str | None, str | None], int | None]] = []
        # (deal id, the fields it changes as they were): what undoing it puts back.
        self.before: list[tuple[int, dict[str, Any]]] = []
        self.changed = False  # whether any batch had something to write
        self.found: list[Change] = []  # the changes of the deal at hand
        # A 50,000-deal export repeats a few stages, categories and amounts.
        self.labels: dict[tuple[str, str | None, str | None], str | None] = {}

    def compare(
        self, rows: list[DealRow], existing: dict[str, dict], owners: dict[Owner, tuple[int, str]]
    ) -> None:
        """`existing`: the deals the rows name, by the key of their id."""
        for row in rows:
            fields = self._fields(row, owners)
            old = existing.get(_deal_key(row.external_id))
            if old is None:
                self._new(row, fields)
            else:
                self._changed(old, fields)
            self._deal_done()

    def missing(self, deals: list[dict[str, Any]]) -> None:
        """Open deals from exports that this one does not name."""
        for old in deals:
            self._missing(old)
            self._deal_done()

    def _deal_done(self) -> None:
        if self.found:
            self.log.add(self.found)
            self.found = []

    def take(self) -> _Writes:
        """What the batch will write; the plan starts the next one empty."""
        writes = _Writes(self.inserts, self.updates, self.events, self.before)
        self.changed = self.changed or bool(self.inserts or self.updates)
        self.inserts, self.updates, self.events, self.before = [], [], [], []
        return writes

    def _fields(self, row: DealRow, owners: dict[Owner, tuple[int, str]]) -> dict[str, Any]:
        status = row.status if row.status != DealStatus.open else self.ranks.status_of(row.stage)
        rep_id, owner = owners.get((row.owner, row.owner_id), (None, row.owner))
        fields = {
            "name": row.name,
            "account": row.account,
            "owner": owner,
            "rep_id": rep_id,
            "stage": row.stage,
            "status": status,
            "close_date": row.close_date,
            "forecast_category": row.forecast_category,
            "last_activity": row.last_activity,
            "next_step": row.next_step,
            "lost_reason": row.lost_reason,
            "source": self.source,
        }
        optional = {
            "amount": row.amount,
            "currency": row.currency,
            "created_date": row.created_date,
        }
        fields.update({key: value for key, value in optional.items() if value is not None})
        if status != DealStatus.open:
            fields["closed_on"] = row.won_date or row.close_date
        return fields

    def _new(self, row: DealRow, fields: dict[str, Any]) -> None:
        deal = {
            "external_id": row.external_id,
            "amount": 0.0,
            "created_date": self.as_of,
            "currency": None,
            "closed_on": None,
            **fields,
            "max_stage_rank": self.ranks.first_rank(fields["stage"]),
            "stage_since": self.as_of,
            "value_confirmed": False,
            "champion": False,
            "economic_buyer": False,
            "decision_process": False,
            "pushes": 0,
            "missing_since": None,
            "updated_at": self.now,
        }
        self.inserts.append(deal)
        about = _About(row.external_id, row.name, deal["owner"], (None, deal["currency"]))
        status = fields["status"]
        if status == DealStatus.open:
            self._event(about, ("created", None, row.stage))
            return
        # First seen closed: its history says so, and the report counts it as won or lost.
        self._event(about, ("created", None, row.stage), reported=False)
        self._event(about, (str(status), None, None), first_seen=True)

    def _changed(self, old: dict[str, Any], fields: dict[str, Any]) -> None:
        updates, events = changes_between(old, fields, self.as_of, self.ranks)
        if "currency" in updates and self._same_money(old["currency"], updates["currency"]):
            # No currency and the workspace's are one: stored as the file says, unsaid.
            events = [event for event in events if event[0] != "currency"]
        if old["missing_since"] is not None:
            updates["missing_since"] = None
            events.append(("returned", None, None))
        if not updates:
            return
        self.updates.append({"id": old["id"], **updates, "updated_at": self.now})
        self.before.append((old["id"], {key: old[key] for key in (*updates, "updated_at")}))
        currencies = (old["currency"], fields.get("currency", old["currency"]))
        about = _About(old["external_id"], fields["name"], fields["owner"], currencies)
        for event in events:
            self._event(about, event, old["id"])

    def _same_money(self, old: str | None, new: str | None) -> bool:
        home = self.methodology.currency
        return (old or home) == (new or home)

    def _missing(self, old: dict[str, Any]) -> None:
        if old["source"] != "manual" and old["status"] == DealStatus.open:
            self.updates.append({"id": old["id"], "missing_since": self.as_of})
            self.before.append((old["id"], {"missing_since": None}))
            about = _About(old["external_id"], old["name"], old["owner"], (None, None))
            self._event(about, ("missing", None, None), old["id"])

    def _event(
        self,
        about: _About,
        event: tuple[str, str | None, str | None],
        deal_id: int | None = None,
        reported: bool = True,
        first_seen: bool = False,
    ) -> None:
        self.events.append((about.external_id, event, deal_id))
        kind = report_kind(*event, self.ranks) if reported else None
        if kind is None:
            return
        event_kind, old, new = event
        old_currency, new_currency = about.currencies
        self.found.append(
            Change(
                external_id=about.external_id,
                name=about.name,
                owner=about.owner,
                change=kind,
                old=old,
                new=new,
                old_label=self._label(event_kind, old, old_currency),
                new_label=self._label(event_kind, new, new_currency),
                first_seen=first_seen,
            )
        )

    def _label(self, kind: str, text: str | None, currency: str | None) -> str | None:
        key = (kind, text, currency)
        if key not in self.labels:
            if len(self.labels) >= _LABELS_KEPT:  # a million distinct amounts are not kept
                self.labels.clear()
            self.labels[key] = value_label(self.methodology, kind, text, currency)
        return self.labels[key]

    def counts(self) -> dict[str, int]:
        return {kind: self.log.counts.get(kind, 0) for kind in REPORT_ORDER}


class _Writes(NamedTuple):
    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    events: list[tuple[str, tuple[str, str | None, str | None], int | None]]
    before: list[tuple[int, dict[str, Any]]]


class _Store:
    """Writes each batch the plan hands over, in the caller's transaction: the snapshot
    comes with the first batch that changes something (its rows and summary at the
    end), and the tables' indexes are set aside for a load as large as they are."""

    def __init__(
        self,
        session: Session,
        plan: _ImportPlan,
        source: str,
        file_name: str,
        as_of: date,
        dry_run: bool,
    ):
        self.session, self.plan, self.dry_run = session, plan, dry_run
        self.snapshot = DealSnapshot(
            as_of=as_of,
            source=source,
            file_name=file_name,
            imported_at=plan.now,
            rows=0,
            summary={},
        )
        self.saved = False
        self.bulk = None if dry_run else queries.BulkLoad.of_import(session)
        self.left_out_rows = _LeftOut(LEFT_OUT_SHOWN)

    def left_out(self, rows: list[RowError]) -> None:
        self.left_out_rows.add(rows)

    def write(self) -> None:
        writes = self.plan.take()
        if self.dry_run or not (writes.inserts or writes.updates):
            return
        session, snapshot, bulk = self.session, self.snapshot, self.bulk
        if not self.saved:
            session.add(snapshot)
            session.flush()
            self.saved = True
        new_ids = queries.insert_deals(session, writes.inserts, bulk)
        queries.update_deals(session, writes.updates)
        queries.insert_before_import(session, snapshot.id, writes.before, bulk)
        events = [
            {
                "deal_id": deal_id or new_ids[external_id],
                "day": snapshot.as_of,
                "kind": kind,
                "old": old,
                "new": new,
                "snapshot_id": snapshot.id,
            }
            for external_id, (kind, old, new), deal_id in writes.events
        ]
        queries.insert_events(session, events, bulk)

    def finish(self, rows: int) -> int | None:
        """The snapshot's id, or None when nothing was written."""
        if not self.saved:
            return None
        assert self.bulk is not None
        self.bulk.finish()
        self.snapshot.rows = rows
        self.snapshot.summary = self.plan.counts()
        self.session.flush()
        return self.snapshot.id


class _LeftOut:
    """Rows left out of the import (deleted in the CRM): the first `most` lines of each
    reason, and how many there are of each."""

    def __init__(self, most: int):
        self.most = most
        self.shown: list[RowError] = []
        self.counts: Counter[str] = Counter()

    def add(self, rows: list[RowError]) -> None:
        for row in rows:
            self.counts[row.reason] += 1
            if self.counts[row.reason] <= self.most:
                self.shown.append(row)


# ---- undo ----------------------------------------------------------------------------------


class UndoPlan(BaseModel):
    """The latest import and what undoing it takes away and puts back."""

    snapshot_id: int
    file: str
    source: str
    as_of: date
    imported_at: datetime
    created_deals: int
    changed_deals: int
    events: int


def plan_undo(session: Session) -> UndoPlan:
    """What `coach deal undo-import` would do; exit 1 when there is nothing to undo or
    the deals it touched have changed by hand since (undoing would lose that)."""
    snapshot = queries.last_snapshot(session)
    if snapshot is None:
        raise NotFound(
            "There is no import to undo.", hint="`coach deal import FILE` imports an export."
        )
    created, changed = queries.deals_of_snapshot(session, snapshot.id)
    _refuse_lossy_undo(session, snapshot, created, changed)
    return UndoPlan(
        snapshot_id=snapshot.id,
        file=snapshot.file_name,
        source=snapshot.source,
        as_of=snapshot.as_of,
        imported_at=snapshot.imported_at,
        created_deals=len(created),
        changed_deals=len(changed),
        events=queries.count_events(session, snapshot.id),
    )


def _refuse_lossy_undo(
    session: Session, snapshot: DealSnapshot, created: list[int], changed: list[int]
) -> None:
    what = f"the import of {snapshot.file_name} as of {snapshot.as_of.isoformat()}"
    if set(changed) - set(queries.before_import(session, snapshot.id)):
        raise Conflict(
            f"Cannot undo {what}: it was made before coach kept what imports change.",
            hint="Import a corrected export on top of it instead.",
        )
    touched = queries.changed_by_hand_since(
        session, snapshot.id, created + changed, snapshot.imported_at
    )
    planned = queries.with_close_plan(session, created)
    if touched or planned:
        names = ", ".join(sorted({*touched, *planned})[:5])
        raise Conflict(
            f"Cannot undo {what}: deals it brought or changed have changed by hand since "
            f"({names}); undoing it would lose that.",
            hint="Import a corrected export on top of it instead.",
        )


def undo_import(session: Session, plan: UndoPlan) -> UndoPlan:
    """Undo the import `plan` describes, in the caller's transaction: the deals it
    created go, those it changed get their fields back, its events and snapshot go."""
    latest = plan_undo(session)  # again, under the write lock: another may have come
    if latest.snapshot_id != plan.snapshot_id:
        raise Conflict(
            "Another import arrived meanwhile; nothing was undone.",
            hint="Run `coach deal undo-import` again to see what it would undo now.",
        )
    created, _ = queries.deals_of_snapshot(session, plan.snapshot_id)
    before = queries.before_import(session, plan.snapshot_id)
    queries.update_deals(session, [{"id": deal_id, **fields} for deal_id, fields in before.items()])
    queries.delete_import(session, plan.snapshot_id, created)
    return latest
