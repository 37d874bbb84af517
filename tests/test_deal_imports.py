"""CRM imports a manager can trust (issue 11): first seen closed, future dates, activity,
missing deals, owners by CRM id, undo. Every figure is counted by hand from the files."""

from __future__ import annotations

HEADER = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate,CreatedDate\n"


def imported(coach, path: str, *extra: str) -> dict:
    result = coach("deal", "import", path, *extra, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


# ---- deals first seen won or lost (item 10) ------------------------------------------------

FIRST = HEADER + (
    "006A,Open one,Ana Souza,Needs Analysis,10000,2054-12-15,2054-09-01\n"
    "006W,Won already,Ana Souza,Closed Won,30000,2054-11-10,2054-06-01\n"
    "006L,Lost already,Ana Souza,Closed Lost,20000,2054-11-05,2054-05-01\n"
)
# A week later the open deal is won, and a new deal shows up already won.
SECOND = HEADER + (
    "006A,Open one,Ana Souza,Closed Won,10000,2054-11-21,2054-09-01\n"
    "006W,Won already,Ana Souza,Closed Won,30000,2054-11-10,2054-06-01\n"
    "006L,Lost already,Ana Souza,Closed Lost,20000,2054-11-05,2054-05-01\n"
    "006N,New and won,Ana Souza,Closed Won,5000,2054-11-18,2054-10-01\n"
)


def test_deals_first_seen_closed_count_as_won_or_lost_marked_new(coach, ana, write):
    report = imported(coach, write("a.csv", FIRST), "--as-of", "2054-11-15")
    counts = {kind: n for kind, n in report["counts"].items() if n}
    assert counts == {"new": 1, "won": 1, "lost": 1}
    closed = {(c["external_id"], c["change"], c["first_seen"]) for c in report["changes"]}
    assert closed == {("006A", "new", False), ("006W", "won", True), ("006L", "lost", True)}
    again = imported(coach, write("b.csv", SECOND))
    # 006A won (its close date pulled in from 12-15 to 11-21); 006N new and won.
    assert {kind: n for kind, n in again["counts"].items() if n} == {"won": 2, "pulled_in": 1}
    wins = {(c["external_id"], c["first_seen"]) for c in again["changes"] if c["change"] == "won"}
    assert wins == {("006A", False), ("006N", True)}
    table = coach("deal", "import", write("b.csv", SECOND)).stdout  # nothing new: no table
    assert "won (new)" not in table
    history = coach("deal", "history", "006N", "--json").json()
    assert [(e["kind"], e["new"]) for e in history] == [("created", "closed_won"), ("won", None)]


def test_the_change_table_marks_a_first_seen_win_as_new(coach, ana, write):
    result = coach("deal", "import", write("a.csv", FIRST))
    assert result.exit_code == 0, result.stderr
    assert "won (new)" in result.stdout and "lost (new)" in result.stdout


def test_a_deal_first_seen_closed_adds_no_stage_conversion(coach, ana, write):
    imported(coach, write("a.csv", FIRST))
    view = coach("pipeline", "--json").json()
    # Only the open deal (Needs Analysis = discovery, rank 2) says how far deals get:
    # it reached prospecting, qualification and discovery, and went no further yet.
    rows = [(c["from_stage"], c["reached"], c["advanced"]) for c in view["conversion"]]
    assert rows == [
        ("prospecting", 1, 1),
        ("qualification", 1, 1),
        ("discovery", 1, 0),
        ("proposal", 0, 0),
        ("negotiation", 0, 0),
    ]
    assert (view["win_rate"]["won_count"], view["win_rate"]["lost_count"]) == (1, 1)


def test_a_deal_added_by_hand_already_won_is_won_in_its_history(coach, ana):
    added = coach("deal", "add", "--name", "Done deal", "--rep", "ana", "--stage", "closed won",
                  "--amount", "5k", "--close", "2054-11-20", "--no-input", "--json")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    history = coach("deal", "history", "done", "--json").json()
    assert [e["kind"] for e in history] == ["created", "won"]
    conversion = coach("pipeline", "--json").json()["conversion"]
    assert all(row["reached"] == 0 for row in conversion)


# ---- the day an export describes (item 5) ---------------------------------------------------


def test_an_export_dated_after_tomorrow_is_refused_and_nothing_is_written(coach, ana, write):
    path = write("a.csv", FIRST)
    result = coach("deal", "import", path, "--as-of", "2062-12-03")
    assert result.exit_code == 2
    assert "2062-12-03 is in the future" in result.stderr
    assert "--as-of" in result.stderr
    assert coach("deal", "list", "--status", "all", "--json").json() == []
    # Tomorrow is fine (the CRM may keep another time zone), and so is today after it.
    assert imported(coach, path, "--as-of", "2054-11-23")["as_of"] == "2054-11-23"
    assert coach("deal", "import", path, "--as-of", "2054-11-24").exit_code == 2


# ---- stale means no change, not old (item 3) -----------------------------------------------

ACTIVITY_HEADER = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate,CreatedDate,NextStep\n"
NOV_1 = ACTIVITY_HEADER + (
    "006A,Moved once,Ana Souza,Qualification,10000,2054-12-15,2053-01-10,Call\n"
    "006B,Never moved,Ana Souza,Qualification,20000,2054-12-15,2053-01-10,Call\n"
    "006C,New step,Ana Souza,Qualification,30000,2054-12-15,2053-01-10,Call\n"
)
# 006A advanced on the 8th; 006C's next step changed on the 20th; 006B never changed.
NOV_8 = ACTIVITY_HEADER + (
    "006A,Moved once,Ana Souza,Needs Analysis,10000,2054-12-15,2053-01-10,Call\n"
    "006B,Never moved,Ana Souza,Qualification,20000,2054-12-15,2053-01-10,Call\n"
    "006C,New step,Ana Souza,Qualification,30000,2054-12-15,2053-01-10,Call\n"
)
NOV_20 = ACTIVITY_HEADER + (
    "006A,Moved once,Ana Souza,Needs Analysis,10000,2054-12-15,2053-01-10,Call\n"
    "006B,Never moved,Ana Souza,Qualification,20000,2054-12-15,2053-01-10,Call\n"
    "006C,New step,Ana Souza,Qualification,30000,2054-12-15,2053-01-10,Demo\n"
)


def test_without_an_activity_column_stale_counts_from_the_last_change_seen(coach, ana, write):
    imported(coach, write("1.csv", NOV_1), "--as-of", "2054-11-01")
    # Created nearly two years ago, but nothing says they are quiet: no activity data.
    flags = coach("pipeline", "--json").json()["flags"]
    assert (flags["stale"]["count"], flags["no_activity_data"]["count"]) == (0, 3)
    imported(coach, write("2.csv", NOV_8), "--as-of", "2054-11-08")
    imported(coach, write("3.csv", NOV_20), "--as-of", "2054-11-20")
    flags = coach("pipeline", "--json").json()["flags"]
    # Today 2054-11-22: 006A last changed 14 days ago (stale), 006C 2 days ago, 006B never.
    stale = [(d["external_id"], d["measure"], d["basis"]) for d in flags["stale"]["deals"]]
    assert stale == [("006A", 14, "change")]
    assert [d["external_id"] for d in flags["no_activity_data"]["deals"]] == ["006B"]
    assert (flags["stale"]["count"], flags["no_activity_data"]["count"]) == (1, 1)
    brief = coach("grow", "ana", "--brief", "--json").json()
    assert brief["deals_at_risk"] == ["Moved once (10,000 USD): no change for 14 days"]
    shown = {d["external_id"]: d for d in coach("deal", "list", "--json").json()}
    assert (shown["006A"]["last_touch"], shown["006A"]["last_touch_from"]) == (
        "2054-11-08",
        "change",
    )
    assert (shown["006B"]["last_touch"], shown["006B"]["last_touch_from"]) == (None, None)
    assert (shown["006C"]["last_change"], shown["006C"]["last_touch_from"]) == (
        "2054-11-20",
        "change",
    )
    assert "2054-11-08 (last change seen)" in coach("deal", "show", "moved").stdout
    assert "no activity data" in coach("deal", "show", "never").stdout


def test_the_crm_activity_date_counts_when_later_than_any_change(coach, ana, write):
    with_activity = (
        "Id,Name,Opportunity Owner,StageName,Amount,CloseDate,LastActivityDate\n"
        "006A,Busy,Ana Souza,Qualification,10000,2054-12-15,2054-11-21\n"
        "006B,Quiet,Ana Souza,Qualification,20000,2054-12-15,2054-10-01\n"
    )
    imported(coach, write("a.csv", with_activity))
    flags = coach("pipeline", "--json").json()["flags"]
    stale = [(d["external_id"], d["measure"], d["basis"]) for d in flags["stale"]["deals"]]
    assert stale == [("006B", 52, "activity")]
    assert flags["no_activity_data"]["count"] == 0
    assert (
        "Quiet (20,000 USD): no activity for 52 days"
        in coach("grow", "ana", "--brief", "--json").json()["deals_at_risk"]
    )
    # A change by hand today is a sign of life too.
    assert coach("deal", "update", "quiet", "--next-step", "Call the CFO").exit_code == 0
    assert coach("pipeline", "--json").json()["flags"]["stale"]["count"] == 0


def test_an_upgrade_fills_in_the_last_change_and_first_seen_closed_deals(tmp_path):
    """A database from before 0009: its history says when each deal last changed."""
    import sqlite3

    from coachcli.db import migrations
    from coachcli.db.engine import Database, create_sqlite_engine

    from .conftest import CLOCK

    path = tmp_path / "coach.db"
    old = Database(create_sqlite_engine(f"sqlite:///{path}"), path, "old", CLOCK)
    for migration in migrations.MIGRATIONS:
        if migration.name < "0009":
            migrations.apply_migration(old, migration)
    deal = (
        "INSERT INTO deal (id, external_id, name, stage, max_stage_rank, stage_since, status, "
        "amount, close_date, created_date, value_confirmed, champion, economic_buyer, "
        "decision_process, pushes, source, updated_at) VALUES "
        "(?, ?, 'D', ?, ?, '2054-11-01', ?, 1, '2054-12-01', '2054-01-01', 0, 0, 0, 0, 0, "
        "?, '2054-11-01 00:00:00')"
    )
    event = "INSERT INTO deal_event (deal_id, day, kind, snapshot_id) VALUES (?, ?, ?, ?)"
    with old.write_connection() as connection:
        connection.exec_driver_sql(
            "INSERT INTO deal_snapshot (id, as_of, source, file_name, imported_at, rows, summary)"
            " VALUES (1, '2054-11-01', 'salesforce', 'a.csv', '2054-11-01 00:00:00', 3, '{}')"
        )
        for row in [
            (1, "MOVED", "proposal", 3, "open", "salesforce"),
            (2, "WON-AT-ONCE", "closed_won", 5, "won", "salesforce"),
            (3, "BY-HAND", "discovery", 2, "open", "manual"),
            (4, "UNTOUCHED", "discovery", 2, "open", "salesforce"),
        ]:
            connection.exec_driver_sql(deal, row)
        for row in [
            (1, "2054-11-01", "created", 1),
            (1, "2054-11-08", "stage", 1),
            (1, "2054-11-09", "missing", 1),
            (2, "2054-11-01", "created", 1),
            (3, "2054-11-05", "created", None),
            (4, "2054-11-01", "created", 1),
        ]:
            connection.exec_driver_sql(event, row)
    old.close()
    migrations.open_database(f"sqlite:///{path}", CLOCK).close()
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT external_id, last_change, max_stage_rank FROM deal ORDER BY id"
        ).fetchall()
        kinds = connection.execute("SELECT kind FROM deal_event WHERE deal_id = 2").fetchall()
    assert rows == [
        ("MOVED", "2054-11-08", 3),  # a missing event is no sign of life
        ("WON-AT-ONCE", None, -1),
        ("BY-HAND", "2054-11-05", 2),  # typed in by the manager that day
        ("UNTOUCHED", None, 2),
    ]
    assert kinds == [("created",), ("won",)]


