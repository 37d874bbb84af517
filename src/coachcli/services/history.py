"""Deals as they stood on a past day, replayed from their events and import records.

The one replay of history: `coach pipeline --as-of` reads through it, and so will
the forecast's backtest. It works backwards from each deal as it is now, which
needs nothing for a deal that has not changed since the day:

- a deal first recorded after the day did not exist yet;
- a field with events (stage, amount, close date, category, next step, commitment
  evidence) had the old value of its first event after the day;
- a field without events (owner, name, account, currency, the CRM's last activity
  date) had the value the first import after the day found before changing it;
  changed by hand, or before imports kept that record, it keeps its value now
  (a last activity date later than the day is then unknown: the deal's last change
  stands for it);
- status, the day it closed, time in stage, highest stage reached, pushes, the
  last change seen and "missing from the export" are worked out from the events on
  or before the day, the way recording those events set them;
- the close plan had the steps it has now, less those added after the day, plus
  those removed after it (steps recorded before their events existed count as
  always there).

Dates stay ISO text, as stored: the rows go back into SQL (db/history.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from coachcli.db import history as queries
from coachcli.enums import DealStatus
from coachcli.services.deal_events import (
    ACTIVITY_FIELDS,
    EVENT_OF,
    EVIDENCE_FIELDS,
    STATUS_KINDS,
    STEP_ADDED,
    STEP_REMOVED,
    Ranks,
    is_push,
)

if TYPE_CHECKING:
    from sqlite3 import Connection

# An event as db/history.py reads it: (day, kind, old, new), days as ISO text.
Event = tuple[str, str, str | None, str | None]
FIELD_OF = {kind: field for field, kind in EVENT_OF.items()}
ACTIVITY_KINDS = frozenset(EVENT_OF[field] for field in ACTIVITY_FIELDS)
# Fields the import records are not read for: worked out from the events instead.
# (A field with events is read from both: an import before its events were kept
# still tells what it changed, and the first event after the day, when there is one,
# is what counts.)
FROM_EVENTS = frozenset({"status", "closed_on", "stage_since", "max_stage_rank", "pushes",
                         "last_change", "missing_since", "updated_at"})  # fmt: skip


@dataclass
class PastDeals:
    """What changed since a past day, undone: the deals recorded by then that changed
    since, as rows of the deal table as they stood, and which of them had a close plan.
    Every other deal recorded by then stands as it is now."""

    day: date
    replayed: list[dict[str, Any]]
    planned: list[int]


def deals_as_of(connection: Connection, day: date, ranks: Ranks) -> PastDeals:
    """The deals that changed since `day`, as they stood on it, from what was recorded."""
    events = queries.events_of_deals_changed_after(connection, day)
    before_imports = queries.fields_before_imports_after(connection, day)
    plan_sizes = queries.close_plan_sizes(connection)
    replayed, planned = [], []
    for deal in queries.deals_changed_after(connection, day):
        deal_events = events.get(deal["id"], [])
        replayed.append(replay(deal, deal_events, before_imports.get(deal["id"], {}), day, ranks))
        if _steps_then(plan_sizes.get(deal["id"], 0), deal_events, day) > 0:
            planned.append(deal["id"])
    return PastDeals(day, replayed, planned)


@contextmanager
def reading_as_of(connection: Connection, day: date, ranks: Ranks) -> Iterator[PastDeals]:
    """Inside the block, every query of `deal` and `close_plan_step` on `connection`
    reads them as they stood on `day` (see db/history.py)."""
    past = deals_as_of(connection, day, ranks)
    with queries.deals_shadowed(connection, day, past.replayed, past.planned):
        yield past


def replay(
    deal: dict[str, Any],
    events: list[Event],
    before_imports: dict[str, Any],
    day: date,
    ranks: Ranks,
) -> dict[str, Any]:
    """One deal as it stood on `day`: `deal` as it is now, its events oldest first, and
    the fields as the first import after `day` found them."""
    when = day.isoformat()
    earlier = [event for event in events if event[0] <= when]
    later = [event for event in events if event[0] > when]
    deal = deal | {"first_seen": _first_seen(deal, earlier)}
    past = deal | _unrecorded_fields(before_imports)
    if (past["last_activity"] or "") > when:
        past["last_activity"] = None  # not known on the day: its last change stands for it
    for _, kind, old, _ in reversed(later):  # the first one after the day wins
        if kind in FIELD_OF:
            past[FIELD_OF[kind]] = _value(FIELD_OF[kind], old)
    kinds_later = {event[1] for event in later}
    if kinds_later & STATUS_KINDS.keys():
        past |= _status_then(earlier)
    if "stage" in kinds_later:
        past |= _stage_then(deal, earlier, ranks)
    if "close_date" in kinds_later:
        past["pushes"] = deal["pushes"] - _pushes(later)
    if kinds_later & ACTIVITY_KINDS or (deal["last_change"] or "") > when:
        past["last_change"] = _last_change_then(deal, earlier)
    if kinds_later & {"missing", "returned"}:
        past["missing_since"] = _missing_then(earlier)
    return past


def _first_seen(deal: dict[str, Any], earlier: Iterable[Event]) -> str:
    """The day the deal was first recorded: its "created" event, else its created date."""
    created = (event_day for event_day, kind, _, _ in earlier if kind == "created")
    return next(created, deal["created_date"])


def _unrecorded_fields(before_imports: dict[str, Any]) -> dict[str, Any]:
    """The fields as the first import after the day found them, but those the events
    tell better."""
    return {key: value for key, value in before_imports.items() if key not in FROM_EVENTS}


def _value(field: str, text: str | None) -> Any:
    """An event's text back as the stored value of `field`."""
    if text is None:
        return None
    if field == "amount":
        return float(text)
    if field in EVIDENCE_FIELDS:
        return int(text == "yes")
    return text


