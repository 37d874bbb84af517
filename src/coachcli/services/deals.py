"""Deals: entered by hand or imported, every change kept as a dated event.

`changes_between` is the one place that decides what changed and which events that
makes; manual updates and CRM imports both go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from coachcli.currencies import currency_code
from coachcli.dates import parse_date
from coachcli.db import deal_reads as reads
from coachcli.db import rates
from coachcli.db.deal_reads import DealRow, StepRow
from coachcli.db.reps import rep_by_id
from coachcli.db.shared import driver
from coachcli.enums import DealStatus
from coachcli.errors import Conflict, Invalid, NotFound
from coachcli.methodology_schema import Methodology, find_key
from coachcli.money import format_money
from coachcli.services.deal_events import (
    ACTIVITY_FIELDS,
    EVENT_OF,
    QUIET_KINDS,
    STEP_ADDED,
    STEP_DONE,
    Ranks,
    event_text,
    is_push,
)
from coachcli.services.fields import clean_text, split_dated
from coachcli.services.rep_names import crm_id_key

if TYPE_CHECKING:
    from sqlmodel import Session

    from coachcli.models import ClosePlanStep, Deal


class StepInfo(BaseModel):
    id: int
    position: int
    what: str
    due: date
    done: bool
    done_on: date | None


class DealInfo(BaseModel):
    id: int
    external_id: str
    name: str
    account: str | None
    rep: str | None
    owner: str | None
    stage: str
    stage_name: str
    status: str
    amount: float
    # The deal's ISO 4217 code; the workspace currency when none was recorded.
    currency: str
    close_date: date | None  # None: an open deal the CRM gave no close date
    forecast_category: str | None
    # The category as the methodology names it ("Best Case"), for people.
    forecast_category_name: str | None
    created_date: date
    last_activity: date | None
    next_step: str | None
    value_confirmed: bool
    champion: bool
    economic_buyer: bool
    decision_process: bool
    pushes: int
    days_in_stage: int
    closed_on: date | None
    lost_reason: str | None
    source: str
    missing_since: date | None
    last_change: date | None
    # The last sign of life (see `last_touch`) and where it comes from: "activity"
    # (the CRM's activity date) or "change" (a change seen); None: no activity data.
    last_touch: date | None
    last_touch_from: str | None
    steps: list[StepInfo] = []


class DealValue(BaseModel):
    """What a deal counts for in every total: its amount in the workspace currency."""

    currency: str
    # None: left out of the totals, its currency has no rate on or before `rate_day`.
    amount: float | None
    # The rate used and the day it was given; None for the workspace currency itself.
    rate: float | None
    rate_as_of: date | None
    # Today while open, else the day it closed: the rate is the latest on or before it.
    rate_day: date


class DealDetail(DealInfo):
    """A deal as `deal show` gives it: with what it counts for in totals."""

    value: DealValue


class EventInfo(BaseModel):
    day: date
    kind: str
    # As stored: stage and category keys, amounts as plain numbers.
    old: str | None
    new: str | None
    # In people's words (see `value_label`): "Solution / Proposal", "48,000 USD".
    old_label: str | None
    new_label: str | None
    snapshot_id: int | None


# ---- what changed ------------------------------------------------------------------------


def changes_between(
    old: dict[str, Any], new: dict[str, Any], day: date, ranks: Ranks
) -> tuple[dict[str, Any], list[tuple[str, str | None, str | None]]]:
    """The field updates and (kind, old, new) events that turn `old` into `new`."""
    updates = {key: value for key, value in new.items() if old.get(key) != value}
    if not ACTIVITY_FIELDS.isdisjoint(updates):
        seen = old.get("last_change")
        updates["last_change"] = day if seen is None else max(seen, day)
    events = [
        (EVENT_OF[key], event_text(old.get(key)), event_text(value))
        for key, value in updates.items()
        if key in EVENT_OF
    ]
    if "stage" in updates:
        updates["stage_since"] = day
        rank = ranks.rank.get(updates["stage"], -1)
        if rank > old.get("max_stage_rank", 0):
            updates["max_stage_rank"] = rank
    if is_push(old.get("close_date"), updates.get("close_date")):
        updates["pushes"] = old.get("pushes", 0) + 1
    if "status" in updates:
        events.append(_status_event(updates, day))
    return updates, events


def _status_event(updates: dict[str, Any], day: date) -> tuple[str, None, None]:
    if updates["status"] == DealStatus.open:
        updates["closed_on"] = None
        return ("reopened", None, None)
    updates.setdefault("closed_on", day)
    return (updates["status"], None, None)


def value_label(
    methodology: Methodology, kind: str, text: str | None, currency: str | None
) -> str | None:
    """A value of an event of `kind` as a person reads it: a stage or a forecast
    category by the methodology's name, an amount with its currency; dates as stored."""
    if kind == "currency":
        return text or methodology.currency
    if text is None:
        return None
    if kind in ("stage", "created"):  # a deal is created at its first stage
        return methodology.stage_name(text)
    if kind == "category":
        return methodology.category_name(text)
    if kind == "amount":
        return format_money(float(text), currency or methodology.currency)
    return text


