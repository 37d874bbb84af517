"""Money has a currency: ISO codes, the workspace currency, exchange rates, and deals
listed and shown with their currency (SPEC section 3; issue 11, item 1)."""

from __future__ import annotations

import pytest

from coachcli.config import load_methodology, user_methodology_path
from coachcli.currencies import CURRENCIES, currency_code
from coachcli.errors import Invalid, StorageError


def override(text: str) -> None:
    path = user_methodology_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def add_deal(coach, name: str, amount: str, close: str, *extra: str) -> dict:
    flags = ("--name", name, "--rep", "ana", "--stage", "proposal", "--amount", amount)
    result = coach("deal", "add", *flags, "--close", close, "--no-input", "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return result.json()


# ---- codes and the workspace currency -----------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [("USD", "USD"), (" eur ", "EUR"), ("jpy", "JPY")])
def test_iso_codes_in_any_case(text, code):
    assert currency_code(text) == code


@pytest.mark.parametrize("text", ["XYZ123", "XYZ", "EURO", "", "US", "XXX", "€"])
def test_what_is_not_an_iso_code_is_refused_with_how_to_fix_it(text):
    with pytest.raises(Invalid) as raised:
        currency_code(text)
    assert "ISO 4217" in raised.value.message
    assert "USD, EUR" in raised.value.hint


def test_the_code_list_is_data_with_the_usual_currencies():
    assert {"USD", "EUR", "GBP", "JPY", "CHF", "BRL", "INR", "CNY"} <= set(CURRENCIES)
    assert all(len(code) == 3 and code.isalpha() and code.isupper() for code in CURRENCIES)
    assert 170 < len(CURRENCIES) < 200


def test_the_workspace_currency_is_usd_unless_the_methodology_says_otherwise():
    assert load_methodology().currency == "USD"
    override('currency = "eur"\n')
    assert load_methodology().currency == "EUR"


def test_a_bad_workspace_currency_names_its_key():
    override('currency = "EURO"\n')
    with pytest.raises(StorageError, match=r"currency: 'EURO' is not an ISO 4217 currency code"):
        load_methodology()


def test_config_show_lists_the_workspace_currency(coach):
    assert coach("config", "show", "--json").json()["currency"] == "USD"
    override('currency = "GBP"\n')
    table = coach("config", "show").stdout
    assert "Workspace currency" in table and "GBP" in table
    assert "| Workspace currency: every total is in it | GBP | currency |" in (
        coach("config", "show", "--format", "markdown").stdout
    )


# ---- coach config fx --------------------------------------------------------------------


def test_fx_keeps_dated_rates_and_lists_them_in_every_format(coach):
    kept = coach("config", "fx", "EUR", "1.08", "--as-of", "2054-06-01", "--json")
    assert kept.exit_code == 0, kept.stderr
    assert kept.json() == {
        "currency": "EUR",
        "rate": 1.08,
        "in_currency": "USD",
        "as_of": "2054-06-01",
        "replaced": None,
    }
    assert kept.stderr.strip() == "1 EUR = 1.08 USD from 2054-06-01."
    assert coach("config", "fx", "jpy", "0.0065", "--as-of", "2054-01-01").exit_code == 0
    today = coach("config", "fx", "EUR", "1.1")  # today by default
    assert today.stderr.strip() == "1 EUR = 1.1 USD from 2054-11-22."
    rows = coach("config", "fx", "--json").json()
    assert [(r["currency"], r["rate"], r["as_of"]) for r in rows] == [
        ("EUR", 1.1, "2054-11-22"),
        ("EUR", 1.08, "2054-06-01"),
        ("JPY", 0.0065, "2054-01-01"),
    ]
    table = coach("config", "fx").stdout.splitlines()
    # One currency in the rate column: the header names it once.
    assert table[2].split("┃")[1:3] == [" 1 unit of ", "    USD "]
    assert [line.split("│")[1:4] for line in table[4:7]] == [
        [" EUR       ", "    1.1 ", " 2054-11-22 "],
        [" EUR       ", "   1.08 ", " 2054-06-01 "],
        [" JPY       ", " 0.0065 ", " 2054-01-01 "],
    ]
    assert coach("config", "fx", "--format", "csv").stdout.splitlines() == [
        "currency,rate,in_currency,as_of",
        "EUR,1.1,USD,2054-11-22",
        "EUR,1.08,USD,2054-06-01",
        "JPY,0.0065,USD,2054-01-01",
    ]
    markdown = coach("config", "fx", "--format", "markdown").stdout
    assert "| JPY | 0.0065 USD | 2054-01-01 |" in markdown
    only_jpy = coach("config", "fx", "JPY", "--json").json()
    assert [r["currency"] for r in only_jpy] == ["JPY"]


def test_a_second_rate_for_the_same_day_replaces_the_first(coach):
    coach("config", "fx", "EUR", "1.08", "--as-of", "2054-06-01")
    again = coach("config", "fx", "EUR", "1,09", "--as-of", "2054-06-01", "--json")
    assert again.json()["replaced"] == 1.08
    assert "(was 1.08)" in again.stderr
    assert [r["rate"] for r in coach("config", "fx", "--json").json()] == [1.09]


def test_a_tiny_rate_is_kept_and_shown_with_its_digits(coach):
    assert coach("config", "fx", "VND", "4e-5").exit_code == 0
    assert coach("config", "fx", "IRR", "1e-12").exit_code == 0
    shown = coach("config", "fx").stdout
    assert "0.00004" in shown and "1e-12" in shown
    assert {r["currency"]: r["rate"] for r in coach("config", "fx", "--json").json()} == {
        "IRR": 1e-12,
        "VND": 4e-5,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("XYZ123", "1"), "'XYZ123' is not an ISO 4217 currency code"),
        (("USD", "1"), "USD is the workspace currency"),
        (("EUR", "abc"), "what 1 EUR is worth in USD"),
        (("EUR", "0"), "more than 0"),
        (("EUR", "1e400"), "at most 1,000,000,000"),
        (("EUR", "-1"), "more than 0"),
        (("EUR", "1.1", "--as-of", "someday"), "Unknown date"),
        (("EUR", "--as-of", "2054-06-01"), "give the rate too"),
        (("XYZ123",), "'XYZ123' is not an ISO 4217 currency code"),
    ],
)
def test_bad_fx_input_is_exit_2_and_keeps_nothing(coach, args, message):
    result = coach("config", "fx", *args)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert coach("config", "fx", "--json").json() == []


