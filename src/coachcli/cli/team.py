"""coach team: the manager's reps."""

from __future__ import annotations

from typing import Annotated

import typer

from coachcli.cli import context, output
from coachcli.cli.help import sub_app
from coachcli.cli.options import (
    AnswersOption,
    DiscardOption,
    FormatOption,
    JsonOption,
    ListFormatOption,
    NoInputOption,
    RecordJsonOption,
    ResumeOption,
    YesOption,
)
from coachcli.cli.output import Format, ListFormat

app = sub_app(
    "Your reps and their quotas.\n\n"
    "add, list, show, edit, archive, unarchive.\n\n"
    "\b\nExamples:\n"
    '  coach team add "Ana Souza" --role AE --quota 250k --period 2027-Q1\n'
    "  coach team list\n"
    "  coach team edit ana --quota 300k --period 2027-Q2\n"
    "  coach team edit ana --crm-id 0058d000001AbCd"
)

RepArgument = Annotated[str, typer.Argument(help="Rep name or a unique start of it.")]
RoleOption = Annotated[str | None, typer.Option("--role", help="Role: SDR, AE, Senior AE, KAM.")]
EmailOption = Annotated[str | None, typer.Option("--email", help="Work email.")]
StartOption = Annotated[str | None, typer.Option("--start", help="Start date (YYYY-MM-DD).")]
QuotaOption = Annotated[str | None, typer.Option("--quota", help="Quota, e.g. 250000 or 250k.")]
PeriodOption = Annotated[
    str | None, typer.Option("--period", help="Quota period, e.g. 2026-Q4 (default: this quarter).")
]
CrmIdOption = Annotated[
    list[str] | None,
    typer.Option(
        "--crm-id",
        help="An owner id in the CRM that imports match to this rep (15- and 18-character "
        "Salesforce ids are the same owner); repeat for several.",
    ),
]
RemoveCrmIdOption = Annotated[
    list[str] | None,
    typer.Option("--remove-crm-id", help="Stop matching this owner id to the rep; repeatable."),
]


@app.command("add")
def add(
    name: Annotated[str | None, typer.Argument(help="Full name; asked for when omitted.")] = None,
    role: RoleOption = None,
    email: EmailOption = None,
    start: StartOption = None,
    quota: QuotaOption = None,
    period: PeriodOption = None,
    resume: ResumeOption = False,
    discard_draft: DiscardOption = False,
    no_input: NoInputOption = False,
    answers: AnswersOption = None,
    fmt: FormatOption = Format.table,
    as_json: JsonOption = False,
) -> None:
    """Add a rep, with role, email, start date and quota for a period."""
    from coachcli.interview.answers import merge_answers
    from coachcli.interview.team import ask_new_rep
    from coachcli.services import team

    flags = {"name": name, "role": role, "email": email, "start": start}
    flags |= {"quota": quota, "period": period}
    today, methodology, clock = context.today(), context.methodology(), context.clock()
    with context.database() as db:

        def free_name(text: str) -> str:
            with context.reading() as connection:
                return team.ensure_name_free(connection, team.clean_name(text))

        def save(new, _conversation):
            with db.session(write=True) as session:
                return team.add_rep(session, methodology, new.name, new.role, new.email,
                                    new.start_date, new.quota, new.period, clock=clock)  # fmt: skip

        known = merge_answers(answers, flags)
        prompting = (no_input, resume, discard_draft)
        rep = context.interview(db, "team-add", "new", "coach team add", known, prompting).run(
            lambda asker, _: ask_new_rep(asker, methodology, today, free_name), save
        )
    output.success(f"Added {rep.name} (id {rep.id}).")
    _show_reps([rep], output.chosen_format(fmt, as_json), single=True)


@app.command("list")
def list_(
    include_archived: Annotated[bool, typer.Option("--all", help="Include archived reps.")] = False,
    fmt: ListFormatOption = ListFormat.table,
    as_json: JsonOption = False,
) -> None:
    """List your reps with role and current quota."""
    from coachcli.services import team

    with context.reading() as connection:
        reps = team.list_reps(connection, context.methodology(), context.today(), include_archived)
    _show_reps(reps, output.chosen_format(fmt, as_json))


