"""CRM imports a manager can trust (issue 11): first seen closed, future dates, activity,
missing deals, owners by CRM id, undo. Every figure is counted by hand from the files."""

from __future__ import annotations

import pytest

HEADER = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate,CreatedDate\n"


@pytest.fixture
def write(tmp_path):
    def write_file(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        return str(path)

    return write_file


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
