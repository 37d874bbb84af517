"""Five years of weekly Salesforce exports and the deal history they leave behind.

`Crm` plays the CRM: about 50,000 opportunities over five years, each week some
advance, slip, change amount or next step, win or lose, and a few drop out of the
export for a week. `History` turns each weekly export into what `coach deal import`
would have written, by coach's own parser and import plan (services/crm_csv.py,
services/imports.py): the snapshot with its change counts, new and changed deals,
their events and what each import changed. Only the writing is done here, in bulk,
instead of 259 import commands. The last weeks go through the real command
(benchmarks/scale_build.py), on the same CRM.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from deals import HEADER, STAGES

from coachcli.db.deals import _stored
from coachcli.enums import DealStatus
from coachcli.methodology_schema import Methodology
from coachcli.services import crm_csv
from coachcli.services.imports import _ImportPlan
from coachcli.services.team import OwnerIndex

CATEGORY = ["Pipeline", "Pipeline", "Pipeline", "Best Case", "Commit"]
# A week's chance, by stage, that an open deal closes, and that a closing one is won.
CLOSE_CHANCE = [0.03, 0.045, 0.06, 0.08, 0.11]
WIN_CHANCE = [0.1, 0.2, 0.3, 0.45, 0.6]
# A week's chance that an open deal advances a stage, has its close date pushed
# (more likely once past it), changes amount or next step, shows a new activity.
ADVANCE, PUSH, PUSH_OVERDUE, AMOUNT, NEXT_STEP, ACTIVITY = 0.08, 0.01, 0.4, 0.015, 0.04, 0.2
NEXT_STEPS = [
    "",
    "Demo to the CFO",
    "Send the proposal",
    "Legal review",
    "Security review",
    "Call back",
    "Pricing workshop",
    "Reference call",
]
KINDS = ["expansion", "renewal", "new logo", "pilot", "upsell"]
LEFT_OUT = 0.0015  # an open deal missing from a week's export (a filter, a permission)
Writer = Callable[[str, list[dict]], None]


class Crm:
    """Every opportunity as the CRM's export shows it: a dict of the export's columns."""

    def __init__(self, owners: list[str], seed: int):
        self.rng = random.Random(f"{seed}-crm")
        self.owners = owners
        self.deals: list[dict] = []
        self.open: dict[str, dict] = {}  # by id, in the order they were created
        self.left_out: set[str] = set()

    def start(self, as_of: date, count: int) -> None:
        """The pipeline already there when coach met it: open deals of the last months."""
        for _ in range(count):
            deal = self._new(as_of - timedelta(days=self.rng.randint(1, 150)))
            deal["StageName"] = self.rng.choice(STAGES)
            deal["ForecastCategoryName"] = CATEGORY[STAGES.index(deal["StageName"])]

    def week(self, as_of: date, new: int) -> tuple[list[dict], set[str]]:
        """A week of selling up to `as_of`: the week's export (the open deals, less a
        few left out, and those closed this week), and the ids of the deals in it that
        an import can find changed (moved, new, closed, back after being left out)."""
        touched = set(self.left_out)
        closed = []
        for deal in list(self.open.values()):
            moved = self._move(deal, as_of)
            if moved:
                touched.add(deal["Id"])
            if moved == "closed":
                closed.append(deal)
        touched.update(
            self._new(as_of - timedelta(self.rng.randint(0, 6)))["Id"] for _ in range(new)
        )
        shown = [deal for deal in self.open.values() if self.rng.random() > LEFT_OUT]
        self.left_out = set(self.open) - {deal["Id"] for deal in shown}
        return shown + closed, touched

    def _new(self, created: date) -> dict:
        number = len(self.deals) + 1
        account = f"Account {self.rng.randint(1, 3000):04d}"
        amount = self.rng.choice([10, 20, 40, 60, 100, 200, 400]) * self.rng.randint(1, 5) * 500
        deal = {
            "Id": f"006{number:012d}",
            "Name": f"{account} {self.rng.choice(KINDS)} {number}",
            "Account Name": account,
            "Opportunity Owner": self.rng.choice(self.owners),
            "StageName": STAGES[0] if self.rng.random() < 0.7 else STAGES[1],
            "Amount": amount,
            "CloseDate": created + timedelta(days=self.rng.randint(30, 150)),
            "ForecastCategoryName": "Pipeline",
            "CreatedDate": created,
            "NextStep": self.rng.choice(NEXT_STEPS),
            "LastActivityDate": created,
        }
        self.deals.append(deal)
        self.open[deal["Id"]] = deal
        return deal

    def _move(self, deal: dict, as_of: date) -> str | None:
        """One week of one open deal: "closed", "changed" or None."""
        rng, stage = self.rng, STAGES.index(deal["StageName"])
        overdue = deal["CloseDate"] < as_of
        if rng.random() < CLOSE_CHANCE[stage] + (0.04 if overdue else 0):
            self._close(deal, as_of, won=rng.random() < WIN_CHANCE[stage])
            return "closed"
        before = dict(deal)
        if rng.random() < ADVANCE and stage < len(STAGES) - 1:
            deal["StageName"] = STAGES[stage + 1]
            deal["ForecastCategoryName"] = CATEGORY[stage + 1]
        if (overdue and rng.random() < PUSH_OVERDUE) or rng.random() < PUSH:
            deal["CloseDate"] = max(deal["CloseDate"], as_of) + timedelta(rng.randint(14, 45))
        if rng.random() < AMOUNT:
            deal["Amount"] = max(500, round(deal["Amount"] * rng.uniform(0.7, 1.3), -2))
        if rng.random() < NEXT_STEP:
            deal["NextStep"] = rng.choice(NEXT_STEPS)
        if rng.random() < ACTIVITY:
            deal["LastActivityDate"] = as_of - timedelta(days=rng.randint(0, 4))
        return "changed" if deal != before else None

    def _close(self, deal: dict, as_of: date, won: bool) -> None:
        day = max(deal["CreatedDate"], as_of - timedelta(days=self.rng.randint(0, 4)))
        deal["StageName"] = "Closed Won" if won else "Closed Lost"
        deal["ForecastCategoryName"] = "Closed" if won else "Omitted"
        deal["CloseDate"] = deal["LastActivityDate"] = day
        deal["NextStep"] = ""
        del self.open[deal["Id"]]


def export_text(deals: list[dict]) -> str:
    """A Salesforce-style CSV of these deals (dates ISO, as Salesforce exports them)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, HEADER)
    writer.writeheader()
    writer.writerows(deals)
    return buffer.getvalue()


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


