"""Past coaching sessions: listing, one in full, and what is private about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from coachcli.dates import as_local
from coachcli.db import coaching as queries
from coachcli.db.coaching import ActionRow, ListedSession, SessionRow
from coachcli.db.reps import RepRow, rep_by_id
from coachcli.enums import SessionKind
from coachcli.errors import Invalid, NotFound
from coachcli.services.actions import ActionInfo, action_info


class SessionSummary(BaseModel):
    id: int
    rep: str
    kind: str
    held_at: datetime
    minutes: int | None
    headline: str
    actions_agreed: int


class SessionDetail(BaseModel):
    id: int
    rep: str
    kind: str
    held_at: datetime
    minutes: int | None
    goal: str | None
    reality: str | None
    obstacles: list[str]
    options: list[str]
    support: str | None
    standard: str | None
    current_measure: str | None
    deadline: date | None
    if_missed: str | None
    private_note: str | None
    actions: list[ActionInfo]
    carried_over: list[ActionInfo]
    evidence: dict


def parse_kind(text: str | None) -> str | None:
    if text is None:
        return None
    wanted = text.strip().lower().replace("_", "-").replace(" ", "-")
    aliases = {
        "1:1": "one-on-one",
        "one-on-one": "one-on-one",
        "grow": "one-on-one",
        "consequence": "consequence",
    }
    if wanted not in aliases:
        kinds = ", ".join(kind.value for kind in SessionKind)
        raise Invalid(f"Unknown session kind {text!r}. Kinds: {kinds}.")
    return aliases[wanted]


def list_sessions(
    connection: Any, rep_id: int | None = None, kind: str | None = None, limit: int | None = None
) -> tuple[list[SessionSummary], int]:
    """The newest sessions (at most `limit`), and how many there are in all."""
    rows = queries.sessions(connection, rep_id, kind, limit)
    total = len(rows) if limit is None else queries.count_sessions(connection, rep_id, kind)
    return _summaries(rows), total


def _summaries(rows: list[ListedSession]) -> list[SessionSummary]:
    return [
        SessionSummary(
            id=record.id,
            rep=record.rep_name,
            kind=record.kind,
            held_at=as_local(record.held_at),
            minutes=_minutes(record),
            headline=_headline(record),
            actions_agreed=record.actions_agreed,
        )
        for record in rows
    ]


def session_detail(connection: Any, session_id: int, today: date) -> SessionDetail:
    record = queries.session_by_id(connection, session_id)
    if record is None:
        raise NotFound(f"No session #{session_id}.", hint="`coach sessions` lists them.")
    return detail_of(connection, record, rep_by_id(connection, record.rep_id), today)


def detail_of(
    connection: Any,
    record: SessionRow,
    rep: RepRow,
    today: date,
    known: _SessionActions | None = None,
) -> SessionDetail:
    """`known`: the rep's actions by session, when the caller read them all at once."""

    def infos(items):
        return [action_info(item, rep.name, today) for item in items]

    if known is None:
        agreed = queries.actions_of_session(connection, record.id)
        closed = queries.actions_closed_in(connection, record.id)
    else:
        agreed, closed = known.agreed.get(record.id, []), known.closed.get(record.id, [])

    return SessionDetail(
        id=record.id,
        rep=rep.name,
        kind=record.kind,
        held_at=as_local(record.held_at),
        minutes=_minutes(record),
        goal=record.goal,
        reality=record.reality,
        obstacles=record.obstacles,
        options=record.options,
        support=record.support,
        standard=record.standard,
        current_measure=record.current_measure,
        deadline=record.deadline,
        if_missed=record.if_missed,
        private_note=record.private_note,
        actions=infos(agreed),
        carried_over=infos(closed),
        evidence=record.evidence,
    )


def rep_sessions(connection: Any, rep: RepRow, today: date) -> list[SessionDetail]:
    """Every session of a rep in full, newest first (for the running export document)."""
    rows = queries.sessions(connection, rep.id)
    known = _SessionActions.of(queries.actions_of_rep(connection, rep.id))
    return [detail_of(connection, record, rep, today, known) for record in rows]


@dataclass
class _SessionActions:
    """A rep's actions by the session that agreed them and the one that closed them:
    two lookups instead of two queries per session."""

    agreed: dict[int, list[ActionRow]] = field(default_factory=dict)
    closed: dict[int, list[ActionRow]] = field(default_factory=dict)

    @classmethod
    def of(cls, items: list[ActionRow]) -> _SessionActions:
        known = cls()
        for item in items:
            if item.session_id is not None:
                known.agreed.setdefault(item.session_id, []).append(item)
            if item.closed_in_session_id is not None:
                known.closed.setdefault(item.closed_in_session_id, []).append(item)
        return known


def _minutes(record: SessionRow) -> int | None:
    if record.duration_seconds is None:
        return None
    return max(1, round(record.duration_seconds / 60))


def _headline(record: SessionRow) -> str:
    text = record.goal if record.kind == SessionKind.one_on_one else record.standard
    return (text or "").splitlines()[0] if text else ""
