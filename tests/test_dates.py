from datetime import date

import pytest

from coachcli.dates import parse_date, parse_period, quarter_of, week_of
from coachcli.errors import Invalid

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("today", SUNDAY),
        ("Tomorrow", date(2026, 11, 23)),
        ("yesterday", date(2026, 11, 21)),
        ("mon", date(2026, 11, 23)),
        ("friday", date(2026, 11, 27)),
        ("sunday", date(2026, 11, 29)),  # the next one, never today
        ("+3d", date(2026, 11, 25)),
        ("+2w", date(2026, 12, 6)),
        ("+1m", date(2026, 12, 22)),
        ("-1d", date(2026, 11, 21)),
        (" 2026-11-30 ", date(2026, 11, 30)),
    ],
)
def test_due_date_forms(text, expected):
    assert parse_date(text, SUNDAY) == expected


def test_month_offset_clamps_to_month_end():
    assert parse_date("+1m", date(2026, 1, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize("text", ["", "  ", "soon", "2026-13-01", "32/11/2026", "+3y", "mo"])
def test_unknown_dates_name_the_accepted_forms(text):
    with pytest.raises(Invalid) as caught:
        parse_date(text, SUNDAY)
    assert "YYYY-MM-DD" in caught.value.message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2026-W47", "2026-W47", date(2026, 11, 16), date(2026, 11, 22)),
        ("2026w1", "2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-11", "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2024-2", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_periods(text, label, start, end):
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "2026-W54", "2025-W53", "Q4", "next"])
def test_bad_periods_are_invalid(text):
    with pytest.raises(Invalid):
        parse_period(text)


def test_current_quarter_and_week():
    assert quarter_of(SUNDAY).label == "2026-Q4"
    assert week_of(SUNDAY).label == "2026-W47"
    assert SUNDAY in week_of(SUNDAY)
