"""A CRM export is imported as a stream (issue 12, item 7): read and written batch by
batch in one transaction, memory bounded whatever the file's size, files that are not
text refused from their start, and running out of memory said plainly."""

from __future__ import annotations

import gzip
import io
import json
import resource
import subprocess
import sys

import pytest

from coachcli.db import deals as queries
from coachcli.services import crm_csv, imports
from coachcli.services.crm_csv import parse_export, read_export

HEADER = "Id,Name,Opportunity Owner,StageName,Amount,CloseDate\n"


def rows(count: int, start: int = 0, stage: str = "Qualification") -> str:
    return "".join(
        f"006{n:04d},Deal {n},Ana Souza,{stage},{1000 + n},2054-12-{1 + n % 28:02d}\n"
        for n in range(start, start + count)
    )


def imported(coach, path: str, *extra: str) -> dict:
    result = coach("deal", "import", path, *extra, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def stored(coach) -> dict[str, tuple]:
    deals = coach("deal", "list", "--status", "all", "--json").json()
    return {d["external_id"]: (d["stage"], d["amount"], d["missing_since"]) for d in deals}


@pytest.fixture
def batches_of_three(monkeypatch):
    """Batches of three rows, the file's ids kept in memory for the first four only."""
    monkeypatch.setattr(crm_csv, "BATCH_ROWS", 3)
    monkeypatch.setattr(queries, "IDS_IN_MEMORY", 4)


# ---- batches ---------------------------------------------------------------------------------

# Bad rows, a duplicate id across batches, a deleted deal, blank lines and a quoted
# newline: whatever the batch size, the same rows, errors and lines.
MIXED = (
    b"Deal - ID,Deal - Title,Deal - Owner,Deal - Stage,Deal - Value,Deal - Expected close date,"
    b"Deal - Status\n"
    b'1,"Acme\nEast",Jo,Qualified,100,2054-12-01,open\n'
    b"2,Globex,Jo,Qualified,lots,2054-12-02,open\n"
    b"\n"
    b"3,Initech,Jo,Qualified,300,2054-12-03,deleted\n"
    b"4,Umbrella,Jo,Nowhere,400,2054-12-04,open\n"
    b"1,Acme again,Jo,Qualified,100,2054-12-05,open\n"
    b"5,Hooli,Jo,Qualified,500,2054-12-06,won\n"
    b"6,,Jo,Qualified,600,2054-12-07,open\n"
    b"4,Umbrella again,Jo,Qualified,400,not a date,open\n"
    b"7,Stark,Jo,Qualified,700,2054-12-08,open\n"
)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 100])
def test_any_batch_size_reads_the_same_rows_errors_and_lines(size):
    whole = parse_export(MIXED)
    export = read_export(io.BytesIO(MIXED))
    batches = list(export.batches(size=size))
    assert [r for b in batches for r in b.rows] == whole.rows
    assert [e for b in batches for e in b.errors] == whole.errors
    assert [e for b in batches for e in b.left_out] == whole.left_out
    reasons = {e.line: e.reason for e in whole.errors}
    assert reasons[8] == "duplicate id '1' (first on line 2)"
    # The duplicate is told where it always was among a row's problems: after the
    # fields' own, before the stage's.
    assert (
        reasons[11].startswith("close date: ")
        and "duplicate id '4' (first on line 7)" in (reasons[11])
    )
    assert [r.external_id for r in whole.rows] == ["1", "5", "7"]
    assert [e.line for e in whole.left_out] == [6]


def test_an_export_of_batches_and_a_part_lands_whole_and_compares_whole(
    coach, ana, write, batches_of_three
):
    first = imported(coach, write("a.csv", HEADER + rows(10)), "--as-of", "2054-11-15")
    assert (first["rows"], first["counts"]["new"], first["deals_changed"]) == (10, 10, 10)
    assert len(first["changes"]) == 10
    # A week later: one deal advanced (in the fourth batch), two gone, one new.
    second = rows(8).replace(
        "0007,Deal 7,Ana Souza,Qualification", "0007,Deal 7,Ana Souza,Proposal"
    )
    report = imported(coach, write("b.csv", HEADER + second + rows(1, start=20)))
    counts = {kind: n for kind, n in report["counts"].items() if n}
    assert counts == {"new": 1, "advanced": 1, "missing": 2}
    assert [c["external_id"] for c in report["changes"]] == [
        "0060007", "0060020", "0060008", "0060009"]  # fmt: skip
    deals = stored(coach)
    assert len(deals) == 11
    assert deals["0060007"][0] == "proposal"
    assert deals["0060009"][2] == "2054-11-22" and deals["0060006"][2] is None
    history = coach("deal", "history", "0060007", "--json").json()
    assert [event["kind"] for event in history] == ["created", "stage"]