def report_kind(kind: str, old: str | None, new: str | None, ranks: Ranks) -> str | None:
    """The change-report bucket of one event: advanced, pushed, amount_up …"""
    if kind == "stage":
        before, after = ranks.rank.get(old or ""), ranks.rank.get(new or "")
        if before is None or after is None or new == ranks.won:
            return None  # wins and losses are counted from the status event
        return "advanced" if after > before else "moved_back"
    if kind == "close_date":
        if is_push(old, new):
            return "pushed"
        # Set or cleared: in the history, not a pull-in.
        return "pulled_in" if old is not None and new is not None else None
    if kind in QUIET_KINDS:
        return None  # kept for the history, not worth a line of the import's report
    if kind == "amount":
        return "amount_up" if float(new or 0) > float(old or 0) else "amount_down"
    return {"won": "won", "lost": "lost", "created": "new", "missing": "missing"}.get(kind, kind)


# ---- by hand -------------------------------------------------------------------------------


@dataclass
class DealFields:
    name: str
    rep_id: int | None
    stage: str
    amount: float
    close_date: date
    external_id: str | None = None
    account: str | None = None
    currency: str | None = None
    forecast_category: str | None = None
    created_date: date | None = None
    next_step: str | None = None
    value_confirmed: bool = False
    champion: bool = False
    economic_buyer: bool = False
    decision_process: bool = False


def stage_key(methodology: Methodology, text: str) -> str:
    found = find_key(methodology.stages, text)
    if found is None:
        raise Invalid(f"Unknown stage {text!r}.", hint=f"Stages: {', '.join(methodology.stages)}.")
    return found


def category_key(methodology: Methodology, text: str) -> str:
    found = find_key(methodology.forecast_categories, text)
    if found is None:
        known = ", ".join(methodology.forecast_categories)
        raise Invalid(f"Unknown forecast category {text!r}.", hint=f"Categories: {known}.")
    return found


def check_new_id(connection: Any, text: str | None) -> str | None:
    """The CRM id a new deal is given, checked free (exit 1 if taken); None: none given."""
    external_id = clean_text(text, "id", required=False)
    if external_id is not None and reads.deal_by_external_id(connection, external_id):
        raise Conflict(
            f"A deal with id {external_id!r} exists already.", hint="Use `coach deal update`."
        )
    return external_id


