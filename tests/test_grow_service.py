"""The GROW service: action parsing, carry-over decisions, the pre-brief, saving, drafts."""

from datetime import date, timedelta

import pytest

from coachcli.config import load_methodology
from coachcli.db.migrations import open_database
from coachcli.db.shared import driver
from coachcli.errors import Conflict, Invalid, NotFound
from coachcli.interview.drafts import Draft
from coachcli.models import ActionItem
from coachcli.services import actions, grow, team
from coachcli.services.grow import CarryDecision, GrowAnswers

from .conftest import CLOCK

TODAY = date(2054, 11, 22)


@pytest.fixture
def db(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'coach.db'}", CLOCK)
    with database.session(write=True) as session:
        for name in ("Ana Souza", "Ben Carter"):
            team.add_rep(session, load_methodology(), name, "AE", clock=CLOCK)
    yield database
    database.close()


def rep(session, name):
    return team.rep_to_change(session, name)


def answers(**extra):
    base = dict(
        goal="Close Globex",
        reality="Stuck",
        obstacles=["No CFO access"],
        options=["Ask champion"],
        actions=[],
        support="I join the call",
    )
    return GrowAnswers(**{**base, **extra})


def hold(db, name, **extra):
    with db.session(write=True) as session:
        found = rep(session, name)
        brief = grow.build_brief(driver(session), load_methodology(), found, TODAY)
        return grow.save_session(session, found, answers(**extra), brief, grow.Timing(CLOCK.now()))


@pytest.mark.parametrize(
    ("text", "what", "who", "due"),
    [
        ("Send ROI model | Ana | +3d", "Send ROI model", "Ana", date(2054, 11, 25)),
        ("Send ROI model | | friday", "Send ROI model", "Ana Souza", date(2054, 11, 27)),
        ("Send ROI model | tomorrow", "Send ROI model", "Ana Souza", date(2054, 11, 23)),
        ("Call CFO | ME | today", "Call CFO", "me", TODAY),
        ("Fix A | B split | Chloe | 2054-12-01", "Fix A | B split", "Chloe", date(2054, 12, 1)),
    ],
)
def test_action_text_forms(text, what, who, due):
    assert actions.parse_action(text, "Ana Souza", TODAY) == actions.NewAction(what, who, due)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        (" | Ana | +3d", "no WHAT"),
        ("Send model", "needs a due date"),
        ("Send | Ana | ", "no WHEN"),
        ("Send | Ana | someday", "WHEN 'someday'"),
        ("Send | Ana | 2054-11-01", "in the past"),
    ],
)
def test_bad_action_text_names_the_part(text, part):
    with pytest.raises(Invalid, match=part):
        actions.parse_action(text, "Ana Souza", TODAY)


def test_action_text_round_trips_for_drafts():
    action = actions.parse_action("Send | Ana | +3d", "Ana Souza", TODAY)
    assert actions.parse_action(action.as_text(), "Ana Souza", TODAY) == action


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12=done", CarryDecision(12, "done")),
        ("#3=KEEP", CarryDecision(3, "keep")),
        ("4=drop:customer went dark", CarryDecision(4, "drop", "customer went dark")),
    ],
)
def test_carry_forms(text, expected):
    assert grow.parse_carry(text) == expected


@pytest.mark.parametrize("text", ["done", "x=done", "3=finish", "3"])
def test_bad_carry_forms(text):
    with pytest.raises(Invalid):
        grow.parse_carry(text)


def test_saved_session_creates_actions_and_closes_carried_ones(db):
    send = actions.NewAction("Send ROI", "Ana", TODAY + timedelta(days=3))
    call = actions.NewAction("Call CFO", "me", TODAY + timedelta(days=5))
    first = hold(db, "ana", actions=[send, call])
    second = hold(db, "ana", carry=[CarryDecision(1, "done", "sent"), CarryDecision(2, "drop")])
    with db.session() as session:
        done, dropped = session.get(ActionItem, 1), session.get(ActionItem, 2)
    assert (done.status, done.note, done.session_id, done.closed_in_session_id) == (
        "done",
        "sent",
        first,
        second,
    )
    assert dropped.status == "dropped"


def test_keep_leaves_the_action_open_with_its_note(db):
    hold(db, "ana", actions=[actions.NewAction("Send ROI", "Ana", TODAY)])
    hold(db, "ana", carry=[CarryDecision(1, "keep", "waiting on legal")])
    with db.session() as session:
        item = session.get(ActionItem, 1)
    assert (item.status, item.note) == ("open", "waiting on legal")


def test_carry_checks_owner_existence_and_state(db):
    hold(db, "ana", actions=[actions.NewAction("Send ROI", "Ana", TODAY)])
    with pytest.raises(Conflict, match="belongs to Ana Souza, not Ben Carter"):
        hold(db, "ben", carry=[CarryDecision(1, "done")])
    with pytest.raises(NotFound):
        hold(db, "ana", carry=[CarryDecision(99, "done")])
    hold(db, "ana", carry=[CarryDecision(1, "done")])
    with pytest.raises(Conflict, match="already done"):
        hold(db, "ana", carry=[CarryDecision(1, "done")])
    with db.reading() as connection:  # the refused sessions left nothing behind
        assert len(grow.queries.sessions(connection)) == 2


def test_brief_counts_days_since_last_one_on_one_and_overdue_actions(db):
    method = load_methodology()
    with db.reading() as connection:
        fresh = grow.build_brief(connection, method, team.resolve_rep(connection, "ana"), TODAY)
    assert (fresh.last_one_on_one, fresh.one_on_one_due) == (None, True)
    hold(db, "ana", actions=[actions.NewAction("Send ROI", "Ana", TODAY + timedelta(days=2))])
    later = TODAY + timedelta(days=9)
    with db.reading() as connection:
        brief = grow.build_brief(connection, method, team.resolve_rep(connection, "ana"), later)
    assert brief.days_since_last == (later - brief.last_one_on_one).days
    assert brief.one_on_one_due is (brief.days_since_last >= method.cadence.one_on_one_days)
    [action] = brief.open_actions
    assert (action.what, action.overdue_days) == ("Send ROI", 7)


def test_draft_recovers_what_parses(tmp_path):
    draft = Draft(tmp_path / "drafts" / "grow-1.jsonl")
    draft.record("goal", "Close Globex", elapsed=40, at=CLOCK.now())
    draft.record("obstacles", ["a"], partial=True, elapsed=95)
    draft.record("obstacles", ["a", "b"], partial=True, elapsed=130)
    with draft.path.open("a") as handle:
        handle.write('{"key": "reality", "val')  # a write cut off by a crash
    state = draft.load()
    assert state.answers == {"goal": "Close Globex", "obstacles": ["a", "b"]}
    assert state.partial == {"obstacles"}  # cut off inside the list: resume goes on in it
    assert (state.elapsed, state.saved_at) == (130, CLOCK.now())
    assert state.problems == ["line 4 of the draft could not be read and was skipped"]
    assert oct(draft.path.stat().st_mode & 0o777) == "0o600"
    draft.discard()
    assert not draft.exists()
