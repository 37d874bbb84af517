"""Five years of weekly one-on-ones for the team: about 6,000 sessions and 30,000 actions.

Rows are made here as plain dicts, the way `coach grow` would have saved them week
after week: each session freezes its pre-brief (coach's own Brief model) and decides
the open actions it finds (done, kept, dropped: closed in that session), agrees new
ones; between sessions some actions are done or moved by hand. The caller writes
the rows in bulk.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from scale_team import TeamRep

from coachcli.enums import ActionStatus, SessionKind
from coachcli.methodology_schema import Methodology
from coachcli.services.actions import MANAGER, ActionInfo
from coachcli.services.grow import Brief

SKIPPED_WEEKS = 0.08  # holidays, travel, the odd cancelled one-on-one
CONSEQUENCE = 0.015
ACCOUNTS = [
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Wonka",
    "Acme",
    "Vandelay",
    "Massive Dynamic",
    "Oscorp",
    "Aperture",
    "Globex",
]
WHATS = [
    "Send the ROI model to {}",
    "Book a discovery call with {}",
    "Ask {}'s champion for a CFO intro",
    "Update the close plan for {}",
    "Prepare the QBR deck for {}",
    "Map the buying committee at {}",
    "Confirm the signer and legal steps at {}",
    "Role-play the pricing objection before the {} call",
    "Clean up stale deals, {} first",
]
GOALS = [
    "Get {} to a signed close plan",
    "Rebuild next quarter's coverage, starting with {}",
    "Sharpen discovery before the {} demo",
    "Protect price in the {} negotiation",
]
REALITIES = [
    "Champion is keen; procurement wants a third quote",
    "Coverage is 1.8x against a 3x need",
    "Two demos went ahead without a confirmed pain",
    "The deal has slipped twice; nobody has met the economic buyer",
]
OBSTACLES = [
    "No access to the CFO",
    "Too little prospecting time",
    "Jumps to the demo early",
    "Legal review takes four weeks",
    "Competitor offered 30% off",
]
OPTIONS = [
    "Ask the champion for an intro",
    "Offer a paid pilot",
    "Block two prospecting mornings a week",
    "Use the discovery checklist",
    "Trade price for term",
]
SUPPORTS = [
    "I join the CFO call",
    "I shield Tuesday mornings from internal meetings",
    "Joint call on Thursday, then a debrief",
    "I ask legal to fast-track it",
]
NOTES = ["sent on Tuesday", "done in the meeting", "no longer needed", "deal went elsewhere"]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@dataclass
class RepDiary:
    """One rep's coaching so far: the open actions and the last one-on-one."""

    rep: TeamRep
    weekday: int
    hour: int
    open: list[dict] = field(default_factory=list)
    last: date | None = None


@dataclass
class CoachingRows:
    sessions: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)


def coaching_rows(
    reps: list[TeamRep], methodology: Methodology, first: date, today: date, seed: int
) -> CoachingRows:
    """Week by week from the Monday `first`, each rep's one-on-one on their own weekday
    (ids then follow time, as they would have)."""
    rng = random.Random(f"{seed}-coaching")
    rows = CoachingRows()
    diaries = [RepDiary(rep, n % 4, 8 + n % 8) for n, rep in enumerate(reps)]
    diaries.sort(key=lambda diary: (diary.weekday, diary.hour))
    week = first
    while week <= today:
        for diary in diaries:
            day = week + timedelta(days=diary.weekday)
            if day <= today and rng.random() > SKIPPED_WEEKS:
                _between(diary, day, rows, rng)
                _one_on_one(diary, methodology, day, rows, rng)
        week += timedelta(weeks=1)
    return rows


def _between(diary: RepDiary, day: date, rows: CoachingRows, rng: random.Random) -> None:
    """Since the last session: a few actions done by hand (`coach actions done`), a few
    moved (`coach actions move`), now and then one added outside a session."""
    since = diary.last or day - timedelta(days=7)
    for item in list(diary.open):
        moment = since + timedelta(days=rng.randint(1, max(1, (day - since).days - 1)))
        if rng.random() < 0.08 and moment < day:
            _close(diary, item, ActionStatus.done, at(moment, 17), None, rng)
        elif rng.random() < 0.05 and moment < day:
            item["due"] = max(item["due"], moment) + timedelta(days=7)
            item["reschedules"] += 1
    if rng.random() < 0.1:
        _new_action(diary, None, at(day - timedelta(days=2), 11), rows, rng)