def _status_then(earlier: Iterable[Event]) -> dict[str, Any]:
    status, closed_on = DealStatus.open.value, None
    for event_day, kind, _, _ in earlier:
        if kind in STATUS_KINDS:
            status = STATUS_KINDS[kind].value
            closed_on = None if status == DealStatus.open else event_day
    return {"status": status, "closed_on": closed_on}


def _stage_then(deal: dict[str, Any], earlier: list[Event], ranks: Ranks) -> dict[str, Any]:
    """Since when the deal was in its stage, and the highest rank it had reached."""
    since, reached = deal["first_seen"], -1
    for event_day, kind, _, new in earlier:
        if kind == "created":
            reached = max(reached, ranks.first_rank(new or ""))
        elif kind == "stage":
            since, reached = event_day, max(reached, ranks.rank.get(new or "", -1))
    return {"stage_since": since, "max_stage_rank": reached}


def _pushes(events: Iterable[Event]) -> int:
    """Close dates moved later: each was a push."""
    return sum(1 for _, kind, old, new in events if kind == "close_date" and is_push(old, new))


def _last_change_then(deal: dict[str, Any], earlier: Iterable[Event]) -> str | None:
    """The last day a change was seen: a deal added by hand was one on the day it was."""
    days = [event_day for event_day, kind, _, _ in earlier if kind in ACTIVITY_KINDS]
    if deal["source"] == "manual":
        days.append(deal["first_seen"])
    return max(days, default=None)


def _missing_then(earlier: Iterable[Event]) -> str | None:
    missing_since = None
    for event_day, kind, _, _ in earlier:
        if kind == "missing":
            missing_since = event_day
        elif kind == "returned":
            missing_since = None
    return missing_since


def _steps_then(steps_now: int, events: Iterable[Event], day: date) -> int:
    when = day.isoformat()
    added = sum(1 for event in events if event[0] > when and event[1] == STEP_ADDED)
    removed = sum(1 for event in events if event[0] > when and event[1] == STEP_REMOVED)
    return steps_now - added + removed
