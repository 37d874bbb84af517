"""The one clock of coach: every "today" and "now" a command uses comes from here.

A command makes one Clock (cli/context.py) and hands it, or the values it reads,
down to the services. Nothing else in the package reads the system clock, so a
day pinned for a demo or a test holds everywhere: the date shown, the date
stored, the age of an action and the name of a backup.

`COACH_NOW` pins the moment (an ISO timestamp; without a zone it is local time).
`COACH_TODAY` pins the day (an ISO date); now is then noon, local time, of that day.

Durations inside one command (the 15 minutes of a one-on-one) are measured with a
Stopwatch on the monotonic timer: an elapsed time, never a date.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day

from coachcli.errors import Invalid

# Dates coach accepts anywhere: far dates break date arithmetic and are always typos.
FIRST_YEAR, LAST_YEAR = 1900, 2999
NOW_VARIABLE = "COACH_NOW"
TODAY_VARIABLE = "COACH_TODAY"
PINNED_HOUR = 12


@dataclass(frozen=True)
class Clock:
    """Today and now; `pinned` (timezone-aware) freezes both."""

    pinned: datetime | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Clock:
        environ = os.environ if environ is None else environ
        moment = environ.get(NOW_VARIABLE, "").strip()
        if moment:
            return cls(_parse_moment(moment))
        day = environ.get(TODAY_VARIABLE, "").strip()
        if day:
            return cls.pinned_to(_parse_day(day))
        return cls()

    @classmethod
    def pinned_to(cls, day: date) -> Clock:
        """A clock stopped at noon, local time, of `day`."""
        return cls(datetime.combine(day, time_of_day(PINNED_HOUR)).astimezone())

    def now(self) -> datetime:
        """This moment, timezone-aware in UTC: how every timestamp is stored."""
        if self.pinned is not None:
            return self.pinned.astimezone(UTC)
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date where the manager is (local time)."""
        return self.now().astimezone().date()

    def stamp(self) -> str:
        """This moment for a file name: sortable, UTC, no characters a shell dislikes."""
        return self.now().strftime("%Y%m%dT%H%M%SZ")


def _parse_moment(text: str) -> datetime:
    moment = _pinned(NOW_VARIABLE, text, datetime.fromisoformat, "a timestamp",
                     "an ISO timestamp, e.g. 2026-11-22T09:30:00+01:00")  # fmt: skip
    return moment if moment.tzinfo is not None else moment.astimezone()


def _parse_day(text: str) -> date:
    return _pinned(TODAY_VARIABLE, text, date.fromisoformat, "a date", "YYYY-MM-DD")


def _pinned(variable: str, text: str, parse, what: str, form: str):
    """The value of a pinning variable, or exit 2 naming the variable and its form."""
    try:
        value = parse(text)
    except ValueError:
        raise Invalid(
            f"{variable}={text!r} is not {what}.", hint=f"Use {form}, or unset {variable}."
        ) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:  # far dates break date arithmetic
        raise Invalid(f"{variable}={text!r} is out of range ({FIRST_YEAR}-{LAST_YEAR}).")
    return value


class Stopwatch:
    """Elapsed seconds of one conversation, continuing from what an earlier run kept."""

    def __init__(self, already: float = 0.0):
        self._started = time.monotonic() - max(0.0, already)

    def elapsed(self) -> int:
        return int(time.monotonic() - self._started)

    def as_delta(self) -> timedelta:
        return timedelta(seconds=self.elapsed())
