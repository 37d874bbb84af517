from datetime import date

import pytest

from coachcli.dates import parse_date, parse_period, quarter_of, week_of
from coachcli.errors import Invalid

SUNDAY = date(2054, 11, 22)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2054-12-01", date(2054, 12, 1)),
        ("today", SUNDAY),
        ("Tomorrow", date(2054, 11, 23)),
        ("yesterday", date(2054, 11, 21)),
        ("mon", date(2054, 11, 23)),
        ("friday", date(2054, 11, 27)),
        ("sunday", date(2054, 11, 29)),  # the next one, never today
        ("+3d", date(2054, 11, 25)),
        ("+2w", date(2054, 12, 6)),
        ("+1m", date(2054, 12, 22)),
        ("-1d", date(2054, 11, 21)),
        (" 2054-11-30 ", date(2054, 11, 30)),
    ],
)
def test_due_date_forms(text, expected):
    assert parse_date(text, SUNDAY) == expected


def test_month_offset_clamps_to_month_end():
    assert parse_date("+1m", date(2054, 1, 31)) == date(2054, 2, 28)


@pytest.mark.parametrize("text", ["", "  ", "soon", "2054-13-01", "32/11/2054", "+3y", "mo"])
def test_unknown_dates_name_the_accepted_forms(text):
    with pytest.raises(Invalid) as caught:
        parse_date(text, SUNDAY)
    assert "YYYY-MM-DD" in caught.value.message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2054-W47", "2054-W47", date(2054, 11, 16), date(2054, 11, 22)),
        ("2054w1", "2054-W01", date(2053, 12, 29), date(2054, 1, 4)),
        ("2054-Q4", "2054-Q4", date(2054, 10, 1), date(2054, 12, 31)),
        ("2054-q1", "2054-Q1", date(2054, 1, 1), date(2054, 3, 31)),
        ("2054-11", "2054-11", date(2054, 11, 1), date(2054, 11, 30)),
        ("2052-2", "2052-02", date(2052, 2, 1), date(2052, 2, 29)),
        ("2054", "2054", date(2054, 1, 1), date(2054, 12, 31)),
    ],
)
def test_periods(text, label, start, end):
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("text", ["2054-Q5", "2054-13", "2054-W54", "2053-W53", "Q4", "next"])
def test_bad_periods_are_invalid(text):
    with pytest.raises(Invalid):
        parse_period(text)


def test_current_quarter_and_week():
    assert quarter_of(SUNDAY).label == "2054-Q4"
    assert week_of(SUNDAY).label == "2054-W47"
    assert SUNDAY in week_of(SUNDAY)
