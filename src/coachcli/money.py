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


def format_money(value: float | None, currency: str | None = None) -> str:
    """1,250,000 or 1,234.50, followed by the currency code when one is given."""
    if value is None:
        return ""
    text = f"{int(value):,}" if value == int(value) else f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


# Amounts as CRM exports write them. Thousands "," and decimal "." is the house
# reading; "1.234,56" (both marks, dot first) and "1200,50" (a comma that cannot be
# a thousands mark) are read the European way because nothing else fits.
_CSV_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
# The usual shape ($1,234.56, 1234.56), read with one match before the general rules.
_CSV_USUAL = re.compile(r"^[$€£¥]?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)$")
_CSV_COMMA_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_CSV_DOT_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$|^\d{1,3}(?:\.\d{3}){2,}$")
_CSV_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")
_CSV_CODE = re.compile(r"^([A-Za-z]{3})(?![A-Za-z])|(?<![A-Za-z])([A-Za-z]{3})$")
_CSV_SPACES = str.maketrans("", "", " \u00a0\u202f'")
_SYMBOL_CURRENCY = {"€": "EUR", "£": "GBP"}
CSV_AMOUNT_FORMS = "1200.50, 1,200.50, $1,200.50, USD 1,200.50 or 1.200,50 €"


def parse_csv_amount(text: str, what: str = "amount") -> float | None:
    """An exported amount, None when the cell is empty; raises Invalid otherwise.

    A currency symbol or three-letter code before or after the number is ignored
    (see `currency_in`); negative amounts, in either "-5" or "(5)" form, are refused.
    """
    raw = text.strip()
    usual = _CSV_USUAL.match(raw)
    if usual:
        return _checked(float(usual[1].replace(",", "")), what, raw)
    compact = _CSV_CODE.sub("", raw).translate(_CSV_SPACES).strip(_SYMBOLS)
    if not compact:
        if raw:
            raise Invalid(f"The {what} {raw!r} has no number. Use {CSV_AMOUNT_FORMS}.")
        return None
    if compact[0] in "-(" or raw.startswith("-"):
        raise Invalid(f"The {what} cannot be negative ({raw!r}).")
    if _CSV_PLAIN.match(compact):
        number = compact
    elif _CSV_COMMA_THOUSANDS.match(compact):
        number = compact.replace(",", "")
    elif _CSV_DECIMAL_COMMA.match(compact):
        number = compact.replace(",", ".")
    elif _CSV_DOT_THOUSANDS.match(compact):
        number = compact.replace(".", "").replace(",", ".")
    else:
        raise Invalid(f"The {what} {raw!r} is not a number such as {CSV_AMOUNT_FORMS}.")
    return _checked(float(number), what, raw)


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
