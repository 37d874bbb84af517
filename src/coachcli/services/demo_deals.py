"""Demo deals: three weekly CRM exports, imported in order, so history is real."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from coachcli.clock import Clock
from coachcli.methodology_schema import Methodology
from coachcli.services import crm_csv, imports

HEADER = ["Id", "Name", "Account Name", "Opportunity Owner", "StageName", "Amount", "CloseDate",
          "ForecastCategoryName", "CreatedDate", "NextStep", "LastActivityDate"]  # fmt: skip
OPEN = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
        "Negotiation/Review"]  # fmt: skip
CATEGORY = ["Pipeline", "Pipeline", "Pipeline", "Best Case", "Commit"]
ACCOUNTS = ["Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent",
            "Wonka", "Acme", "Vandelay", "Massive Dynamic", "Oscorp", "Aperture"]  # fmt: skip
SELLERS = ["Ana Souza", "Ben Carter", "Chloe Martin", "Elena Rossi", "Farid Haddad"]
WEEKS = 4  # three moves between four exports: Globex is pushed a third time


def seed_deals(session: Session, methodology: Methodology, today: date) -> int:
    """Import three weekly snapshots ending today; returns the number of deals."""
    rng = random.Random(7)
    deals = [_deal(rng, number, today) for number in range(1, 46)]
    deals.append(_globex(today))
    for week in range(WEEKS):
        as_of = today - timedelta(weeks=WEEKS - 1 - week)
        if week:
            for deal in deals:
                _move(rng, deal, as_of)
        _import(session, methodology, deals, as_of)
    return len(deals)


def _deal(rng: random.Random, number: int, today: date) -> dict:
    created = today - timedelta(days=rng.randint(20, 400))
    closed = number <= 18  # the closed history that win rates and cycle lengths come from
    stage = rng.choice(["Closed Won", "Closed Lost"]) if closed else rng.choice(OPEN)
    close = (
        created + timedelta(days=rng.randint(30, 120))
        if closed
        else today + timedelta(days=rng.randint(-10, 100))
    )
    account = ACCOUNTS[number % len(ACCOUNTS)]
    return {
        "Id": f"006D{number:04d}",
        "Name": f"{account} {rng.choice(['expansion', 'renewal', 'new logo', 'pilot'])}",
        "Account Name": account,
        "Opportunity Owner": SELLERS[number % len(SELLERS)],
        "StageName": stage,
        "Amount": rng.randint(8, 160) * 1000,
        "CloseDate": close,
        "ForecastCategoryName": "Closed" if stage == "Closed Won" else _category(stage),
        "CreatedDate": created,
        "NextStep": rng.choice(["", "Demo to the CFO", "Send the proposal", "Legal review"]),
        "LastActivityDate": today - timedelta(days=rng.randint(0, 40)),
    }


def _globex(today: date) -> dict:
    """Ben's big deal that slips every week: the one `coach today` should flag."""
    return {
        "Id": "006D0100",
        "Name": "Globex platform",
        "Account Name": "Globex",
        "Opportunity Owner": "Ben Carter",
        "StageName": "Negotiation/Review",
        "Amount": 180_000,
        "CloseDate": today - timedelta(days=50),
        "ForecastCategoryName": "Commit",
        "CreatedDate": today - timedelta(days=160),
        "NextStep": "Procurement to confirm the signer",
        "LastActivityDate": today - timedelta(days=3),
    }


def _category(stage: str) -> str:
    return CATEGORY[OPEN.index(stage)] if stage in OPEN else "Omitted"


def _move(rng: random.Random, deal: dict, as_of: date) -> None:
    """A week of selling: some deals advance, slip, win or lose. Globex keeps slipping."""
    if deal["StageName"] not in OPEN:
        return
    if deal["Name"].startswith("Globex"):
        deal["CloseDate"] += timedelta(days=21)
        return
    roll = rng.random()
    index = OPEN.index(deal["StageName"])
    if roll < 0.25 and index < len(OPEN) - 1:
        deal["StageName"] = OPEN[index + 1]
    elif roll < 0.35:
        deal["CloseDate"] += timedelta(days=rng.choice([14, 30]))
    elif roll < 0.42:
        deal["StageName"] = rng.choice(["Closed Won", "Closed Lost"])
    deal["ForecastCategoryName"] = (
        "Closed" if deal["StageName"] == "Closed Won" else _category(deal["StageName"])
    )
    deal["LastActivityDate"] = as_of - timedelta(days=rng.randint(0, 10))


def _import(session: Session, methodology: Methodology, deals: list[dict], as_of: date) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, HEADER)
    writer.writeheader()
    writer.writerows(deals)
    export = crm_csv.read_export(
        io.BytesIO(buffer.getvalue().encode()), "salesforce", None, methodology.stages
    )
    options = {"create_reps": False, "skip_invalid": False, "dry_run": False}
    # Each weekly export is imported as if on its own morning.
    taken = Clock(datetime.combine(as_of, time(8), tzinfo=UTC))
    name = f"opportunities-{as_of}.csv"
    imports.import_export(session, methodology, export, name, as_of, options, taken)
