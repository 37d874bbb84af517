"""An open deal the CRM gives no close date (issue 11, item 8): imported and flagged
"no close date", never counted in a period, never a push; a closed one still needs a day."""

from __future__ import annotations

import sqlite3

import pytest

from coachcli.db import migrations
from coachcli.db.engine import Database, create_sqlite_engine

from .conftest import CLOCK

HEADER = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate\n"
UNDATED = HEADER + (
    "006A,Dated,Ana Souza,Qualification,10000,2054-12-15\n"
    "006B,Undated,Ana Souza,Qualification,20000,\n"
)


def test_an_open_deal_without_a_close_date_is_imported_listed_last_and_flagged(coach, ana, write):
    result = coach("deal", "import", write("a.csv", UNDATED), "--as-of", "2054-11-20")
    assert result.exit_code == 0, result.stderr
    listed = coach("deal", "list", "--json").json()
    assert [(d["external_id"], d["close_date"]) for d in listed] == [
        ("006A", "2054-12-15"),
        ("006B", None),
    ]
    table = coach("deal", "list").stdout
    assert "Undated" in table and "none" in table.split("Undated", 1)[1].splitlines()[0]
    assert "Close date     none" in coach("deal", "show", "undated").stdout

    report = coach("pipeline", "--json").json()
    flag = report["flags"]["no_close_date"]
    assert (flag["count"], flag["value"], flag["limit"]) == (1, 20000, None)
    assert [d["external_id"] for d in flag["deals"]] == ["006B"]
    months = [(m["month"], m["count"], m["value"]) for m in report["close_months"]]
    assert months == [("2054-12", 1, 10000), (None, 1, 20000)]
    # Only the dated deal closes in the quarter; the undated one is in no period.
    assert report["size"]["period_open_value"] == 10000
    assert "no close date" in coach("pipeline").stdout


def test_a_close_date_given_later_is_not_a_push(coach, ana, write):
    coach("deal", "import", write("a.csv", UNDATED), "--as-of", "2054-11-13")
    dated = HEADER + (
        "006A,Dated,Ana Souza,Qualification,10000,2054-12-15\n"
        "006B,Undated,Ana Souza,Qualification,20000,2055-01-31\n"
    )
    report = coach("deal", "import", write("b.csv", dated), "--as-of", "2054-11-20", "--json")
    assert report.exit_code == 0, report.stderr
    assert not any(report.json()["counts"].values())
    shown = coach("deal", "show", "undated", "--json").json()
    assert (shown["close_date"], shown["pushes"]) == ("2055-01-31", 0)
    history = coach("deal", "history", "undated", "--json").json()
    assert ("close_date", None, "2055-01-31") in [(e["kind"], e["old"], e["new"]) for e in history]


def test_a_won_deal_without_a_close_date_is_refused_by_line(coach, ana, write):
    won = HEADER + "006W,Won,Ana Souza,Closed Won,5000,\n"
    result = coach("deal", "import", write("w.csv", won))
    assert result.exit_code == 2
    assert "line 2: missing close date (the deal is won)" in result.stderr
    assert coach("deal", "list", "--status", "all", "--json").json() == []


def test_a_pipedrive_win_without_a_close_date_closes_on_its_won_time(coach, ana, write):
    pipedrive = (
        "Deal - ID,Deal - Title,Deal - Owner,Deal - Stage,Deal - Value,"
        "Deal - Expected close date,Deal - Status,Deal - Won time\n"
        "7,Won deal,Ana Souza,Proposal Made,900,,won,2054-11-02 10:30:00\n"
    )
    result = coach("deal", "import", write("p.csv", pipedrive), "--as-of", "2054-11-20")
    assert result.exit_code == 0, result.stderr
    shown = coach("deal", "show", "won deal", "--json").json()
    assert (shown["status"], shown["close_date"]) == ("won", "2054-11-02")


def test_an_upgrade_lets_close_dates_be_empty_and_keeps_deals_and_their_history(tmp_path):
    path = tmp_path / "coach.db"
    old = Database(create_sqlite_engine(f"sqlite:///{path}"), path, "old", CLOCK)
    for migration in migrations.MIGRATIONS:
        if migration.name < "0010":
            migrations.apply_migration(old, migration)
    with old.write_connection() as connection:
        connection.exec_driver_sql(
            "INSERT INTO deal (id, external_id, name, stage, max_stage_rank, stage_since, "
            "status, amount, close_date, created_date, value_confirmed, champion, "
            "economic_buyer, decision_process, pushes, source, updated_at) VALUES "
            "(1, 'X', 'Kept', 'discovery', 2, '2054-11-01', 'open', 5, '2054-12-01', "
            "'2054-11-01', 0, 0, 0, 0, 0, 'manual', '2054-11-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO deal_event (deal_id, day, kind) VALUES (1, '2054-11-01', 'created')"
        )
    old.close()
    migrations.open_database(f"sqlite:///{path}", CLOCK).close()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        assert connection.execute("SELECT name, close_date FROM deal").fetchall() == [
            ("Kept", "2054-12-01")
        ]
        assert connection.execute("SELECT count(*) FROM deal_event").fetchone() == (1,)
        connection.execute("UPDATE deal SET close_date = NULL")
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError):  # references are still enforced
            connection.execute("INSERT INTO deal_event (deal_id, day, kind) VALUES (9, 'x', 'y')")


def test_looking_back_a_deal_had_no_close_date_until_the_crm_gave_one(coach, ana, write):
    coach("deal", "import", write("a.csv", UNDATED), "--as-of", "2054-11-06")
    dated = UNDATED.replace("20000,\n", "20000,2054-12-31\n")
    assert coach("deal", "import", write("b.csv", dated), "--as-of", "2054-11-20").exit_code == 0
    then = coach("pipeline", "--as-of", "2054-11-13", "--json").json()
    now = coach("pipeline", "--json").json()
    assert then["flags"]["no_close_date"]["count"] == 1
    assert now["flags"]["no_close_date"]["count"] == 0
    assert then["size"]["period_open_value"] == 10000
    assert now["size"]["period_open_value"] == 30000
    assert then["flags"]["pushed"]["count"] == now["flags"]["pushed"]["count"] == 0
