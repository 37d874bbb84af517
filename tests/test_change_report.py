"""Readable at 80 columns, in people's words (issue 11, item 11): the import's change
report has one row per deal, stages and categories as the methodology names them,
money with its currency; `deal history` and `deal show` speak the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from rich.cells import cell_len
from rich.console import Console

from coachcli.render.deals import deal_changes, import_markdown, import_tables

HEADER = (
    "Id,Name,Account Name,Opportunity Owner,StageName,Amount,CurrencyIsoCode,CloseDate,"
    "ForecastCategoryName\n"
)
HOSTILE = "Stark [bold]x|y\u202eevil"


def export(*rows: tuple[str, str, str, int, str, str, str]) -> str:
    """A Salesforce export of Ana's deals: (id end, name, stage, amount, currency, close,
    category) each; ids are 18 characters, which a terminal table must do without."""
    lines = [
        f"0061x00000{end * 8},{name},{name.split()[0]},Ana Souza,{stage},{amount},{code},"
        f"{close},{category}\n"
        for end, name, stage, amount, code, close, category in rows
    ]
    return HEADER + "".join(lines)


WEEK_1 = export(
    ("A", "Globex expansion", "Qualification", 48000, "USD", "2054-12-15", "Pipeline"),
    ("B", "Initech renewal", "Proposal/Price Quote", 30000, "EUR", "2054-12-20", "Best Case"),
    ("C", "Acme new", "Negotiation/Review", 75000, "USD", "2054-11-30", "Commit"),
    ("D", "Hooli pilot", "Qualification", 12000, "USD", "2055-01-31", "Pipeline"),
    ("E", HOSTILE, "Proposal/Price Quote", 20000, "USD", "2054-12-01", "Pipeline"),
)
# A week later: Globex advanced, pushed, grew and moved to Best Case; Initech grew in
# euros; Acme won and pulled in; Hooli gone from the export; Stark moved back; Wayne new.
WEEK_2 = export(
    ("A", "Globex expansion", "Proposal/Price Quote", 52000, "USD", "2055-01-15", "Best Case"),
    ("B", "Initech renewal", "Proposal/Price Quote", 35000, "EUR", "2054-12-20", "Best Case"),
    ("C", "Acme new", "Closed Won", 75000, "USD", "2054-11-28", "Closed"),
    ("E", HOSTILE, "Discovery", 20000, "USD", "2054-12-01", "Pipeline"),
    ("F", "Wayne", "Discovery", 9000, "GBP", "2054-12-31", "Pipeline"),
)
SENTENCES = {
    "Globex expansion": "advanced Qualification → Solution / Proposal · "
    "close 2054-12-15 → 2055-01-15 · amount 48,000 USD → 52,000 USD · Pipeline → Best Case",
    "Initech renewal": "amount 30,000 EUR → 35,000 EUR",
    "Acme new": "won · close 2054-11-30 → 2054-11-28 · Commit → Closed",
    HOSTILE: "moved back Solution / Proposal → Discovery",
    "Hooli pilot": "missing from this export",
    "Wayne": "new",
}


@pytest.fixture
def week_2(coach, ana, write) -> dict:
    """The second import's report, as `--json` gives it."""
    first = coach("deal", "import", write("w1.csv", WEEK_1), "--as-of", "2054-11-15")
    assert first.exit_code == 0, first.stderr
    second = coach("deal", "import", write("w2.csv", WEEK_2), "--as-of", "2054-11-22", "--json")
    assert second.exit_code == 0, second.stderr
    return second.json()


