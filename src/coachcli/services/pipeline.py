"""Pipeline health: size, shape and contents of the open deals, and sales velocity.

Pipeline management is not forecasting (SPEC section 1, item 10): it asks whether
there is enough pipeline, in the right stages and months, kept clean enough to win
from. The definitions are SPEC section 4: win rate = won / (won + lost) by count
and by value; required coverage = 1 / win rate; coverage = open pipeline closing
in the period / remaining quota; velocity = open deals x average won deal x win
rate / average cycle days. Figures are aggregated in SQL (db/pipeline.py); this
module does the arithmetic and decides what fails `--check`.

Every value is in the workspace currency (SPEC section 3): a deal in another
currency counts at its rate, and one without a rate counts in the deal counts but
in no value, and is listed under `left_out` with how to add the rate.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from coachcli.dates import Period, quarter_of
from coachcli.db import pipeline as queries
from coachcli.db.pipeline import FLAGS, DealGroup, FlagRules, RepPeriod
from coachcli.db.rates import Pricing, foreign_deals
from coachcli.db.reps import RepRow, active_reps
from coachcli.enums import DealStatus
from coachcli.errors import Invalid
from coachcli.methodology_schema import Methodology
from coachcli.services.deal_events import Ranks

if TYPE_CHECKING:
    from sqlite3 import Connection

WORST_SHOWN = 3


@dataclass
class Totals:
    """Counts and sums of one rep's deals (or of several reps, added up)."""

    open_count: int = 0
    open_value: float = 0.0
    won_count: int = 0
    won_value: float = 0.0
    lost_count: int = 0
    lost_value: float = 0.0
    # Won deals whose value counts (a rate found), and closed deals without an amount.
    won_priced: int = 0
    won_no_amount: int = 0
    lost_no_amount: int = 0
    # Days from created to closed, summed over the won deals that have a cycle.
    won_cycle_days: float = 0.0
    won_cycle_count: int = 0
    period_open_count: int = 0
    period_open_value: float = 0.0
    period_won_value: float = 0.0
    # Open deals closing in the period but missing from the latest CRM export.
    period_missing_count: int = 0
    period_missing_value: float = 0.0

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


class PeriodView(BaseModel):
    label: str
    start: date
    end: date


class SizeView(BaseModel):
    open_count: int
    open_value: float
    # Closing in the period, and still in the latest CRM export: what coverage counts.
    period_open_count: int
    period_open_value: float
    # Closing in the period but missing from the latest export: counted apart.
    period_missing_count: int
    period_missing_value: float
    quota: float | None
    won_in_period: float
    remaining_quota: float | None
    quota_met: bool
    # Open deals whose CRM owner is no rep on the team (team view only).
    unassigned_open_count: int | None


class WinRateView(BaseModel):
    by_count: float | None
    # None when it cannot be computed: nothing closed, or the won or the lost deals
    # carry no value (no amount, or no rate for their currency).
    by_value: float | None
    won_count: int
    lost_count: int
    won_value: float
    lost_value: float
    won_without_amount: int
    lost_without_amount: int


class LeftOutView(BaseModel):
    """Deals of one currency that no total counts, for want of a rate."""

    currency: str
    count: int
    amount: float
    # A rate dated on or before this day (`coach config fx`) counts every one of them.
    rate_needed_on: date


class RequiredCoverageView(BaseModel):
    by_count: float | None
    by_value: float | None


class StageView(BaseModel):
    stage: str
    name: str
    count: int
    value: float
    value_share: float | None
    expected_days: int | None


class MonthView(BaseModel):
    month: str | None  # YYYY-MM; None for open deals without a close date (listed last)
    count: int
    value: float


class ConversionView(BaseModel):
    from_stage: str
    to_stage: str
    reached: int
    advanced: int
    rate: float | None


