"""Files written for the user: private folders, nothing partial left behind."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import file_mode


def test_folders_an_export_creates_are_private_whatever_the_umask(coach, ana, tmp_path):
    existing = tmp_path / "shared"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    before = os.umask(0o022)
    try:
        result = coach("export", "rep", "ana", "-o", str(existing / "new" / "deeper" / "ana.md"))
        assert result.exit_code == 0, result.stderr
        assert coach("export", "all", "--dir", str(tmp_path / "every")).exit_code == 0
    finally:
        os.umask(before)
    assert file_mode(existing / "new") == file_mode(existing / "new" / "deeper") == 0o700
    assert file_mode(tmp_path / "every") == 0o700
    assert file_mode(existing) == 0o755  # a folder the user had stays as it was
    assert file_mode(existing / "new" / "deeper" / "ana.md") == 0o600


# A child that writes under a file size limit, as a full disk acts on writes beyond it,
# and prints the message coach gives.
UNDER_A_LIMIT = """
import resource, signal, sys
from pathlib import Path
from coachcli.errors import StorageError
{setup}
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails, not the process
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
try:
    {write}
except StorageError as error:
    print(error.message)
"""
WRITE_UNDER_A_LIMIT = UNDER_A_LIMIT.format(
    setup="from coachcli.files import write_private_file",
    limit=1 << 20,
    write='write_private_file(Path(sys.argv[1]), "x" * (2 << 20), overwrite=True)',
)


def printed_by(script: str, path: Path) -> str:
    """What `script` printed, run in a child on `path`."""
    run = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                         text=True, check=True)  # fmt: skip
    return run.stdout


def test_a_write_that_fills_the_disk_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out" / "notes.md"
    assert printed_by(WRITE_UNDER_A_LIMIT, target).startswith(
        f"Cannot write {target}: File too large"
    )
    assert list((tmp_path / "out").iterdir()) == []  # no hidden temporary file


def test_a_failed_write_keeps_the_file_that_was_there(tmp_path):
    target = tmp_path / "notes.md"
    target.write_text("the notes of last week")
    subprocess.run([sys.executable, "-c", WRITE_UNDER_A_LIMIT, str(target)], check=True)
    assert target.read_text() == "the notes of last week"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.md"]


def limited_to(size: int):
    """A child's file size limit, as a full disk acts on writes beyond it."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def test_a_backup_that_runs_out_of_space_keeps_the_earlier_backup(coach, ana, tmp_path):
    target = tmp_path / "backups" / "coach.bak"
    assert coach("db", "backup", str(target)).exit_code == 0
    earlier = target.read_bytes()
    for n in range(40):  # a database larger than the limit below
        coach("team", "add", f"Rep {n:02d} " + "x" * 60, "--role", "ae")
    database = Path(os.environ["COACH_HOME"]) / "coach.db"
    limit = database.stat().st_size - 4096
    assert limit > len(earlier)
    run = subprocess.run(
        [sys.executable, "-m", "coachcli", "db", "backup", str(target), "--force"],
        capture_output=True, text=True, preexec_fn=limited_to(limit),
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert f"Cannot write the backup {target}" in run.stderr
    assert "Traceback" not in run.stderr
    assert target.read_bytes() == earlier
    assert sorted(path.name for path in target.parent.iterdir()) == ["coach.bak"]


DRAFT_UNDER_A_LIMIT = UNDER_A_LIMIT.format(
    setup="from coachcli.interview.drafts import Draft\n"
    "draft = Draft(Path(sys.argv[1]))\n"
    'draft.record("goal", "Close Globex")',
    limit=4096,
    write='draft.record("reality", "x" * 8192)',
)


def test_a_draft_that_cannot_grow_keeps_the_answers_before(tmp_path):
    path = tmp_path / "drafts" / "grow-1.jsonl"
    printed = printed_by(DRAFT_UNDER_A_LIMIT, path)
    assert printed.startswith(f"Cannot save the draft in {path.parent}: File too large")
    from coachcli.interview.drafts import Draft

    kept = Draft(path).load()
    assert kept.answers["goal"] == "Close Globex"
