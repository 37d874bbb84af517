"""Exchange rates as a list."""

from __future__ import annotations

from coachcli.render.records import Column
from coachcli.words import counted


def rate_text(rate: float | None) -> str:
    """A rate with the digits it was given: 1.08, 0.0065, 150 (not money's two decimals)."""
    if rate is None:
        return ""
    text = f"{rate:,.10f}".rstrip("0").rstrip(".")
    return text if text != "0" else f"{rate:.6g}"  # smaller than ten decimals show


RATE_COLUMNS = [
    Column("currency", "1 unit of", no_wrap=True),
    Column(
        "rate", "Is worth", justify="right", show=rate_text, currency="in_currency", no_wrap=True
    ),
    Column("as_of", "From", no_wrap=True),
]


def unused_note(count: int, home: str) -> str:
    return (
        f"{counted(count, 'rate')} given in an earlier workspace currency "
        f"{'is' if count == 1 else 'are'} kept but not used: totals are in {home}."
    )
