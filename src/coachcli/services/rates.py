"""Exchange rates the manager keeps: 1 unit of a currency in the workspace currency.

`coach config fx EUR 1.08 --as-of 2026-12-01` means 1 EUR = 1.08 in the workspace
currency from that day on. Which rate a deal takes, and the conversion itself, is
db/rates.py (`value_sql`); this module only checks and keeps the rates.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session

from coachcli.currencies import currency_code
from coachcli.db import rates as queries
from coachcli.errors import Invalid
from coachcli.methodology_schema import Methodology
from coachcli.models import ExchangeRate

# A sign is read so that -1 is refused for being negative, not for not being a number.
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][-+]?\d+)?$")
# Above this a rate is a typo: the widest ISO pairs (1 KWD in IRR) stay near 1e6.
MAX_RATE = 1e9


class RateInfo(BaseModel):
    currency: str
    rate: float
    # The workspace currency the rate is given in: 1 `currency` = `rate` `in_currency`.
    in_currency: str
    as_of: date
    # The rate this one replaced (same currency and day), when it replaced one.
    replaced: float | None = None


class RateList(BaseModel):
    rates: list[RateInfo]
    # Rates given in an earlier workspace currency: kept, but not used.
    unused: int


def parse_rate(text: str, currency: str, home: str) -> float:
    """A positive rate such as 1.08 or 0,0065; Invalid saying what the rate means otherwise."""
    raw = str(text).strip()
    meaning = f"what 1 {currency} is worth in {home}"
    if not _NUMBER.match(raw):
        raise Invalid(f"The rate must be a number such as 1.08 ({meaning}), not {raw!r}.")
    value = float(raw.replace(",", "."))
    if value <= 0 or not math.isfinite(value) or value > MAX_RATE:
        raise Invalid(f"The rate must be more than 0 and at most {MAX_RATE:,.0f} ({meaning}).")
    return value


def set_rate(
    session: Session,
    methodology: Methodology,
    currency_text: str,
    rate_text: str,
    as_of: date,
    now: datetime,
) -> RateInfo:
    """Keep 1 `currency` = `rate` in the workspace currency from `as_of` on."""
    home = methodology.currency
    currency = currency_code(currency_text)
    if currency == home:
        raise Invalid(
            f"{currency} is the workspace currency: its amounts are counted as they are.",
            hint="Give the rate of another currency, e.g. `coach config fx EUR 1.08`.",
        )
    rate = parse_rate(rate_text, currency, home)
    kept, before = queries.keep_rate(session, currency, home, as_of, rate, now)
    return _info(kept, before)


def list_rates(
    session: Session, methodology: Methodology, currency_text: str | None = None
) -> RateList:
    """The rates in the workspace currency (of one currency when given), newest first."""
    wanted = currency_code(currency_text) if currency_text else None
    found = [r for r in queries.all_rates(session) if wanted in (None, r.currency)]
    used = [r for r in found if r.in_currency == methodology.currency]
    return RateList(rates=[_info(r) for r in used], unused=len(found) - len(used))


def _info(rate: ExchangeRate, replaced: float | None = None) -> RateInfo:
    return RateInfo(
        currency=rate.currency,
        rate=rate.rate,
        in_currency=rate.in_currency,
        as_of=rate.as_of,
        replaced=replaced,
    )
