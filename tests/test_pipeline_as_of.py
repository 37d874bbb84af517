"""`coach pipeline --as-of DATE` (issue 11, item 14): the pipeline as it stood on a
past day, replayed from the imports and the changes recorded since. Every figure is
counted by hand from the two exports below."""

from __future__ import annotations

from datetime import date

import pytest

from coachcli.services.deal_events import Ranks
from coachcli.services.history import replay

from .conftest import TODAY

HEADER = (
    "Id,Name,Opportunity Owner,StageName,Amount,CloseDate,CreatedDate,NextStep,LastActivityDate\n"
)
# Imported as of 2054-10-10.
FIRST = HEADER + (
    "006A,Acme renewal,Ana Souza,Needs Analysis,10000,2054-10-25,2054-09-01,Call back,2054-10-08\n"
    "006B,Globex pilot,Ana Souza,Qualification,20000,2054-12-15,2054-09-15,,2054-10-01\n"
    "006C,Initech,Ana Souza,Proposal/Price Quote,5000,2054-11-30,2054-08-01,Send proposal,"
    "2054-10-09\n"
)
# Imported as of 2054-11-20: Acme won, Globex advanced and pushed with a bigger amount,
# Initech unchanged, Hooli new.
SECOND = HEADER + (
    "006A,Acme renewal,Ana Souza,Closed Won,12000,2054-11-15,2054-09-01,Signed,2054-11-15\n"
    "006B,Globex pilot,Ana Souza,Needs Analysis,25000,2055-01-15,2054-09-15,Demo,2054-11-18\n"
    "006C,Initech,Ana Souza,Proposal/Price Quote,5000,2054-11-30,2054-08-01,Send proposal,"
    "2054-10-09\n"
    "006D,Hooli,Ana Souza,Prospecting,8000,2054-12-20,2054-11-10,,2054-11-19\n"
)