@app.command("show")
def show(rep: RepArgument, fmt: FormatOption = Format.table, as_json: JsonOption = False) -> None:
    """Show one rep: the quota in effect and why, every quota and the quota history."""
    from coachcli.render.team import rep_markdown, rep_panel
    from coachcli.services import team

    with context.reading() as connection:
        found = team.resolve_rep(connection, rep, include_archived=True)
        info = team.rep_info(
            connection, context.methodology(), found, context.today(), with_quotas=True
        )
    chosen = output.chosen_format(fmt, as_json)
    output.emit_document(info.model_dump(mode="json"), chosen, rep_markdown, rep_panel)


@app.command("edit")
def edit(
    rep: RepArgument,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    role: RoleOption = None,
    email: EmailOption = None,
    start: StartOption = None,
    quota: QuotaOption = None,
    period: PeriodOption = None,
    crm_id: CrmIdOption = None,
    remove_crm_id: RemoveCrmIdOption = None,
    as_json: RecordJsonOption = False,
) -> None:
    """Change a rep's name, role, email, start date, quota for a period, or CRM owner ids.

    A renamed rep keeps their deals: imports still match the name the CRM knows."""
    from coachcli.services import team

    changes = _changes(name, role, email, start, quota, period, crm_id or [], remove_crm_id or [])
    with context.database() as db, db.session(write=True) as session:
        found = team.rep_to_change(session, rep, include_archived=True)
        info = team.edit_rep(session, context.methodology(), found, changes, context.clock())
    output.changed(f"Updated {info.name}.", info.model_dump(mode="json"), as_json)


@app.command("archive")
def archive(
    rep: RepArgument, yes: YesOption = False, no_input: NoInputOption = False,
    as_json: RecordJsonOption = False,
) -> None:  # fmt: skip
    """Archive a rep who left the team: history is kept, lists hide them unless --all."""
    _set_archived(rep, True, yes, no_input, as_json)


@app.command("unarchive")
def unarchive(rep: RepArgument, as_json: RecordJsonOption = False) -> None:
    """Bring an archived rep back onto the team."""
    _set_archived(rep, False, True, True, as_json)


def _set_archived(rep: str, archived: bool, yes: bool, no_input: bool, as_json: bool) -> None:
    from coachcli.interview.runner import confirm
    from coachcli.services import team

    with context.reading() as connection:  # no write lock while the question waits
        found = team.resolve_rep(connection, rep, include_archived=True)
    if archived:
        prompt = f"Archive {found.name}? Their history is kept."
        if not confirm(prompt, yes, no_input, f"to archive {found.name}"):
            output.note("Nothing changed.")
            return
    with context.database() as db, db.session(write=True) as session:
        current = team.rep_record(session, found.id)
        info = team.set_archived(session, context.methodology(), current, archived, context.clock())
    verb = "Archived" if archived else "Restored"
    output.changed(f"{verb} {info.name}.", info.model_dump(mode="json"), as_json)


def _changes(name, role, email, start, quota, period, crm_ids=(), remove_crm_ids=()):
    from coachcli.dates import parse_date
    from coachcli.errors import Invalid
    from coachcli.money import parse_amount
    from coachcli.services.team import RepChanges, quota_period

    given = (name, role, email, start, quota, period)
    if all(value is None for value in given) and not crm_ids and not remove_crm_ids:
        raise Invalid(
            "Nothing to change.",
            hint="Give --name, --role, --email, --start, --quota, --period, --crm-id or "
            "--remove-crm-id.",
        )
    if period is not None and quota is None:
        raise Invalid("--period needs --quota: it says which period the quota is for.")
    if period is not None:
        quota_period(period)
    return RepChanges(
        name=name,
        role=role,
        email=email,
        start_date=parse_date(start, context.today()) if start is not None else None,
        quota=parse_amount(quota, "quota") if quota is not None else None,
        period=period,
        crm_ids=list(crm_ids),
        remove_crm_ids=list(remove_crm_ids),
    )


# What `team show` adds to a rep; lists leave it out.
_DETAIL = {"quotas", "quota_history", "crm_ids", "former_names"}


def _show_reps(reps, fmt: Format | ListFormat, single: bool = False) -> None:
    from coachcli.render.columns import REP_COLUMNS
    from coachcli.render.records import to_json

    records = [rep.model_dump(mode="json", exclude=set() if single else _DETAIL) for rep in reps]
    if fmt == Format.json and single:
        output.write(to_json(records[0]))
    elif single and fmt == Format.table:
        return  # the success message already said it; `team show` has the detail
    else:
        output.emit_records(records, REP_COLUMNS, fmt, empty="No reps yet: coach team add NAME")