class FlaggedDealView(BaseModel):
    id: int
    external_id: str
    name: str
    rep: str | None
    stage: str
    # In the deal's own currency.
    amount: float
    currency: str
    close_date: date | None
    measure: int | None
    # Stale deals: "activity" (quiet since the CRM's activity date) or "change" (since
    # the last change seen).
    basis: str | None = None


class FlagView(BaseModel):
    flag: str
    count: int
    value: float
    share: float | None
    # None for a flag that informs and never fails `--check` (no activity data, missing,
    # no close date).
    limit: float | None
    over: bool
    deals: list[FlaggedDealView]


class VelocityView(BaseModel):
    rep: str | None
    open_count: int
    won_count: int
    average_won_value: float | None
    win_rate: float | None
    average_cycle_days: float | None
    velocity: float | None


class VelocitySection(BaseModel):
    team: VelocityView
    reps: list[VelocityView]


class CheckFailure(BaseModel):
    # "coverage", or the flag over its limit.
    check: str
    # Coverage against the required coverage by value, or the flag's share against its limit.
    value: float
    limit: float
    # Deals under the flag (None for coverage).
    count: int | None = None


class CheckView(BaseModel):
    passed: bool
    failures: list[CheckFailure]
    # Checks that could not run: "no_quota" (none set for the period), "no_wins", or
    # "no_value_win_rate" (the win rate by value cannot be computed).
    skipped: list[str]


class RulesView(BaseModel):
    stale_days: int
    push_limit: int


class PipelineView(BaseModel):
    period: PeriodView
    rep: str | None
    # The day the report counts from: today, or the `--as-of` day.
    today: date
    # Set with `--as-of`: the pipeline as it stood that day, and the day the first deal
    # was recorded (None: there is none), to say why an early day shows nothing.
    as_of: date | None = None
    first_recorded: date | None = None
    # The workspace currency: every value of the report is in it.
    currency: str
    rules: RulesView
    size: SizeView
    left_out: list[LeftOutView]
    coverage: float | None
    required_coverage: RequiredCoverageView
    win_rate: WinRateView
    stages: list[StageView]
    close_months: list[MonthView]
    conversion: list[ConversionView]
    flags: dict[str, FlagView]
    velocity: VelocitySection
    check: CheckView


# ---- pure calculations ------------------------------------------------------------------


def totals_by_rep(
    groups: Iterable[DealGroup], periods: Mapping[int | None, RepPeriod], rep_ids: Collection[int]
) -> dict[int, Totals]:
    """Each rep's totals from the grouped deals and the period's figures."""
    found = {rep_id: Totals() for rep_id in rep_ids}
    for group in groups:
        totals = found.get(group.rep_id) if group.rep_id is not None else None
        if totals is None:
            continue  # an archived rep's deals, or an owner who is not on the team
        if group.status == DealStatus.open:
            totals.open_count += group.count
            totals.open_value += group.value
        elif group.status == DealStatus.won:
            totals.won_count += group.count
            totals.won_value += group.value
            totals.won_priced += group.priced
            totals.won_no_amount += group.no_amount
        elif group.status == DealStatus.lost:
            totals.lost_count += group.count
            totals.lost_value += group.value
            totals.lost_no_amount += group.no_amount
    for rep_id, totals in found.items():
        period = periods.get(rep_id, RepPeriod(rep_id))
        totals.won_cycle_days = period.won_cycle_days
        totals.won_cycle_count = period.won_cycle_count
        totals.period_won_value = period.won_value
        totals.period_open_count = period.open_count
        totals.period_open_value = period.open_value
        totals.period_missing_count = period.missing_count
        totals.period_missing_value = period.missing_value
    return found


def rank_counts(groups: Iterable[DealGroup], rep_ids: Collection[int]) -> dict[int, int]:
    """How many of the reps' deals, open or closed, got no further than each rank."""
    counts: dict[int, int] = {}
    for group in groups:
        if group.rep_id is not None and group.rep_id in rep_ids:
            counts[group.max_stage_rank] = counts.get(group.max_stage_rank, 0) + group.count
    return counts


def ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    """numerator / denominator, rounded; None when the denominator is zero."""
    if not denominator:
        return None
    return round(numerator / denominator, digits)


def value_known(totals: Totals) -> bool:
    """Whether won and lost deals both carry value: lost deals without amounts would
    make the win rate by value 100%, won ones without amounts 0%."""
    unvalued_won = totals.won_count and not totals.won_value
    unvalued_lost = totals.lost_count and not totals.lost_value
    return not (unvalued_won or unvalued_lost)


def win_rate(totals: Totals) -> WinRateView:
    by_value = ratio(totals.won_value, totals.won_value + totals.lost_value)
    return WinRateView(
        by_count=ratio(totals.won_count, totals.won_count + totals.lost_count),
        by_value=by_value if value_known(totals) else None,
        won_count=totals.won_count,
        lost_count=totals.lost_count,
        won_value=totals.won_value,
        lost_value=totals.lost_value,
        won_without_amount=totals.won_no_amount,
        lost_without_amount=totals.lost_no_amount,
    )


def required_coverage(totals: Totals) -> RequiredCoverageView:
    """1 / win rate: a team that wins a third of its pipeline needs three times its quota.

    None when nothing was won (no amount of pipeline is then known to be enough), and
    by value when the win rate by value cannot be computed.
    """
    by_value = ratio(totals.won_value + totals.lost_value, totals.won_value)
    return RequiredCoverageView(
        by_count=ratio(totals.won_count + totals.lost_count, totals.won_count),
        by_value=by_value if value_known(totals) else None,
    )


def size_of(totals: Totals, quota: float | None, unassigned: int | None) -> SizeView:
    remaining = None if quota is None else max(quota - totals.period_won_value, 0.0)
    return SizeView(
        open_count=totals.open_count,
        open_value=totals.open_value,
        period_open_count=totals.period_open_count,
        period_open_value=totals.period_open_value,
        period_missing_count=totals.period_missing_count,
        period_missing_value=totals.period_missing_value,
        quota=quota,
        won_in_period=totals.period_won_value,
        remaining_quota=remaining,
        quota_met=remaining == 0,
        unassigned_open_count=unassigned,
    )


def coverage(size: SizeView) -> float | None:
    """Open pipeline closing in the period / remaining quota; None with no quota left.
    Deals missing from the latest export are left out: the CRM no longer has them."""
    return ratio(size.period_open_value, size.remaining_quota or 0)


def conversion(ranks: Mapping[int, int], stage_keys: list[str]) -> list[ConversionView]:
    """Stage i to i+1: deals whose highest rank reached i+1 / deals that reached i.

    `stage_keys` are the open stages in order followed by the won stage, whose rank
    is the number of open stages.
    """
    rows = []
    for index, (here, after) in enumerate(pairwise(stage_keys)):
        reached = sum(count for rank, count in ranks.items() if rank >= index)
        advanced = sum(count for rank, count in ranks.items() if rank >= index + 1)
        rows.append(
            ConversionView(
                from_stage=here,
                to_stage=after,
                reached=reached,
                advanced=advanced,
                rate=ratio(advanced, reached),
            )
        )
    return rows


def velocity(totals: Totals, rep: str | None = None) -> VelocityView:
    """Open deals x average won deal x win rate (count) / average cycle days: money a day.

    The average won deal is over the won deals that have a value in the workspace
    currency: one without a rate is in no total, so it cannot be in the average.
    """
    won = totals.won_count
    average_won = round(totals.won_value / totals.won_priced, 2) if totals.won_priced else None
    rate = ratio(won, won + totals.lost_count)
    cycled = totals.won_cycle_count
    cycle = round(totals.won_cycle_days / cycled, 1) if cycled else None
    speed = None
    if average_won is not None and rate is not None and cycle:
        speed = round(totals.open_count * average_won * rate / cycle, 2)
    return VelocityView(
        rep=rep,
        open_count=totals.open_count,
        won_count=won,
        average_won_value=average_won,
        win_rate=rate,
        average_cycle_days=cycle,
        velocity=speed,
    )


