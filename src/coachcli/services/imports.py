"""CRM imports: each export becomes a dated snapshot and a report of what changed.

The whole import is one transaction: it lands completely or not at all. Rows go
through SQLAlchemy Core in bulk (see db/deals.py), and every difference from the
deal as it stood becomes an event, dated as of the export.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from pydantic import BaseModel
from sqlmodel import Session

from coachcli.clock import Clock
from coachcli.db import deals as queries
from coachcli.db.shared import driver
from coachcli.enums import DealStatus
from coachcli.errors import Conflict, Invalid, NotFound
from coachcli.methodology_schema import Methodology
from coachcli.models import DealSnapshot
from coachcli.services import team
from coachcli.services.crm_csv import DealRow, ParsedExport, RowError, header_key
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
    changes: list[Change]
    # Owners by name that match no rep, and owner ids that match none (which only
    # `coach team edit NAME --crm-id ID` can map: no rep is named after an id).
    unknown_owners: list[str]
    owner_ids_to_map: list[str]
    created_reps: list[str]
    bad_rows: list[RowError]


def import_export(
    session: Session,
    methodology: Methodology,
    parsed: ParsedExport,
    file_name: str,
    as_of: date,
    options: dict[str, bool],
    clock: Clock,
) -> ImportReport:
    """options: create_reps, skip_invalid, dry_run. `clock` stamps the import."""
    refuse_bad_rows(parsed.errors, options["skip_invalid"])
    if not parsed.rows and parsed.errors:
        raise Invalid(
            f"Nothing in {file_name} can be imported: every row has a problem "
            f"({counted(len(parsed.errors), 'bad row')}), and importing none would mark "
            "every deal missing. Run without --skip-invalid to list them, fix them and "
            "import again."
        )
    check_as_of(session, as_of, clock.today())
    owners = _owners(session, methodology, parsed, options, clock)
    now = clock.now()
    plan = _ImportPlan(methodology, as_of, now, parsed.source)
    skipped = {error.external_id for error in parsed.errors if error.external_id}
    plan.compare(parsed.rows, queries.all_deal_rows(session), owners.found, skipped)
    changed = bool(plan.inserts or plan.updates)
    snapshot_id = None
    if changed and not options["dry_run"]:
        snapshot_id = _write(session, plan, parsed, file_name, as_of, now)
    return ImportReport(
        file=file_name,
        source=parsed.source,
        as_of=as_of,
        rows=len(parsed.rows),
        dry_run=options["dry_run"],
        nothing_changed=not changed,
        snapshot_id=snapshot_id,
        counts=plan.counts(),
        changes=plan.changes,
        unknown_owners=list(owners.unknown_names),
        owner_ids_to_map=owners.unknown_ids,
        created_reps=owners.created,
        bad_rows=parsed.errors,
    )


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


def refuse_bad_rows(errors: list[RowError], skip_invalid: bool) -> None:
    if not errors or skip_invalid:
        return
    listed = [f"  line {error.line}: {error.reason}" for error in errors[:SHOWN_BAD_ROWS]]
    if len(errors) > SHOWN_BAD_ROWS:
        listed.append(f"  … and {len(errors) - SHOWN_BAD_ROWS} more")
    raise Invalid(
        f"{counted(len(errors), 'bad row')}; nothing was imported:\n" + "\n".join(listed),
        hint="Fix those rows, or pass --skip-invalid to import the good ones.",
    )


# An owner is the pair the file gives: the owner column's text, and the owner id when
# the file has one beside the name.
Owner = tuple[str, str | None]


@dataclass
class _Owners:
    """Each owner's rep id and the owner text its deals keep; who matched no rep."""

    found: dict[Owner, tuple[int, str]]
    unknown_names: dict[str, list[str]]  # owner name → the owner ids given with it
    unknown_ids: list[str]
    created: list[str]