def test_rates_given_in_an_earlier_workspace_currency_are_kept_but_not_used(coach):
    coach("config", "fx", "EUR", "1.08")
    override('currency = "GBP"\n')
    listed = coach("config", "fx")
    assert "No exchange rates into GBP yet" in listed.stderr
    assert "1 rate given in an earlier workspace currency is kept but not used" in listed.stderr
    assert coach("config", "fx", "EUR", "0.85", "--json").json()["in_currency"] == "GBP"


# ---- deals with their currency ------------------------------------------------------------


def test_deal_add_refuses_a_code_that_is_not_iso_and_writes_nothing(coach, ana):
    bad = coach("deal", "add", "--name", "X", "--rep", "ana", "--stage", "proposal",
                "--amount", "1000", "--close", "2054-12-01", "--currency", "XYZ123",
                "--no-input")  # fmt: skip
    assert bad.exit_code == 2
    assert "'XYZ123' is not an ISO 4217 currency code" in bad.stderr
    assert coach("deal", "list", "--json").json() == []


def test_deals_show_their_currency_and_the_list_ends_with_a_total_per_currency(coach, ana):
    add_deal(coach, "Tokyo rollout", "1000000", "2054-12-10", "--currency", "jpy")
    add_deal(coach, "Acme", "50000", "2054-12-11")
    add_deal(coach, "Globex", "25000.50", "2054-12-12", "--currency", "USD")
    add_deal(coach, "Lyon", "8000", "2054-12-13", "--currency", "EUR")
    records = coach("deal", "list", "--json").json()
    assert [(r["name"], r["amount"], r["currency"]) for r in records] == [
        ("Tokyo rollout", 1_000_000, "JPY"),
        ("Acme", 50_000, "USD"),  # none given: the workspace currency
        ("Globex", 25_000.5, "USD"),
        ("Lyon", 8_000, "EUR"),
    ]
    table = coach("deal", "list").stdout
    assert "1,000,000 JPY" in table and "25,000.50 USD" in table
    # By hand: 50,000 + 25,000.50 in USD; the yen and the euros each alone.
    assert table.splitlines()[-3:] == [
        "Total: 75,000.50 USD in 2 deals",
        "Total: 8,000 EUR in 1 deal",
        "Total: 1,000,000 JPY in 1 deal",
    ]
    markdown = coach("deal", "list", "--format", "markdown").stdout
    assert "| 1,000,000 JPY |" in markdown
    assert markdown.endswith(
        "\nTotal: 75,000.50 USD in 2 deals  \nTotal: 8,000 EUR in 1 deal  \n"
        "Total: 1,000,000 JPY in 1 deal\n"
    )
    rows = coach("deal", "list", "--format", "csv").stdout.splitlines()
    assert (
        rows[0]
        == "external_id,name,owner,stage_name,amount,currency,close_date,pushes,missing_since"
    )
    assert (
        rows[1] == "coach-1,Tokyo rollout,Ana Souza,Solution / Proposal,1000000,JPY,2054-12-10,0,"
    )
    assert not any(row.startswith("Total") for row in rows)


