"""coach deal: opportunities by hand or from CRM exports, with their history."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from coachcli.cli import context, output
from coachcli.cli.groups import ListByDefault
from coachcli.cli.help import sub_app
from coachcli.cli.options import (
    AnswersOption,
    DiscardOption,
    FormatOption,
    JsonOption,
    LimitOption,
    ListFormatOption,
    NoInputOption,
    RecordJsonOption,
    ResumeOption,
    YesOption,
)
from coachcli.cli.output import Format, ListFormat

app = sub_app(
    "Deals, by hand or from CRM exports.\n\n"
    "list (the default), add, show, update, close, plan-step, history, import, undo-import.\n\n"
    "\b\nExamples:\n"
    "  coach deal import ~/Downloads/opportunities.csv\n"
    "  coach deal undo-import\n"
    "  coach deal ana --status all\n"
    "  coach deal update globex --stage proposal --close +3w --champion",
    ListByDefault,
)

DealArgument = Annotated[
    str, typer.Argument(help="Deal id (from the CRM), #number, or a unique start of its name.")
]
Flag = Annotated[bool | None, typer.Option()]


@app.command("list")
def list_(
    rep: Annotated[str | None, typer.Argument(help="Only this rep's deals.")] = None,
    status: Annotated[
        str, typer.Option(help="open (default), won, lost or all.", case_sensitive=False)
    ] = "open",
    period: Annotated[str | None, typer.Option(help="Closing in this period.")] = None,
    limit: LimitOption = None,
    fmt: ListFormatOption = ListFormat.table,
    as_json: JsonOption = False,
) -> None:
    """List deals, soonest close date first."""
    from coachcli.dates import parse_period
    from coachcli.errors import Invalid
    from coachcli.render.deals import deal_columns, left_out_note, total_lines
    from coachcli.services import deals, team

    if status not in ("open", "won", "lost", "all"):
        raise Invalid(f"--status must be open, won, lost or all; not {status!r}.")
    window = parse_period(period) if period else None
    chosen = output.chosen_format(fmt, as_json)
    most = output.row_limit(limit, chosen)
    with context.reading() as connection:
        found = team.resolve_rep(connection, rep, include_archived=True) if rep else None
        page = deals.list_deals(
            connection, context.methodology(), context.today(), found and found.id, status,
            window, most,
        )  # fmt: skip
    records = [item.model_dump(mode="json") for item in page.deals]
    totals = total_lines([total.model_dump() for total in page.totals])
    output.emit_records(
        records, deal_columns(records), chosen, empty="No deals to show.", footer=totals
    )
    if page.total > len(records):
        output.note(left_out_note(len(records), page.total))


@app.command("add")
def add(
    name: Annotated[str | None, typer.Option(help="Deal name.")] = None,
    rep: Annotated[str | None, typer.Option(help="Owner: a rep of the team.")] = None,
    stage: Annotated[str | None, typer.Option(help="Stage (see coach config show).")] = None,
    amount: Annotated[str | None, typer.Option(help="Amount, e.g. 48000 or 48k.")] = None,
    close: Annotated[str | None, typer.Option(help="Expected close date.")] = None,
    category: Annotated[str | None, typer.Option(help="Forecast category.")] = None,
    account: Annotated[str | None, typer.Option(help="Account name.")] = None,
    next_step: Annotated[str | None, typer.Option(help="The next step agreed.")] = None,
    deal_id: Annotated[
        str | None, typer.Option("--id", help="The CRM's id (default: coach-N).")
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(help="ISO 4217 code, e.g. EUR (default: the workspace currency)."),
    ] = None,
    confirmed: Annotated[
        bool, typer.Option("--confirmed", help="Pricing and terms agreed with the buyer.")
    ] = False,
    champion: Annotated[bool, typer.Option("--champion", help="A champion is engaged.")] = False,
    economic_buyer: Annotated[
        bool, typer.Option("--economic-buyer", help="The economic buyer is engaged.")
    ] = False,
    decision_process: Annotated[
        bool, typer.Option("--decision-process", help="The decision process is known.")
    ] = False,
    resume: ResumeOption = False,
    discard_draft: DiscardOption = False,
    no_input: NoInputOption = False,
    answers: AnswersOption = None,
    as_json: RecordJsonOption = False,
) -> None:
    """Add a deal by hand (prompts for what is missing on a terminal)."""
    from coachcli.interview.answers import merge_answers

    flags = {"name": name, "rep": rep, "stage": stage, "amount": amount, "close_date": close}
    flags |= {"forecast_category": category, "account": account, "next_step": next_step}
    extra = {"external_id": deal_id, "currency": currency, "value_confirmed": confirmed}
    extra |= {"champion": champion, "economic_buyer": economic_buyer}
    extra |= {"decision_process": decision_process}
    known = merge_answers(answers, flags)
    info = _interview_new_deal(known, extra, (no_input, resume, discard_draft))
    output.success(f"Added deal {info.external_id}: {info.name}.")
    _emit_one(info, output.chosen_format(Format.table, as_json))


def _interview_new_deal(known: dict, extra: dict, prompting: tuple):
    """Ask what `known` lacks, then add the deal with the `extra` fields that have no
    question (id, currency, commitment evidence)."""
    from coachcli.currencies import currency_code
    from coachcli.db.shared import driver
    from coachcli.interview.deal import ask_new_deal
    from coachcli.services import deals, team

    methodology, today, clock = context.methodology(), context.today(), context.clock()
    if extra["currency"] is not None:  # refused before the first question
        extra["currency"] = currency_code(extra["currency"])
    with context.database() as db:
        with db.reading() as connection:
            deals.check_new_id(connection, extra["external_id"])

        def rep_name(text: str) -> str:
            with db.reading() as connection:
                return team.resolve_rep(connection, text).name

        def save(values, _conversation):
            with db.session(write=True) as session:
                values["rep_id"] = team.resolve_rep(driver(session), values.pop("rep")).id
                fields = deals.DealFields(**values, **extra)
                deal = deals.add_deal(session, methodology, fields, today, clock.now())
                return deals.show_deal(driver(session), methodology, deal, today)

        runner = context.interview(db, "deal-add", "new", "coach deal add", known, prompting)
        return runner.run(lambda asker, _: ask_new_deal(asker, methodology, today, rep_name), save)


@app.command("show")
def show(deal: DealArgument, fmt: FormatOption = Format.table, as_json: JsonOption = False) -> None:
    """A deal in full: stage, amount, close date, commitment evidence, close plan."""
    from coachcli.services import deals

    with context.reading() as connection:
        found = deals.resolve_deal(connection, deal)
        info = deals.show_deal(connection, context.methodology(), found, context.today())
    _emit_one(info, output.chosen_format(fmt, as_json))


@app.command("update")
def update(
    deal: DealArgument,
    stage: Annotated[str | None, typer.Option(help="New stage.")] = None,
    amount: Annotated[str | None, typer.Option(help="New amount.")] = None,
    currency: Annotated[str | None, typer.Option(help="New currency (ISO 4217 code).")] = None,
    close: Annotated[str | None, typer.Option(help="New expected close date.")] = None,
    category: Annotated[str | None, typer.Option(help="New forecast category.")] = None,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    account: Annotated[str | None, typer.Option(help="New account.")] = None,
    next_step: Annotated[str | None, typer.Option(help="The next step agreed.")] = None,
    last_activity: Annotated[str | None, typer.Option(help="Date of the last activity.")] = None,
    rep: Annotated[str | None, typer.Option(help="New owner.")] = None,
    confirmed: Annotated[
        bool | None, typer.Option("--confirmed/--estimated", help="Value confirmed or estimated.")
    ] = None,
    champion: Annotated[bool | None, typer.Option("--champion/--no-champion")] = None,
    economic_buyer: Annotated[
        bool | None, typer.Option("--economic-buyer/--no-economic-buyer")
    ] = None,
    decision_process: Annotated[
        bool | None, typer.Option("--decision-process/--no-decision-process")
    ] = None,
    as_json: RecordJsonOption = False,
) -> None:
    """Change a deal; stage, amount, close date and category changes are kept as events."""
    from coachcli.dates import parse_date
    from coachcli.db.shared import driver
    from coachcli.money import parse_amount
    from coachcli.services import deals, team

    today = context.today()
    changes: dict[str, Any] = {"stage": stage, "forecast_category": category, "name": name}
    changes |= {"account": account, "next_step": next_step, "value_confirmed": confirmed}
    changes["currency"] = currency
    changes |= {"champion": champion, "economic_buyer": economic_buyer}
    changes |= {"decision_process": decision_process}
    changes["amount"] = parse_amount(amount) if amount is not None else None
    changes["close_date"] = parse_date(close, today) if close else None
    changes["last_activity"] = parse_date(last_activity, today) if last_activity else None
    changes = {key: value for key, value in changes.items() if value is not None}
    methodology = context.methodology()
    with context.database() as db, db.session(write=True) as session:
        found = deals.deal_to_change(session, deal)
        if rep:
            changes["rep"] = team.resolve_rep(driver(session), rep)
        deals.update_deal(session, methodology, found, changes, today, context.clock().now())
        info = deals.show_deal(driver(session), methodology, found, today)
    output.success(f"Updated {info.external_id}: {info.name}.")
    _emit_one(info, output.chosen_format(Format.table, as_json))


@app.command("close")
def close(
    deal: DealArgument,
    won: Annotated[bool, typer.Option("--won", help="The deal was won.")] = False,
    lost: Annotated[bool, typer.Option("--lost", help="The deal was lost.")] = False,
    reason: Annotated[str | None, typer.Option(help="Why it was lost.")] = None,
    on: Annotated[str | None, typer.Option(help="Day it closed (default: today).")] = None,
    as_json: RecordJsonOption = False,
) -> None:
    """Close a deal as won or lost."""
    from coachcli.dates import parse_date
    from coachcli.db.shared import driver
    from coachcli.errors import Invalid
    from coachcli.services import deals

    if won == lost:
        raise Invalid("Say how it closed: --won or --lost.")
    today = context.today()
    day = parse_date(on, today) if on else today
    methodology = context.methodology()
    with context.database() as db, db.session(write=True) as session:
        found = deals.deal_to_change(session, deal)
        deals.close_deal(session, methodology, found, won, reason, day, context.clock().now())
        info = deals.show_deal(driver(session), methodology, found, today)
    output.success(f"Closed {info.external_id} as {info.status}: {info.name}.")
    _emit_one(info, output.chosen_format(Format.table, as_json))


@app.command("plan-step")
def plan_step(
    deal: DealArgument,
    step: Annotated[
        str | None, typer.Argument(help='A close-plan step to add: "WHAT | DUE".')
    ] = None,
    done: Annotated[int | None, typer.Option(help="Mark step number N done.", min=1)] = None,
    as_json: RecordJsonOption = False,
) -> None:
    """Add a step to the deal's close plan, or mark one done; shows the plan."""
    from coachcli.db.shared import driver
    from coachcli.services import deals

    today = context.today()
    methodology = context.methodology()
    with (
        context.database() as db,
        db.session(write=step is not None or done is not None) as session,
    ):
        found = deals.deal_to_change(session, deal)
        if step is not None:
            deals.add_step(session, found, *deals.parse_step(step, today), today)
        if done is not None:
            deals.finish_step(session, found, done, today)
        info = deals.show_deal(driver(session), methodology, found, today)
    _emit_steps(info, as_json)