def flag_view(
    flag: str,
    count: int,
    value: float,
    open_count: int,
    limit: float | None,
    deals: list[FlaggedDealView],
) -> FlagView:
    share = ratio(count, open_count)
    return FlagView(
        flag=flag,
        count=count,
        value=value,
        share=share,
        limit=limit,
        over=share is not None and limit is not None and share > limit,
        deals=deals,
    )


def evaluate_check(
    size: SizeView,
    covered: float | None,
    required: RequiredCoverageView,
    flags: Mapping[str, FlagView],
) -> CheckView:
    """What fails `coach pipeline --check`: too little coverage, or a flag over its limit."""
    failures: list[CheckFailure] = []
    skipped: list[str] = []
    if size.quota is None:
        skipped.append("no_quota")
    elif required.by_count is None:
        skipped.append("no_wins")
    elif required.by_value is None:
        skipped.append("no_value_win_rate")
    elif not size.quota_met and (covered or 0) < required.by_value:
        failures.append(CheckFailure(check="coverage", value=covered or 0, limit=required.by_value))
    for flag in flags.values():
        if flag.over and flag.share is not None and flag.limit is not None:
            failures.append(
                CheckFailure(check=flag.flag, value=flag.share, limit=flag.limit, count=flag.count)
            )
    return CheckView(passed=not failures, failures=failures, skipped=skipped)


# ---- the report -------------------------------------------------------------------------


def stage_views(
    methodology: Methodology, by_stage: Mapping[str, tuple[int, float]], open_value: float
) -> list[StageView]:
    """Every open stage in methodology order, then any stage the methodology does not know."""
    known = methodology.open_stages()
    unknown = sorted(set(by_stage) - set(known))
    rows = []
    for key in known + unknown:
        count, value = by_stage.get(key, (0, 0.0))
        stage = methodology.stages.get(key)
        rows.append(
            StageView(
                stage=key,
                name=stage.name if stage else key,
                count=count,
                value=value,
                value_share=ratio(value, open_value),
                expected_days=stage.expected_days if stage else None,
            )
        )
    return rows


def _stage_keys(methodology: Methodology) -> list[str]:
    return [*methodology.open_stages(), methodology.closing_stage("won")]


def _flag_rules(methodology: Methodology, today: date, period: Period) -> FlagRules:
    rules = methodology.pipeline
    expected = {key: methodology.stages[key].expected_days for key in methodology.open_stages()}
    return FlagRules(
        today=today,
        period_start=period.start,
        period_end=period.end,
        stale_days=rules.stale_days,
        push_limit=rules.push_limit,
        expected_days=expected,
    )


def _flags(
    connection: Connection,
    methodology: Methodology,
    reps: list[RepRow],
    rules: FlagRules,
    pricing: Pricing,
    open_count: int,
) -> dict[str, FlagView]:
    rep_ids = [rep.id for rep in reps]
    names = {rep.id: rep.name for rep in reps}
    totals = queries.flag_totals(connection, rep_ids, rules, pricing)
    limits = methodology.pipeline.limits
    views = {}
    for flag in FLAGS:
        count, value = totals[flag]
        worst = (
            queries.worst_deals(connection, rep_ids, rules, pricing, flag, WORST_SHOWN)
            if count
            else []
        )
        deals = [
            FlaggedDealView(
                **{k: v for k, v in asdict(deal).items() if k != "rep_id"},
                rep=names.get(deal.rep_id),
            )
            for deal in worst
        ]
        limit = getattr(limits, flag, None)  # the methodology sets limits on some flags
        views[flag] = flag_view(flag, count, value, open_count, limit, deals)
    return views