def test_the_total_line_counts_every_deal_of_a_cut_list(coach, ana):
    for n in range(3):
        add_deal(coach, f"Deal {n}", "1000", f"2054-12-1{n}")
    result = coach("deal", "list", "--limit", "1")
    assert result.stdout.splitlines()[-1] == "Total: 3,000 USD in 3 deals"
    assert "Showing the first 1 of 3 deals" in result.stderr


def test_deal_show_and_update_carry_the_currency(coach, ana):
    add_deal(coach, "Lyon", "8000", "2054-12-13")
    assert "8,000 USD (estimated)" in coach("deal", "show", "lyon").stdout
    updated = coach("deal", "update", "lyon", "--currency", "eur", "--json")
    assert updated.exit_code == 0, updated.stderr
    assert updated.json()["currency"] == "EUR"
    assert "8,000 EUR (estimated)" in coach("deal", "show", "lyon", "--format", "markdown").stdout
    bad = coach("deal", "update", "lyon", "--currency", "EURO")
    assert bad.exit_code == 2
    assert coach("deal", "show", "lyon", "--json").json()["currency"] == "EUR"


def test_deals_without_a_currency_follow_the_workspace_currency(coach, ana):
    add_deal(coach, "Lyon", "8000", "2054-12-13")
    override('currency = "EUR"\n')
    assert coach("deal", "show", "lyon", "--json").json()["currency"] == "EUR"
    assert coach("deal", "list").stdout.splitlines()[-1] == "Total: 8,000 EUR in 1 deal"


SALESFORCE = """\
Id,Name,Opportunity Owner,StageName,Amount,CurrencyIsoCode,CloseDate,CreatedDate
006A,Acme,Ana Souza,Discovery,48000,USD,2054-12-15,2054-09-01
006B,Tokyo rollout,Ana Souza,Discovery,1000000,JPY,2054-12-20,2054-08-10
006C,Nowhere,Ana Souza,Discovery,5000,XYZ,2054-12-20,2054-08-10
"""


def test_an_import_keeps_each_deals_currency_and_refuses_codes_that_are_not_iso(
    coach, ana, tmp_path
):
    path = tmp_path / "export.csv"
    path.write_text(SALESFORCE)
    refused = coach("deal", "import", str(path))
    assert refused.exit_code == 2
    assert "line 4: " in refused.stderr and "'XYZ' is not an ISO 4217 currency code" in (
        refused.stderr
    )
    assert coach("deal", "import", str(path), "--skip-invalid").exit_code == 0
    records = coach("deal", "list", "--json").json()
    assert [(r["name"], r["currency"]) for r in records] == [
        ("Acme", "USD"),
        ("Tokyo rollout", "JPY"),
    ]