def add_deal(
    session: Session, methodology: Methodology, given: DealFields, today: date, now: datetime
) -> Deal:
    from coachcli.models import Deal

    ranks = Ranks.of(methodology)
    stage = stage_key(methodology, given.stage)
    connection = driver(session)
    external_id = check_new_id(connection, given.external_id) or (
        f"coach-{reads.next_manual_number(connection)}"
    )
    status = ranks.status_of(stage)
    deal = Deal(
        external_id=external_id,
        name=clean_text(given.name, "name"),
        account=clean_text(given.account, "account", required=False),
        rep_id=given.rep_id,
        owner=rep_by_id(connection, given.rep_id).name if given.rep_id else None,
        stage=stage,
        max_stage_rank=ranks.first_rank(stage),
        stage_since=today,
        status=status,
        amount=given.amount,
        currency=currency_code(given.currency) if given.currency else None,
        close_date=given.close_date,
        forecast_category=category_key(methodology, given.forecast_category)
        if given.forecast_category
        else None,
        created_date=given.created_date or today,
        next_step=clean_text(given.next_step, "next step", required=False),
        value_confirmed=given.value_confirmed,
        champion=given.champion,
        economic_buyer=given.economic_buyer,
        decision_process=given.decision_process,
        closed_on=today if status != DealStatus.open else None,
        source="manual",
        updated_at=now,
        last_change=today,  # typed in by the manager: a change seen today
    )
    session.add(deal)
    session.flush()
    events = [("created", None, stage)] + ([(status, None, None)] if deal.closed_on else [])
    _insert_events(session, [_event(deal.id, today, event) for event in events])
    return deal


def update_deal(
    session: Session,
    methodology: Methodology,
    deal: Deal,
    changes: dict[str, Any],
    day: date,
    now: datetime,
) -> Deal:
    """Apply changes typed by the manager; each tracked change becomes an event."""
    ranks = Ranks.of(methodology)
    new = _checked_changes(methodology, changes)
    if "stage" in new:
        new["status"] = ranks.status_of(new["stage"])
    old = deal.model_dump()
    updates, events = changes_between(old, new, day, ranks)
    if not updates:
        raise Invalid("Nothing to change: give at least one new value.")
    for key, value in updates.items():
        setattr(deal, key, value)
    deal.updated_at = now
    session.add(deal)
    session.flush()
    _insert_events(session, [_event(deal.id, day, e) for e in events])
    return deal


def _checked_changes(methodology: Methodology, changes: dict[str, Any]) -> dict[str, Any]:
    checked = dict(changes)
    if "rep" in checked:  # a new owner: the rep, and the name the deal shows for them
        rep = checked.pop("rep")
        checked |= {"rep_id": rep.id, "owner": rep.name}
    if "stage" in checked:
        checked["stage"] = stage_key(methodology, checked["stage"])
    if checked.get("forecast_category"):
        checked["forecast_category"] = category_key(methodology, checked["forecast_category"])
    if "currency" in checked:
        checked["currency"] = currency_code(checked["currency"])
    for key in ("name", "account", "next_step"):
        if key in checked:
            checked[key] = clean_text(checked[key], key.replace("_", " "), required=key == "name")
    return checked


def close_deal(
    session: Session,
    methodology: Methodology,
    deal: Deal,
    won: bool,
    reason: str | None,
    day: date,
    now: datetime,
) -> Deal:
    if deal.status != DealStatus.open:
        raise Conflict(f"Deal {deal.name!r} is already {deal.status}.")
    ranks = Ranks.of(methodology)
    changes = {"stage": ranks.won if won else ranks.lost, "closed_on": day}
    if not won and reason:
        changes["lost_reason"] = clean_text(reason, "reason", required=False)
    return update_deal(session, methodology, deal, changes, day, now)


def _insert_events(session: Session, rows: list[dict]) -> None:
    from coachcli.db.deals import insert_events

    insert_events(session, rows)


def _event(deal_id: int, day: date, event: tuple[str, str | None, str | None], snapshot=None):
    kind, old, new = event
    return {
        "deal_id": deal_id,
        "day": day,
        "kind": kind,
        "old": old,
        "new": new,
        "snapshot_id": snapshot,
    }


# ---- close plan ----------------------------------------------------------------------------


def parse_step(text: str, today: date) -> tuple[str, date]:
    what, when = split_dated(text, "a close-plan step as WHAT | DUE", "Legal review | +2w")
    return clean_text(what, "step"), parse_date(when, today)


def add_step(session: Session, deal: Deal, what: str, due: date, day: date) -> ClosePlanStep:
    """Add a step to the close plan on `day`, kept as a dated event (history replays it)."""
    from coachcli.models import ClosePlanStep

    steps = reads.steps_of(driver(session), deal.id)
    step = ClosePlanStep(deal_id=deal.id, position=len(steps) + 1, what=what, due=due)
    session.add(step)
    session.flush()
    _insert_events(session, [_event(deal.id, day, (STEP_ADDED, None, _step_text(step)))])
    return step


