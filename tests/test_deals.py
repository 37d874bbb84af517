"""coach deal: by hand, imports from three CRMs, snapshots and the change report."""

import csv
import io
import sqlite3

import pytest

from coachcli.config import database_url, sqlite_path
from coachcli.db.migrations import open_database

from .conftest import CLOCK

SALESFORCE_1 = """\
Id,Name,Account Name,Opportunity Owner,StageName,Amount,CloseDate,ForecastCategoryName,CreatedDate,NextStep
006A,Globex expansion,Globex,Ana Souza,Discovery,"$48,000.00",2054-12-15,Pipeline,2054-09-01,Demo to CFO
006B,Initech renewal,Initech,Ana Souza,Proposal/Price Quote,30000,2054-12-20,Best Case,2054-08-10,
006C,Acme new,Acme,Ana Souza,Negotiation/Review,75000,2054-11-30,Commit,2054-07-01,Legal review
006D,Hooli pilot,Hooli,Ana Souza,Qualification,12000,2055-01-31,Pipeline,2054-10-01,
006E,Umbrella,Umbrella,Ana Souza,Proposal/Price Quote,20000,2054-12-01,Pipeline,2054-09-15,
"""
# A week later: A advanced and pushed with a larger amount, B lost, C won and pulled in,
# D gone from the export, E moved back and pushed again.
SALESFORCE_2 = """\
Id,Name,Account Name,Opportunity Owner,StageName,Amount,CloseDate,ForecastCategoryName,CreatedDate,NextStep
006A,Globex expansion,Globex,Ana Souza,Proposal/Price Quote,"$52,000.00",2055-01-15,Best Case,2054-09-01,Demo to CFO
006B,Initech renewal,Initech,Ana Souza,Closed Lost,30000,2054-12-20,Omitted,2054-08-10,
006C,Acme new,Acme,Ana Souza,Closed Won,75000,2054-11-28,Closed,2054-07-01,Legal review
006E,Umbrella,Umbrella,Ana Souza,Discovery,18000,2054-12-31,Pipeline,2054-09-15,
"""

HUBSPOT = """\ufeffRecord ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline,Create Date\r
9001,Wayne Enterprises,Appointment Scheduled,11/30/2054,Ana Souza,"1,500",Sales Pipeline,10/01/2054\r
9002,Stark [bold]=cmd|x,Contract Sent,12/15/2054,Ana Souza,"25,000.00",Sales Pipeline,09/01/2054\r
9003,Tyrell,Closed Won,11/02/2054,Ana Souza,8000,Sales Pipeline,08/01/2054\r
"""

PIPEDRIVE = """\
Deal - ID,Deal - Title,Deal - Value,Deal - Currency of Value,Deal - Stage,Deal - Status,Deal - Expected close date,Deal - Deal created,Deal - Owner
77,Cyberdyne,"12 000",EUR,Qualification,open,20.12.2054,01.10.2054,Ana Souza
78,Soylent,9000,EUR,Proposal,lost,15.11.2054,01.09.2054,Ana Souza
"""