# ---- totals in the workspace currency ----------------------------------------------------
#
# Ana (quota 250k for 2054-Q4), today 2054-11-22. Rates: JPY 0.0065 from 2054-11-01;
# EUR 1.10 from 2054-06-01 and 1.20 from 2054-10-01; no GBP rate at all.
#
#   U1 open proposal 100,000 USD, closes 12-15, no next step       -> 100,000
#   J1 open proposal 2,000,000 JPY, closes 12-20, no next step     -> 13,000 (today's rate)
#   G1 open proposal 50,000 GBP, closes 12-10, no next step        -> left out
#   U3 open discovery 5,000 USD, closes 2055-01-10, no next step   -> 5,000
#   E1 won 10,000 EUR on 2054-07-15                                -> 11,000 (rate of 06-01)
#   E2 won 10,000 EUR on 2054-10-20                                -> 12,000 (rate of 10-01)
#   J2 won 1,000,000 JPY on 2054-08-01 (before any JPY rate)       -> left out
#   U2 won 30,000 USD on 2054-11-05                                -> 30,000
#   L1 lost 20,000 USD                                             -> 20,000
# Every won deal took 30 days from created to closed.


@pytest.fixture
def database(coach_home):
    from coachcli.config import database_url, ensure_private_dir
    from coachcli.db.migrations import open_database

    from .conftest import CLOCK

    ensure_private_dir(coach_home)
    opened = open_database(database_url(), CLOCK)
    yield opened
    opened.close()


def keep_rates(database, *rates: tuple[str, str, str]) -> None:
    from datetime import UTC, date, datetime

    from coachcli.services.rates import set_rate

    with database.session(write=True) as session:
        for currency, rate, day in rates:
            set_rate(session, load_methodology(), currency, rate, date.fromisoformat(day),
                     datetime(2054, 11, 22, tzinfo=UTC))  # fmt: skip


@pytest.fixture
def mixed(database):
    from datetime import date, timedelta

    from .test_pipeline import add_rep, deal, lost

    def won(key, rep, amount, closed, **extra):
        day = date.fromisoformat(closed)
        return deal(key, rep, "closed_won", amount, status="won", closed_on=day, close_date=day,
                    created_date=day - timedelta(days=30), **extra)  # fmt: skip

    with database.session(write=True) as session:
        ana = add_rep(session, "Ana Souza", 250_000)
        session.add_all(
            [
                deal("U1", ana, "proposal", 100_000, next_step=None),
                deal(
                    "J1",
                    ana,
                    "proposal",
                    2_000_000,
                    currency="JPY",
                    next_step=None,
                    close_date="2054-12-20",
                ),
                deal(
                    "G1",
                    ana,
                    "proposal",
                    50_000,
                    currency="GBP",
                    next_step=None,
                    close_date="2054-12-10",
                ),
                deal("U3", ana, "discovery", 5_000, next_step=None, close_date="2055-01-10"),
                won("E1", ana, 10_000, "2054-07-15", currency="EUR"),
                won("E2", ana, 10_000, "2054-10-20", currency="EUR"),
                won("J2", ana, 1_000_000, "2054-08-01", currency="JPY"),
                won("U2", ana, 30_000, "2054-11-05", currency="USD"),
                lost("L1", ana, 20_000, rank=2),
            ]
        )
    keep_rates(
        database,
        ("JPY", "0.0065", "2054-11-01"),
        ("EUR", "1.10", "2054-06-01"),
        ("EUR", "1.20", "2054-10-01"),
    )
    return database


def report(database, rep=None):
    from .test_pipeline import health

    return health(database, rep=rep)


