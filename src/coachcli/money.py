"""Money as a manager types it: 250000, 250,000, $250k, 1.2m. Pure."""

from __future__ import annotations

import math
import re
from typing import Literal

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


def format_money(value: float | None, currency: str | None = None) -> str:
    """1,250,000 or 1,234.50, followed by the currency code when one is given."""
    if value is None:
        return ""
    text = f"{int(value):,}" if value == int(value) else f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


# Amounts as CRM exports write them. Thousands "," and decimal "." is the house
# reading of 1,234.56; 1.234,56 and 1200,50 read only the European way. "12.500" and
# "1,500" read both ways (thousands, or three decimals): the file decides, as it does
# for day-first dates (`decimal_mark` here, settled per file in services/crm_csv.py).
_CSV_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
# The usual shape ($1,234.56, 1234.56), read with one match before the general rules.
_CSV_USUAL = re.compile(r"^[$€£¥]?([1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)$")
_CSV_POINT = re.compile(r"^(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CSV_COMMA = re.compile(r"^(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d{1,3})?$")
_CSV_EITHER = re.compile(r"^[1-9]\d{0,2}[.,]\d{3}$")
_CSV_CODE = re.compile(r"^([A-Za-z]{3})(?![A-Za-z])|(?<![A-Za-z])([A-Za-z]{3})$")
_CSV_SPACES = str.maketrans("", "", " \u00a0\u202f'")
_SYMBOL_CURRENCY = {"€": "EUR", "£": "GBP"}
CSV_AMOUNT_FORMS = "1200.50, 1,200.50, $1,200.50, USD 1,200.50 or 1.200,50 €"
DecimalMark = Literal["point", "comma", "either"]


def parse_csv_amount(
    text: str, what: str = "amount", decimal_comma: bool | None = None
) -> float | None:
    """An exported amount, None when the cell is empty; raises Invalid otherwise.

    A currency symbol or three-letter code before or after the number is ignored
    (see `currency_in`); negative amounts, in either "-5" or "(5)" form, are refused.
    `decimal_comma` says how to read an amount that reads both ways ("12.500"); None
    refuses such an amount, naming the flags that decide.
    """
    raw = text.strip()
    if decimal_comma is not True:
        usual = _CSV_USUAL.match(raw)
        if usual and (decimal_comma is False or not _CSV_EITHER.match(usual[1])):
            return _checked(float(usual[1].replace(",", "")), what, raw)
    compact = _compact(raw)
    if not compact:
        if raw:
            raise Invalid(f"The {what} {raw!r} has no number. Use {CSV_AMOUNT_FORMS}.")
        return None
    if compact[0] in "-(" or raw.startswith("-"):
        raise Invalid(f"The {what} cannot be negative ({raw!r}).")
    point, comma = _readings(compact)
    if point is None and comma is None:
        raise Invalid(f"The {what} {raw!r} is not a number such as {CSV_AMOUNT_FORMS}.")
    if comma is None or point == comma:
        if comma is None and decimal_comma is True:
            raise Invalid(_one_way(what, raw, "point", "--decimal-comma"))
        return _checked(point, what, raw)
    if point is None:
        if decimal_comma is False:
            raise Invalid(_one_way(what, raw, "comma", "--decimal-point"))
        return _checked(comma, what, raw)
    if decimal_comma is None:
        raise Invalid(
            f"The {what} {raw!r} reads as {format_money(point)} with a decimal point or "
            f"{format_money(comma)} with a decimal comma; use --decimal-point or "
            "--decimal-comma to say which."
        )
    return _checked(comma if decimal_comma else point, what, raw)


def _one_way(what: str, raw: str, mark: str, given: str) -> str:
    other = "comma" if mark == "point" else "point"
    return (
        f"The {what} {raw!r} reads only with a decimal {mark}, but the file is read with "
        f"a decimal {other} ({given}, or the mapping's decimal_comma option); leave that "
        "out or correct the amount."
    )


def decimal_mark(text: str) -> DecimalMark | None:
    """How an exported amount shows its decimals: "point" or "comma" when it can be
    read only that way, "either" when it reads both ways with different values
    (12.500, 1,500), None when the way does not matter or it is no number at all."""
    raw = text.strip()
    if _CSV_PLAIN.match(raw) and not _CSV_EITHER.match(raw):
        return None if raw.isdigit() else "point"  # the common case, without the rest
    compact = _compact(raw)
    if _CSV_EITHER.match(compact):
        return "either"
    point, comma = _readings(compact)
    if point is None and comma is not None:
        return "comma"
    if comma is None and point is not None:
        return "point"
    return None


def _compact(raw: str) -> str:
    """The number alone: no currency code or symbol, no spaces or apostrophes."""
    return _CSV_CODE.sub("", raw).translate(_CSV_SPACES).strip(_SYMBOLS)


def _readings(compact: str) -> tuple[float | None, float | None]:
    """The value with a decimal point and with a decimal comma; None where the number
    cannot be written that way."""
    point = float(compact.replace(",", "")) if _CSV_POINT.match(compact) else None
    comma = float(compact.replace(".", "").replace(",", ".")) if _CSV_COMMA.match(compact) else None
    return point, comma


def currency_in(text: str) -> str | None:
    """The currency an exported amount names: a leading or trailing ISO code, € or £."""
    raw = text.strip()
    if not (raw[:1].isalpha() or raw[-1:].isalpha() or "€" in raw or "£" in raw):
        return None
    match = _CSV_CODE.search(raw)
    if match:
        return (match[1] or match[2]).upper()
    for symbol, code in _SYMBOL_CURRENCY.items():
        if symbol in raw:
            return code
    return None
