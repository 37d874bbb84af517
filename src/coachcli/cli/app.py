"""The root command: global options, the sub-apps, and the one place errors become exits."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from coachcli import VERSION_LINE
from coachcli.cli import actions as actions_cli
from coachcli.cli import config as config_cli
from coachcli.cli import db as db_cli
from coachcli.cli import deal as deal_cli
from coachcli.cli import demo as demo_cli
from coachcli.cli import export as export_cli
from coachcli.cli import grow as grow_cli
from coachcli.cli import learning as learning_cli
from coachcli.cli import pipeline as pipeline_cli
from coachcli.cli import plan as plan_cli
from coachcli.cli import sessions as sessions_cli
from coachcli.cli import team as team_cli
from coachcli.cli.context import state
from coachcli.cli.help import grouped_commands, tidy
from coachcli.errors import CoachError, Interrupted


class CoachGroup(TyperGroup):
    """Runs every command; turns CoachError, Ctrl-C and crashes into one line and a code.
    Its help lists the commands by job."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        tidy(self)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        longest = max(len(name) for name in self.commands)
        width = formatter.width - 6 - longest
        for title, names in grouped_commands(self.commands):
            # Names padded alike, so that every section's descriptions line up.
            rows = [
                (name.ljust(longest), self.commands[name].get_short_help_str(width))
                for name in names
            ]
            with formatter.section(title):
                formatter.write_dl(rows)

    def invoke(self, ctx: Any) -> Any:
        from coachcli.cli import output

        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # usage errors and deliberate exits keep Typer's handling (exit 2 …)
        except CoachError as problem:
            for line in problem.lines():
                output.error(line, label=problem.label)
            if problem.hint:
                output.note(problem.hint)
            raise typer.Exit(problem.exit_code) from None
        except KeyboardInterrupt:
            output.error(interrupted_message())
            raise typer.Exit(Interrupted.exit_code) from None
        except MemoryError as error:
            error.__traceback__ = None  # let go of its frames, and of the memory they hold
            output.error(out_of_memory_message(), "Close other programs and run it again.")
            raise typer.Exit(1) from None
        except Exception as crash:
            if state.debug:
                raise
            # The message of an unexpected error may quote user data: show its type only.
            output.error(
                f"Unexpected internal error ({type(crash).__name__}).",
                "Run again with --debug to see the traceback.",
            )
            raise typer.Exit(1) from None


def out_of_memory_message() -> str:
    """Each command writes in one transaction, rolled back on the way out when memory
    runs out before it is saved."""
    if state.saved:
        return "The computer ran out of memory after the changes were saved."
    return "The computer ran out of memory; nothing was saved."


def interrupted_message() -> str:
    """What a Ctrl-C left behind: each command writes in one transaction, so either
    all of it was saved or none of it."""
    if state.saved:
        return "Interrupted after the changes were saved."
    if state.writing:
        return "Interrupted; nothing was saved."
    return "Interrupted."


app = typer.Typer(
    cls=CoachGroup,
    name="coach",
    help="Coaching assistant for first-line sales managers: one-on-ones, development "
    "plans, deals and pipeline, kept in a local SQLite file.\n\n"
    "Start with `coach demo` to try it on a demo team, or `coach team add` for your own.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: Rich's would cost every --help 0.1 s of imports
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(VERSION_LINE)
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="COACH_DB",
            show_envvar=True,
            help="Database file or SQLAlchemy URL (default: coach.db in the data folder).",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Coaching assistant for first-line sales managers."""
    from coachcli.clock import Clock

    state.db = db
    state.debug = debug
    state.clock = Clock.from_environment()


app.add_typer(team_cli.app, name="team")
app.add_typer(plan_cli.app, name="plan")
app.command("grow")(grow_cli.grow)
app.command("pipeline")(pipeline_cli.pipeline)
app.add_typer(deal_cli.app, name="deal")
app.add_typer(actions_cli.app, name="actions")
app.add_typer(learning_cli.app, name="learning")
app.add_typer(sessions_cli.app, name="sessions")
app.add_typer(export_cli.app, name="export")
app.add_typer(db_cli.app, name="db")
app.add_typer(config_cli.app, name="config")
app.command("demo")(demo_cli.demo)
