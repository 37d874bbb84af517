"""coach deal add on a real pseudo-terminal: prompts for what the flags did not give."""

import pexpect

from .test_pty import CTRL_C, DOWN, spawn  # noqa: F401  (fixture)
from .test_pty_grow import answer, cli_json


def test_deal_add_asks_for_what_is_missing(spawn, coach):  # noqa: F811
    coach("team", "add", "Ana Souza", "--no-input")
    child = spawn("deal", "add", "--account", "Globex")
    answer(child, "Deal name", "Globex | platform\r")
    answer(child, "Owner", "nobody\r")
    child.expect("No rep named 'nobody'")  # refused in place
    child.send("\x7f" * 6 + "ana\r")
    answer(child, "Stage", DOWN * 2 + "\r")  # prospecting, qualification, discovery
    answer(child, "Amount", "48k\r")
    answer(child, "Expected close date", "+3w\r")
    answer(child, "Forecast category", "\r")
    answer(child, "Next step", "Demo to the CFO\r")
    child.expect("Added deal coach-1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    deal = cli_json("deal", "show", "coach-1")
    assert (deal["name"], deal["rep"], deal["stage"], deal["amount"], deal["close_date"]) == (
        "Globex | platform",
        "Ana Souza",
        "discovery",
        48000,
        "2054-12-13",
    )


def test_ctrl_c_adds_nothing(spawn, coach):  # noqa: F811
    coach("team", "add", "Ana Souza", "--no-input")
    child = spawn("deal", "add")
    answer(child, "Deal name", "Half typed")
    child.send(CTRL_C)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert cli_json("deal", "list") == []