@app.command("history")
def history(
    deal: DealArgument, fmt: ListFormatOption = ListFormat.table, as_json: JsonOption = False
) -> None:
    """Every recorded change of a deal, oldest first."""
    from coachcli.render.deals import EVENT_COLUMNS
    from coachcli.services import deals

    with context.reading() as connection:
        found = deals.resolve_deal(connection, deal)
        events = deals.history(connection, context.methodology(), found)
        title = f"{found.name} ({found.external_id})"
    output.emit_records(
        [event.model_dump(mode="json") for event in events],
        EVENT_COLUMNS,
        output.chosen_format(fmt, as_json),
        title=title,
    )


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="CSV export of opportunities / deals.", dir_okay=False)
    ],
    source: Annotated[
        str, typer.Option("--from", help="salesforce, hubspot, pipedrive or auto.")
    ] = "auto",
    mapping: Annotated[
        Path | None,
        typer.Option(help="TOML mapping of columns, stages and owners.", dir_okay=False),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Day the export describes (default: today).")
    ] = None,
    day_first: Annotated[
        bool | None,
        typer.Option("--day-first/--month-first", help="How to read dates like 03/04/2026."),
    ] = None,
    decimal_comma: Annotated[
        bool | None,
        typer.Option(
            "--decimal-comma/--decimal-point",
            help="How to read amounts like 12.500: 12,500 (decimal comma, as in 1.234,56) "
            "or 12.5 (decimal point, as in 1,234.56). Default: as the file's other amounts show.",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            metavar="ENCODING",
            help="The file's text encoding, e.g. cp1252 or latin-1 (default: UTF-8 or "
            "UTF-16, else Windows-1252).",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report, change nothing.")] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the good rows, list the bad ones.")
    ] = False,
    create_reps: Annotated[
        bool, typer.Option("--create-reps", help="Add owners who are not on the team.")
    ] = False,
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """Import a CRM export as a dated snapshot and report what changed since the last one."""
    from coachcli.bulk import collector_paused
    from coachcli.dates import parse_date
    from coachcli.render.deals import SHOWN_DEALS
    from coachcli.services import imports

    methodology, today = context.methodology(), context.today()
    reading = {"day_first": day_first, "encoding": encoding, "decimal_comma": decimal_comma}
    day = parse_date(as_of, today) if as_of is not None else today
    options = {"create_reps": create_reps, "skip_invalid": skip_invalid, "dry_run": dry_run}
    chosen = output.chosen_format(fmt, as_json)
    # A screen shows some deals; JSON and Markdown list every change, kept in a file.
    log = imports.ChangeLog(SHOWN_DEALS, every=chosen != Format.table)
    with (
        collector_paused(),
        log,
        _opened_export(file, source, mapping, reading, methodology) as export,
    ):
        with context.database() as db, db.session(write=not dry_run) as session:
            report = imports.import_export(
                session, methodology, export, file.name, day, options, context.clock(), log
            )
        _emit_import(report, log, chosen)