def on_screen(renderable, width: int = 80) -> str:
    console = Console(file=StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_one_row_per_deal_with_its_changes_in_words(week_2):
    rows, _ = deal_changes(week_2)
    assert {row["name"]: row["changes"] for row in rows} == SENTENCES
    # Deals that moved first, the merely new last (a long list is cut from the end).
    assert rows[-1]["name"] == "Wayne"
    assert all(row["owner"] == "Ana Souza" for row in rows)


def test_the_counts_stay_what_they_were(week_2):
    counts = {kind: n for kind, n in week_2["counts"].items() if n}
    assert counts == {
        "new": 1,
        "advanced": 1,
        "moved_back": 1,
        "pushed": 1,
        "pulled_in": 1,
        "won": 1,
        "amount_up": 2,
        "category": 2,
        "missing": 1,
    }


def test_json_keeps_each_change_with_its_codes_and_its_words(week_2):
    globex = [c for c in week_2["changes"] if c["external_id"] == "0061x00000AAAAAAAA"]
    assert [(c["change"], c["old"], c["new"], c["old_label"], c["new_label"]) for c in globex] == [
        ("advanced", "qualification", "proposal", "Qualification", "Solution / Proposal"),
        ("pushed", "2054-12-15", "2055-01-15", "2054-12-15", "2055-01-15"),
        ("category", "pipeline", "best_case", "Pipeline", "Best Case"),
        ("amount_up", "48000", "52000", "48,000 USD", "52,000 USD"),
    ]
    assert {c["owner"] for c in week_2["changes"]} == {"Ana Souza"}


def test_the_table_fits_80_columns_without_ids_or_slugs(week_2):
    text = on_screen(import_tables(week_2))
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "0061x00000" not in text  # the CRM id is left out, as in `deal list`
    for slug in ("best_case", "closed_won", "qualification", "proposal "):
        assert slug not in text
    assert "Best Case" in text and "Solution / Proposal" in text and "52,000 USD" in text
    header = next(line for line in lines if "Deal" in line and "Changes" in line)
    assert "Owner" in header
    # A long sentence wraps inside its own cell: Globex's row takes several lines.
    globex = next(i for i, line in enumerate(lines) if "Globex expansion" in line)
    assert "Pipeline → Best Case" in "".join(lines[globex : globex + 4])


def test_the_cli_table_stays_inside_80_columns(coach, ana, write):
    coach("deal", "import", write("w1.csv", WEEK_1), "--as-of", "2054-11-15")
    result = subprocess.run(
        [sys.executable, "-m", "coachcli", "deal", "import", write("w2.csv", WEEK_2)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert any("Acme new" in line and "won · close 2054-11-30 →" in line for line in lines)


def test_a_deal_name_with_markup_and_a_bidi_override_is_shown_as_typed(week_2):
    text = on_screen(import_tables(week_2), width=120)
    assert "Stark [bold]x|y\\u202eevil" in text
    assert "\u202e" not in text
    markdown = import_markdown(week_2)
    assert "Stark \\[bold\\]x\\|y\\\\u202eevil" in markdown
    assert "\u202e" not in markdown


def test_markdown_has_the_same_rows_with_the_crm_id(week_2):
    markdown = import_markdown(week_2)
    assert "## Changes by deal" in markdown
    assert "| Id | Deal | Owner | Changes |" in markdown
    assert (
        "| 0061x00000CCCCCCCC | Acme new | Ana Souza | "
        "won · close 2054-11-30 → 2054-11-28 · Commit → Closed |" in markdown
    )
    assert "| 0061x00000FFFFFFFF | Wayne | Ana Souza | new |" in markdown


def test_a_report_with_more_deals_than_shown_says_how_many_more(coach, ana, write):
    rows = [
        (f"{n:02d}", f"Deal {n:03d}", "Discovery", 1000, "USD", "2054-12-15", "Pipeline")
        for n in range(45)
    ]
    report = coach("deal", "import", write("many.csv", export(*rows)), "--json").json()
    text = on_screen(import_tables(report))
    assert "Deal 039" in text and "Deal 040" not in text
    assert "… and 5 more deals; --json lists every change." in text
    assert len(report["changes"]) == 45


def test_history_speaks_in_stage_names_categories_and_money(week_2, coach):
    table = coach("deal", "history", "globex").stdout
    assert "Qualification" in table and "Solution / Proposal" in table
    assert "Pipeline" in table and "Best Case" in table and "best_case" not in table
    assert "48,000 USD" in table and "52,000 USD" in table
    assert "close date" in table and "close_date" not in table
    markdown = coach("deal", "history", "globex", "--format", "markdown").stdout
    assert "| 2054-11-22 | category | Pipeline | Best Case |" in markdown
    # Data formats keep what is stored: keys and plain numbers.
    csv_lines = coach("deal", "history", "globex", "--format", "csv").stdout.splitlines()
    assert "2054-11-22,category,pipeline,best_case" in csv_lines
    events = coach("deal", "history", "initech", "--json").json()
    amount = next(e for e in events if e["kind"] == "amount")
    assert (amount["old"], amount["new"]) == ("30000", "35000")
    assert (amount["old_label"], amount["new_label"]) == ("30,000 EUR", "35,000 EUR")


def test_show_names_the_category_and_a_won_deal_reads_won(week_2, coach):
    won = coach("deal", "show", "acme").stdout
    assert "won on 2054-11-28" in won
    assert "Closed Won" in won and "days in stage" not in won
    assert "Category       Closed" in won
    globex = coach("deal", "show", "globex")
    assert "Category       Best Case" in globex.stdout
    assert "Solution / Proposal, 0 days in stage" in globex.stdout
    data = coach("deal", "show", "globex", "--json").json()
    assert (data["forecast_category"], data["forecast_category_name"]) == ("best_case", "Best Case")


def test_a_deal_back_in_the_export_and_one_reopened_read_in_words(week_2, coach, write):
    week_3 = export(
        ("C", "Acme new", "Negotiation/Review", 75000, "USD", "2054-11-28", "Commit"),
        ("D", "Hooli pilot", "Qualification", 12000, "USD", "2055-01-31", "Pipeline"),
    )
    report = coach("deal", "import", write("w3.csv", week_3), "--as-of", "2054-11-23", "--json")
    assert report.exit_code == 0, report.stderr
    sentences = {row["name"]: row["changes"] for row in deal_changes(report.json())[0]}
    assert sentences["Acme new"] == (
        "reopened · moved back Closed Won → Negotiation · Closed → Commit"
    )
    assert sentences["Hooli pilot"] == "back in the export"


def test_a_deal_first_seen_won_reads_won_new_and_a_category_from_none(coach, ana, write):
    first = HEADER + "0061x00000GGGGGGGG,Tyrell,Tyrell,Ana Souza,Discovery,5000,USD,2054-12-01,\n"
    coach("deal", "import", write("a.csv", first), "--as-of", "2054-11-15")
    second = export(
        ("G", "Tyrell", "Discovery", 5000, "USD", "2054-12-01", "Commit"),
        ("H", "Cyberdyne", "Closed Won", 8000, "USD", "2054-11-20", "Closed"),
    )
    report = coach("deal", "import", write("b.csv", second), "--json").json()
    sentences = {row["name"]: row["changes"] for row in deal_changes(report)[0]}
    assert sentences == {"Tyrell": "no category → Commit", "Cyberdyne": "won (new)"}