def _owners(
    session: Session,
    methodology: Methodology,
    parsed: ParsedExport,
    options: dict[str, bool],
    clock: Clock,
) -> _Owners:
    """Match owners to reps (services/team.py's OwnerIndex: ids first, then names);
    with --create-reps, add the owners the file names, never one known only by id."""
    index = team.owner_index(driver(session))
    # An OwnerId-only export: the owner column holds ids, and a deal shows its rep's name.
    ids = header_key(parsed.columns.get("owner", "")).endswith("ownerid")
    owners = _Owners({}, {}, [], [])
    for owner, owner_id in sorted({(row.owner, row.owner_id) for row in parsed.rows}, key=str):
        rep_id = index.find(owner, owner_id)
        is_id = ids or looks_like_id(owner)
        if rep_id is not None:
            owners.found[(owner, owner_id)] = (rep_id, index.names[rep_id] if is_id else owner)
            if owner_id and not options["dry_run"]:
                _learn_owner_id(session, index, rep_id, owner_id)
        elif is_id:
            owners.unknown_ids.append(owner)
        else:
            owners.unknown_names.setdefault(owner, []).extend(filter(None, [owner_id]))
    if options["create_reps"] and not options["dry_run"]:
        _create_reps(session, methodology, owners, clock)
    return owners


def _learn_owner_id(session: Session, index: team.OwnerIndex, rep_id: int, owner_id: str):
    """A rep found by name keeps the owner id the file gives with it, so the next
    import finds them even when the CRM spells the name differently."""
    key = crm_id_key(owner_id)
    if key not in index.by_id:
        team.add_crm_id(session, rep_id, owner_id)
        index.by_id[key] = rep_id


def _create_reps(session: Session, methodology: Methodology, owners: _Owners, clock: Clock):
    """A rep for each owner name that matched none, with the owner ids given with it."""
    for owner, owner_ids in owners.unknown_names.items():
        rep = team.add_rep(session, methodology, owner, "ae", clock=clock)
        for owner_id in owner_ids:
            team.add_crm_id(session, rep.id, owner_id)
        owners.created.append(rep.name)
        owners.found |= {(owner, i): (rep.id, owner) for i in [None, *owner_ids]}
    owners.unknown_names = {}


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
    """What the import will write: new deals, updates, events, and the change list."""

    def __init__(self, methodology: Methodology, as_of: date, now: datetime, source: str):
        self.methodology, self.ranks = methodology, Ranks.of(methodology)
        self.as_of, self.now, self.source = as_of, now, source
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.events: list[tuple[str, tuple[str, str | None, str | None]]] = []
        self.changes: list[Change] = []
        # (deal id, the fields it changes as they were): what undoing it puts back.
        self.before: list[tuple[int, dict[str, Any]]] = []
        # A 50,000-deal export repeats a few stages, categories and amounts.
        self.labels: dict[tuple[str, str | None, str | None], str | None] = {}

    def compare(
        self,
        rows: list[DealRow],
        existing: dict[str, dict],
        owners: dict[Owner, tuple[int, str]],
        skipped: set[str] = frozenset(),
    ) -> None:
        """`skipped`: ids of rows left out as invalid; their deals stand as they were."""
        existing = {_deal_key(external_id): deal for external_id, deal in existing.items()}
        for row in rows:
            fields = self._fields(row, owners)
            old = existing.get(_deal_key(row.external_id))
            if old is None:
                self._new(row, fields)
            else:
                self._changed(old, fields)
        seen = {
            _deal_key(external_id) for external_id in (*(r.external_id for r in rows), *skipped)
        }
        for key, old in existing.items():
            if key not in seen:
                self._missing(old)

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
        gone = old["source"] != "manual" and old["status"] == DealStatus.open
        if gone and old["missing_since"] is None:
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
        self.changes.append(
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
            self.labels[key] = value_label(self.methodology, kind, text, currency)
        return self.labels[key]

    def counts(self) -> dict[str, int]:
        found = Counter(change.change for change in self.changes)
        return {kind: found.get(kind, 0) for kind in REPORT_ORDER}


def _write(
    session: Session,
    plan: _ImportPlan,
    parsed: ParsedExport,
    file_name: str,
    as_of: date,
    now: datetime,
) -> int:
    snapshot = DealSnapshot(
        as_of=as_of,
        source=parsed.source,
        file_name=file_name,
        imported_at=now,
        rows=len(parsed.rows),
        summary=plan.counts(),
    )
    session.add(snapshot)
    session.flush()
    new_ids = queries.insert_deals(session, plan.inserts)
    queries.update_deals(session, plan.updates)
    queries.insert_before_import(session, snapshot.id, plan.before)
    queries.insert_events(
        session,
        [
            {
                "deal_id": deal_id or new_ids[external_id],
                "day": as_of,
                "kind": kind,
                "old": old,
                "new": new,
                "snapshot_id": snapshot.id,
            }
            for external_id, (kind, old, new), deal_id in plan.events
        ],
    )
    return snapshot.id


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