@app.command("undo-import")
def undo_import(
    yes: YesOption = False, no_input: NoInputOption = False, as_json: RecordJsonOption = False
) -> None:
    """Undo the latest import: the deals it added go, those it changed are put back as
    they were, and its snapshot and change history go. Asks first (--yes does not)."""
    from coachcli.interview.runner import confirm
    from coachcli.render.deals import undo_done, undo_question
    from coachcli.services import imports

    with context.database() as db:
        with db.session() as session:  # no write lock while the question waits
            plan = imports.plan_undo(session)
        question = undo_question(plan.model_dump(mode="json"))
        if not confirm(question, yes, no_input, "to undo the import"):
            output.note("Nothing changed.")
            return
        with db.session(write=True) as session:
            done = imports.undo_import(session, plan)
    record = done.model_dump(mode="json")
    output.changed(undo_done(record), record, as_json)


@contextmanager
def _opened_export(file: Path, source: str, mapping: Path | None, reading: dict, methodology):
    """The export open for reading. `reading`: how to read the file (day_first,
    encoding, decimal_comma), None where the file decides."""
    from coachcli.errors import Invalid
    from coachcli.files import open_text_file
    from coachcli.services.crm_csv import SOURCES, parse_mapping, read_export

    if source not in (*SOURCES, "auto"):
        raise Invalid(f"--from must be one of {', '.join(SOURCES)} or auto; not {source!r}.")
    try:
        rules = (
            parse_mapping(mapping.read_text(encoding="utf-8-sig"), str(mapping))
            if mapping
            else None
        )
        handle = open_text_file(file)
    except OSError as error:
        raise Invalid(f"Cannot read {error.filename}: {error.strerror}.") from None
    with handle:
        day_first = reading.pop("day_first")
        yield read_export(handle, source, rules, methodology.stages, day_first, **reading)