# ---- missing deals are visible (item 4) ----------------------------------------------------

BOTH = HEADER + (
    "006A,Stays,Ana Souza,Qualification,10000,2054-12-15,2054-09-01\n"
    "006B,Vanishes,Ana Souza,Qualification,20000,2054-12-15,2054-09-01\n"
    "006C,Next year,Ana Souza,Qualification,30000,2055-01-20,2054-09-01\n"
)
WITHOUT_B = HEADER + (
    "006A,Stays,Ana Souza,Qualification,10000,2054-12-15,2054-09-01\n"
    "006C,Next year,Ana Souza,Qualification,30000,2055-01-20,2054-09-01\n"
)


def test_a_deal_missing_from_the_latest_export_is_shown_flagged_and_left_out_of_coverage(
    coach, ana, write
):
    imported(coach, write("1.csv", BOTH), "--as-of", "2054-11-13")
    report = imported(coach, write("2.csv", WITHOUT_B), "--as-of", "2054-11-20")
    assert report["counts"]["missing"] == 1
    listed = {d["external_id"]: d["missing_since"] for d in coach("deal", "list", "--json").json()}
    assert listed == {"006A": None, "006B": "2054-11-20", "006C": None}
    table = coach("deal", "list").stdout
    assert "Missing" in table.splitlines()[1]
    assert "2054-11-20" in next(line for line in table.splitlines() if "Vanishes" in line)
    assert "missing since 2054-11-20" in coach("deal", "show", "vanishes").stdout
    view = coach("pipeline", "--json").json()
    missing = view["flags"]["missing"]
    assert (missing["count"], missing["value"], missing["limit"]) == (1, 20000, None)
    assert [(d["external_id"], d["measure"]) for d in missing["deals"]] == [("006B", 2)]
    size = view["size"]
    # Closing in 2054-Q4: 006A (10,000) counts; 006B (20,000) is apart; 006C closes in 2055.
    assert (size["period_open_count"], size["period_open_value"]) == (1, 10000)
    assert (size["period_missing_count"], size["period_missing_value"]) == (1, 20000)
    assert view["coverage"] == 0.04  # 10,000 / 250,000
    screen = coach("pipeline").stdout
    assert "Missing          1 deal, 20,000 USD closing 2054-Q4 not in the latest" in screen
    assert "Vanishes · gone 2d" in screen
    assert "missing from the CRM export since 2054-11-20" in "\n".join(
        coach("grow", "ana", "--brief", "--json").json()["deals_at_risk"]
    )


