"""User text is data (SPEC section 3): whatever a note or a name holds, no command in
any format lets a control character, DEL, C1 or a bidirectional control reach the
terminal raw."""

from __future__ import annotations

import re

import pytest

HOSTILE = "Call\x1b]0;PWNED\x07 CFO\x7f\x85\x9b\u202e[bold]x|#"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FORMATS = ("table", "json", "markdown")


@pytest.fixture
def hostile(coach, ana, write):
    assert coach("actions", "add", "ana", f"{HOSTILE} | me | +2d").exit_code == 0
    held = coach(
        "grow", "ana", "--no-input", "--goal", HOSTILE, "--reality", HOSTILE,
        "--obstacle", HOSTILE, "--option", HOSTILE, "--support", HOSTILE, "--json",
    )  # fmt: skip
    assert held.exit_code == 0, held.stderr
    export = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate,NextStep\n"
    name = HOSTILE.replace("|", "")
    export += f'006H,"{name}",Ana Souza,Qualification,1000,2054-12-15,"{name}"\n'
    assert coach("deal", "import", write("h.csv", export)).exit_code == 0
    return str(held.json()["id"])


def commands(session_id: str) -> list[tuple[str, ...]]:
    lists = [("actions",), ("actions", "--all"), ("sessions",), ("deal", "list")]
    documents = [
        ("sessions", "show", session_id),
        ("deal", "show", "006H"),
        ("deal", "history", "006H"),
        ("pipeline",),
        ("grow", "ana", "--brief"),
    ]
    found = [(*command, "--format", fmt) for command in lists for fmt in (*FORMATS, "csv")]
    found += [(*command, "--format", fmt) for command in documents for fmt in FORMATS]
    return [*found, ("export", "session", session_id), ("export", "rep", "ana")]


def test_no_command_lets_a_control_character_through_in_any_format(coach, hostile):
    leaks, shown = [], 0
    for command in commands(hostile):
        result = coach(*command)
        assert result.exit_code == 0, (command, result.stderr)
        text = (result.stdout + result.stderr).replace("\r\n", "\n")
        leaks += [(command, found) for found in sorted(set(RAW.findall(text)))]
        shown += "PWNED" in text
    assert leaks == []
    assert shown >= 30  # the text is there, escaped, in nearly every output