def _one_on_one(
    diary: RepDiary, methodology: Methodology, day: date, rows: CoachingRows, rng: random.Random
) -> None:
    held = at(day, diary.hour, rng.choice([0, 15, 30]))
    record = {
        "id": len(rows.sessions) + 1,
        "rep_id": diary.rep.id,
        "held_at": held,
        "evidence": _brief(diary, methodology, day).model_dump(mode="json"),
    }
    consequence = rng.random() < CONSEQUENCE
    record |= _consequence(day, rng) if consequence else _grow(rng)
    record["private_note"] = "Seemed tired; ask about workload" if rng.random() < 0.3 else None
    rows.sessions.append(record)
    for item in list(diary.open):
        _carry(diary, item, day, record, rng)
    if not consequence:
        for _ in range(rng.randint(3, 7)):
            _new_action(diary, record["id"], held, rows, rng)
    diary.last = day


def _grow(rng: random.Random) -> dict:
    account = rng.choice(ACCOUNTS)
    return {
        "kind": SessionKind.one_on_one.value,
        "duration_seconds": rng.randint(600, 1500) if rng.random() < 0.9 else None,
        "goal": rng.choice(GOALS).format(account),
        "reality": rng.choice(REALITIES),
        "obstacles": rng.sample(OBSTACLES, rng.randint(1, 3)),
        "options": rng.sample(OPTIONS, rng.randint(1, 3)),
        "support": rng.choice(SUPPORTS),
        "standard": None,
        "current_measure": None,
        "deadline": None,
        "if_missed": None,
    }


def _consequence(day: date, rng: random.Random) -> dict:
    return {
        "kind": SessionKind.consequence.value,
        "duration_seconds": rng.randint(900, 1800),
        "goal": None,
        "reality": None,
        "obstacles": [],
        "options": [],
        "support": "Weekly pipeline review together until the deadline",
        "standard": "Eight first meetings a week",
        "current_measure": f"{rng.randint(2, 5)} a week over the last month",
        "deadline": day + timedelta(days=30),
        "if_missed": "A formal performance plan",
    }


def _brief(diary: RepDiary, methodology: Methodology, day: date) -> Brief:
    """The pre-brief as `coach grow` froze it into the session on `day`."""
    since = (day - diary.last).days if diary.last else None
    cadence = methodology.cadence.one_on_one_days
    role = methodology.roles[diary.rep.role].name
    return Brief(
        rep=diary.rep.name,
        role=role,
        today=day,
        cadence_days=cadence,
        last_one_on_one=diary.last,
        days_since_last=since,
        one_on_one_due=since is None or since >= cadence,
        open_actions=[_info(diary.rep.name, item, day) for item in diary.open],
        sprint_focus=_focus(diary.rep, day),
        top_gap=next((gap for when, gap in reversed(diary.rep.gaps) if when <= day), None),
    )


def _info(rep_name: str, item: dict, day: date) -> ActionInfo:
    return ActionInfo(
        id=item["id"],
        rep=rep_name,
        what=item["what"],
        who=item["who"],
        due=item["due"],
        status=item["status"],
        age_days=(day - item["created_at"].date()).days,
        overdue_days=max(0, (day - item["due"]).days),
        reschedules=item["reschedules"],
        session_id=item["session_id"],
        note=item["note"],
    )


def _focus(rep: TeamRep, day: date) -> str | None:
    for span in rep.sprints:
        if span.start <= day <= span.end:
            return f"{span.focus}, sprint {span.number} until {span.end.isoformat()}"
    return None


def _carry(diary: RepDiary, item: dict, day: date, record: dict, rng: random.Random) -> None:
    """Done, kept or dropped in the session: an overdue action is more often decided."""
    roll = rng.random()
    if item["due"] < day and roll < 0.65:
        status = ActionStatus.done if roll < 0.5 else ActionStatus.dropped
    elif roll < 0.25:
        status = ActionStatus.done
    else:
        return
    _close(diary, item, status, record["held_at"], record["id"], rng)


def _close(
    diary: RepDiary,
    item: dict,
    status: ActionStatus,
    moment: datetime,
    session_id: int | None,
    rng: random.Random,
) -> None:
    item.update(status=status.value, closed_at=moment, closed_in_session_id=session_id)
    if rng.random() < (0.6 if status == ActionStatus.dropped else 0.2):
        item["note"] = rng.choice(NOTES)
    diary.open.remove(item)


def _new_action(
    diary: RepDiary,
    session_id: int | None,
    moment: datetime,
    rows: CoachingRows,
    rng: random.Random,
) -> None:
    roll = rng.random()
    who = diary.rep.name if roll < 0.6 else MANAGER if roll < 0.9 else "Sales Ops"
    item = {
        "id": len(rows.actions) + 1,
        "rep_id": diary.rep.id,
        "session_id": session_id,
        "what": rng.choice(WHATS).format(rng.choice(ACCOUNTS)),
        "who": who,
        "due": moment.date() + timedelta(days=rng.randint(2, 21)),
        "status": ActionStatus.open.value,
        "created_at": moment,
        "closed_at": None,
        "closed_in_session_id": None,
        "note": None,
        "reschedules": 0,
    }
    rows.actions.append(item)
    diary.open.append(item)
