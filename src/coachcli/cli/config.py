"""coach config: where the methodology override lives and what is in effect."""

from __future__ import annotations

from typing import Annotated

import typer

from coachcli.cli import context, output
from coachcli.cli.help import sub_app
from coachcli.cli.options import FormatOption, JsonOption, ListFormatOption
from coachcli.cli.output import Format, ListFormat

app = sub_app(
    "The methodology in effect, where to override it, and exchange rates.\n\n"
    "\b\nExamples:\n"
    "  coach config show\n"
    "  coach config path\n"
    "  coach config fx EUR 1.08 --as-of 2026-12-01"
)


@app.command("path")
def path() -> None:
    """Print the path of your methodology override file (it need not exist yet)."""
    from coachcli.config import user_methodology_path

    target = user_methodology_path()
    output.write(f"{target}\n")
    if not target.exists():
        output.note(
            "Not created yet: put a methodology.toml there to override the shipped one "
            "key by key (see examples/methodology-override.toml)."
        )


@app.command("show")
def show(fmt: FormatOption = Format.table, as_json: JsonOption = False) -> None:
    """Show the methodology in effect: shipped defaults merged with your override."""
    from coachcli.render.methodology import methodology_sections
    from coachcli.render.records import markdown_table, to_json
    from coachcli.render.tables import rich_table
    from coachcli.render.text import markdown_text

    data = context.methodology().model_dump(mode="json")
    chosen = output.chosen_format(fmt, as_json)
    if chosen is Format.json:
        output.write(to_json(data))
        return
    sections = methodology_sections(data)
    if chosen is Format.markdown:
        output.write(
            f"# {markdown_text(data['meta']['name'])}\n\n"
            + "\n".join(
                f"## {title}\n\n{markdown_table(rows, columns)}"
                for title, rows, columns in sections
            )
        )
        return
    output.note(f"{data['meta']['name']} (version {data['meta']['version']})")
    for title, rows, columns in sections:
        output.show(rich_table(rows, columns, title))


# Unknown options are read as arguments: `coach config fx EUR -1` is a rate to refuse,
# not an option "-1".
@app.command("fx", context_settings={"ignore_unknown_options": True})
def fx(
    currency: Annotated[
        str | None,
        typer.Argument(metavar="CURRENCY", help="ISO 4217 code, e.g. EUR; alone: its rates."),
    ] = None,
    rate: Annotated[
        str | None,
        typer.Argument(metavar="RATE", help="What 1 CURRENCY is worth in the workspace currency."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="First day the rate applies (default: today).")
    ] = None,
    fmt: ListFormatOption = ListFormat.table,
    as_json: Annotated[
        bool, typer.Option("--json", help="Short for --format json; with RATE, the rate kept.")
    ] = False,
) -> None:
    """Keep an exchange rate, or list them (without RATE).

    A deal in another currency counts in totals at the latest rate on or before its
    close date (today's while open); a deal whose rate is missing is left out of
    totals, and the report says how much.

    \b
    Examples:
      coach config fx EUR 1.08 --as-of 2026-12-01
      coach config fx
      coach config fx JPY --format csv
    """
    if rate is not None:
        _keep_rate(currency or "", rate, as_of, as_json)
        return
    if as_of is not None:
        from coachcli.errors import Invalid

        raise Invalid("--as-of dates a new rate: give the rate too, e.g. `coach config fx "
                      f"{currency or 'EUR'} 1.08 --as-of {as_of}`.")  # fmt: skip
    _list_rates(currency, output.chosen_format(fmt, as_json))


def _keep_rate(currency: str, rate: str, as_of: str | None, as_json: bool) -> None:
    from coachcli.dates import parse_date
    from coachcli.render.rates import rate_text
    from coachcli.services import rates

    day = parse_date(as_of, context.today()) if as_of is not None else context.today()
    methodology, now = context.methodology(), context.clock().now()
    with context.database() as db, db.session(write=True) as session:
        kept = rates.set_rate(session, methodology, currency, rate, day, now)
    message = f"1 {kept.currency} = {rate_text(kept.rate)} {kept.in_currency} from {kept.as_of}"
    if kept.replaced is not None:
        message += f" (was {rate_text(kept.replaced)})"
    output.changed(message + ".", kept.model_dump(mode="json"), as_json)


def _list_rates(currency: str | None, fmt: ListFormat) -> None:
    from coachcli.render.rates import RATE_COLUMNS, unused_note
    from coachcli.services import rates

    methodology = context.methodology()
    with context.database() as db, db.session() as session:
        found = rates.list_rates(session, methodology, currency)
    records = [rate.model_dump(mode="json", exclude={"replaced"}) for rate in found.rates]
    empty = (
        f"No exchange rates into {methodology.currency} yet. Keep one with "
        "`coach config fx EUR 1.08 --as-of DATE` (1 EUR = 1.08 " + methodology.currency + ")."
    )
    output.emit_records(records, RATE_COLUMNS, fmt, "Exchange rates", empty=empty)
    if found.unused:
        output.note(unused_note(found.unused, methodology.currency))
