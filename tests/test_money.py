import pytest

from coachcli.errors import Invalid
from coachcli.money import format_money, parse_amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("250000", 250000),
        ("250,000", 250000),
        ("$250k", 250000),
        ("1.2m", 1_200_000),
        ("€ 1 500", 1500),
        ("0", 0),
        (12.5, 12.5),
    ],
)
def test_amount_forms(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["-5", "abc", "", "12..5", "1e400", "nan", True])
def test_bad_amounts(text):
    with pytest.raises(Invalid):
        parse_amount(text, "quota")


def test_money_format():
    assert format_money(250000.0) == "250,000"
    assert format_money(1234.5) == "1,234.50"
    assert format_money(None) == ""
