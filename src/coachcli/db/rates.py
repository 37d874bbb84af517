"""Exchange rates, and the one SQL expression that turns a deal's amount into the
workspace currency.

Every report that adds up money reads `value_sql`: a deal in the workspace
currency (or with none recorded) counts its amount as it is; a deal in another
currency counts its amount times the latest rate on or before its rate day (its
close date once closed, today while open); a deal whose currency has no such rate
is NULL, which SQL's total() and count() leave out, so no total ever mixes
currencies. The lookup walks the unique index on (currency, in_currency, as_of),
and only for deals in another currency: the CASE tries the workspace currency
first.

Module level stays on the standard library: the report reader (db/reader.py)
imports it without SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from coachcli.enums import DealStatus

if TYPE_CHECKING:
    import sqlite3

    from sqlmodel import Session

    from coachcli.models import ExchangeRate


@dataclass(frozen=True)
class Pricing:
    """What converting needs: the workspace currency, today (open deals' rate day), and
    whether any deal is in another currency at all (see `foreign_deals`)."""

    currency: str
    today: date
    foreign: bool = True

    def parameters(self) -> dict[str, object]:
        return {"fx_home": self.currency, "fx_today": self.today.isoformat()}

    def value(self, day: str | None = None) -> str:
        """value_sql(day), or the amount itself when every deal is in the workspace
        currency: the same figure, without a CASE on every row of a 50,000-deal report."""
        return value_sql(day or RATE_DAY) if self.foreign else "deal.amount"


# A deal's rate day: today while open, else the day it closed (its close date if no
# day was recorded). Written against `deal` unaliased, as every report query reads it.
OPEN_RATE_DAY = ":fx_today"
CLOSED_RATE_DAY = "coalesce(deal.closed_on, deal.close_date)"
RATE_DAY = (
    f"CASE WHEN deal.status = '{DealStatus.open.value}' THEN {OPEN_RATE_DAY} "
    f"ELSE {CLOSED_RATE_DAY} END"
)
HOME = "coalesce(deal.currency, :fx_home)"
# Deals in another currency than the workspace's, as two ranges of ix_deal_currency:
# SQLite walks each range, where `currency <> :fx_home` would read the whole index.
FOREIGN = ("deal.currency < :fx_home", "deal.currency > :fx_home")


def foreign_deals(connection: sqlite3.Connection, currency: str) -> bool:
    """Whether any deal is in another currency than `currency`: two probes of
    ix_deal_currency."""
    select = "SELECT EXISTS (SELECT 1 FROM deal WHERE {foreign})"
    found = connection.execute(in_foreign_currencies(select), {"fx_home": currency})
    return any(flag for (flag,) in found)


def in_foreign_currencies(select: str) -> str:
    """`select`, whose WHERE holds `{foreign}`, over the deals of every other currency."""
    return " UNION ALL ".join(select.format(foreign=condition) for condition in FOREIGN)


def rate_sql(day: str = RATE_DAY, column: str = "rate") -> str:
    """The rate of the deal's currency in effect on `day` (or its `column`, as_of for
    the day it was given), or NULL when none is kept."""
    return (
        f"(SELECT {column} FROM exchange_rate WHERE exchange_rate.currency = deal.currency "
        f"AND in_currency = :fx_home AND as_of <= {day} ORDER BY as_of DESC LIMIT 1)"
    )


def value_sql(day: str = RATE_DAY) -> str:
    """The deal's amount in the workspace currency, or NULL when its rate is missing.

    `day` is RATE_DAY, or OPEN_RATE_DAY / CLOSED_RATE_DAY in a query that reads one
    kind of deal only: then the expression reads fewer columns, and a covering index
    still covers the query.
    """
    return f"CASE WHEN {HOME} = :fx_home THEN deal.amount ELSE deal.amount * {rate_sql(day)} END"


# ---- one deal's value, and the rates kept --------------------------------------------


def deal_value(
    connection: Any, deal_id: int, pricing: Pricing
) -> tuple[float | None, float | None, date | None, date]:
    """One deal as the totals count it: its value in the workspace currency, the rate
    used and the day that rate was given (None when it needs none or has none), and
    its rate day."""
    row = connection.execute(
        f"SELECT {value_sql()}, {rate_sql()}, {rate_sql(column='as_of')}, {RATE_DAY} "
        "FROM deal WHERE id = :deal_id",
        {"deal_id": deal_id, **pricing.parameters()},
    ).fetchone()
    value, rate, as_of, day = row
    given = date.fromisoformat(as_of) if as_of else None
    return value, rate, given, date.fromisoformat(day)


def all_rates(session: Session) -> list[ExchangeRate]:
    """Every rate kept, by currency and newest first."""
    from sqlmodel import col, select

    from coachcli.models import ExchangeRate

    query = select(ExchangeRate).order_by(
        col(ExchangeRate.currency), col(ExchangeRate.in_currency), col(ExchangeRate.as_of).desc()
    )
    return list(session.exec(query))


def rate_of_day(
    session: Session, currency: str, in_currency: str, as_of: date
) -> ExchangeRate | None:
    """The rate given for exactly this currency and day, if any."""
    from sqlmodel import select

    from coachcli.models import ExchangeRate

    query = select(ExchangeRate).where(
        ExchangeRate.currency == currency,
        ExchangeRate.in_currency == in_currency,
        ExchangeRate.as_of == as_of,
    )
    return session.exec(query).first()


def keep_rate(
    session: Session, currency: str, in_currency: str, as_of: date, rate: float, now: datetime
) -> tuple[ExchangeRate, float | None]:
    """Store a rate, replacing the one of the same day; returns it and the rate it replaced."""
    from coachcli.models import ExchangeRate

    found = rate_of_day(session, currency, in_currency, as_of)
    before = found.rate if found is not None else None
    if found is None:
        found = ExchangeRate(currency=currency, in_currency=in_currency, as_of=as_of, rate=rate,
                             set_at=now)  # fmt: skip
    found.rate, found.set_at = rate, now
    session.add(found)
    session.flush()
    return found, before