class History:
    """The deal tables as the weekly imports would have left them, written by `write`
    (table name, rows as dicts of stored values). Deals are written once they close
    (an import never changes a closed deal that stays out of the exports); the open
    ones when `finish` is called."""

    def __init__(self, methodology: Methodology, owners: OwnerIndex, write: Writer):
        self.methodology, self.index, self.write = methodology, owners, write
        self.open: dict[str, dict] = {}  # external id → the deal's row, while open
        self.deal_ids = 0
        self.snapshot_id = 0
        self.events = 0

    def apply(self, export: list[dict], touched: set[str], as_of: date) -> dict[str, int]:
        """Import one weekly export as coach would, as if on the morning of `as_of`;
        returns the import's change counts. Only the deals the CRM touched are parsed
        and compared; the others go in as the import's `skipped` (they stand as they
        were), which is what comparing them would find, at a third of the cost."""
        changed = [deal for deal in export if deal["Id"] in touched]
        unchanged = {deal["Id"] for deal in export} - touched
        data = export_text(changed).encode()
        parsed = crm_csv.parse_export(data, "salesforce", None, self.methodology.stages)
        now = at(as_of, 8)
        plan = _ImportPlan(self.methodology, as_of, now, parsed.source)
        plan.compare(parsed.rows, self.open, self._owners(parsed.rows), unchanged)
        self.snapshot_id += 1
        self.write(
            "deal_snapshot",
            [
                {
                    "id": self.snapshot_id,
                    "as_of": as_of,
                    "source": parsed.source,
                    "file_name": f"opportunities-{as_of}.csv",
                    "imported_at": now,
                    "rows": len(export),
                    "summary": plan.counts(),
                }
            ],
        )
        new_ids = self._insert(plan.inserts)
        self._update(plan.updates, plan.before)
        self._events(plan.events, new_ids, as_of)
        self._write_closed()
        return plan.counts()

    def finish(self) -> None:
        """Write the deals still open; from here on the history is only followed (the
        real `coach deal import` writes the weeks after), so `apply` writes nothing."""
        self.write("deal", list(self.open.values()))
        self.write = lambda table, rows: None

    def _owners(self, rows: list[crm_csv.DealRow]) -> dict:
        """Each owner's rep, as the import matches them (services/team.py's OwnerIndex)."""
        found = {}
        for owner, owner_id in {(row.owner, row.owner_id) for row in rows}:
            rep_id = self.index.find(owner, owner_id)
            if rep_id is not None:
                found[(owner, owner_id)] = (rep_id, owner)
        return found

    def _insert(self, inserts: list[dict]) -> dict[str, int]:
        new_ids = {}
        for deal in inserts:
            self.deal_ids += 1
            self.open[deal["external_id"]] = {"id": self.deal_ids, **deal, "last_change": None}
            new_ids[deal["external_id"]] = self.deal_ids
        return new_ids

    def _update(self, updates: list[dict], before: list[tuple[int, dict]]) -> None:
        by_id = {deal["id"]: deal for deal in self.open.values()}
        for change in updates:
            by_id[change["id"]].update(change)
        self.write(
            "deal_before_import",
            [
                {
                    "snapshot_id": self.snapshot_id,
                    "deal_id": deal_id,
                    # As db/deals.py's insert_before_import keeps them: values as stored.
                    "fields": json.dumps({key: _stored(value) for key, value in fields.items()}),
                }
                for deal_id, fields in before
            ],
        )

    def _events(self, events: list, new_ids: dict[str, int], as_of: date) -> None:
        self.events += len(events)
        self.write(
            "deal_event",
            [
                {
                    "deal_id": deal_id or new_ids[external_id],
                    "day": as_of,
                    "kind": kind,
                    "old": old,
                    "new": new,
                    "snapshot_id": self.snapshot_id,
                }
                for external_id, (kind, old, new), deal_id in events
            ],
        )

    def _write_closed(self) -> None:
        closed = [key for key, deal in self.open.items() if deal["status"] != DealStatus.open]
        self.write("deal", [self.open.pop(key) for key in closed])