def test_every_total_is_in_the_workspace_currency_at_the_deals_own_rate(mixed):
    view = report(mixed)
    assert view.currency == "USD"
    size = view.size
    # Open: U1 100,000 + J1 13,000 + U3 5,000; G1 counted as a deal but in no value.
    assert (size.open_count, size.open_value) == (4, 118_000)
    assert (size.period_open_count, size.period_open_value) == (3, 113_000)
    # Won in Q4: E2 12,000 (at 1.20) + U2 30,000; E1 closed at 1.10 before Q4.
    assert (size.won_in_period, size.remaining_quota) == (42_000, 208_000)
    assert view.coverage == 0.5433  # 113,000 / 208,000
    rates = view.win_rate
    # Won 11,000 + 12,000 + 30,000 (J2 left out); lost 20,000.
    assert (rates.won_count, rates.won_value, rates.lost_value) == (4, 53_000, 20_000)
    assert (rates.by_count, rates.by_value) == (0.8, 0.726)  # 53,000 / 73,000
    stages = {s.stage: (s.count, s.value) for s in view.stages if s.count}
    assert stages == {"discovery": (1, 5_000), "proposal": (3, 113_000)}
    assert [(m.month, m.count, m.value) for m in view.close_months] == [
        ("2054-12", 3, 113_000),
        ("2055-01", 1, 5_000),
    ]
    # 4 open x (53,000 / 3 won with a value) x 0.8 / 30 days.
    team = view.velocity.team
    assert (team.average_won_value, team.velocity) == (17_666.67, 1884.44)


def test_what_lacks_a_rate_is_left_out_and_said_per_currency(mixed):
    left = [found.model_dump() for found in report(mixed).left_out]
    from datetime import date

    assert left == [
        {"currency": "GBP", "count": 1, "amount": 50_000, "rate_needed_on": date(2054, 11, 22)},
        # Won on 08-01, before the first JPY rate (11-01): it needs a rate of that day.
        {"currency": "JPY", "count": 1, "amount": 1_000_000, "rate_needed_on": date(2054, 8, 1)},
    ]
    keep_rates(mixed, ("JPY", "0.007", "2054-07-01"), ("GBP", "1.25", "2054-11-22"))
    view = report(mixed)
    assert view.left_out == []
    # J1 still takes the newer 0.0065; J2 takes 0.007 (7,000); G1 counts 62,500.
    assert view.size.open_value == 118_000 + 62_500
    assert view.win_rate.won_value == 53_000 + 7_000


def test_largest_first_compares_values_not_raw_amounts(mixed):
    flags = report(mixed).flags
    # 2,000,000 JPY is 13,000 USD: after U1's 100,000, before U3's 5,000.
    no_next = flags["no_next_step"]
    assert [d.external_id for d in no_next.deals] == ["U1", "J1", "U3"]
    assert [(d.amount, d.currency) for d in no_next.deals][1] == (2_000_000, "JPY")
    assert (no_next.count, no_next.value) == (4, 118_000)


def test_one_reps_report_leaves_out_only_that_reps_deals(mixed):
    from .test_pipeline import add_rep, deal

    with mixed.session(write=True) as session:
        bo = add_rep(session, "Bo Berg", 100_000)
        session.add(deal("C1", bo, "proposal", 9_000, currency="CHF"))
    assert [found.currency for found in report(mixed).left_out] == ["CHF", "GBP", "JPY"]
    bo_view = report(mixed, rep="bo")
    assert [(f.currency, f.count, f.amount) for f in bo_view.left_out] == [("CHF", 1, 9_000)]
    assert (bo_view.size.open_count, bo_view.size.open_value) == (1, 0)