def test_a_bad_row_in_a_later_batch_imports_nothing(coach, ana, write, batches_of_three):
    imported(coach, write("a.csv", HEADER + rows(4)), "--as-of", "2054-11-15")
    before = stored(coach)
    changed = rows(10, stage="Proposal").replace("1009,2054-12-10", "lots,2054-12-10")
    result = coach("deal", "import", write("b.csv", HEADER + changed))
    assert result.exit_code == 2
    assert "1 bad row; nothing was imported:\n  line 11: amount:" in result.stderr
    assert stored(coach) == before  # the first three batches were written, then undone
    undo = coach("deal", "undo-import", "--yes", "--json")
    assert undo.json()["file"] == "a.csv"  # the refused import left no snapshot


def test_a_duplicate_id_batches_apart_is_a_bad_row_with_its_first_line(
    coach, ana, write, batches_of_three
):
    text = HEADER + rows(7) + rows(1, start=2)
    result = coach("deal", "import", write("a.csv", text))
    assert result.exit_code == 2
    assert "line 9: duplicate id '0060002' (first on line 4)" in result.stderr
    assert stored(coach) == {}


def test_many_bad_rows_are_counted_and_the_first_shown(coach, ana, write, batches_of_three):
    bad = "".join(f"x{n},Bad {n},Ana Souza,Qualification,lots,2054-12-01\n" for n in range(60))
    path = write("a.csv", HEADER + rows(2) + bad)
    refused = coach("deal", "import", path)
    assert refused.exit_code == 2
    assert "60 bad rows; nothing was imported:" in refused.stderr
    assert "line 53: amount" in refused.stderr and "line 54:" not in refused.stderr
    assert "  … and 10 more" in refused.stderr
    report = imported(coach, path, "--skip-invalid")
    assert (report["rows"], report["bad_row_count"], len(report["bad_rows"])) == (2, 60, 50)
    table = coach("deal", "import", path, "--skip-invalid", "--dry-run")
    assert "Skipped 60 bad rows:" in table.stderr and "  … and 10 more" in table.stderr


def test_deleted_deals_are_counted_and_their_first_lines_listed(coach, ana, write):
    header = (
        "Deal - ID,Deal - Title,Deal - Owner,Deal - Stage,Deal - Expected close date,"
        "Deal - Status\n"
    )
    gone = "".join(f"{n},Gone {n},Ana Souza,Qualified,2054-12-01,deleted\n" for n in range(25))
    result = coach(
        "deal",
        "import",
        write("a.csv", header + "99,Kept,Ana Souza,Qualified,2054-12-01,open\n" + gone),
    )
    assert result.exit_code == 0, result.stderr
    listed = ", ".join(str(line) for line in range(3, 23))
    assert f"Left out 25 deals deleted in the CRM (lines {listed} and 5 more)." in result.stderr


# ---- the report, however many changes --------------------------------------------------------


def test_json_streams_every_change_as_the_whole_report_would_be_written(
    coach, ana, write, monkeypatch
):
    from coachcli.render.records import to_json

    monkeypatch.setattr(imports, "SPILLED_DEALS", 7)  # the changes come back in parts

    result = coach("deal", "import", write("a.csv", HEADER + rows(120)), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert len(report["changes"]) == 120 == report["deals_changed"]
    assert result.stdout == to_json(report)  # the same text, key order and indent
    empty = coach("deal", "import", write("a.csv", HEADER + rows(120)), "--json")
    assert empty.json()["changes"] == [] and empty.stdout == to_json(empty.json())


def test_the_table_counts_every_deal_and_markdown_lists_every_one(coach, ana, write, monkeypatch):
    from coachcli.render.deals import import_markdown

    monkeypatch.setattr(imports, "SPILLED_DEALS", 7)

    coach("deal", "import", write("a.csv", HEADER + rows(3) + rows(100, start=10)), "--as-of",
          "2054-11-15")  # fmt: skip
    moved = rows(3, stage="Proposal") + rows(100, start=10, stage="Proposal") + rows(50, start=200)
    path = write("b.csv", HEADER + moved)
    table = coach("deal", "import", path, "--dry-run")
    assert "… and 113 more deals; --json lists every change." in table.stdout
    report = coach("deal", "import", path, "--dry-run", "--json").json()
    assert report["deals_changed"] == 153 and len(report["changes"]) == 153
    markdown = coach("deal", "import", path, "--dry-run", "--format", "markdown").stdout
    assert markdown == import_markdown(report)  # streamed, as the whole report reads
    listed = markdown.split("## Changes by deal")[1].splitlines()[4:]
    assert len(listed) == 153
    assert "advanced" in listed[102] and "new" in listed[103]  # moved first, then new


# ---- files that are not text ---------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        gzip.compress((HEADER + rows(50)).encode(), mtime=0),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16,
        (HEADER + rows(20)).encode() + b"\x00" * 8 + rows(5, start=40).encode(),
    ],
    ids=["gzip", "png", "nul-bytes"],
)
def test_a_binary_file_is_refused_from_its_first_megabyte(coach, ana, tmp_path, content):
    path = tmp_path / "deals.csv"
    path.write_bytes(content)
    result = coach("deal", "import", str(path))
    assert result.exit_code == 2
    assert f"{path} is not a text file (it holds NUL bytes" in result.stderr
    assert stored(coach) == {}


