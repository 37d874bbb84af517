"""coach deal undo-import on a real pseudo-terminal: it asks before it undoes."""

import pexpect

from .test_pty import CTRL_C, spawn  # noqa: F401  (fixture)
from .test_pty_grow import cli_json

EXPORT = (
    "Id,Name,Opportunity Owner,StageName,Amount,CloseDate\n"
    "006A,Alpha,Ana Souza,Qualification,10000,2054-12-15\n"
    "006B,Beta,Ana Souza,Qualification,20000,2054-12-15\n"
)


def test_undo_import_asks_and_no_keeps_ctrl_c_keeps_yes_undoes(spawn, coach, tmp_path):  # noqa: F811
    coach("team", "add", "Ana Souza", "--no-input")
    path = tmp_path / "a.csv"
    path.write_text(EXPORT)
    assert coach("deal", "import", str(path)).exit_code == 0
    child = spawn("deal", "undo-import")
    child.expect("Undo the import of a.csv as of 2054-11-22")
    child.send("n")
    child.expect("Nothing changed")
    child.expect(pexpect.EOF)
    assert len(cli_json("deal", "list")) == 2
    child = spawn("deal", "undo-import")
    child.expect("It removes the 2 deals it added")
    child.send(CTRL_C)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert len(cli_json("deal", "list")) == 2
    child = spawn("deal", "undo-import")
    child.expect("Undo the import")
    child.send("y")
    child.expect("Undid the import of a.csv")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert cli_json("deal", "list") == []
