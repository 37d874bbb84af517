"""coach pipeline: pipeline health (size, shape, contents) and sales velocity."""

from __future__ import annotations

from typing import Annotated

import typer

from coachcli.cli import context, output
from coachcli.cli.options import FormatOption, JsonOption
from coachcli.cli.output import Format


def pipeline(
    rep: Annotated[
        str | None, typer.Option("--rep", help="One rep (a unique start of the name).")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Quota period, e.g. 2026-Q4 (default: this quarter)."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Exit 3 when coverage is below what the win rate requires or a flag is "
            "over its limit (for cron).",
        ),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="The pipeline as it stood on DATE, from the imports and changes recorded "
            "(its quarter by default).",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """Pipeline health: size, shape, contents and velocity.

    Size: coverage against quota and against what the win rate requires. Shape:
    stages, close months, conversion. Contents: stale, aged, past close date, no
    next step, no close plan, pushed. Sales velocity per rep and for the team.

    \b
    Examples:
      coach pipeline
      coach pipeline --rep ana --period 2027-Q1 --format markdown
      coach pipeline --check || echo "the pipeline needs attention"
      coach pipeline --as-of 2026-09-30
    """
    from coachcli.dates import parse_date, parse_period
    from coachcli.services.pipeline import pipeline_health
    from coachcli.services.team import resolve_rep

    chosen = parse_period(period) if period else None
    today = context.today()
    day = parse_date(as_of, today) if as_of is not None else None
    with context.reading() as connection:
        found = resolve_rep(connection, rep, include_archived=True) if rep is not None else None
        view = pipeline_health(connection, context.methodology(), today, chosen, found, day)
    data = view.model_dump(mode="json")
    _show(data, output.chosen_format(fmt, as_json))
    if check and not view.check.passed:
        from coachcli.errors import CheckFailed
        from coachcli.render.pipeline import check_lines

        raise CheckFailed(check_lines(data)[0])


def _show(data: dict, fmt: Format) -> None:
    from coachcli.render.pipeline import pipeline_markdown, pipeline_screen

    output.emit_document(data, fmt, pipeline_markdown, pipeline_screen)