def pipeline_health(
    connection: Connection,
    methodology: Methodology,
    today: date,
    period: Period | None = None,
    rep: RepRow | None = None,
    as_of: date | None = None,
) -> PipelineView:
    """The health of one rep's pipeline, or the team's (archived reps left out); with
    `as_of`, as it stood at the end of that day (its quarter by default)."""
    if as_of is None:
        return _health(connection, methodology, today, period, rep)
    # The replay's modules load only when it runs: most reports are of today.
    from coachcli.db.history import first_recorded_day
    from coachcli.services.history import reading_as_of

    check_as_of(as_of, today)
    with reading_as_of(connection, as_of, Ranks.of(methodology)):
        view = _health(connection, methodology, as_of, period, rep)
    first = first_recorded_day(connection)
    return view.model_copy(update={"as_of": as_of, "first_recorded": first})


def check_as_of(as_of: date, today: date) -> None:
    """History ends today: a later day has no pipeline yet."""
    if as_of > today:
        raise Invalid(
            f"--as-of {as_of.isoformat()} is after today ({today.isoformat()}): "
            "the pipeline has no history there yet.",
            hint="Give today or an earlier day, e.g. --as-of yesterday or --as-of -2w.",
        )


def _health(
    connection: Connection,
    methodology: Methodology,
    today: date,
    period: Period | None,
    rep: RepRow | None,
) -> PipelineView:
    period = period or quarter_of(today)
    foreign = foreign_deals(connection, methodology.currency)
    pricing = Pricing(methodology.currency, today, foreign)
    reps = [rep] if rep is not None else active_reps(connection)
    rep_ids = [r.id for r in reps]
    one = rep.id if rep is not None else None
    groups = queries.deal_groups(connection, pricing, one)
    periods = queries.period_by_rep(connection, pricing, period.start, period.end, one)
    per_rep = totals_by_rep(groups, periods, rep_ids)
    team = sum(per_rep.values(), Totals())
    unassigned = None if rep is not None else queries.unassigned_open_count(connection)
    size = size_of(team, queries.quota_total(connection, rep_ids, period.label), unassigned)
    covered, rates, required = coverage(size), win_rate(team), required_coverage(team)
    rules = _flag_rules(methodology, today, period)
    flags = _flags(connection, methodology, reps, rules, pricing, size.open_count)
    return PipelineView(
        period=PeriodView(label=period.label, start=period.start, end=period.end),
        rep=rep.name if rep is not None else None,
        today=today,
        currency=pricing.currency,
        rules=RulesView(stale_days=rules.stale_days, push_limit=rules.push_limit),
        size=size,
        left_out=[
            LeftOutView(**asdict(found)) for found in queries.left_out(connection, pricing, rep_ids)
        ],
        coverage=covered,
        required_coverage=required,
        win_rate=rates,
        **_shape(connection, methodology, pricing, rep_ids, size.open_value),
        conversion=conversion(rank_counts(groups, rep_ids), _stage_keys(methodology)),
        flags=flags,
        velocity=VelocitySection(
            team=velocity(team), reps=[velocity(per_rep[r.id], r.name) for r in reps]
        ),
        check=evaluate_check(size, covered, required, flags),
    )


def _shape(
    connection: Connection,
    methodology: Methodology,
    pricing: Pricing,
    rep_ids: list[int],
    open_value: float,
) -> dict[str, Any]:
    """Open deals by stage (methodology order) and by close month (earliest first)."""
    by_stage: dict[str, tuple[int, float]] = {}
    by_month: dict[str | None, tuple[int, float]] = {}
    rows = queries.open_by_stage_and_month(connection, pricing, rep_ids)
    for stage, month, count, value in rows:
        for found, key in ((by_stage, stage), (by_month, month)):
            before = found.get(key, (0, 0.0))
            found[key] = (before[0] + count, before[1] + value)
    return {
        "stages": stage_views(methodology, by_stage, open_value),
        "close_months": [
            MonthView(month=month, count=count, value=value)
            for month, (count, value) in sorted(
                by_month.items(), key=lambda item: (item[0] is None, item[0] or "")
            )
        ],
    }
