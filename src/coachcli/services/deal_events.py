"""What a deal's dated events are called, and where its stages rank.

Kept apart from services/deals.py (which loads the ORM) because replaying history
(services/history.py) reads these too, on the report reader's light path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from coachcli.enums import DealStatus
from coachcli.methodology_schema import Methodology

# Fields whose change is an event in the deal's history, and the event's name.
EVENT_OF = {
    "stage": "stage",
    "amount": "amount",
    "currency": "currency",
    "close_date": "close_date",
    "forecast_category": "category",
    "next_step": "next_step",
    "champion": "champion",
    "economic_buyer": "economic_buyer",
    "decision_process": "decision_process",
    "value_confirmed": "value_confirmed",
}
# Fields whose change is a sign of life: a deal without a CRM activity date is quiet
# from the last day one of them was seen to change. Commitment evidence is a judgement
# the manager records, not something that happened in the deal, so it is not one.
ACTIVITY_FIELDS = frozenset(
    {"stage", "amount", "currency", "close_date", "forecast_category", "next_step"}
)
# Evidence of commitment (SPEC section 4, "If"): kept as yes/no in the events.
EVIDENCE_FIELDS = frozenset({"champion", "economic_buyer", "decision_process", "value_confirmed"})
# Kinds an import records in the history but leaves out of its change report.
QUIET_KINDS = frozenset({"next_step", *EVIDENCE_FIELDS})
# Status events: their kind is the status the deal went to ("reopened": open again).
STATUS_KINDS = {"won": DealStatus.won, "lost": DealStatus.lost, "reopened": DealStatus.open}
# Close-plan events; `new` is the step as "WHAT (due DAY)".
STEP_ADDED = "plan_step_added"
STEP_DONE = "plan_step_done"
STEP_REMOVED = "plan_step_removed"


def event_text(value: Any) -> str | None:
    """A field's value as an event's old or new text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Ranks:
    """Where each stage stands: open stages in order; won beyond them; lost outside."""

    rank: dict[str, int]
    won: str
    lost: str

    @classmethod
    def of(cls, methodology: Methodology) -> Ranks:
        open_stages = methodology.open_stages()
        won, lost = methodology.closing_stage("won"), methodology.closing_stage("lost")
        rank = {key: index for index, key in enumerate(open_stages)}
        rank[won] = len(open_stages)
        return cls(rank, won, lost)

    def status_of(self, stage: str) -> str:
        if stage == self.won:
            return DealStatus.won
        if stage == self.lost:
            return DealStatus.lost
        return DealStatus.open

    def first_rank(self, stage: str) -> int:
        """The highest rank a deal first seen at `stage` is known to have reached.

        A deal first seen already won or lost made no stage-to-stage move anyone saw,
        so it counts in no conversion (-1 is below every stage); an open one has
        reached its stage.
        """
        if self.status_of(stage) != DealStatus.open:
            return -1
        return max(self.rank.get(stage, 0), 0)


def is_push(before: Any, after: Any) -> bool:
    """A close date moved later is a push; one set or cleared is not. Both dates, or
    both ISO text as events keep them."""
    return before is not None and after is not None and after > before