def test_second_salesforce_snapshot_reports_exactly_what_changed(coach, ana, write):
    first = coach("deal", "import", write("a.csv", SALESFORCE_1), "--as-of", "2054-11-15", "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json()["counts"]["new"] == 5
    second = coach("deal", "import", write("b.csv", SALESFORCE_2), "--json")
    assert second.exit_code == 0, second.stderr
    report = second.json()
    counts = {kind: n for kind, n in report["counts"].items() if n}
    assert counts == {
        "advanced": 1,
        "moved_back": 1,
        "pushed": 2,
        "pulled_in": 1,
        "won": 1,
        "lost": 1,
        "amount_up": 1,
        "amount_down": 1,
        "category": 3,
        "missing": 1,
    }
    by_change = {(c["change"], c["external_id"]) for c in report["changes"]}
    assert {("pushed", "006A"), ("pushed", "006E"), ("won", "006C"), ("lost", "006B")} <= by_change
    assert ("missing", "006D") in by_change
    history = coach("deal", "history", "006A", "--json").json()
    assert [(e["day"], e["kind"], e["old"], e["new"]) for e in history] == [
        ("2054-11-15", "created", None, "discovery"),
        ("2054-11-22", "stage", "discovery", "proposal"),
        ("2054-11-22", "close_date", "2054-12-15", "2055-01-15"),
        ("2054-11-22", "category", "pipeline", "best_case"),
        ("2054-11-22", "amount", "48000", "52000"),
    ]
    shown = coach("deal", "show", "globex", "--json").json()
    assert (shown["pushes"], shown["stage"], shown["amount"]) == (1, "proposal", 52000)


def test_reimporting_the_same_file_changes_nothing_and_says_so(coach, ana, write):
    path = write("a.csv", SALESFORCE_1)
    coach("deal", "import", path)
    again = coach("deal", "import", path, "--json")
    assert again.exit_code == 0
    assert again.json()["nothing_changed"] is True
    assert again.json()["snapshot_id"] is None
    assert "Nothing changed since the last import" in coach("deal", "import", path).stderr


def test_hubspot_export_with_bom_crlf_and_us_dates(coach, ana, write):
    result = coach("deal", "import", write("hs.csv", HUBSPOT), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["source"] == "hubspot"
    deals = {d["external_id"]: d for d in coach("deal", "list", "--status", "all", "--json").json()}
    assert deals["9001"]["close_date"] == "2054-11-30" and deals["9001"]["amount"] == 1500
    assert deals["9002"]["name"] == "Stark [bold]=cmd|x"
    assert deals["9003"]["status"] == "won"
    table = coach("deal", "list").stdout
    assert "Stark [bold]=cmd|x" in table
    markdown = coach("deal", "list", "--format", "markdown").stdout
    assert "| Stark \\[bold\\]=cmd\\|x |" in markdown


def test_pipedrive_export_with_day_first_dates_and_status(coach, ana, write):
    result = coach("deal", "import", write("pd.csv", PIPEDRIVE), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["source"] == "pipedrive"
    cyberdyne = coach("deal", "show", "cyberdyne", "--json").json()
    assert (cyberdyne["close_date"], cyberdyne["amount"], cyberdyne["currency"]) == (
        "2054-12-20",
        12000,
        "EUR",
    )
    assert coach("deal", "show", "78", "--json").json()["status"] == "lost"


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(coach, ana, write):
    bad = SALESFORCE_1 + (
        ",No id,X,Ana Souza,Discovery,100,2054-12-01,Pipeline,2054-09-01,\n"
        "006G,,X,Ana Souza,Discovery,100,2054-12-01,Pipeline,2054-09-01,\n"
        "006H,Bad amount,X,Ana Souza,Discovery,lots,2054-12-01,Pipeline,2054-09-01,\n"
        "006I,Bad date,X,Ana Souza,Discovery,100,someday,Pipeline,2054-09-01,\n"
        "006J,Odd stage,X,Ana Souza,Haggling,100,2054-12-01,Pipeline,2054-09-01,\n"
    )
    path = write("bad.csv", bad)
    result = coach("deal", "import", path)
    assert result.exit_code == 2
    assert "5 bad rows; nothing was imported" in result.stderr
    for line in (7, 8, 9, 10, 11):
        assert f"line {line}:" in result.stderr
    assert "Haggling" in result.stderr
    assert coach("deal", "list", "--json").json() == []
    skipped = coach("deal", "import", path, "--skip-invalid", "--json")
    assert skipped.exit_code == 0
    assert len(skipped.json()["bad_rows"]) == 5
    assert len(coach("deal", "list", "--json").json()) == 5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("\x00\x01\x02binary\x00", "not"),
        ("colour,size\nred,big\n", "salesforce needs id, name, stagename"),
    ],
)
def test_files_that_are_not_exports_are_exit_2(coach, write, content, message):
    result = coach("deal", "import", write("x.csv", content))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr.lower()


def test_dry_run_reports_without_writing(coach, ana, write):
    result = coach("deal", "import", write("a.csv", SALESFORCE_1), "--dry-run", "--json")
    assert result.exit_code == 0 and result.json()["counts"]["new"] == 5
    assert coach("deal", "list", "--json").json() == []


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_dry_run_says_nothing_was_saved_in_every_format(coach, ana, write, fmt):
    result = coach("deal", "import", write("a.csv", SALESFORCE_1), "--dry-run", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "Dry run: nothing was saved." in result.stderr
    if fmt == "json":
        assert result.json()["dry_run"] is True
    if fmt == "markdown":
        assert "Dry run: nothing was saved." in result.stdout
    assert coach("deal", "list", "--json").json() == []
    real = coach("deal", "import", write("a.csv", SALESFORCE_1), "--format", fmt)
    assert "Dry run" not in real.stderr + real.stdout


def test_header_only_file_is_exit_2_and_marks_nothing_missing(coach, ana, write):
    assert coach("deal", "import", write("a.csv", SALESFORCE_1)).exit_code == 0
    header_only = write("empty.csv", SALESFORCE_1.splitlines()[0] + "\n")
    result = coach("deal", "import", header_only, "--as-of", "2054-11-23")
    assert result.exit_code == 2
    assert "no rows" in result.stderr and "missing" not in result.stderr
    deals = coach("deal", "list", "--json").json()
    assert len(deals) == 5 and all(deal["missing_since"] is None for deal in deals)


def test_unknown_owners_are_reported_or_created(coach, write):
    path = write("a.csv", SALESFORCE_1)
    result = coach("deal", "import", path)
    assert "Owners not on the team: Ana Souza" in result.stderr
    assert coach("team", "list", "--json").json() == []
    created = coach("deal", "import", write("b.csv", SALESFORCE_2), "--create-reps", "--json")
    assert created.json()["created_reps"] == ["Ana Souza"]
    assert [rep["name"] for rep in coach("team", "list", "--json").json()] == ["Ana Souza"]


def test_an_export_older_than_the_last_import_is_refused(coach, ana, write):
    coach("deal", "import", write("a.csv", SALESFORCE_1), "--as-of", "2054-11-15")
    result = coach("deal", "import", write("b.csv", SALESFORCE_2), "--as-of", "2054-11-01")
    assert result.exit_code == 1 and "before the last import" in result.stderr


def test_mapping_file_for_another_crm(coach, ana, write, tmp_path):
    csv = write(
        "other.csv", "Ref,Title,Phase,Due,Seller,Value\nR1,Zeta,Talking,2054-12-01,AS,5000\n"
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nexternal_id = "Ref"\nname = "Title"\nstage = "Phase"\n'
        'close_date = "Due"\nowner = "Seller"\namount = "Value"\n'
        '[stages]\nTalking = "discovery"\n[owners]\nAS = "Ana Souza"\n'
    )
    result = coach("deal", "import", csv, "--mapping", str(mapping), "--json")
    assert result.exit_code == 0, result.stderr
    deal = coach("deal", "show", "R1", "--json").json()
    assert (deal["stage"], deal["rep"]) == ("discovery", "Ana Souza")


def test_deal_by_hand_update_close_and_close_plan(coach, ana):
    added = coach(
        "deal", "add", "--name", "Globex | #1", "--rep", "ana", "--stage", "discovery",
        "--amount", "48k", "--close", "2054-12-15", "--no-input", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    deal = added.json()
    assert (deal["external_id"], deal["amount"], deal["forecast_category"]) == (
        "coach-1",
        48000,
        "pipeline",
    )
    moved = coach("deal", "update", "globex", "--stage", "proposal", "--close", "2055-01-10",
                  "--champion", "--json")  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    assert (moved.json()["pushes"], moved.json()["champion"]) == (1, True)
    assert coach("deal", "plan-step", "globex", "Legal review | 2054-12-01").exit_code == 0
    steps = coach("deal", "plan-step", "globex", "--done", "1", "--json").json()
    assert [(s["what"], s["done_on"]) for s in steps] == [("Legal review", "2054-11-22")]
    closed = coach("deal", "close", "globex", "--won", "--json")
    assert closed.json()["status"] == "won"
    assert coach("deal", "close", "globex", "--lost").exit_code == 1
    kinds = [e["kind"] for e in coach("deal", "history", "globex", "--json").json()]
    # Commitment evidence and the close plan are dated events too (issue 11, item 14).
    assert kinds == [
        "created",
        "stage",
        "champion",
        "close_date",
        "plan_step_added",
        "plan_step_done",
        "stage",
        "won",
    ]
    markdown = coach("deal", "show", "globex", "--format", "markdown").stdout
    assert markdown.startswith("# Globex \\| #1 (coach-1)")


def test_deal_add_bad_input(coach, ana):
    base = ["deal", "add", "--name", "X", "--rep", "ana", "--close", "+2w", "--no-input"]
    assert coach(*base, "--stage", "haggling", "--amount", "1").exit_code == 2
    assert coach(*base, "--stage", "discovery", "--amount", "-5").exit_code == 2
    assert "so give --amount." in coach(*base, "--stage", "discovery").stderr
    assert coach("deal", "show", "nothing").exit_code == 1


def test_pre_brief_lists_the_reps_deals_at_risk(coach, ana):
    coach("deal", "add", "--name", "Late one", "--rep", "ana", "--stage", "proposal",
          "--amount", "10k", "--close", "2054-11-30", "--no-input")  # fmt: skip
    coach("deal", "add", "--name", "Fine one", "--rep", "ana", "--stage", "proposal",
          "--amount", "10k", "--close", "2054-12-30", "--no-input")  # fmt: skip
    for close in ("2054-12-07", "2054-12-14", "2054-12-21"):
        coach("deal", "update", "late", "--close", close)
    coach("deal", "update", "fine", "--last-activity", "2054-11-20")
    brief = coach("grow", "ana", "--brief", "--json").json()
    assert brief["deals_at_risk"] == ["Late one (10,000 USD): pushed 3 times"]


def test_a_large_first_import_leaves_every_index_as_the_schema_defines_it(coach, write, tmp_path):
    """Loads at least as large as the table rebuild its indexes once, after the rows."""
    header = SALESFORCE_1.splitlines()[0]
    rows = [
        f"006X{n:05d},Deal {n},Acct {n % 40},Ana Souza,Discovery,{1000 + n},2054-12-15,"
        f"Pipeline,2054-09-01,{'Call' if n % 3 else ''}"
        for n in range(2_500)
    ]
    path = write("big.csv", "\n".join([header, *rows]) + "\n")
    result = coach("deal", "import", path, "--create-reps", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"]["new"] == 2_500

    def indexes(database_file) -> list[tuple[str, str]]:
        with sqlite3.connect(database_file) as connection:
            return connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name IN ('deal', 'deal_event') ORDER BY name"
            ).fetchall()

    fresh = tmp_path / "fresh.db"
    open_database(f"sqlite:///{fresh}", CLOCK).close()
    loaded = sqlite_path(database_url())
    assert indexes(loaded) == indexes(fresh)
    with sqlite3.connect(loaded) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    largest = coach("pipeline", "--json").json()["flags"]["no_next_step"]["deals"][0]
    assert (largest["external_id"], largest["amount"]) == ("006X02499", 3499)


def test_deal_list_as_csv_opens_safely_in_a_spreadsheet(coach, ana, write):
    hostile = SALESFORCE_1.replace("Globex expansion", "\"=cmd|' /C calc'!A0\"").replace(
        "Initech renewal", "@SUM(1+1) <script>x</script>"
    )
    assert coach("deal", "import", write("a.csv", hostile)).exit_code == 0
    result = coach("deal", "list", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = {row["external_id"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["006A"]["name"] == "'=cmd|' /C calc'!A0"
    assert rows["006B"]["name"] == "'@SUM(1+1) <script>x</script>"
    assert (rows["006A"]["amount"], rows["006A"]["close_date"]) == ("48000", "2054-12-15")
    history = coach("deal", "history", "006A", "-f", "csv")
    assert history.stdout.splitlines()[0] == "day,kind,old,new"


def test_csv_is_for_lists_only(coach, ana):
    assert coach("team", "list", "--format", "csv").stdout.startswith("name,role,")
    refused = coach("pipeline", "--format", "csv")
    assert refused.exit_code == 2
    assert "'csv' is not one of" in refused.stderr


def test_a_long_deal_list_is_cut_on_a_terminal_table_and_says_so(coach, ana, write):
    header = SALESFORCE_1.splitlines()[0]
    rows = [
        f"006L{n:04d},Deal {n:03d},Acct,Ana Souza,Discovery,1000,2054-12-{1 + n % 28:02d},"
        "Pipeline,2054-09-01,Call"
        for n in range(105)
    ]
    assert (
        coach("deal", "import", write("many.csv", "\n".join([header, *rows]) + "\n")).exit_code == 0
    )
    table = coach("deal", "list")
    assert table.exit_code == 0
    assert table.stdout.count("Ana Souza") == 100
    assert "Showing the first 100 of 105 deals" in table.stderr
    assert "--limit 0 shows all" in table.stderr
    assert len(coach("deal", "list", "--json").json()) == 105  # data formats are complete
    assert len(coach("deal", "list", "--limit", "0").stdout.split("Ana Souza")) == 106
    soonest = coach("deal", "list", "--limit", "3", "--json")
    assert [d["close_date"] for d in soonest.json()] == ["2054-12-01"] * 3
    assert "first 3 of 105" in soonest.stderr
    assert coach("deal", "list", "--limit", "-1").exit_code == 2


def test_excel_windows_export_in_cp1252_imports(coach, ana, tmp_path):
    text = SALESFORCE_1.replace("Globex expansion", "Société Générale \u2013 phase 2")
    path = tmp_path / "windows.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    result = coach("deal", "import", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert (
        coach("deal", "show", "006A", "--json").json()["name"] == "Société Générale \u2013 phase 2"
    )


def test_encoding_flag_and_an_undecodable_file(coach, ana, tmp_path):
    path = tmp_path / "dos.csv"
    path.write_bytes(SALESFORCE_1.replace("Globex", "Glöbex").encode("cp850"))
    # cp850's ö (0x94) is a closing quote in Windows-1252: only the flag reads it right
    assert coach("deal", "import", str(path), "--encoding", "cp850").exit_code == 0
    assert coach("deal", "show", "006A", "--json").json()["name"] == "Glöbex expansion"
    broken = tmp_path / "broken.csv"
    broken.write_bytes(SALESFORCE_1.encode() + b"006Z,Bad \x81 byte,X,Ana Souza,Discovery,1,"
                       b"2054-12-01,Pipeline,2054-09-01,\n")  # fmt: skip
    result = coach("deal", "import", str(broken))
    assert result.exit_code == 2
    assert "neither UTF-8 nor Windows-1252" in result.stderr and "line 7" in result.stderr
    assert "--encoding" in result.stderr and "Expected a CRM export" not in result.stderr
    unknown = coach("deal", "import", str(path), "--encoding", "klingon")
    assert unknown.exit_code == 2 and "Unknown encoding 'klingon'" in unknown.stderr


EUROPEAN = """\
Deal - ID;Deal - Title;Deal - Value;Deal - Currency of Value;Deal - Stage;Deal - Status;Deal - Expected close date;Deal - Owner
81;Bäckerei Schmidt;12.500;EUR;Qualification;open;20.12.2054;Ana Souza
82;Café Lumière;€ 2.000;EUR;Discovery;open;21.12.2054;Ana Souza
83;Fábrica Lopes;1.234,50;EUR;Proposal;open;22.12.2054;Ana Souza
"""


def test_european_amounts_import_as_thousands(coach, ana, write):
    result = coach("deal", "import", write("eu.csv", EUROPEAN), "--json")
    assert result.exit_code == 0, result.stderr
    amounts = {d["external_id"]: d["amount"] for d in coach("deal", "list", "--json").json()}
    assert amounts == {"81": 12500, "82": 2000, "83": 1234.5}


def test_an_ambiguous_decimal_mark_is_exit_2_until_a_flag_decides(coach, ana, write):
    path = write("eu.csv", EUROPEAN.replace("1.234,50", "900"))
    refused = coach("deal", "import", path)
    assert refused.exit_code == 2
    assert "'12.500' (line 2) read two ways" in refused.stderr
    assert "--decimal-comma" in refused.stderr and "--decimal-point" in refused.stderr
    assert coach("deal", "list", "--json").json() == []
    assert coach("deal", "import", path, "--decimal-point").exit_code == 0
    amounts = {d["external_id"]: d["amount"] for d in coach("deal", "list", "--json").json()}
    assert amounts == {"81": 12.5, "82": 2, "83": 900}
    again = coach("deal", "import", path, "--decimal-comma", "--json")
    assert again.json()["counts"]["amount_up"] == 2


PIPEDRIVE_DEFAULT = """\
Deal - ID,Deal - Title,Deal - Value,Deal - Currency of Value,Deal - Stage,Deal - Status,Deal - Expected close date,Deal - Won time,Deal - Owner
91,Qualified deal,1000,EUR,Qualified,open,2054-12-20,,Ana Souza
92,Contact deal,2000,EUR,Contact Made,open,2054-12-21,,Ana Souza
93,Demo deal,3000,EUR,Demo Scheduled,open,2054-12-22,,Ana Souza
94,Proposal deal,4000,EUR,Proposal Made,open,2054-12-23,,Ana Souza
95,Negotiation deal,5000,EUR,Negotiations Started,open,2054-12-24,,Ana Souza
96,Won from a demo,6000,EUR,Demo Scheduled,won,2054-11-30,2054-11-18 09:00:00,Ana Souza
97,Lost in proposal,7000,EUR,Proposal Made,lost,2054-11-30,,Ana Souza
98,Deleted one,8000,EUR,Qualified,deleted,2054-12-01,,Ana Souza
"""


def test_pipedrive_default_pipeline_imports_with_won_lost_and_deleted(coach, ana, write):
    result = coach("deal", "import", write("pd.csv", PIPEDRIVE_DEFAULT), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["rows"] == 7
    assert "Left out 1 deal deleted in the CRM (line 9)." in result.stderr
    deals = {d["external_id"]: d for d in coach("deal", "list", "--status", "all", "--json").json()}
    assert sorted(deals) == ["91", "92", "93", "94", "95", "96", "97"]
    stages = {key: (deal["stage"], deal["status"]) for key, deal in deals.items()}
    assert stages == {
        "91": ("qualification", "open"),
        "92": ("qualification", "open"),
        "93": ("discovery", "open"),
        "94": ("proposal", "open"),
        "95": ("negotiation", "open"),
        "96": ("closed_won", "won"),
        "97": ("closed_lost", "lost"),
    }
    table = coach("deal", "import", write("pd.csv", PIPEDRIVE_DEFAULT), "--dry-run")
    assert table.stderr.splitlines()[1] == "Left out 1 deal deleted in the CRM (line 9)."