@pytest.fixture
def two_imports(coach, ana, tmp_path):
    for name, text, day in (("a.csv", FIRST, "2054-10-10"), ("b.csv", SECOND, "2054-11-20")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = coach("deal", "import", str(path), "--as-of", day, "--json")
        assert result.exit_code == 0, result.stderr


def pipeline(coach, *args: str) -> dict:
    result = coach("pipeline", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def flag_counts(view: dict) -> dict[str, int]:
    wanted = ("stale", "aged", "past_close", "no_next_step")
    return {flag: view["flags"][flag]["count"] for flag in wanted}


def open_stages(view: dict) -> dict[str, tuple[int, float]]:
    return {s["stage"]: (s["count"], s["value"]) for s in view["stages"] if s["count"]}


def test_a_day_between_two_imports_shows_the_first_imports_pipeline(coach, two_imports):
    view = pipeline(coach, "--as-of", "2054-10-28")
    assert (view["as_of"], view["today"], view["period"]["label"]) == (
        "2054-10-28",
        "2054-10-28",
        "2054-Q4",
    )
    size = view["size"]
    # Acme, Globex and Initech, as the first export had them; Hooli did not exist yet.
    assert (size["open_count"], size["open_value"]) == (3, 35000)
    assert (size["period_open_count"], size["period_open_value"]) == (3, 35000)
    assert (size["won_in_period"], view["win_rate"]["won_count"]) == (0, 0)
    assert open_stages(view) == {
        "qualification": (1, 20000),
        "discovery": (1, 10000),
        "proposal": (1, 5000),
    }
    months = {m["month"]: (m["count"], m["value"]) for m in view["close_months"]}
    assert months == {"2054-10": (1, 10000), "2054-11": (1, 5000), "2054-12": (1, 20000)}
    # On 10-28: every deal quiet since 10-14 or before (stale); Globex 18 days in
    # qualification (14 expected: aged), the others 18 of 21; Acme's 10-25 close date
    # passed; Globex had no next step.
    assert flag_counts(view) == {"stale": 3, "aged": 1, "past_close": 1, "no_next_step": 1}
    assert [d["name"] for d in view["flags"]["aged"]["deals"]] == ["Globex pilot"]
    assert view["flags"]["past_close"]["deals"][0]["measure"] == 3  # days late on 10-28
    stale = {d["name"]: d["measure"] for d in view["flags"]["stale"]["deals"]}
    assert stale == {"Globex pilot": 27, "Acme renewal": 20, "Initech": 19}


def test_a_day_after_the_second_import_shows_the_second(coach, two_imports):
    view = pipeline(coach, "--as-of", "2054-11-21")
    size = view["size"]
    # Globex, Initech and Hooli open; Acme won for 12,000 on its close date, 11-15.
    assert (size["open_count"], size["open_value"]) == (3, 38000)
    assert (size["won_in_period"], view["win_rate"]["won_count"]) == (12000, 1)
    assert open_stages(view) == {
        "prospecting": (1, 8000),
        "discovery": (1, 25000),
        "proposal": (1, 5000),
    }
    months = {m["month"]: (m["count"], m["value"]) for m in view["close_months"]}
    assert months == {"2054-11": (1, 5000), "2054-12": (1, 8000), "2055-01": (1, 25000)}
    # Initech quiet since 10-09 and in its stage since 10-10; Hooli has no next step.
    assert flag_counts(view) == {"stale": 1, "aged": 1, "past_close": 0, "no_next_step": 1}
    assert view["flags"]["pushed"]["deals"] == []  # one push of Globex: under the limit


def test_as_of_today_is_the_pipeline_of_today(coach, two_imports):
    now = pipeline(coach)
    then = pipeline(coach, "--as-of", TODAY)
    assert then.pop("as_of") == TODAY and then.pop("first_recorded") == "2054-10-10"
    assert {**now, "as_of": None, "first_recorded": None} == {
        **then,
        "as_of": None,
        "first_recorded": None,
    }


def test_as_of_keeps_the_other_options(coach, two_imports):
    one = pipeline(coach, "--as-of", "2054-10-28", "--rep", "ana", "--period", "2054-Q3")
    assert (one["rep"], one["period"]["label"], one["size"]["period_open_count"]) == (
        "Ana Souza",
        "2054-Q3",
        0,
    )
    checked = coach("pipeline", "--as-of", "2054-10-28", "--check")
    assert checked.exit_code == 3
    assert "stale" in checked.stderr
    table = coach("pipeline", "--as-of", "2054-10-28").stdout
    assert "as of 2054-10-28" in table and "today" not in table.splitlines()[0]
    assert "Hooli" not in table
    markdown = coach("pipeline", "--as-of", "2054-10-28", "--format", "markdown").stdout
    assert (
        markdown.startswith("# Pipeline health: team, 2054-Q4") and "as of 2054-10-28" in markdown
    )


def test_a_day_before_the_first_deal_gives_an_empty_pipeline_that_says_so(coach, two_imports):
    result = coach("pipeline", "--as-of", "2054-10-09")
    assert result.exit_code == 0, result.stderr
    assert "No deals as of 2054-10-09: the first deal was recorded on 2054-10-10" in " ".join(
        result.stdout.split()
    )
    view = pipeline(coach, "--as-of", "2054-10-09")
    assert view["size"]["open_count"] == 0 and view["first_recorded"] == "2054-10-10"


def test_a_day_after_today_is_refused(coach, two_imports):
    result = coach("pipeline", "--as-of", "2054-11-23")
    assert result.exit_code == 2
    assert "after today (2054-11-22)" in result.stderr
    assert coach("pipeline", "--as-of", "someday").exit_code == 2


# ---- changes by hand are dated events, and replayed -------------------------------------


def on(monkeypatch, day: str) -> None:
    monkeypatch.setenv("COACH_TODAY", day)


def test_next_step_evidence_and_close_plan_changes_are_replayed(coach, ana, monkeypatch):
    on(monkeypatch, "2054-10-20")
    added = coach("deal", "add", "--name", "Umbrella", "--rep", "ana", "--stage", "qualification",
                  "--amount", "9000", "--close", "2054-12-10", "--no-input")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    on(monkeypatch, "2054-11-10")
    changed = coach("deal", "update", "Umbrella", "--next-step", "Demo on Friday", "--champion")
    assert changed.exit_code == 0, changed.stderr
    assert coach("deal", "plan-step", "Umbrella", "Legal review | 2054-12-01").exit_code == 0
    on(monkeypatch, TODAY)
    before = pipeline(coach, "--as-of", "2054-11-05")
    after = pipeline(coach, "--as-of", "2054-11-10")
    assert before["flags"]["no_next_step"]["count"] == 1
    assert before["flags"]["no_close_plan"]["count"] == 1
    assert after["flags"]["no_next_step"]["count"] == 0
    assert after["flags"]["no_close_plan"]["count"] == 0
    # Quiet from its adding on 10-20 until the update on 11-10, a change seen.
    assert pipeline(coach, "--as-of", "2054-11-09")["flags"]["stale"]["count"] == 1
    assert pipeline(coach, "--as-of", "2054-11-15")["flags"]["stale"]["count"] == 0
    history = coach("deal", "history", "Umbrella", "--json").json()
    assert [(e["day"], e["kind"], e["old"], e["new"]) for e in history] == [
        ("2054-10-20", "created", None, "qualification"),
        ("2054-11-10", "next_step", None, "Demo on Friday"),
        ("2054-11-10", "champion", "no", "yes"),
        ("2054-11-10", "plan_step_added", None, "1. Legal review (due 2054-12-01)"),
    ]


def test_finishing_a_close_plan_step_is_a_dated_event(coach, ana, monkeypatch):
    added = coach("deal", "add", "--name", "Umbrella", "--rep", "ana", "--stage", "qualification",
                  "--amount", "9000", "--close", "2054-12-10", "--no-input")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert coach("deal", "plan-step", "Umbrella", "Legal review | 2054-12-01").exit_code == 0
    assert coach("deal", "plan-step", "Umbrella", "--done", "1").exit_code == 0
    kinds = [e["kind"] for e in coach("deal", "history", "Umbrella", "--json").json()]
    assert kinds == ["created", "plan_step_added", "plan_step_done"]


def test_an_import_records_a_new_next_step_without_reporting_it(coach, ana, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(HEADER + "006A,Acme,Ana Souza,Qualification,100,2054-12-01,2054-09-01,,\n")
    second.write_text(
        HEADER + "006A,Acme,Ana Souza,Qualification,100,2054-12-01,2054-09-01,Call,\n"
    )
    assert coach("deal", "import", str(first), "--as-of", "2054-11-01").exit_code == 0
    report = coach("deal", "import", str(second), "--json").json()
    assert report["changes"] == []
    history = coach("deal", "history", "006A", "--json").json()
    assert [(e["day"], e["kind"], e["new"]) for e in history][-1] == (TODAY, "next_step", "Call")
    view = pipeline(coach, "--as-of", "2054-11-05")
    assert view["flags"]["no_next_step"]["count"] == 1


# ---- the replay itself (services/history.py) ----------------------------------------------

RANKS = Ranks(
    {"prospecting": 0, "qualification": 1, "discovery": 2, "proposal": 3, "closed_won": 4},
    "closed_won",
    "closed_lost",
)
# Won on 11-15 after two pushes and a pull-in; champion found on 11-01; missing from
# the export of 11-10, back in that of 11-12.
WON = {
    "id": 1, "stage": "closed_won", "status": "won", "closed_on": "2054-11-15",
    "amount": 12000.0, "close_date": "2054-11-15", "pushes": 2, "stage_since": "2054-11-15",
    "max_stage_rank": 4, "created_date": "2054-09-01", "last_change": "2054-11-15",
    "last_activity": "2054-11-15", "missing_since": None, "source": "salesforce",
    "next_step": "Signed", "champion": 1,
}  # fmt: skip
EVENTS = [
    ("2054-10-01", "created", None, "prospecting"),
    ("2054-10-20", "stage", "prospecting", "discovery"),
    ("2054-10-20", "close_date", "2054-10-30", "2054-11-10"),
    ("2054-11-01", "champion", "no", "yes"),
    ("2054-11-05", "close_date", "2054-11-10", "2054-11-20"),
    ("2054-11-10", "missing", None, None),
    ("2054-11-12", "returned", None, None),
    ("2054-11-15", "close_date", "2054-11-20", "2054-11-15"),
    ("2054-11-15", "stage", "discovery", "closed_won"),
    ("2054-11-15", "won", None, None),
    ("2054-11-15", "amount", "10000", "12000"),
]
FIELDS = [
    "stage",
    "status",
    "closed_on",
    "amount",
    "close_date",
    "pushes",
    "stage_since",
    "max_stage_rank",
    "champion",
    "missing_since",
    "last_change",
    "last_activity",
]


def replayed(day: str, before_imports: dict | None = None) -> tuple:
    past = replay(WON, EVENTS, before_imports or {}, date.fromisoformat(day), RANKS)
    return tuple(past[field] for field in FIELDS)


def test_replay_undoes_every_change_after_the_day():
    assert replayed("2054-10-25") == (
        "discovery", "open", None, 10000.0, "2054-11-10", 1, "2054-10-20", 2, 0, None,
        "2054-10-20", None,
    )  # fmt: skip
    assert replayed("2054-11-11", {"last_activity": "2054-11-08"}) == (
        "discovery", "open", None, 10000.0, "2054-11-20", 2, "2054-10-20", 2, 1, "2054-11-10",
        "2054-11-05", "2054-11-08",
    )  # fmt: skip
    assert replayed("2054-11-15") == tuple(WON[field] for field in FIELDS)
