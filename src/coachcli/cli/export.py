"""coach export: Markdown notes of a session, a rep, or every rep."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coachcli.cli import context, output
from coachcli.cli.help import sub_app

app = sub_app(
    "Markdown notes of sessions and reps.\n\n"
    "\b\nExamples:\n"
    "  coach export session 3\n"
    "  coach export rep ana --rep-safe -o ana.md\n"
    "  coach export all --dir notes/"
)

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
    from coachcli.render.markdown import session_markdown
    from coachcli.services import export

    with context.reading() as connection:
        notes = export.session_notes(connection, session_id, context.today())
    _deliver(session_markdown(notes, rep_safe), out, force)


@app.command("rep")
def rep_(
    rep: Annotated[str, typer.Argument(help="Rep name or a unique start of it.")],
    out: OutputFile = None,
    force: ForceOption = False,
    rep_safe: RepSafeOption = False,
) -> None:
    """A rep's running document: plan focus, actions, sessions newest first."""
    from coachcli.services import export, team

    with context.reading() as connection:
        found = team.resolve_rep(connection, rep, include_archived=True)
        notes = export.rep_notes(connection, context.methodology(), found, context.today())
    _deliver(_rep_document(notes, rep_safe), out, force)


@app.command("all")
def all_(
    folder: Annotated[
        Path, typer.Option("--dir", help="Folder for one file per rep.", file_okay=False)
    ],
    force: ForceOption = False,
    rep_safe: RepSafeOption = False,
) -> None:
    """Every rep's running document, one Markdown file each."""
    from coachcli.files import write_private_file
    from coachcli.services import export
    from coachcli.words import counted

    with context.reading() as connection:
        every = export.notes_of_every_rep(
            connection, context.methodology(), folder, context.today(), force
        )
    for path, notes in every:
        write_private_file(path, _rep_document(notes, rep_safe), overwrite=force)
    output.success(f"Wrote {counted(len(every), 'file')} to {folder}")


def _rep_document(notes, rep_safe: bool) -> str:
    from coachcli.render.markdown import rep_markdown

    return rep_markdown(notes.rep, notes.sessions, notes.actions, notes.plan, rep_safe)


def _deliver(text: str, out: Path | None, force: bool) -> None:
    from coachcli.files import write_private_file

    if out is None:
        output.write(text)
        return
    output.success(f"Wrote {write_private_file(out, text, force)}")