def _emit_one(info, fmt: Format) -> None:
    from coachcli.render.deals import deal_markdown, deal_panel

    output.emit_document(info.model_dump(mode="json"), fmt, deal_markdown, deal_panel)


def _emit_steps(info, as_json: bool) -> None:
    from coachcli.render.deals import STEP_COLUMNS
    from coachcli.render.records import to_json

    steps = [step.model_dump(mode="json") for step in info.steps]
    if as_json:
        output.write(to_json(steps))
    else:
        output.emit_records(steps, STEP_COLUMNS, Format.table, f"Close plan: {info.name}",
                            empty="No close-plan steps yet.")  # fmt: skip


def _emit_import(report, log, fmt: Format) -> None:
    from coachcli.render import deals as shown

    data = report.model_dump(mode="json")
    left_out = [row.model_dump(mode="json") for row in report.left_out]
    left_out = shown.left_out_rows(left_out, report.left_out_counts)
    if fmt != Format.json:  # the summary is for the person; JSON is the whole report
        lines = shown.import_summary(data)
        lines[1:1] = left_out  # right after what was read
    else:  # a script's log still hears what was not imported or saved
        lines = left_out + ([shown.DRY_RUN_NOTE] if report.dry_run else [])
    for line in lines:
        output.note(line)
    if fmt == Format.json:
        _write_json_report(data, log)
    elif fmt == Format.markdown:
        for part in shown.import_markdown_parts(data, log.deals):
            output.write(part)
    else:
        output.show(shown.import_tables(data))


def _write_json_report(data: dict, log) -> None:
    """The report as JSON, its changes read back from the log a part at a time as they
    are written out: the same text as the whole report at once, without holding it."""
    from coachcli.render.records import to_json

    head, tail = to_json({**data, "changes": []}).split('\n  "changes": [],\n')
    output.write(head + '\n  "changes": [')
    written = False
    for part in log.parts():
        # A list's items, one level deeper: "[\n  {…},\n  {…}\n]" → "\n    {…},\n    {…}"
        items = to_json([change for changes in part for change in changes]).rstrip("\n")
        output.write(("," if written else "") + items[1:-1].rstrip("\n").replace("\n", "\n  "))
        written = True
    output.write(("\n  ]" if written else "]") + ",\n" + tail)
