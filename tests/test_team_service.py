"""The team service: names, roles, quotas and finding a rep by the start of the name."""

from datetime import date

import pytest

from coachcli.config import load_methodology
from coachcli.dates import parse_period
from coachcli.db.migrations import open_database
from coachcli.errors import Conflict, Invalid, NotFound
from coachcli.services import team

from .conftest import CLOCK

TODAY = date(2054, 11, 22)


@pytest.fixture
def db(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'coach.db'}", CLOCK)
    yield database
    database.close()


@pytest.fixture
def method():
    return load_methodology()


def add(db, method, name, role="AE", **extra):
    with db.session(write=True) as session:
        return team.add_rep(session, method, name, role, clock=CLOCK, **extra)


def resolve(db, text, **extra):
    with db.reading() as connection:
        return team.resolve_rep(connection, text, **extra).name


def test_add_rep_with_quota_defaults_to_this_quarter(db, method):
    rep = add(db, method, "  Ana Souza ", "ae", quota=250000.0)
    assert (rep.name, rep.role, rep.role_key) == ("Ana Souza", "AE", "ae")
    assert (rep.quota, rep.quota_period) == (250000.0, "2054-Q4")


def test_role_matches_key_or_name_in_any_case(db, method):
    assert add(db, method, "Ben", "senior ae").role_key == "senior_ae"
    with pytest.raises(Invalid, match="Roles: SDR, AE, Senior AE, KAM"):
        add(db, method, "Chloe", "VP")


@pytest.mark.parametrize("name", ["", "   ", "Ana\nSouza", "Ana\x1b[31m", "x" * 81])
def test_bad_names_are_refused(db, method, name):
    with pytest.raises(Invalid):
        add(db, method, name)
    with db.reading() as connection:
        assert team.list_reps(connection, method, TODAY) == []


def test_names_are_unique_in_any_case(db, method):
    add(db, method, "Élodie Durand")
    with pytest.raises(Conflict, match="already exists"):
        add(db, method, "ÉLODIE durand")


def test_prefix_resolution(db, method):
    for name in ("Ana Souza", "Ana Lima", "Ben Carter", "Ana"):
        add(db, method, name)
    assert resolve(db, "ben") == "Ben Carter"
    assert resolve(db, "ANA L") == "Ana Lima"
    assert resolve(db, "ana") == "Ana"  # an exact name beats longer names it starts
    with pytest.raises(NotFound, match="matches 3 reps: Ana, Ana Lima, Ana Souza"):
        resolve(db, "an")
    with pytest.raises(NotFound, match=r"No rep named 'zed'\. Reps: Ana, Ana Lima"):
        resolve(db, "zed")


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("Tomás Ruiz", "tomas"),  # accents left out
        ("Tomas Xu", "tomás"),  # or put in where the name has none
        ("Ana Souza", "SOUZA"),  # any word, any case
        ("Tom Becker", "beck"),
        ("Anne-Marie Dupont", "marie"),  # words inside a hyphenated name
        ("Ana Maria Jones", "maria jo"),  # from any word on
        ("Łukasz Nowak", "lukasz"),  # a stroke is an accent too
        ("Ana   Souza", "ana souza"),  # spaces as typed
    ],
)
def test_a_rep_is_found_by_the_start_of_any_word_ignoring_case_and_accents(db, method, name, typed):
    add(db, method, name)
    add(db, method, "Ben Carter")
    assert resolve(db, typed) == name


def test_a_whole_word_beats_the_start_of_a_longer_one(db, method):
    add(db, method, "Tom Becker")
    add(db, method, "Tomás Ruiz")
    assert resolve(db, "tom") == "Tom Becker"
    assert resolve(db, "TOMA") == "Tomás Ruiz"
    assert resolve(db, "tomas") == "Tomás Ruiz"
    with pytest.raises(NotFound, match="'to' matches 2 reps: Tom Becker, Tomás Ruiz"):
        resolve(db, "to")


def test_the_exact_name_wins_then_the_same_letters_without_accents(db, method):
    for name in ("José", "José Luis", "Jose Ortega"):
        add(db, method, name)
    assert resolve(db, "josé") == "José"  # the exact name, though "jose" is a word of three
    assert resolve(db, "JOSE") == "José"  # the same letters beat a whole word
    add(db, method, "Jose")
    assert resolve(db, "jose") == "Jose"  # as typed, accents included
    assert resolve(db, "josé") == "José"


def test_equally_close_names_are_ambiguous_and_listed(db, method):
    for name in ("Ana Souza", "Luis Ana", "Tomás Ruiz", "Tomasz Nowak"):
        add(db, method, name)
    with pytest.raises(NotFound, match=r"'ANA' matches 2 reps: Ana Souza, Luis Ana\. Type more"):
        resolve(db, "ANA")
    with pytest.raises(NotFound, match="'toma' matches 2 reps: Tomasz Nowak, Tomás Ruiz"):
        resolve(db, "toma")
    assert resolve(db, "tomas") == "Tomás Ruiz"  # a whole word of one, a start of the other