def test_the_report_says_what_was_left_out_and_how_to_add_the_rate(mixed):
    from io import StringIO

    from rich.console import Console

    from coachcli.render.pipeline import pipeline_markdown, pipeline_screen

    data = report(mixed).model_dump(mode="json")
    console = Console(file=StringIO(), width=80, color_system=None)
    console.print(pipeline_screen(data))
    text = console.file.getvalue()
    assert "…" not in text
    assert "Open pipeline    4 deals, 118,000 USD" in text
    assert "Quota 2054-Q4    250,000 USD, won 42,000 USD, remaining 208,000 USD" in text
    flat = " ".join(text.split())
    assert (
        "Left out 1 deal, 50,000 GBP: no GBP rate on or before 2054-11-22. Add one "
        "(1 GBP in USD) with `coach config fx GBP RATE --as-of 2054-11-22`" in flat
    )
    assert "`coach config fx JPY RATE --as-of 2054-08-01`" in flat
    assert "Stages (open deals, USD)" in text and "Sales velocity (USD a day)" in text
    assert "J1 …" not in text and "Deal J1 · 2,000,000 JPY" in text
    markdown = pipeline_markdown(data)
    assert "| Left out | 1 deal, 1,000,000 JPY: no JPY rate on or before 2054-08-01." in markdown
    assert "## Sales velocity (USD a day)" in markdown


def test_a_million_yen_no_longer_adds_a_million_to_a_dollar_pipeline(coach, ana):
    for args in (("Acme", "100000", "USD"), ("Tokyo", "1000000", "JPY")):
        add_deal(coach, args[0], args[1], "2054-12-15", "--currency", args[2])
    before = coach("pipeline", "--json").json()
    assert before["size"]["open_value"] == 100_000
    assert before["left_out"] == [
        {"currency": "JPY", "count": 1, "amount": 1_000_000, "rate_needed_on": "2054-11-22"}
    ]
    assert coach("config", "fx", "JPY", "0.0065").exit_code == 0
    after = coach("pipeline", "--json").json()
    assert (after["size"]["open_value"], after["left_out"]) == (106_500, [])


def test_rates_follow_the_workspace_currency(coach, ana):
    add_deal(coach, "Boston", "110000", "2054-12-15", "--currency", "USD")
    add_deal(coach, "Lyon", "20000", "2054-12-16")  # no currency: the workspace's
    assert coach("config", "fx", "USD", "0.90").exit_code == 2  # USD is the workspace's
    assert coach("pipeline", "--json").json()["size"]["open_value"] == 130_000
    override('currency = "EUR"\n')
    view = coach("pipeline", "--json").json()
    assert (view["currency"], view["size"]["open_value"]) == ("EUR", 20_000)
    assert [found["currency"] for found in view["left_out"]] == ["USD"]
    assert coach("config", "fx", "USD", "0.90").exit_code == 0
    assert coach("pipeline", "--json").json()["size"]["open_value"] == 20_000 + 99_000


# ---- win rate by value when lost deals carry no amount -------------------------------------


@pytest.fixture
def amountless(database):
    from .test_pipeline import add_rep, deal, lost, won

    with database.session(write=True) as session:
        bo = add_rep(session, "Bo Berg", 100_000)
        session.add_all(
            [
                won("W", bo, 50_000, "2054-06-01", "2054-07-01"),
                lost("L1", bo, 0, rank=1),
                lost("L2", bo, 0, rank=3),
                deal("O", bo, "proposal", 200_000, close_date="2054-12-20"),
            ]
        )
    return database


def test_win_rate_by_value_cannot_be_computed_when_lost_deals_carry_no_amount(amountless):
    view = report(amountless)
    rates = view.win_rate
    assert (rates.by_count, rates.by_value) == (0.3333, None)  # 1 won of 3; not 100%
    assert (rates.lost_count, rates.lost_without_amount) == (2, 2)
    assert view.required_coverage.model_dump() == {"by_count": 3.0, "by_value": None}
    assert view.check.skipped == ["no_value_win_rate"]
    from coachcli.render.pipeline import check_lines, size_lines

    data = view.model_dump(mode="json")
    win = next(line["value"] for line in size_lines(data) if line["measure"] == "Win rate")
    assert win == (
        "by value cannot be computed (the lost deals carry no amount), 33% by count (1 won, 2 lost)"
    )
    assert check_lines(data)[1] == ["coverage, the win rate by value cannot be computed"]