def test_a_deal_list_without_missing_deals_has_no_missing_column(coach, ana, write):
    imported(coach, write("1.csv", BOTH))
    header = coach("deal", "list").stdout.splitlines()[1]
    assert "Deal" in header and "Missing" not in header
    assert "Push" not in header  # nor a Push column when no deal was pushed
    assert coach("deal", "list", "-f", "csv").stdout.splitlines()[0].endswith(",missing_since")


# ---- owners by CRM id (item 6) --------------------------------------------------------------

# Salesforce's 18-character id is the 15-character one and three letters telling, five
# characters each, which are capitals: 0058d|00000|1AbCd has capitals at places 1 and 3
# of the last five (2 + 8 = 10, letter K), none in the others (A, A).
ANA_15, ANA_18 = "0058d000001AbCd", "0058d000001AbCdAAK"
# 2XyZw: capitals at places 1 and 3 again, so AAK; typed all lower case here.
BO_15, BO_18_LOWER = "0058d000002XyZw", "0058d000002xyzwaak"
NOBODY = "0058d000009QqQq"
ID_ONLY = "Id,Name,OwnerId,StageName,Amount,CloseDate\n" + (
    f"006A,Alpha,{ANA_18},Qualification,10000,2054-12-15\n"
    f"006B,Beta,{ANA_18},Qualification,20000,2054-12-15\n"
    f"006C,Gamma,{BO_15},Qualification,40000,2054-12-15\n"
    f"006D,Delta,{NOBODY},Qualification,80000,2054-12-15\n"
)