def finish_step(session: Session, deal: Deal, position: int, day: date) -> ClosePlanStep:
    from coachcli.models import ClosePlanStep

    steps = {step.position: step for step in reads.steps_of(driver(session), deal.id)}
    found = steps.get(position)
    if found is None:
        raise NotFound(f"Deal {deal.name!r} has no close-plan step {position}.")
    if found.done_on is not None:
        raise Conflict(f"Step {position} is already done.")
    step = session.get(ClosePlanStep, found.id)
    step.done_on = day
    session.add(step)
    _insert_events(session, [_event(deal.id, day, (STEP_DONE, None, _step_text(step)))])
    return step


def _step_text(step: StepRow | ClosePlanStep) -> str:
    return f"{step.position}. {step.what} (due {step.due.isoformat()})"


# ---- reading -------------------------------------------------------------------------------


def resolve_deal(connection: Any, text: str) -> DealRow:
    """A deal by its CRM id, `#number`, or a unique start of its name (any case)."""
    wanted = str(text).strip()
    if not wanted:
        raise Invalid("Name a deal: its id, #number, or the start of its name.")
    found = reads.deal_by_external_id(connection, wanted) or _same_salesforce_id(connection, wanted)
    if found is None and wanted.lstrip("#").isdigit() and len(wanted) < 19:
        found = reads.deal_by_id(connection, int(wanted.lstrip("#")))
    if found is not None:
        return found
    matches = reads.deals_named(connection, wanted)
    exact = [deal for deal in matches if deal.name.casefold() == wanted.casefold()]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        raise NotFound(f"No deal {wanted!r}.", hint="`coach deal list` shows ids and names.")
    names = ", ".join(f"{d.name} ({d.external_id})" for d in matches[:8])
    raise NotFound(f"{wanted!r} matches {len(matches)} deals: {names}. Use the id.")


def deal_to_change(session: Session, text: str) -> Deal:
    """The deal meant by `text`, as a record of `session` that a write command can change."""
    from coachcli.models import Deal

    return session.get(Deal, resolve_deal(driver(session), text).id)


def _same_salesforce_id(connection: Any, wanted: str) -> DealRow | None:
    """The deal stored under the other form of a Salesforce id (15 or 18 characters)."""
    if len(wanted) not in (15, 18):
        return None
    key = crm_id_key(wanted)
    found = [
        d
        for d in reads.deals_with_id_start(connection, key[:15])
        if crm_id_key(d.external_id) == key
    ]
    return found[0] if len(found) == 1 else None


# What a deal shows as stored; the rest of DealInfo is worked out.
_AS_STORED = (
    "id", "external_id", "name", "account", "owner", "stage", "status", "amount",
    "close_date", "forecast_category", "created_date", "last_activity", "next_step",
    "value_confirmed", "champion", "economic_buyer", "decision_process", "pushes",
    "closed_on", "lost_reason", "source", "missing_since", "last_change",
)  # fmt: skip


def deal_info(
    methodology: Methodology, deal: DealRow | Deal, rep_name: str | None, today: date, steps=()
) -> DealInfo:
    touched, basis = last_touch(deal.last_activity, deal.last_change)
    return DealInfo(
        **{name: getattr(deal, name) for name in _AS_STORED},
        currency=deal.currency or methodology.currency,
        last_touch=touched,
        last_touch_from=basis,
        rep=rep_name,
        stage_name=methodology.stage_name(deal.stage),
        forecast_category_name=(
            methodology.category_name(deal.forecast_category) if deal.forecast_category else None
        ),
        days_in_stage=max(0, (today - deal.stage_since).days),
        steps=[
            StepInfo(
                id=s.id,
                position=s.position,
                what=s.what,
                due=s.due,
                done=s.done_on is not None,
                done_on=s.done_on,
            )
            for s in steps
        ],
    )


