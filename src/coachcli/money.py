"""Money as a manager types it: 250000, 250,000, $250k, 1.2m. Pure."""

from __future__ import annotations

import math
import re

from coachcli.errors import Invalid

_AMOUNT = re.compile(r"^(?P<number>\d+(?:[.]\d+)?)(?P<suffix>[km]?)$", re.IGNORECASE)
_SYMBOLS = "$€£¥"
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}
MAX_AMOUNT = 1e13


def parse_amount(text: str | float | int, what: str = "amount") -> float:
    """A non-negative amount; raises Invalid with the form to use otherwise."""
    if isinstance(text, bool):
        raise Invalid(f"The {what} must be a number, not {text!r}.")
    if isinstance(text, int | float):
        return _checked(float(text), what, str(text))
    raw = str(text).strip()
    compact = raw.replace(",", "").replace("_", "").replace(" ", "").strip(_SYMBOLS)
    if compact.startswith("-"):
        raise Invalid(f"The {what} cannot be negative ({raw!r}).")
    match = _AMOUNT.match(compact)
    if not match:
        raise Invalid(f"The {what} must be a number such as 250000, 250,000 or 250k, not {raw!r}.")
    value = float(match["number"]) * _MULTIPLIERS[match["suffix"].lower()]
    return _checked(value, what, raw)


def _checked(value: float, what: str, raw: str) -> float:
    if math.isnan(value) or value < 0:
        raise Invalid(f"The {what} cannot be negative ({raw!r}).")
    if value > MAX_AMOUNT:
        raise Invalid(f"The {what} {raw!r} is too large.")
    return value


def format_money(value: float | None) -> str:
    if value is None:
        return ""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}"
