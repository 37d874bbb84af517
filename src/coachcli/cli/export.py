"""coach export: Markdown notes of a session, a rep, or every rep."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coachcli.cli import context, output

app = typer.Typer(help="Markdown notes: session, rep, all.", no_args_is_help=True)

OutputFile = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (default: stdout).", dir_okay=False),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite existing files.")]
RepSafeOption = Annotated[
    bool,
    typer.Option(
        "--rep-safe", help="Leave out private notes, consequence details and root causes."
    ),
]


@app.command("session")
def session_(
    session_id: Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="Session number.")],
    out: OutputFile = None,
    force: ForceOption = False,
    rep_safe: RepSafeOption = False,
) -> None:
    """One session as Markdown."""
    from coachcli.services import export

    with context.database() as db, db.session() as session:
        text = export.session_document(session, session_id, context.today(), rep_safe)
    _deliver(text, out, force)


@app.command("rep")
def rep_(
    rep: Annotated[str, typer.Argument(help="Rep name or a unique start of it.")],
    out: OutputFile = None,
    force: ForceOption = False,
    rep_safe: RepSafeOption = False,
) -> None:
    """A rep's running document: plan focus, actions, sessions newest first."""
    from coachcli.services import export, team

    with context.database() as db, db.session() as session:
        found = team.resolve_rep(session, rep, include_archived=True)
        text = export.rep_document(session, context.methodology(), found, context.today(), rep_safe)
    _deliver(text, out, force)


@app.command("all")
def all_(
    folder: Annotated[
        Path, typer.Option("--dir", help="Folder for one file per rep.", file_okay=False)
    ],
    force: ForceOption = False,
    rep_safe: RepSafeOption = False,
) -> None:
    """Every rep's running document, one Markdown file each."""
    from coachcli.services import export

    with context.database() as db, db.session() as session:
        written = export.export_all(
            session, context.methodology(), folder, context.today(), rep_safe, force
        )
    output.success(f"Wrote {len(written)} file(s) to {folder}")


def _deliver(text: str, out: Path | None, force: bool) -> None:
    from coachcli.files import write_private_file

    if out is None:
        output.write(text)
        return
    output.success(f"Wrote {write_private_file(out, text, force)}")
