"""The questions for a new rep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

from coachcli.dates import Period, parse_date, quarter_of
from coachcli.interview.asker import Asker, Choice, Parser, Question
from coachcli.methodology_schema import Methodology
from coachcli.money import parse_amount
from coachcli.services.team import clean_email, clean_name, quota_period, role_key


@dataclass(frozen=True)
class NewRep:
    name: str
    role: str
    email: str | None
    start_date: date | None
    quota: float | None
    period: Period | None


def ask_new_rep(
    asker: Asker, methodology: Methodology, today: date, name_parser: Parser = clean_name
) -> NewRep:
    """Ask for a new rep; `name_parser` may also check the name is free, so a clash shows
    at the prompt instead of after every other answer."""
    name = asker.text(Question("name", "Rep's name:", "NAME", parse=name_parser))
    roles = [
        Choice(key, f"{role.name} ({_short(role.description)})")
        for key, role in methodology.roles.items()
    ]
    role = asker.select(
        Question(
            "role",
            "Role:",
            "--role",
            default=_default_role(methodology),
            parse=partial(role_key, methodology),
        ),
        roles,
    )
    email = asker.text(
        Question("email", "Email (optional):", "--email", required=False, parse=clean_email)
    )
    start = asker.text(
        Question(
            "start",
            "Start date (optional, e.g. 2025-03-01):",
            "--start",
            required=False,
            parse=partial(parse_date, today=today),
        )
    )
    # A period given on its own needs its quota: then the quota is not optional.
    for_period = "period" in asker.known
    quota = asker.text(
        Question(
            "quota",
            "Quota (e.g. 250000 or 250k):" if for_period else "Quota (optional, e.g. 250k):",
            "--quota",
            required=for_period,
            parse=partial(parse_amount, what="quota"),
        )
    )
    period = None
    if quota is not None:
        period = asker.text(
            Question(
                "period",
                "Quota period:",
                "--period",
                default=quarter_of(today).label,
                parse=quota_period,
            )
        )
    return NewRep(name, role, email, start, quota, period)


def _default_role(methodology: Methodology) -> str:
    return "ae" if "ae" in methodology.roles else next(iter(methodology.roles))


def _short(description: str) -> str:
    """The title part of a role description, so each choice fits on one line."""
    return description.split(":", 1)[0].strip() or description