def test_archived_reps_count_only_when_asked_or_when_nothing_active_matches(db, method):
    add(db, method, "Tom Becker")
    add(db, method, "Tomás Ruiz")
    with db.session(write=True) as session:
        team.set_archived(session, method, team.rep_to_change(session, "becker"), True, CLOCK)
    assert resolve(db, "tom") == "Tomás Ruiz"  # the active rep, though only a start
    assert resolve(db, "tom", include_archived=True) == "Tom Becker"  # the whole word
    assert resolve(db, "becker") == "Tom Becker"  # nothing active matches
    with pytest.raises(NotFound, match=r"No rep named 'zed'\. Reps: Tomás Ruiz\.$"):
        resolve(db, "zed")  # the archived are not offered


def test_like_wildcards_in_names_are_literal(db, method):
    add(db, method, "100% Rep")
    add(db, method, "1_0 Rep")
    assert resolve(db, "100%") == "100% Rep"
    with pytest.raises(NotFound):
        resolve(db, "1%")


def test_archived_reps_leave_lists_but_keep_their_record(db, method):
    rep = add(db, method, "Dev Patel", "SDR", quota=60000.0)
    with db.session(write=True) as session:
        found = team.rep_to_change(session, "dev")
        team.set_archived(session, method, found, True, CLOCK)
    with db.reading() as connection:
        assert team.list_reps(connection, method, TODAY) == []
        archived = team.list_reps(connection, method, TODAY, include_archived=True)
    assert [(r.id, r.archived, r.quota) for r in archived] == [(rep.id, True, 60000.0)]
    assert resolve(db, "dev") == "Dev Patel"  # still findable when nothing active matches


def test_edit_sets_quota_for_another_period_and_keeps_the_first(db, method):
    add(db, method, "Ana Souza", quota=250000.0)
    with db.session(write=True) as session:
        rep = team.rep_to_change(session, "ana")
        changes = team.RepChanges(quota=300000.0, period="2055-Q1", email="ana@example.com")
        info = team.edit_rep(session, method, rep, changes, CLOCK)
    assert [(q.period, q.amount) for q in info.quotas] == [
        ("2054-Q4", 250000.0),
        ("2055-Q1", 300000.0),
    ]
    assert info.quota == 250000.0  # today is in Q4
    assert info.email == "ana@example.com"


def set_quota(db, amount, period):
    with db.session(write=True) as session:
        rep_id = team.rep_to_change(session, "ana").id
        return team.set_quota(session, rep_id, amount, parse_period(period), CLOCK.now(), "test")


def test_where_periods_overlap_the_shortest_holds_and_says_why(db, method):
    add(db, method, "Ana Souza", quota=900000.0, period=parse_period("2054"))
    set_quota(db, 250000.0, "2054-Q4")
    set_quota(db, 90000.0, "2054-10")  # October: over before today (2054-11-22)
    with db.reading() as connection:
        [info] = team.list_reps(connection, method, TODAY)
    assert (info.quota, info.quota_period) == (250000.0, "2054-Q4")
    assert info.quota_reason == (
        "2054-Q4 holds today; it is the shortest of the periods that do (2054 too)."
    )


def test_no_quota_holding_today_is_none_not_last_quarters(db, method):
    add(db, method, "Ana Souza", quota=250000.0, period=parse_period("2054-Q3"))
    with db.reading() as connection:
        [info] = team.list_reps(connection, method, TODAY)
    assert (info.quota, info.quota_period) == (None, "2054-Q4")
    assert info.quota_reason.startswith("No quota for 2054-Q4")


def test_a_changed_quota_keeps_its_history(db, method):
    add(db, method, "Ana Souza", quota=200000.0, period=parse_period("2054-Q4"))
    assert set_quota(db, 200000.0, "2054-Q4") is None  # the same amount changes nothing
    changed = set_quota(db, 250000.0, "2054-Q4")
    assert (changed.old, changed.new) == (200000.0, 250000.0)
    with db.reading() as connection:
        rep = team.resolve_rep(connection, "ana")
        info = team.rep_info(connection, method, rep, TODAY, with_quotas=True)
    history = [(c.period, c.old_amount, c.new_amount, c.source) for c in info.quota_history]
    assert history == [
        ("2054-Q4", None, 200000.0, "team add"),
        ("2054-Q4", 200000.0, 250000.0, "test"),
    ]


@pytest.mark.parametrize("text", ["2054-W47", "2054W47"])
def test_a_quota_for_a_week_is_refused(text):
    with pytest.raises(Invalid, match=r"a month \(2027-01\), a quarter \(2027-Q1\) or a year"):
        team.quota_period(text)
