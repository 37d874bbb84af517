"""coach demo: a workspace to try coach on, never touching your own data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coachcli.cli import context, output


def _default_demo_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("coachcli-demo", appauthor=False)


def demo(
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Folder for the demo workspace (default: a coachcli-demo folder beside "
            "the platform's user data folder).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Build a demo team in a folder of its own and show it.

    The demo never touches your own data: it lives in a folder of its own, and
    `coach demo` rebuilds it for today each time.

    \b
    Example:
      coach demo
    """
    from coachcli.render.demo import tour
    from coachcli.services import team
    from coachcli.services.demo import build_demo

    workspace = build_demo(folder or _default_demo_dir(), context.methodology(), context.clock())
    context.state.db = f"sqlite:///{workspace.database}"
    with context.reading() as connection:
        reps = team.list_reps(connection, context.methodology(), context.today())
    output.success(f"Demo workspace with {workspace.reps} reps: {workspace.folder}")
    team_records = [rep.model_dump(mode="json") for rep in reps]
    output.show(tour(workspace.folder, team_records, _launcher()), soft_wrap=True)


def _launcher():
    """`coach` when the shell finds this very script; else activate its environment first
    (a fresh clone runs `.venv/bin/coach demo`), or name the script by its path."""
    import shlex
    import shutil
    import sys

    from coachcli.render.demo import Launcher

    script = Path(sys.argv[0]).resolve()
    if script.name != "coach":  # python -m coachcli
        return Launcher(command=f"{shlex.quote(sys.executable)} -m coachcli")
    found = shutil.which("coach")
    if found and Path(found).resolve() == script:
        return Launcher()
    activate = script.parent / "activate"
    if activate.is_file():
        return Launcher(activate=str(activate))
    return Launcher(command=str(script))