def test_an_owner_id_only_export_is_matched_through_crm_ids(coach, ana, write):
    assert coach("team", "add", "Bo Berg", "--role", "AE", "--no-input").exit_code == 0
    assert coach("team", "edit", "ana", "--crm-id", ANA_15).exit_code == 0
    edited = coach("team", "edit", "bo", "--crm-id", BO_18_LOWER, "--json")
    assert edited.exit_code == 0, edited.stderr
    assert edited.json()["crm_ids"] == [BO_18_LOWER]
    result = coach("deal", "import", write("ids.csv", ID_ONLY), "--create-reps", "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    # Never a rep named after an id: the unmatched id is listed for mapping instead.
    assert (report["created_reps"], report["owner_ids_to_map"]) == ([], [NOBODY])
    assert report["unknown_owners"] == []
    assert [rep["name"] for rep in coach("team", "list", "--json").json()] == [
        "Ana Souza",
        "Bo Berg",
    ]
    deals = {d["external_id"]: d for d in coach("deal", "list", "--json").json()}
    owners = {key: (d["rep"], d["owner"]) for key, d in deals.items()}
    assert owners == {
        "006A": ("Ana Souza", "Ana Souza"),  # the 18-character id of the 15 Ana carries
        "006B": ("Ana Souza", "Ana Souza"),
        "006C": ("Bo Berg", "Bo Berg"),  # the 15-character id of the 18 Bo carries
        "006D": (None, NOBODY),
    }
    message = coach("deal", "import", write("ids.csv", ID_ONLY), "--create-reps").stderr
    assert f"Owner ids that match no rep: {NOBODY}." in message
    assert "coach team edit NAME --crm-id ID" in message
    view = coach("pipeline", "--json").json()
    assert (view["size"]["open_value"], view["size"]["unassigned_open_count"]) == (70000, 1)
    assert coach("pipeline", "--rep", "ana", "--json").json()["size"]["open_value"] == 30000


def test_crm_ids_on_the_team(coach, ana):
    assert coach("team", "add", "Bo Berg", "--role", "AE", "--no-input").exit_code == 0
    assert coach("team", "edit", "ana", "--crm-id", ANA_15, "--crm-id", "77123").exit_code == 0
    # The same id in its 18-character form is not a second id.
    again = coach("team", "edit", "ana", "--crm-id", ANA_18, "--json")
    assert again.json()["crm_ids"] == [ANA_15, "77123"]
    assert f"CRM ids    {ANA_15}, 77123" in coach("team", "show", "ana").stdout
    taken = coach("team", "edit", "bo", "--crm-id", ANA_18)
    assert taken.exit_code == 1
    assert "is Ana Souza's already" in taken.stderr
    assert f'coach team edit "Ana Souza" --remove-crm-id {ANA_15}' in taken.stderr
    for bad in ("", "two words", "x" * 65):
        assert coach("team", "edit", "bo", "--crm-id", bad).exit_code == 2
    assert coach("team", "edit", "bo", "--remove-crm-id", "77123").exit_code == 1
    removed = coach("team", "edit", "ana", "--remove-crm-id", ANA_18, "--json")
    assert removed.json()["crm_ids"] == ["77123"]
    assert coach("team", "edit", "bo", "--crm-id", ANA_15).exit_code == 0
    assert "crm_ids" not in coach("team", "list", "--json").json()[0]


NAMED = HEADER + (
    "006A,Alpha,Ana Souza,Qualification,10000,2054-12-15,2054-09-01\n"
    "006B,Beta,Jose Nunez,Qualification,20000,2054-12-15,2054-09-01\n"
)
NAMED_LATER = NAMED + "006C,Gamma,Ana Souza,Qualification,40000,2054-12-20,2054-11-20\n"


def test_a_renamed_rep_keeps_their_deals_and_names_match_without_accents(coach, ana, write):
    assert coach("team", "add", "José Núñez", "--role", "AE", "--no-input").exit_code == 0
    first = imported(coach, write("a.csv", NAMED), "--as-of", "2054-11-15")
    assert first["unknown_owners"] == []
    assert coach("team", "edit", "ana", "--name", "Ana Lima").exit_code == 0
    assert "Was named  Ana Souza" in coach("team", "show", "ana").stdout
    # The CRM still says Ana Souza, and a new deal of hers arrives with the old name.
    again = imported(coach, write("b.csv", NAMED_LATER), "--create-reps")
    assert (again["unknown_owners"], again["created_reps"]) == ([], [])
    reps = {d["external_id"]: d["rep"] for d in coach("deal", "list", "--json").json()}
    assert reps == {"006A": "Ana Lima", "006B": "José Núñez", "006C": "Ana Lima"}
    assert len(coach("team", "list", "--json").json()) == 2


def test_names_and_ids_together_the_id_wins_and_a_created_rep_keeps_it(coach, write):
    both = "Id,Name,Opportunity Owner,OwnerId,StageName,Amount,CloseDate\n" + (
        f"006A,Alpha,Dana Reyes,{ANA_18},Qualification,10000,2054-12-15\n"
    )
    created = imported(coach, write("a.csv", both), "--create-reps", "--as-of", "2054-11-15")
    assert created["created_reps"] == ["Dana Reyes"]
    assert coach("team", "show", "dana", "--json").json()["crm_ids"] == [ANA_18]
    # The CRM renames her; the id still says who she is.
    renamed = both.replace("Dana Reyes", "Dana Smith") + (
        f"006B,Beta,Dana Smith,{ANA_15},Qualification,5000,2054-12-15\n"
    )
    again = imported(coach, write("b.csv", renamed), "--create-reps")
    assert (again["created_reps"], again["unknown_owners"]) == ([], [])
    deals = {
        d["external_id"]: (d["rep"], d["owner"]) for d in coach("deal", "list", "--json").json()
    }
    assert deals == {"006A": ("Dana Reyes", "Dana Smith"), "006B": ("Dana Reyes", "Dana Smith")}


def test_a_rep_found_by_name_learns_the_owner_id_given_with_it(coach, ana, write):
    both = "Id,Name,Opportunity Owner,OwnerId,StageName,Amount,CloseDate\n" + (
        f"006A,Alpha,Ana Souza,{ANA_15},Qualification,10000,2054-12-15\n"
    )
    imported(coach, write("a.csv", both))
    assert coach("team", "show", "ana", "--json").json()["crm_ids"] == [ANA_15]


# ---- undoing an import (item 5) ------------------------------------------------------------

WEEK_1 = HEADER + (
    "006A,Alpha,Ana Souza,Qualification,10000,2054-12-15,2054-09-01\n"
    "006B,Beta,Ana Souza,Qualification,20000,2054-12-15,2054-09-01\n"
    "006C,Gamma,Ana Souza,Qualification,40000,2055-01-20,2054-09-01\n"
)
# A moves on (stage, amount, close date: three changes), B is gone (one), C is as it
# was, D is new (one) and E new and won already (two: created, won). Seven in all.
WEEK_2 = HEADER + (
    "006A,Alpha,Ana Souza,Needs Analysis,12000,2054-12-31,2054-09-01\n"
    "006C,Gamma,Ana Souza,Qualification,40000,2055-01-20,2054-09-01\n"
    "006D,Delta,Ana Souza,Qualification,5000,2054-12-20,2054-11-01\n"
    "006E,Epsilon,Ana Souza,Closed Won,7000,2054-11-18,2054-10-01\n"
)


def shown(coach, deal: str) -> dict:
    result = coach("deal", "show", deal, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_an_undone_import_takes_its_deals_and_puts_the_changed_ones_back(coach, ana, write):
    imported(coach, write("w1.csv", WEEK_1), "--as-of", "2054-11-13")
    before = {key: shown(coach, key) for key in ("006A", "006B", "006C")}
    imported(coach, write("w2.csv", WEEK_2), "--as-of", "2054-11-20")
    assert shown(coach, "006A")["stage"] == "discovery"
    result = coach("deal", "undo-import", "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    done = result.json()
    assert (done["file"], done["as_of"]) == ("w2.csv", "2054-11-20")
    assert (done["created_deals"], done["changed_deals"], done["events"]) == (2, 2, 7)
    assert (
        "Undid the import of w2.csv as of 2054-11-20: removed the 2 deals it added and "
        "its 7 recorded changes, and put back 2 deals as they stood before it." in result.stderr
    )
    after = {d["external_id"] for d in coach("deal", "list", "--status", "all", "--json").json()}
    assert after == {"006A", "006B", "006C"}
    assert {key: shown(coach, key) for key in before} == before
    assert [e["kind"] for e in coach("deal", "history", "006A", "--json").json()] == ["created"]
    # Its snapshot went: the week-1 import is the latest again, and week 2 imports anew.
    again = imported(coach, write("w2.csv", WEEK_2), "--as-of", "2054-11-20")
    assert {kind: n for kind, n in again["counts"].items() if n} == {
        "new": 1,
        "won": 1,
        "advanced": 1,
        "pushed": 1,
        "amount_up": 1,
        "missing": 1,
    }


def test_undo_removes_the_latest_import_only_and_then_there_is_nothing_to_undo(coach, ana, write):
    imported(coach, write("w1.csv", WEEK_1), "--as-of", "2054-11-13")
    imported(coach, write("w2.csv", WEEK_2), "--as-of", "2054-11-20")
    assert coach("deal", "undo-import", "--yes").exit_code == 0
    second = coach("deal", "undo-import", "--yes", "--json")
    assert second.exit_code == 0, second.stderr
    assert (second.json()["file"], second.json()["created_deals"]) == ("w1.csv", 3)
    assert coach("deal", "list", "--status", "all", "--json").json() == []
    nothing = coach("deal", "undo-import", "--yes")
    assert nothing.exit_code == 1
    assert "There is no import to undo" in nothing.stderr


def test_undo_without_a_terminal_needs_yes_and_changes_nothing(coach, ana, write):
    imported(coach, write("w1.csv", WEEK_1))
    result = coach("deal", "undo-import")
    assert result.exit_code == 2
    assert "pass --yes to undo the import" in result.stderr
    assert len(coach("deal", "list", "--json").json()) == 3


def test_undo_refuses_to_lose_changes_made_by_hand_since(coach, ana, write):
    imported(coach, write("w1.csv", WEEK_1), "--as-of", "2054-11-13")
    imported(coach, write("w2.csv", WEEK_2), "--as-of", "2054-11-20")
    assert coach("deal", "update", "alpha", "--stage", "proposal").exit_code == 0
    result = coach("deal", "undo-import", "--yes")
    assert result.exit_code == 1
    assert "changed by hand since (Alpha)" in result.stderr
    assert shown(coach, "006A")["stage"] == "proposal"
    assert coach("deal", "plan-step", "delta", "Sign | +1w").exit_code == 0
    assert "(Alpha, Delta)" in coach("deal", "undo-import", "--yes").stderr
