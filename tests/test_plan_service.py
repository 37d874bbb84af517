"""The pure rules of development plans: ratings, gaps, time split, sprint bounds, learning."""

from datetime import date

import pytest

from coachcli.config import load_methodology
from coachcli.errors import Conflict, Invalid
from coachcli.models import Rating
from coachcli.services import assessments, plan_answers, sprints

TODAY = date(2054, 11, 22)


@pytest.fixture(scope="module")
def methodology():
    return load_methodology()


@pytest.mark.parametrize("text", ["0", "6", "3.5", "", "three", "-1"])
def test_ratings_are_whole_numbers_from_1_to_5(text):
    with pytest.raises(Invalid, match="1 to 5"):
        plan_answers.parse_rating(text)


def test_rating_accepts_numbers_from_answer_files():
    assert plan_answers.parse_rating(4) == 4 and plan_answers.parse_rating(" 2 ") == 2


def test_gaps_sort_largest_first_and_show_the_change(methodology):
    now = [
        Rating(assessment_id=2, competency="value", rating=3, expected=4),
        Rating(assessment_id=2, competency="discovery", rating=2, expected=4),
        Rating(assessment_id=2, competency="closing", rating=2, expected=4),
        Rating(assessment_id=2, competency="negotiating", rating=4, expected=3),
    ]
    before = [
        Rating(assessment_id=1, competency="discovery", rating=1, expected=4),
        Rating(assessment_id=1, competency="negotiating", rating=4, expected=3),
    ]
    rows = assessments.build_gaps(methodology, "ae", now, before)
    # Equal gaps keep the methodology's order (discovery before closing).
    assert [(r.competency, r.gap) for r in rows] == [
        ("discovery", 2),
        ("closing", 2),
        ("value", 1),
        ("negotiating", -1),
    ]
    assert [r.change for r in rows] == [1, None, None, 0]
    assert [r.competency for r in assessments.top_gaps(rows)] == ["discovery", "closing", "value"]


def test_expected_level_follows_the_role(methodology):
    assert assessments.expected_level(methodology, "prospecting", "sdr") == 5
    assert assessments.expected_level(methodology, "prospecting", "kam") == 2


def test_time_allocation_must_total_100():
    assert plan_answers.check_time_allocation({"a": 60, "b": 40}) == {"a": 60, "b": 40}
    with pytest.raises(Invalid, match="totals 90%"):
        plan_answers.check_time_allocation({"a": 50, "b": 40})


@pytest.mark.parametrize(("text", "ok"), [("6", True), ("8", True), ("5", False), ("9", False)])
def test_sprints_last_six_to_eight_weeks(methodology, text, ok):
    if ok:
        assert plan_answers.parse_weeks(text, methodology.cadence) == int(text)
    else:
        with pytest.raises(Invalid, match="6 to 8 weeks"):
            plan_answers.parse_weeks(text, methodology.cadence)


def test_a_six_week_sprint_ends_the_day_before_the_seventh_week():
    assert sprints.sprint_end(date(2054, 11, 23), 6) == date(2055, 1, 3)


def test_learning_due_must_fall_inside_the_sprint(methodology):
    start, end = date(2054, 11, 23), date(2055, 1, 3)
    item = plan_answers.parse_learning("Role-play | 2054-12-01", start, end, TODAY)
    assert (item.title, item.due) == ("Role-play", date(2054, 12, 1))
    with pytest.raises(Invalid, match="outside the sprint"):
        plan_answers.parse_learning("Role-play | 2055-01-04", start, end, TODAY)
    with pytest.raises(Invalid, match=r"TITLE \| DUE"):
        plan_answers.parse_learning("Role-play", start, end, TODAY)


def test_a_number_picks_a_suggested_learning_activity(methodology):
    ideas = assessments.suggested_learning(methodology, "discovery", "skill")
    assert ideas[0].cause == "skill"  # ideas for the named cause come first
    item = plan_answers.parse_learning(
        "2 | +1w", date(2054, 11, 23), date(2055, 1, 3), TODAY, ideas
    )
    assert (item.title, item.kind) == (ideas[1].title, ideas[1].kind)


def test_sprint_start_inside_the_last_sprint_is_a_conflict():
    earliest = date(2055, 1, 4)
    assert plan_answers.parse_start("2055-01-04", TODAY, earliest) == earliest
    with pytest.raises(Conflict, match="inside sprint 1"):
        plan_answers.parse_start("2054-12-01", TODAY, earliest, "sprint 1")


def test_competencies_resolve_by_key_or_name(methodology):
    assert plan_answers.competency_key(methodology, "Discovery") == "discovery"
    assert plan_answers.competency_key(methodology, "closing and close planning") == "closing"
    with pytest.raises(Invalid, match="Unknown competency"):
        plan_answers.competency_key(methodology, "golf")


def test_goals_are_one_to_three():
    with pytest.raises(Invalid):
        plan_answers.check_goals([])
    with pytest.raises(Invalid):
        plan_answers.check_goals(["a", "b", "c", "d"])
    assert plan_answers.check_goals([" Win more "]) == ["Win more"]