def show_deal(
    connection: Any, methodology: Methodology, deal: DealRow | Deal, today: date
) -> DealDetail:
    rep = rep_by_id(connection, deal.rep_id) if deal.rep_id else None
    steps = reads.steps_of(connection, deal.id)
    info = deal_info(methodology, deal, rep.name if rep else None, today, steps)
    pricing = rates.Pricing(methodology.currency, today)
    amount, rate, as_of, day = rates.deal_value(connection, deal.id, pricing)
    value = DealValue(currency=pricing.currency, amount=amount, rate=rate, rate_as_of=as_of,
                      rate_day=day)  # fmt: skip
    return DealDetail(**info.model_dump(), value=value)


class CurrencyTotal(BaseModel):
    """The deals of a listing in one currency: how many, and their amounts added up."""

    currency: str
    count: int
    amount: float


class DealPage(BaseModel):
    """The first deals of a listing, how many there are in all, and the amount of all
    of them per currency (the workspace currency first): never added across currencies."""

    deals: list[DealInfo]
    total: int
    totals: list[CurrencyTotal]


def list_deals(
    connection: Any,
    methodology: Methodology,
    today: date,
    rep_id: int | None,
    which: str,
    period=None,
    limit: int | None = None,
) -> DealPage:
    """Deals soonest close first; at most `limit` of them, with the full count."""
    statuses = {"open": (DealStatus.open,), "won": (DealStatus.won,), "lost": (DealStatus.lost,)}
    filters = (
        rep_id,
        statuses.get(which, ()),
        period.start if period else None,
        period.end if period else None,
    )
    rows = reads.deals(connection, *filters, limit=limit)
    home = methodology.currency
    totals = [
        CurrencyTotal(currency=code, count=count, amount=amount)
        for code, count, amount in reads.totals_by_currency(connection, home, *filters)
    ]
    totals.sort(key=lambda found: (found.currency != home, found.currency))
    return DealPage(
        deals=[deal_info(methodology, deal, deal.rep_name, today) for deal in rows],
        total=sum(found.count for found in totals),
        totals=totals,
    )


def history(connection: Any, methodology: Methodology, deal: DealRow) -> list[EventInfo]:
    """Every event of the deal, oldest first. Events keep no currency: amounts read in
    the deal's currency of today."""

    def label(kind: str, text: str | None) -> str | None:
        return value_label(methodology, kind, text, deal.currency)

    return [
        EventInfo(
            day=e.day,
            kind=e.kind,
            old=e.old,
            new=e.new,
            old_label=label(e.kind, e.old),
            new_label=label(e.kind, e.new),
            snapshot_id=e.snapshot_id,
        )
        for e in reads.events_of(connection, deal.id)
    ]


def last_touch(
    last_activity: date | None, last_change: date | None
) -> tuple[date | None, str | None]:
    """A deal's last sign of life and its source: the later of the CRM's activity date
    ("activity") and the last change seen ("change"); (None, None) when there is
    neither, which is no activity data, never stale. db/pipeline.py's _LAST_TOUCH is
    the same rule in SQL."""
    if last_activity is not None and (last_change is None or last_activity >= last_change):
        return last_activity, "activity"
    if last_change is not None:
        return last_change, "change"
    return None, None


def deals_at_risk(connection: Any, methodology: Methodology, rep_id: int, today: date) -> list[str]:
    """The rep's open deals worth a question in the one-on-one: past their close date,
    pushed again and again, gone quiet, or gone from the CRM's export."""
    rules = methodology.pipeline
    found = []
    for deal in reads.deals(connection, rep_id, (DealStatus.open,)):
        reasons = []
        if deal.close_date is None:
            reasons.append("no close date")
        elif deal.close_date < today:
            reasons.append(f"close date {deal.close_date} passed")
        if deal.pushes >= rules.push_limit:
            reasons.append(f"pushed {deal.pushes} times")
        touched, basis = last_touch(deal.last_activity, deal.last_change)
        quiet = (today - touched).days if touched is not None else 0
        if quiet >= rules.stale_days:
            reasons.append(f"no {basis} for {quiet} days")
        if deal.missing_since is not None:
            reasons.append(f"missing from the CRM export since {deal.missing_since}")
        if reasons:
            amount = format_money(deal.amount, deal.currency or methodology.currency)
            found.append(f"{deal.name} ({amount}): {', '.join(reasons)}")
    return found
