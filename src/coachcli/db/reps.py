"""Queries about reps and their quotas."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from coachcli.models import Quota, QuotaChange, Rep, RepAlias


def all_reps(session: Session, include_archived: bool = False) -> list[Rep]:
    query = select(Rep).order_by(Rep.name_key)
    if not include_archived:
        query = query.where(col(Rep.archived_at).is_(None))
    return list(session.exec(query))


def rep_by_key(session: Session, name_key: str) -> Rep | None:
    return session.exec(select(Rep).where(Rep.name_key == name_key)).first()


def quotas_by_rep(session: Session, rep_ids: Iterable[int]) -> dict[int, list[Quota]]:
    ids = list(rep_ids)
    found: dict[int, list[Quota]] = defaultdict(list)
    if not ids:
        return found
    query = select(Quota).where(col(Quota.rep_id).in_(ids)).order_by(Quota.start)
    for quota in session.exec(query):
        found[quota.rep_id].append(quota)
    return found


def quota_changes(session: Session, rep_id: int) -> list[QuotaChange]:
    query = select(QuotaChange).where(QuotaChange.rep_id == rep_id)
    return list(session.exec(query.order_by(col(QuotaChange.changed_at), col(QuotaChange.id))))


def quota_for(session: Session, rep_id: int, period: str) -> Quota | None:
    query = select(Quota).where(Quota.rep_id == rep_id, Quota.period == period)
    return session.exec(query).first()


def aliases(session: Session, rep_id: int | None = None) -> list[RepAlias]:
    """Every alias (CRM owner ids, former names), or one rep's, oldest first."""
    query = select(RepAlias).order_by(col(RepAlias.id))
    if rep_id is not None:
        query = query.where(RepAlias.rep_id == rep_id)
    return list(session.exec(query))


def alias_by_key(session: Session, kind: str, key: str) -> RepAlias | None:
    return session.exec(select(RepAlias).where(RepAlias.kind == kind, RepAlias.key == key)).first()
