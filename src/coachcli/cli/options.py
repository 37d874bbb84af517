"""Options that many commands share, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coachcli.cli.output import Format, ListFormat

FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
ListFormatOption = Annotated[
    ListFormat,
    typer.Option(
        "--format", "-f", help="Output format (csv for spreadsheets).", case_sensitive=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Short for --format json.")]
LimitOption = Annotated[
    int | None,
    typer.Option(
        min=0,
        metavar="N",
        help="Show at most N rows; 0 for all (a table shows 100 unless told; JSON, CSV "
        "and Markdown show all).",
    ),
]
# For commands that change a record: what was stored, as JSON on stdout.
RecordJsonOption = Annotated[
    bool, typer.Option("--json", help="Print the record as stored, as JSON.")
]
NoInputOption = Annotated[
    bool, typer.Option("--no-input", help="Never prompt; missing required values are errors.")
]
AnswersOption = Annotated[
    Path | None,
    typer.Option(
        "--answers", help="YAML or JSON file with answers to the questions.", dir_okay=False
    ),
]
ResumeOption = Annotated[
    bool, typer.Option("--resume", help="Resume a saved draft without asking.")
]
DiscardOption = Annotated[bool, typer.Option("--discard-draft", help="Throw a saved draft away.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
