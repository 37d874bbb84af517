"""The interview runner's check before the first question, on a small interview."""

from functools import partial

import pytest

from coachcli.dates import parse_date
from coachcli.errors import Invalid
from coachcli.interview.asker import MissingAnswers, Question
from coachcli.interview.drafts import DraftState
from coachcli.interview.runner import check_given

from .conftest import CLOCK


def three_questions(asker, _stopwatch):
    """Name (required), due date (required, parsed), notes (a list, required); the due
    date must not be before the start (a check across answers)."""
    name = asker.text(Question("name", "Name:", "--name"))
    start = asker.text(Question("start", "Start:", "--start", default="today", parse=day))
    due = asker.text(Question("due", "Due:", "--due", parse=day))
    if due < start:
        raise Invalid("The due date is before the start.")
    notes = asker.many(Question("notes", "Note", "--note"))
    return name, due, notes


day = partial(parse_date, today=CLOCK.today())


def check(known, for_terminal, draft=None):
    check_given(three_questions, known, draft or DraftState(), for_terminal)


def test_a_script_hears_every_missing_flag_at_once():
    with pytest.raises(MissingAnswers) as raised:
        check({"start": "today"}, for_terminal=False)
    assert raised.value.flags == ["--name", "--due", "--note"]
    assert "give --name, --due and --note" in raised.value.message


def test_a_bad_given_answer_is_refused_even_after_a_missing_one():
    """On a terminal the name would be asked first; the bad --due is refused before it."""
    with pytest.raises(Invalid, match="Unknown date 'soon'"):
        check({"due": "soon"}, for_terminal=True)


def test_a_check_across_given_answers_is_refused_up_front():
    with pytest.raises(Invalid, match="before the start"):
        check({"name": "A", "start": "+3d", "due": "+1d", "notes": ["n"]}, for_terminal=False)


def test_a_check_that_a_prompt_could_still_satisfy_waits_for_the_prompts():
    """On a terminal the start (a default) may be changed at its prompt: no verdict yet."""
    check({"name": "A", "due": "2000-01-01"}, for_terminal=True)


def test_draft_answers_count_as_given_for_a_script():
    draft = DraftState(answers={"name": "From the draft", "due": "+1w", "notes": ["x"]})
    check({}, for_terminal=False, draft=draft)


def test_everything_given_passes():
    check({"name": "A", "due": "+1w", "notes": ["x", "y"]}, for_terminal=False)