def test_win_rate_by_value_is_null_in_json_and_words_in_the_table(coach, ana):
    add_deal(coach, "Won", "40000", "2054-12-01")
    add_deal(coach, "Lost", "0", "2054-12-02")
    coach("deal", "close", "won", "--won")
    coach("deal", "close", "lost", "--lost")
    data = coach("pipeline", "--json").json()
    assert data["win_rate"]["by_value"] is None
    assert data["win_rate"]["by_count"] == 0.5
    table = coach("pipeline").stdout
    assert "by value cannot be computed (the lost deals carry no amount)" in " ".join(table.split())
    # One lost deal with an amount is enough to weigh them: 40,000 / (40,000 + 10,000).
    add_deal(coach, "Lost big", "10000", "2054-12-03")
    coach("deal", "close", "lost big", "--lost")
    assert coach("pipeline", "--json").json()["win_rate"]["by_value"] == 0.8


def test_deal_show_says_what_a_deal_counts_for_in_totals(coach, ana):
    add_deal(coach, "Tokyo", "1000000", "2054-12-10", "--currency", "JPY")
    assert coach("deal", "show", "tokyo", "--json").json()["value"] == {
        "currency": "USD",
        "amount": None,
        "rate": None,
        "rate_as_of": None,
        "rate_day": "2054-11-22",
    }
    assert "In totals      left out: no JPY rate on or before 2054-11-22" in (
        coach("deal", "show", "tokyo").stdout
    )
    coach("config", "fx", "JPY", "0.0065", "--as-of", "2054-11-01")
    coach("config", "fx", "JPY", "0.0070", "--as-of", "2054-12-01")  # not yet in effect
    value = coach("deal", "show", "tokyo", "--json").json()["value"]
    assert (value["amount"], value["rate"], value["rate_as_of"]) == (6_500, 0.0065, "2054-11-01")
    markdown = coach("deal", "show", "tokyo", "--format", "markdown").stdout
    assert "- **In totals**: 6,500 USD (1 JPY = 0.0065 USD from 2054-11-01)" in markdown
    # Closed on 2054-10-15, it takes that day's rate: there was none yet.
    closed = coach("deal", "close", "tokyo", "--won", "--on", "2054-10-15", "--json").json()
    assert (closed["value"]["amount"], closed["value"]["rate_day"]) == (None, "2054-10-15")
    add_deal(coach, "Acme", "50000", "2054-12-11")
    acme = coach("deal", "show", "acme", "--json").json()["value"]
    assert (acme["amount"], acme["rate"]) == (50_000, None)
    assert "In totals" not in coach("deal", "show", "acme").stdout


def test_codes_stored_as_typed_before_are_upgraded_to_iso(tmp_path):
    import sqlite3

    from coachcli.db import migrations
    from coachcli.db.engine import Database, create_sqlite_engine

    from .conftest import CLOCK

    path = tmp_path / "coach.db"
    old = Database(create_sqlite_engine(f"sqlite:///{path}"), path, "old", CLOCK)
    before = [m for m in migrations.MIGRATIONS if m.name < "0008"]
    for migration in before:
        migrations.apply_migration(old, migration)
    with old.write_connection() as connection:
        for n, code in enumerate(["eur", " jpy ", "", None, "USD"]):
            connection.exec_driver_sql(
                "INSERT INTO deal (external_id, name, stage, max_stage_rank, stage_since, status, "
                "amount, currency, close_date, created_date, value_confirmed, champion, "
                "economic_buyer, decision_process, pushes, source, updated_at) VALUES "
                "(?, 'D', 'proposal', 3, '2054-11-01', 'open', 1000, ?, '2054-12-01', "
                "'2054-11-01', 0, 0, 0, 0, 0, 'manual', '2054-11-01 09:00:00')",
                (f"coach-{n}", code),
            )
    old.close()
    migrations.open_database(f"sqlite:///{path}", CLOCK).close()
    with sqlite3.connect(path) as connection:
        codes = [row[0] for row in connection.execute("SELECT currency FROM deal ORDER BY id")]
        assert codes == ["EUR", "JPY", None, None, "USD"]
        assert connection.execute("SELECT count(*) FROM exchange_rate").fetchone() == (0,)
