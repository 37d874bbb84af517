"""Competency assessments and the gap table: gap = expected level for the role - rating.

The largest gaps get a root cause (knowledge, skill, will, environment) and suggest
the methodology's learning ideas for that cause (SPEC section 1, item 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from coachcli.dates import as_local
from coachcli.db import plans as queries
from coachcli.db.plans import RatingRow
from coachcli.db.reps import RepRow
from coachcli.errors import Invalid
from coachcli.methodology_schema import (
    LearningSuggestion,
    Methodology,
)
from coachcli.services.plan_answers import CauseInput, RatingInput, competency_key, parse_rating

if TYPE_CHECKING:
    from sqlmodel import Session

    from coachcli.models import Assessment, Rep

TOP_GAPS = 3


class GapRow(BaseModel):
    competency: str
    name: str
    expected: int
    rating: int
    gap: int
    previous_rating: int | None = None
    # Rating now - rating at the previous assessment: positive means the rep improved.
    change: int | None = None
    evidence: str | None = None
    source: str | None = None
    root_cause: str | None = None
    cause_note: str | None = None


class AssessmentView(BaseModel):
    id: int
    rep: str
    role: str
    assessed_at: datetime
    previous_assessed_at: datetime | None
    gaps: list[GapRow]


def build_gaps(
    methodology: Methodology,
    role: str,
    ratings: Sequence[RatingRow],
    previous: Sequence[RatingRow] = (),
) -> list[GapRow]:
    """One row per rated competency, largest gap first (ties in methodology order)."""
    before = {rating.competency: rating.rating for rating in previous}
    order = list(methodology.competencies)
    rows = [_gap_row(methodology, rating, before.get(rating.competency)) for rating in ratings]
    rank = {key: index for index, key in enumerate(order)}
    return sorted(rows, key=lambda row: (-row.gap, rank.get(row.competency, len(order))))


def _gap_row(methodology: Methodology, rating: RatingRow, previous: int | None) -> GapRow:
    competency = methodology.competencies.get(rating.competency)
    return GapRow(
        competency=rating.competency,
        name=competency.name if competency else rating.competency,
        expected=rating.expected,
        rating=rating.rating,
        gap=rating.expected - rating.rating,
        previous_rating=previous,
        change=None if previous is None else rating.rating - previous,
        evidence=rating.evidence,
        source=rating.source,
        root_cause=rating.root_cause,
        cause_note=rating.cause_note,
    )


def draft_gaps(methodology: Methodology, role: str, ratings: list[RatingInput]) -> list[GapRow]:
    """Gaps of ratings not yet saved, for the wizard to show before the root-cause step."""
    rows = [
        RatingRow(
            id=0,
            assessment_id=0,
            competency=item.competency,
            rating=item.rating,
            expected=expected_level(methodology, item.competency, role),
            evidence=None,
            source=None,
            root_cause=None,
            cause_note=None,
        )
        for item in ratings
    ]
    return build_gaps(methodology, role, rows)


def top_gaps(rows: list[GapRow], count: int = TOP_GAPS) -> list[GapRow]:
    return [row for row in rows if row.gap > 0][:count]


def expected_level(methodology: Methodology, competency: str, role: str) -> int:
    levels = methodology.competencies[competency].expected
    # A role the methodology no longer knows falls back to the most common level.
    return levels.get(role, sorted(levels.values())[len(levels) // 2])


def suggested_learning(
    methodology: Methodology, competency: str, cause: str | None
) -> list[LearningSuggestion]:
    """The methodology's learning ideas for the competency, those for the cause first."""
    ideas = list(methodology.competencies[competency].learning)
    return sorted(ideas, key=lambda idea: idea.cause != cause)


def record_assessment(
    session: Session,
    methodology: Methodology,
    rep: Rep,
    ratings: list[RatingInput],
    causes: list[CauseInput],
    now: datetime,
) -> Assessment:
    from coachcli.models import Assessment, Rating

    _check_ratings(methodology, ratings)
    assessment = Assessment(rep_id=rep.id, role=rep.role, assessed_at=now)
    session.add(assessment)
    session.flush()
    by_competency = {cause.competency: cause for cause in causes}
    for item in ratings:
        cause = by_competency.get(item.competency)
        session.add(
            Rating(
                assessment_id=assessment.id,
                competency=item.competency,
                rating=parse_rating(item.rating),
                expected=expected_level(methodology, item.competency, rep.role),
                evidence=item.evidence,
                source=item.source,
                root_cause=cause.cause if cause else None,
                cause_note=cause.note if cause else None,
            )
        )
    session.flush()
    return assessment


def _check_ratings(methodology: Methodology, ratings: list[RatingInput]) -> None:
    keys = [competency_key(methodology, item.competency) for item in ratings]
    if not keys:
        raise Invalid("An assessment rates at least one competency (--rate KEY=1..5).")
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise Invalid(f"Competency {repeated[0]!r} is rated more than once.")


def latest_assessment(
    connection: Any, methodology: Methodology, rep: RepRow | Rep
) -> AssessmentView | None:
    found = queries.assessments(connection, rep.id)
    if not found:
        return None
    latest, previous = found[0], (found[1] if len(found) > 1 else None)
    earlier = queries.ratings_of(connection, previous.id) if previous else []
    return AssessmentView(
        id=latest.id,
        rep=rep.name,
        role=role_name(methodology, latest.role),
        assessed_at=as_local(latest.assessed_at),
        previous_assessed_at=as_local(previous.assessed_at) if previous else None,
        gaps=build_gaps(
            methodology, latest.role, queries.ratings_of(connection, latest.id), earlier
        ),
    )


def role_name(methodology: Methodology, role: str) -> str:
    found = methodology.roles.get(role)
    return found.name if found else role


def largest_gap(connection: Any, methodology: Methodology, rep: RepRow | Rep) -> str | None:
    assessment = latest_assessment(connection, methodology, rep)
    gaps = top_gaps(assessment.gaps, 1) if assessment else []
    if not gaps:
        return None
    row = gaps[0]
    return f"{row.name}: rated {row.rating}, expected {row.expected} (gap {row.gap})"