def test_dev_zero_is_refused_at_once_without_eating_memory(coach, ana):
    run = subprocess.run(
        [sys.executable, "-m", "coachcli", "deal", "import", "/dev/zero"],
        capture_output=True, text=True, timeout=60, preexec_fn=address_space(LIMIT),
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert "/dev/zero is not a text file" in run.stderr


def test_binary_data_past_the_first_megabyte_is_refused_before_anything_is_read(
    coach, ana, tmp_path
):
    path = tmp_path / "deals.csv"
    text = (HEADER + rows(20_000)).encode()
    assert len(text) > 1 << 20
    path.write_bytes(text + b"\x00\x01\x02" + rows(5, start=30_000).encode())
    result = coach("deal", "import", str(path))
    assert result.exit_code == 2
    assert "The file is not a CSV file (it holds binary data)." in result.stderr
    assert stored(coach) == {}


def test_a_line_of_many_megabytes_is_no_export(coach, ana, tmp_path):
    path = tmp_path / "deals.csv"
    with path.open("w") as handle:
        handle.write(HEADER + rows(2))
        handle.write("x" * (17 << 20))  # no newline: held whole, it would fill memory
    result = coach("deal", "import", str(path))
    assert result.exit_code == 2
    assert "Line 4 is longer than 16 million characters; this is no CSV export." in result.stderr


def test_an_export_from_a_pipe_is_read_twice_from_a_copy(coach, ana):
    run = subprocess.run(
        [sys.executable, "-m", "coachcli", "deal", "import", "/dev/stdin", "--json"],
        input=HEADER + rows(3), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["counts"]["new"] == 3
    assert len(stored(coach)) == 3


# ---- memory ----------------------------------------------------------------------------------

# An address space in which the streaming import of 100,000 deals runs (it needs less
# than 130 MiB), and in which reading the whole file, as imports did, ran out of memory.
LIMIT = 200 << 20


def address_space(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def test_a_large_export_is_read_within_a_bounded_memory(coach, ana, tmp_path):
    path = tmp_path / "deals.csv"
    with path.open("w") as handle:
        handle.write(HEADER)
        for n in range(100_000):
            handle.write(
                f"006{n:07d},Deal {n},Ana Souza,Qualification,{1000 + n % 500},2054-12-01\n"
            )
    run = subprocess.run(
        [sys.executable, "-m", "coachcli", "deal", "import", str(path), "--dry-run"],
        capture_output=True, text=True, timeout=120, preexec_fn=address_space(LIMIT),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Would import 100000 deals from deals.csv (salesforce)" in run.stderr
    assert "… and 99960 more deals" in run.stdout


# A child that imports once (every module the import uses is loaded), then imports a
# file whose long line needs more memory than the child may take, and prints the exit.
OUT_OF_MEMORY = """
import resource, sys
from coachcli.cli.app import app
from coachcli.cli.context import state

def coach(*args):
    try:
        app(list(args), prog_name="coach")
    except SystemExit as done:
        return done.code

assert coach("deal", "import", sys.argv[1], "--as-of", "2054-11-15") == 0
state.writing = state.saved = False  # as in a process of its own
with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) << 10 for line in status if line.startswith("VmSize"))
resource.setrlimit(resource.RLIMIT_AS, (size + (12 << 20), resource.RLIM_INFINITY))
print("exit", coach("deal", "import", sys.argv[2]))
"""


def test_running_out_of_memory_says_so_and_saves_nothing(coach, ana, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(HEADER + rows(5))
    with second.open("w") as handle:
        handle.write(HEADER + rows(5, stage="Proposal") + rows(2, start=10))
        handle.write("006X,Long," + "x" * (15 << 20) + "\n")
    run = subprocess.run([sys.executable, "-c", OUT_OF_MEMORY, str(first), str(second)],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.stdout.strip().splitlines()[-1] == "exit 1", run.stderr
    assert "Error: The computer ran out of memory; nothing was saved." in run.stderr
    assert "Unexpected internal error" not in run.stderr and "Traceback" not in run.stderr
    deals = stored(coach)
    assert len(deals) == 5 and {stage for stage, _, _ in deals.values()} == {"qualification"}
