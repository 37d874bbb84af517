"""The manager's reps: adding, finding by name, editing, archiving, and their quotas."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from coachcli.clock import Clock
from coachcli.dates import Period, as_local, parse_period, quarter_of
from coachcli.db import reps as queries
from coachcli.db.reps import QuotaRow, RepRow
from coachcli.db.shared import driver
from coachcli.errors import Conflict, Invalid, NotFound
from coachcli.methodology_schema import Methodology
from coachcli.services.fields import MAX_NAME_LENGTH
from coachcli.services.rep_names import choose_rep, crm_id_key, fold, name_key

if TYPE_CHECKING:
    from sqlmodel import Session

    from coachcli.models import Rep

MAX_CRM_ID_LENGTH = 64
# The kinds of RepAlias: an owner id in the CRM, a name the rep had before.
CRM_ID, FORMER_NAME = "crm_id", "former_name"
QUOTA_PERIODS = "a month (2027-01), a quarter (2027-Q1) or a year (2027)"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class QuotaInfo(BaseModel):
    period: str
    start: date
    end: date
    amount: float


class QuotaChangeInfo(BaseModel):
    period: str
    old_amount: float | None
    new_amount: float
    changed_at: datetime
    source: str


class RepInfo(BaseModel):
    """What the CLI shows of a rep: plain values, ready for any renderer.

    `quota` is the quota in effect today (None when no quota's period holds today);
    `quota_period` is its period, or this quarter when there is none, and
    `quota_reason` says why that quota, in a sentence."""

    id: int
    name: str
    role: str
    role_key: str
    email: str | None
    start_date: date | None
    quota: float | None
    quota_period: str | None
    quota_reason: str
    archived: bool
    quotas: list[QuotaInfo] = []
    quota_history: list[QuotaChangeInfo] = []
    # How imports know the rep besides the name: CRM owner ids, names before a rename.
    crm_ids: list[str] = []
    former_names: list[str] = []


@dataclass(frozen=True)
class QuotaUpdate:
    """A quota that changed: which period, from what (None: new) to what."""

    period: str
    old: float | None
    new: float


class RepChanges(BaseModel):
    name: str | None = None
    role: str | None = None
    email: str | None = None
    start_date: date | None = None
    quota: float | None = None
    period: str | None = None
    crm_ids: list[str] = []
    remove_crm_ids: list[str] = []


def quota_period(text: str) -> Period:
    """The period a quota is for: a month, quarter or year; a week is refused (exit 2)."""
    try:
        period = parse_period(text)
    except Invalid:
        raise Invalid(
            f"Unknown period {text.strip()!r}: a quota belongs to {QUOTA_PERIODS}."
        ) from None
    if "-W" in period.label:
        raise Invalid(f"A quota belongs to {QUOTA_PERIODS}; not a week ({period.label}).")
    return period


def clean_name(text: str) -> str:
    """A rep's name: one line of printable text, trimmed, at most 80 characters."""
    name = unicodedata.normalize("NFC", text).strip()
    if not name:
        raise Invalid("The rep's name cannot be empty.")
    # Control characters are refused; format characters (joiners in Persian names and
    # emoji, bidirectional marks) are kept as typed and shown escaped where they hide text.
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise Invalid("The rep's name must be one line without control characters.")
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid(f"The rep's name is {len(name)} characters; keep it to {MAX_NAME_LENGTH}.")
    return name


def role_key(methodology: Methodology, text: str) -> str:
    found = methodology.role_key(text)
    if found is None:
        names = ", ".join(role.name for role in methodology.roles.values())
        raise Invalid(f"Unknown role {text.strip()!r}. Roles: {names}.")
    return found


def clean_email(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    email = text.strip()
    if not _EMAIL.match(email):
        raise Invalid(f"{email!r} does not look like an email address (name@example.com).")
    return email


def add_rep(
    session: Session,
    methodology: Methodology,
    name: str,
    role: str,
    email: str | None = None,
    start_date: date | None = None,
    quota: float | None = None,
    period: Period | None = None,
    *,
    clock: Clock,
) -> RepInfo:
    from coachcli.models import Rep

    name = clean_name(name)
    today = clock.today()
    ensure_name_free(driver(session), name)
    rep = Rep(
        name=name,
        name_key=name_key(name),
        role=role_key(methodology, role),
        email=clean_email(email),
        start_date=start_date,
        created_at=clock.now(),
    )
    session.add(rep)
    session.flush()
    if quota is not None:
        set_quota(session, rep.id, quota, period or quarter_of(today), clock.now(), "team add")
    return rep_info(driver(session), methodology, rep, today, with_quotas=True)


def ensure_name_free(connection: Any, name: str, except_id: int | None = None) -> str:
    existing = queries.rep_by_key(connection, name_key(name))
    if existing is not None and existing.id != except_id:
        state = " (archived)" if existing.archived_at else ""
        raise Conflict(
            f"A rep named {existing.name!r}{state} already exists; names are unique in any case.",
            hint="Choose a distinct name, e.g. add the surname's initial.",
        )
    return name


def set_quota(
    session: Session, rep_id: int, amount: float, period: Period, now: datetime, source: str
) -> QuotaUpdate | None:
    """Set the quota of a period; a change is kept in the rep's quota history (`source`
    says which command made it). None when the amount was already that."""
    from coachcli.models import Quota, QuotaChange

    found = queries.quota_for(driver(session), rep_id, period.label)
    old = found.amount if found is not None else None
    if old == amount:
        return None
    if found is None:
        quota = Quota(rep_id=rep_id, period=period.label, start=period.start, end=period.end)
    else:
        quota = session.get(Quota, found.id)
    quota.amount = amount
    session.add(quota)
    session.add(QuotaChange(rep_id=rep_id, period=period.label, old_amount=old,
                            new_amount=amount, changed_at=now, source=source))  # fmt: skip
    return QuotaUpdate(period.label, old, amount)


def resolve_rep(connection: Any, text: str, include_archived: bool = False) -> RepRow:
    """The rep a user means by a name as they type it (the rule: services/rep_names.py)."""
    return choose_rep(text, queries.all_reps(connection, include_archived=True), include_archived)


def rep_to_change(session: Session, text: str, include_archived: bool = False) -> Rep:
    """The rep meant by `text`, as a record of `session` that a write command can change."""
    return rep_record(session, resolve_rep(driver(session), text, include_archived).id)


def rep_record(session: Session, rep_id: int) -> Rep:
    from coachcli.models import Rep

    return session.get(Rep, rep_id)


def all_reps(connection: Any, include_archived: bool = False) -> list[RepRow]:
    return queries.all_reps(connection, include_archived)


def list_reps(
    connection: Any, methodology: Methodology, today: date, include_archived: bool = False
) -> list[RepInfo]:
    reps = queries.all_reps(connection, include_archived)
    quotas = queries.quotas_by_rep(connection, [rep.id for rep in reps])
    return [_info(methodology, rep, quotas.get(rep.id, []), today) for rep in reps]


def rep_info(
    connection: Any, methodology: Methodology, rep: RepRow | Rep, today: date,
    with_quotas: bool = False,
) -> RepInfo:  # fmt: skip
    """A rep as shown; `with_quotas` adds every quota, the quota history and the names
    imports know the rep by (team show)."""
    quotas = queries.quotas_by_rep(connection, [rep.id]).get(rep.id, [])
    info = _info(methodology, rep, quotas, today, with_quotas)
    if with_quotas:
        aliases = queries.aliases(connection, rep.id)
        info.crm_ids = [alias.value for alias in aliases if alias.kind == CRM_ID]
        info.former_names = [alias.value for alias in aliases if alias.kind == FORMER_NAME]
        info.quota_history = [
            QuotaChangeInfo(
                period=change.period,
                old_amount=change.old_amount,
                new_amount=change.new_amount,
                changed_at=as_local(change.changed_at),
                source=change.source,
            )
            for change in queries.quota_changes(connection, rep.id)
        ]
    return info


def _info(
    methodology: Methodology, rep: RepRow | Rep, quotas: list[QuotaRow], today: date,
    with_quotas: bool = False,
) -> RepInfo:  # fmt: skip
    current, reason = quota_in_effect(quotas, today)
    role = methodology.roles.get(rep.role)
    return RepInfo(
        id=rep.id,
        name=rep.name,
        role=role.name if role else rep.role,
        role_key=rep.role,
        email=rep.email,
        start_date=rep.start_date,
        quota=current.amount if current else None,
        quota_period=current.period if current else quarter_of(today).label,
        quota_reason=reason,
        archived=rep.archived_at is not None,
        quotas=[QuotaInfo.model_validate(q, from_attributes=True) for q in quotas]
        if with_quotas
        else [],
    )


def quota_in_effect(quotas: list[QuotaRow], today: date) -> tuple[QuotaRow | None, str]:
    """The quota whose period holds today, and why it is that one. Where periods overlap
    (a year and its quarters), the shortest holds: it is the most specific target. No
    quota holding today means none, never last quarter's figure."""
    covering = sorted(
        (q for q in quotas if q.start <= today <= q.end), key=lambda q: q.end - q.start
    )
    if not covering:
        return None, f"No quota for {quarter_of(today).label} or any period that holds today."
    chosen, *others = covering
    reason = f"{chosen.period} holds today"
    if others:
        also = ", ".join(q.period for q in others)
        reason += f"; it is the shortest of the periods that do ({also} too)"
    return chosen, reason + "."


def edit_rep(
    session: Session, methodology: Methodology, rep: Rep, changes: RepChanges, clock: Clock
) -> RepInfo:
    today, now = clock.today(), clock.now()
    if changes.name is not None:
        name = clean_name(changes.name)
        ensure_name_free(driver(session), name, except_id=rep.id)
        remember_former_name(session, rep, rep.name, name)
        rep.name, rep.name_key = name, name_key(name)
    for text in changes.remove_crm_ids:
        remove_crm_id(session, rep, text)
    for text in changes.crm_ids:
        add_crm_id(session, rep.id, text)
    if changes.role is not None:
        rep.role = role_key(methodology, changes.role)
    if changes.email is not None:
        rep.email = clean_email(changes.email)
    if changes.start_date is not None:
        rep.start_date = changes.start_date
    session.add(rep)
    if changes.quota is not None:
        period = quota_period(changes.period) if changes.period else quarter_of(today)
        set_quota(session, rep.id, changes.quota, period, now, "team edit")
    return rep_info(driver(session), methodology, rep, today, with_quotas=True)


def set_archived(
    session: Session, methodology: Methodology, rep: Rep, archived: bool, clock: Clock
) -> RepInfo:
    if archived and rep.archived_at is not None:
        raise Conflict(f"{rep.name} is already archived.")
    if not archived and rep.archived_at is None:
        raise Conflict(f"{rep.name} is not archived.")
    rep.archived_at = clock.now() if archived else None
    session.add(rep)
    return rep_info(driver(session), methodology, rep, clock.today())


# ---- how imports know a rep -----------------------------------------------------------------


def clean_crm_id(text: str) -> str:
    """A CRM owner id: one word of printable characters, at most 64."""
    value = unicodedata.normalize("NFC", text).strip()
    example = "e.g. --crm-id 0058d000001AbCd"
    if not value:
        raise Invalid(f"A CRM owner id cannot be empty ({example}).")
    if any(char.isspace() or unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise Invalid(f"{value!r} is not a CRM owner id: an id is one word, without spaces "
                      f"({example}).")  # fmt: skip
    if len(value) > MAX_CRM_ID_LENGTH:
        raise Invalid(f"The owner id is {len(value)} characters; ids are at most "
                      f"{MAX_CRM_ID_LENGTH}.")  # fmt: skip
    return value


def add_crm_id(session: Session, rep_id: int, text: str) -> None:
    """Imports will match this CRM owner id to the rep (an 18-character Salesforce id and
    its 15-character form are one id). An id is one rep's: another's is exit 1."""
    value = clean_crm_id(text)
    key = crm_id_key(value)
    existing = queries.alias_by_key(driver(session), CRM_ID, key)
    if existing is not None and existing.rep_id != rep_id:
        other = queries.rep_by_id(driver(session), existing.rep_id)
        raise Conflict(
            f"Owner id {value} is {other.name}'s already.",
            hint=f"Take it from them first: coach team edit {_quoted(other.name)} "
            f"--remove-crm-id {existing.value}",
        )
    if existing is None:
        from coachcli.models import RepAlias

        session.add(RepAlias(rep_id=rep_id, kind=CRM_ID, value=value, key=key))
        session.flush()


def remove_crm_id(session: Session, rep: Rep, text: str) -> None:
    from coachcli.models import RepAlias

    existing = queries.alias_by_key(driver(session), CRM_ID, crm_id_key(clean_crm_id(text)))
    if existing is None or existing.rep_id != rep.id:
        raise NotFound(
            f"{rep.name} has no owner id {text.strip()}.",
            hint=f"coach team show {_quoted(rep.name)} lists the ids.",
        )
    session.delete(session.get(RepAlias, existing.id))
    session.flush()


def remember_former_name(session: Session, rep: Rep, old: str, new: str) -> None:
    """After a rename, the CRM may still name the rep as before: imports match the old
    name too (the latest rep renamed from it), so the deals stay theirs."""
    key = fold(old)
    if key == fold(new):
        return  # only case or accents changed: names match without them anyway
    from coachcli.models import RepAlias

    found = queries.alias_by_key(driver(session), FORMER_NAME, key)
    alias = session.get(RepAlias, found.id) if found else RepAlias(kind=FORMER_NAME, key=key)
    alias.rep_id, alias.value = rep.id, old
    session.add(alias)


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name


@dataclass
class OwnerIndex:
    """Which rep a CRM owner is, as imports decide it: by owner id first, then by name
    (exactly, then without accents or case), then by email or a former name."""

    names: dict[int, str]
    by_id: dict[str, int]
    by_name: dict[str, int]
    by_fold: dict[str, int]
    by_former_name: dict[str, int]

    def find(self, owner: str, owner_id: str | None = None) -> int | None:
        # The owner column itself may hold ids (an OwnerId-only export).
        for ident in (owner_id, owner):
            if ident is not None and (found := self.by_id.get(crm_id_key(ident))):
                return found
        folded = fold(owner)
        return (
            self.by_name.get(name_key(owner))
            or self.by_fold.get(folded)
            or self.by_former_name.get(folded)
        )


def owner_index(connection: Any) -> OwnerIndex:
    reps = queries.all_reps(connection, include_archived=True)
    by_name = {rep.name_key: rep.id for rep in reps}
    by_name |= {name_key(rep.email): rep.id for rep in reps if rep.email}
    folds: dict[str, list[int]] = {}
    for rep in reps:
        folds.setdefault(fold(rep.name), []).append(rep.id)
    aliases = queries.aliases(connection)
    return OwnerIndex(
        names={rep.id: rep.name for rep in reps},
        by_id={a.key: a.rep_id for a in aliases if a.kind == CRM_ID},
        by_name=by_name,
        # "Jose" and "José" are one person unless two reps answer to it.
        by_fold={key: ids[0] for key, ids in folds.items() if len(ids) == 1},
        by_former_name={a.key: a.rep_id for a in aliases if a.kind == FORMER_NAME},
    )
