"""Dates and periods as a manager types them. Pure: every function takes `today`.

Due dates: ISO (2026-11-24), today, tomorrow, yesterday, weekday names (the next
occurrence, never today), and offsets +3d / +2w / +1m (also negative).
Periods: ISO weeks (2026-W47), quarters (2026-Q4), months (2026-11) and years (2026).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from coachcli.clock import FIRST_YEAR, LAST_YEAR
from coachcli.errors import Invalid

DATE_FORMS = "YYYY-MM-DD, today, tomorrow, a weekday (mon … sun), +3d, +2w or +1m"
PERIOD_FORMS = "2026-W47 (week), 2026-11 (month), 2026-Q4 (quarter) or 2026 (year)"

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_OFFSET = re.compile(r"^([+-])(\d{1,4})([dwm])$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """A closed range of days with the label the user would type for it."""

    label: str
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse_date(text: str, today: date) -> date:
    """Turn any supported date form into a date, or raise Invalid naming the forms."""
    value = text.strip().lower()
    if not value:
        raise Invalid(f"A date is required. Use {DATE_FORMS}.")
    relative = _relative_day(value, today)
    if relative is not None:
        return relative
    try:
        day = date.fromisoformat(value)
    except (ValueError, OverflowError):
        raise Invalid(f"Unknown date {text.strip()!r}. Use {DATE_FORMS}.") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        # Far dates break date arithmetic (sprint ends, offsets) and are always typos.
        raise Invalid(f"The date {day.isoformat()} is out of range ({FIRST_YEAR}-{LAST_YEAR}).")
    return day


def _relative_day(value: str, today: date) -> date | None:
    named = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if value in named:
        return today + timedelta(days=named[value])
    weekday = _weekday_index(value)
    if weekday is not None:
        ahead = (weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    match = _OFFSET.match(value)
    if match:
        sign = 1 if match[1] == "+" else -1
        amount = sign * int(match[2])
        unit = {"d": "days", "w": "weeks", "m": "months"}[match[3]]
        return today + relativedelta(**{unit: amount})
    return None


def _weekday_index(value: str) -> int | None:
    if len(value) < 3:
        return None
    for index, name in enumerate(_WEEKDAYS):
        if name.startswith(value):
            return index
    return None


def parse_period(text: str) -> Period:
    """Turn a week, month, quarter or year label into a Period, or raise Invalid."""
    value = text.strip()
    for parser in (_week, _quarter, _month, _year):
        try:
            period = parser(value)
        except (ValueError, OverflowError):  # year 0, or a period ending after 9999
            raise Invalid(f"Period {value!r} is out of range.") from None
        if period is not None:
            return period
    raise Invalid(f"Unknown period {value!r}. Use {PERIOD_FORMS}.")


def _week(value: str) -> Period | None:
    match = _WEEK.match(value)
    if not match:
        return None
    year, week = int(match[1]), int(match[2])
    try:
        start = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise Invalid(f"{value!r}: {year} has no ISO week {week}.") from None
    return Period(f"{year}-W{week:02d}", start, start + timedelta(days=6))


def _quarter(value: str) -> Period | None:
    match = _QUARTER.match(value)
    if not match:
        return None
    year, quarter = int(match[1]), int(match[2])
    start = date(year, 3 * quarter - 2, 1)
    return Period(f"{year}-Q{quarter}", start, start + relativedelta(months=3, days=-1))


def _month(value: str) -> Period | None:
    match = _MONTH.match(value)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise Invalid(f"{value!r}: month must be 01 to 12.")
    start = date(year, month, 1)
    return Period(f"{year}-{month:02d}", start, start + relativedelta(months=1, days=-1))


def _year(value: str) -> Period | None:
    match = _YEAR.match(value)
    if not match:
        return None
    year = int(match[1])
    return Period(str(year), date(year, 1, 1), date(year, 12, 31))


def quarter_of(day: date) -> Period:
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def week_of(day: date) -> Period:
    year, week, _ = day.isocalendar()
    return parse_period(f"{year}-W{week:02d}")


def as_local(moment: datetime) -> datetime:
    """Show a stored UTC timestamp in the user's local time zone."""
    if moment.tzinfo is None:  # SQLite hands back naive values: they were stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


@lru_cache(maxsize=4096)
def local_day(moment: datetime) -> date:
    """The local day of a stored UTC timestamp. Cached: a list of 30,000 actions holds
    few distinct moments (a session's actions share one), and each conversion asks the
    operating system for the zone's offset."""
    return as_local(moment).date()


# Dates as CRMs export them: ISO, M/D/YYYY (D/M/YYYY when day first) or D.M.YYYY,
# two- or four-digit years, optionally followed by a time that is dropped.
EXPORT_DATE_FORMS = "YYYY-MM-DD, M/D/YYYY (D/M/YYYY when day first) or D.M.YYYY"
_EXPORT_DAY = re.compile(r"^(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})$")
_EXPORT_TIME = re.compile(
    r"^\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$"
)
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/\d")


def parse_export_date(text: str, day_first: bool = False) -> date:
    """A date as a CRM export writes it; slashes are month first unless `day_first`.

    Dotted dates are always day first and dashed dates always year first. A time of
    day after the date is accepted and dropped (the date is taken as written).
    """
    value = text.strip()
    day, mark, time = value.partition("T") if "T" in value else value.partition(" ")
    if mark and not _EXPORT_TIME.match(time):
        raise Invalid(f"Unknown date {value!r}. Use {EXPORT_DATE_FORMS}.")
    return _export_day(day, day_first)


@lru_cache(maxsize=4096)  # exports repeat the same days with different times
def _export_day(value: str, day_first: bool) -> date:
    match = _EXPORT_DAY.match(value)
    if not match:
        raise Invalid(f"Unknown date {value!r}. Use {EXPORT_DATE_FORMS}.")
    first, separator, middle, last = match[1], match[2], int(match[3]), match[4]
    if len(first) == 4:
        year, month, day = int(first), middle, int(last)
        if len(last) > 2:
            raise Invalid(f"Unknown date {value!r}. Use {EXPORT_DATE_FORMS}.")
    elif separator == "-" or len(first) > 2 or len(last) not in (2, 4):
        raise Invalid(f"Unknown date {value!r}. Use {EXPORT_DATE_FORMS}.")
    else:
        year = _full_year(last)
        month, day = (middle, int(first)) if day_first or separator == "." else (int(first), middle)
    try:
        return date(year, month, day)
    except ValueError:
        order = "day/month" if day_first or separator == "." else "month/day"
        raise Invalid(f"{value!r} is not a valid date (read as {order}/year).") from None


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:  # the POSIX pivot, as strptime's %y: 69-99 → 1900s, 00-68 → 2000s
        year += 1900 if year >= 69 else 2000
    return year


def guess_day_first(texts: Iterable[str]) -> bool | None:
    """Whether slashed dates are day first: True or False at the first date that can
    only be read one way (13/11/2026 or 11/13/2026), None when none says."""
    for text in texts:
        match = _SLASHED.match(text.strip())
        if match:
            if int(match[1]) > 12 >= int(match[2]):
                return True
            if int(match[2]) > 12 >= int(match[1]):
                return False
    return None


def two_way_date(texts: Iterable[str]) -> str | None:
    """The first slashed date that reads as two different days (03/04/2026), if any."""
    for text in texts:
        match = _SLASHED.match(text.strip())
        if match and match[1] != match[2] and max(int(match[1]), int(match[2])) <= 12:
            return text.strip()
    return None
