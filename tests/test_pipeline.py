"""coach pipeline: size, shape, contents and velocity, by hand-checked figures.

The seeded team (today 2054-11-22, period 2054-Q4 = 2054-10-01 .. 2054-12-31):

    Ana (quota 250k)  W1 won 100k (cycle 60d)   W2 won 50k in Q4 (cycle 60d)
                      L1 lost 50k at discovery   L2 lost 100k at prospecting
                      O1 "=cmd|x #1" negotiation 120k, closes 12-15, clean, has a plan
                      O2 proposal 80k, closes 11-10 (past), idle since 10-01, in stage
                         since 09-01, no next step, pushed 3 times, no plan
                      O3 prospecting 40k, closes 2055-02-15, no activity date, last
                         change seen on 11-01
    Bo  (quota 150k)  W3 won 30k (cycle 30d)
                      O4 discovery 60k, closes 12-01, blank next step, no plan, last
                         touched 13 days ago (one day short of the stale limit)
    Cy  (archived)    O5 open 999k, W4 won 500k: left out of team figures
    nobody            O6 open 10k with an owner who is not on the team
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import typer
from sqlmodel import select
from typer.testing import CliRunner

from coachcli.cli.pipeline import pipeline as pipeline_command
from coachcli.config import (
    database_url,
    ensure_private_dir,
    load_methodology,
    user_methodology_path,
)
from coachcli.dates import parse_period
from coachcli.db.migrations import open_database
from coachcli.db.reader import reading
from coachcli.models import ClosePlanStep, Deal
from coachcli.services import pipeline, team
from coachcli.services.deals import deals_at_risk
from coachcli.services.pipeline import Totals

from .conftest import CLOCK, Result

TODAY = date(2054, 11, 22)
Q4 = parse_period("2054-Q4")
NOW = datetime(2054, 11, 22, 12, tzinfo=UTC)
RANK = {"prospecting": 0, "qualification": 1, "discovery": 2, "proposal": 3, "negotiation": 4}
WON = 5
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def d(text: str) -> date:
    return date.fromisoformat(text)


def deal(key: str, rep_id: int | None, stage: str, amount: float, **extra) -> Deal:
    status = extra.pop("status", "open")
    rank = extra.pop("rank", WON if status == "won" else RANK.get(stage, 0))
    fields = {
        "external_id": key,
        "name": extra.pop("name", f"Deal {key}"),
        "rep_id": rep_id,
        "stage": stage,
        "max_stage_rank": rank,
        "stage_since": d("2054-11-15"),
        "status": status,
        "amount": amount,
        "close_date": d("2054-12-15"),
        "created_date": d("2054-11-01"),
        "last_activity": d("2054-11-20"),
        "next_step": "Sign",
        "updated_at": NOW,
    }
    dated = ("stage_since", "close_date", "created_date", "last_activity", "closed_on")
    for name in (*dated, "last_change", "missing_since"):
        if isinstance(extra.get(name), str):
            extra[name] = d(extra[name])
    return Deal(**(fields | extra))


def won(key, rep_id, amount, created, closed) -> Deal:
    return deal(
        key, rep_id, "closed_won", amount, status="won", created_date=created, closed_on=closed
    )


def lost(key, rep_id, amount, rank) -> Deal:
    return deal(
        key,
        rep_id,
        "closed_lost",
        amount,
        status="lost",
        rank=rank,
        created_date="2054-05-01",
        closed_on="2054-06-15",
    )


def add_rep(session, name, quota=None, archived=False):
    method = load_methodology()
    info = team.add_rep(session, method, name, "AE", quota=quota, period=Q4, clock=CLOCK)
    rep = team.rep_to_change(session, name, include_archived=True)
    if archived:
        rep.archived_at = NOW
        session.add(rep)
    return info.id


@pytest.fixture
def database(coach_home):
    ensure_private_dir(coach_home)
    opened = open_database(database_url(), CLOCK)
    yield opened
    opened.close()


@pytest.fixture
def seeded(database):
    with database.session(write=True) as session:
        ana = add_rep(session, "Ana Souza", 250_000)
        bo = add_rep(session, "Bo Berg", 150_000)
        cy = add_rep(session, "Cy Old", 100_000, archived=True)
        deals = [
            won("W1", ana, 100_000, "2054-06-01", "2054-07-31"),
            won("W2", ana, 50_000, "2054-09-01", "2054-10-31"),
            lost("L1", ana, 50_000, rank=2),
            lost("L2", ana, 100_000, rank=0),
            deal("O1", ana, "negotiation", 120_000, name="=cmd|x #1"),
            deal(
                "O2",
                ana,
                "proposal",
                80_000,
                name="Globex renewal",
                close_date="2054-11-10",
                last_activity="2054-10-01",
                stage_since="2054-09-01",
                next_step=None,
                pushes=3,
            ),
            deal(
                "O3",
                ana,
                "prospecting",
                40_000,
                name="Initech pilot",
                close_date="2055-02-15",
                last_activity=None,
                last_change="2054-11-01",
                stage_since="2054-11-01",
                next_step="Call",
                pushes=1,
            ),
            won("W3", bo, 30_000, "2054-08-01", "2054-08-31"),
            deal(
                "O4",
                bo,
                "discovery",
                60_000,
                name="Umbrella",
                close_date="2054-12-01",
                next_step="  ",
                stage_since="2054-11-10",
                last_activity="2054-11-09",  # 13 days ago: one day short of stale
            ),
            deal("O5", cy, "proposal", 999_000, pushes=9, next_step=None),
            won("W4", cy, 500_000, "2054-10-01", "2054-10-02"),
            deal("O6", None, "proposal", 10_000, owner="Someone Else"),
        ]
        session.add_all(deals)
        session.flush()
        o1 = next(x for x in deals if x.external_id == "O1")
        session.add(ClosePlanStep(deal_id=o1.id, position=1, what="Sign", due=d("2054-12-10")))
    return database


def deal_row(session, external_id: str) -> Deal:
    return session.exec(select(Deal).where(Deal.external_id == external_id)).one()


def override(text: str) -> None:
    """A user methodology file in the data folder, merged over the shipped one."""
    path = user_methodology_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def health(database, rep=None, period=None, method=None):
    with reading(database.url, CLOCK) as connection:
        found = team.resolve_rep(connection, rep, include_archived=True) if rep else None
        return pipeline.pipeline_health(
            connection,
            method or load_methodology(),
            TODAY,
            parse_period(period or "2054-Q4"),
            found,
        )


@pytest.fixture
def run():
    """The command on a local root app, until app.py registers it (then the real app)."""
    from coachcli.cli.app import CoachGroup, app, root

    if not any(command.name == "pipeline" for command in app.registered_commands):
        app = typer.Typer(cls=CoachGroup, pretty_exceptions_enable=False)
        app.callback()(root)
        app.command("pipeline")(pipeline_command)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return Result(runner.invoke(app, ["pipeline", *args], catch_exceptions=True))

    return invoke


# ---- the team's figures -----------------------------------------------------------------


def test_size_coverage_and_win_rate(seeded):
    view = health(seeded)
    assert view.size.model_dump() == {
        "open_count": 4,
        "open_value": 300_000,
        "period_open_count": 3,
        "period_open_value": 260_000,
        "period_missing_count": 0,
        "period_missing_value": 0,
        "quota": 400_000,
        "won_in_period": 50_000,
        "remaining_quota": 350_000,
        "quota_met": False,
        "unassigned_open_count": 1,
    }
    assert view.coverage == 0.7429  # 260k / (400k - 50k)
    assert view.win_rate.by_count == 0.6  # 3 won / 5 closed
    assert view.win_rate.by_value == 0.5455  # 180k / 330k
    assert view.required_coverage.model_dump() == {"by_count": 1.6667, "by_value": 1.8333}


def test_stages_months_and_conversion(seeded):
    view = health(seeded)
    stages = [(s.stage, s.count, s.value, s.value_share) for s in view.stages]
    assert stages == [
        ("prospecting", 1, 40_000, 0.1333),
        ("qualification", 0, 0, 0.0),
        ("discovery", 1, 60_000, 0.2),
        ("proposal", 1, 80_000, 0.2667),
        ("negotiation", 1, 120_000, 0.4),
    ]
    assert [(m.month, m.count, m.value) for m in view.close_months] == [
        ("2054-11", 1, 80_000),
        ("2054-12", 2, 180_000),
        ("2055-02", 1, 40_000),
    ]
    # Highest ranks of Ana's and Bo's nine deals: 0 0 2 2 3 4 5 5 5.
    conversion = [
        (c.from_stage, c.to_stage, c.reached, c.advanced, c.rate) for c in view.conversion
    ]
    assert conversion == [
        ("prospecting", "qualification", 9, 7, 0.7778),
        ("qualification", "discovery", 7, 7, 1.0),
        ("discovery", "proposal", 7, 5, 0.7143),
        ("proposal", "negotiation", 5, 4, 0.8),
        ("negotiation", "closed_won", 4, 3, 0.75),
    ]


def test_each_flag_counts_the_right_deals(seeded):
    flags = health(seeded).flags
    summary = {key: (f.count, f.value, f.share, f.over) for key, f in flags.items()}
    assert summary == {
        "stale": (2, 120_000, 0.5, True),  # O2 idle 52 days, O3 unchanged for 21
        "aged": (1, 80_000, 0.25, False),  # O2; O3 is exactly at its 21 expected days
        "past_close": (1, 80_000, 0.25, True),
        "no_next_step": (2, 140_000, 0.5, True),  # O2 none, O4 blank
        "no_close_plan": (2, 140_000, 0.5, False),  # O2 and O4 close in Q4; O1 has a plan
        "pushed": (1, 80_000, 0.25, True),
        "no_activity_data": (0, 0, 0.0, False),
        "missing": (0, 0, 0.0, False),
        "no_close_date": (0, 0, 0.0, False),
    }
    stale = [(x.external_id, x.measure, x.basis) for x in flags["stale"].deals]
    assert stale == [("O2", 52, "activity"), ("O3", 21, "change")]
    assert [(x.external_id, x.measure) for x in flags["aged"].deals] == [("O2", 82)]
    assert [(x.external_id, x.measure) for x in flags["past_close"].deals] == [("O2", 12)]
    assert [(x.external_id, x.measure) for x in flags["pushed"].deals] == [("O2", 3)]
    assert [x.external_id for x in flags["no_close_plan"].deals] == ["O2", "O4"]  # largest first
    assert flags["stale"].deals[0].rep == "Ana Souza"


def test_worst_lists_rank_by_the_flag_not_by_the_index_order(database):
    """Aged: days over the stage's own limit, so a younger deal in a short stage leads.

    Expected days: qualification and negotiation 14, discovery and proposal 21.
    """
    with database.session(write=True) as session:
        ana = add_rep(session, "Ana Souza")
        session.add_all(
            [
                deal("NEG", ana, "negotiation", 10_000, stage_since="2054-10-01"),  # 52d, 38 over
                deal("PRO", ana, "proposal", 10_000, stage_since="2054-09-25"),  # 58d, 37 over
                deal("QUA", ana, "qualification", 10_000, stage_since="2054-10-10"),  # 29 over
                deal("DIS", ana, "discovery", 10_000, stage_since="2054-10-01"),  # 31 over
                deal("BIG", ana, "discovery", 90_000, stage_since="2054-10-01", next_step=None),
                deal("TIE", ana, "discovery", 90_000, stage_since="2054-10-01", next_step=None),
            ]
        )
    flags = health(database).flags
    aged = [(x.external_id, x.measure) for x in flags["aged"].deals]
    # BIG and TIE are 31 over too and larger than DIS; equal amounts fall back to the id.
    assert aged == [("NEG", 52), ("PRO", 58), ("BIG", 52)]
    assert flags["aged"].count == 6
    assert [x.external_id for x in flags["no_next_step"].deals] == ["BIG", "TIE"]


def test_stale_means_idle_for_the_stale_days_or_more_here_and_in_the_pre_brief(database):
    """One rule in SQL and in Python: the later of the CRM's activity date and the last
    change seen, 14 days or more ago; a deal with neither is no activity data."""
    with database.session(write=True) as session:
        ana = add_rep(session, "Ana Souza")
        session.add_all(
            [
                deal("EDGE", ana, "discovery", 1_000, name="Edge", last_activity="2054-11-08"),
                deal("FRESH", ana, "discovery", 1_000, name="Fresh", last_activity="2054-11-09"),
                # Quiet in the CRM for 30 days, but its stage moved 13 days ago.
                deal(
                    "MOVED",
                    ana,
                    "discovery",
                    1_000,
                    name="Moved",
                    last_activity="2054-10-23",
                    last_change="2054-11-09",
                ),
                deal(
                    "STILL",
                    ana,
                    "discovery",
                    2_000,
                    name="Still",
                    last_activity=None,
                    last_change="2054-11-08",
                ),
                # Created long ago; no activity date and no change seen: never stale.
                deal(
                    "BLANK",
                    ana,
                    "discovery",
                    3_000,
                    name="Blank",
                    last_activity=None,
                    created_date="2053-01-01",
                ),
            ]
        )
    flags = health(database).flags
    stale = [(x.external_id, x.measure, x.basis) for x in flags["stale"].deals]
    assert stale == [("STILL", 14, "change"), ("EDGE", 14, "activity")]  # larger first
    assert [x.external_id for x in flags["no_activity_data"].deals] == ["BLANK"]
    assert (flags["no_activity_data"].count, flags["no_activity_data"].limit) == (1, None)
    with database.reading() as connection:
        rep = team.resolve_rep(connection, "ana")
        at_risk = deals_at_risk(connection, load_methodology(), rep.id, TODAY)
    assert at_risk == [
        "Edge (1,000 USD): no activity for 14 days",
        "Still (2,000 USD): no change for 14 days",
    ]


def test_velocity_per_rep_and_team(seeded):
    speed = health(seeded).velocity
    rows = [
        (v.rep, v.open_count, v.average_won_value, v.win_rate, v.average_cycle_days, v.velocity)
        for v in [*speed.reps, speed.team]
    ]
    assert rows == [
        ("Ana Souza", 3, 75_000, 0.5, 60.0, 1875.0),  # 3 x 75k x 0.5 / 60
        ("Bo Berg", 1, 30_000, 1.0, 30.0, 1000.0),  # 1 x 30k x 1.0 / 30
        (None, 4, 60_000, 0.6, 50.0, 2880.0),  # 4 x 60k x 0.6 / 50
    ]


def test_one_rep_and_an_archived_rep_by_name(seeded):
    ana = health(seeded, rep="ana")
    assert (ana.rep, ana.size.open_count, ana.size.period_open_value) == ("Ana Souza", 3, 200_000)
    assert (ana.size.remaining_quota, ana.coverage) == (200_000, 1.0)
    assert ana.required_coverage.by_value == 2.0
    assert ana.size.unassigned_open_count is None
    cy = health(seeded, rep="cy")
    assert (cy.size.open_count, cy.size.open_value, cy.win_rate.won_count) == (1, 999_000, 1)
    assert cy.size.quota_met  # won 500k of a 100k quota in Q4
    failing = [(f.check, f.count, f.value) for f in cy.check.failures]
    assert failing == [("no_next_step", 1, 1.0), ("no_close_plan", 1, 1.0), ("pushed", 1, 1.0)]


def test_check_fails_on_coverage_and_flags_over_their_limits(seeded):
    check = health(seeded).check
    assert not check.passed
    assert [f.model_dump() for f in check.failures] == [
        {"check": "coverage", "value": 0.7429, "limit": 1.8333, "count": None},
        {"check": "stale", "value": 0.5, "limit": 0.25, "count": 2},
        {"check": "past_close", "value": 0.25, "limit": 0.1, "count": 1},
        {"check": "no_next_step", "value": 0.5, "limit": 0.2, "count": 2},
        {"check": "pushed", "value": 0.25, "limit": 0.1, "count": 1},
    ]
    assert check.skipped == []


def test_check_reasons_read_as_sentences(seeded):
    from coachcli.render.pipeline import check_lines

    failures, skipped = check_lines(health(seeded).model_dump(mode="json"))
    assert failures == [
        "coverage 0.74x for 2054-Q4 is below the 1.83x the win rate by value requires",
        "stale 14d+: 2 of 4 open deals (50%), over the limit of 25%",
        "past close: 1 of 4 open deals (25%), over the limit of 10%",
        "no next step: 2 of 4 open deals (50%), over the limit of 20%",
        "pushed 3+: 1 of 4 open deals (25%), over the limit of 10%",
    ]
    assert skipped == []
    later = check_lines(health(seeded, period="2055-Q1").model_dump(mode="json"))
    assert later[1] == ["coverage, no quota set for 2055-Q1"]


def test_share_text_keeps_a_decimal_only_where_it_matters():
    from coachcli.render.pipeline import share_text

    assert [share_text(x) for x in (0.5, 0.2029, 0.1, None)] == ["50%", "20.3%", "10%", ""]


def test_limits_and_stale_days_come_from_the_methodology(seeded):
    override(
        "[pipeline]\nstale_days = 60\npush_limit = 4\n\n[pipeline.limits]\nno_next_step = 0.5\n"
    )
    view = health(seeded)
    assert (view.flags["stale"].count, view.flags["pushed"].count) == (0, 0)
    assert view.flags["no_next_step"].limit == 0.5
    assert not view.flags["no_next_step"].over
    assert view.rules.model_dump() == {"stale_days": 60, "push_limit": 4}


def test_methodology_files_without_a_pipeline_section_still_validate():
    from coachcli.methodology_schema import Methodology

    data = load_methodology().model_dump()
    del data["pipeline"]
    rules = Methodology.model_validate(data).pipeline
    assert (rules.stale_days, rules.push_limit, rules.limits.stale) == (14, 3, 0.25)


def test_a_bad_pipeline_limit_names_its_key():
    from coachcli.errors import StorageError

    override("[pipeline.limits]\nstale = 1.5\n")
    with pytest.raises(StorageError, match=r"pipeline\.limits\.stale"):
        load_methodology()


def test_a_period_without_quota_skips_the_coverage_check(seeded):
    view = health(seeded, period="2055-Q1")
    assert (view.size.quota, view.coverage) == (None, None)
    assert view.size.period_open_value == 40_000
    assert view.check.skipped == ["no_quota"]


def test_empty_workspace_has_no_figures_but_no_errors(database):
    view = health(database)
    assert (view.size.open_count, view.coverage, view.win_rate.by_count) == (0, None, None)
    assert view.velocity.team.velocity is None
    assert all(flag.share is None and not flag.over for flag in view.flags.values())
    assert view.check.passed


# ---- the pure calculations ---------------------------------------------------------------


def test_ratio_and_win_rate():
    assert pipeline.ratio(1, 3) == 0.3333
    assert pipeline.ratio(5, 0) is None
    totals = Totals(won_count=1, won_value=10.0, lost_count=3, lost_value=30.0)
    assert pipeline.win_rate(totals).by_count == 0.25
    assert pipeline.required_coverage(totals).model_dump() == {"by_count": 4.0, "by_value": 4.0}
    assert pipeline.required_coverage(Totals(lost_count=2)).by_count is None


def test_coverage_of_met_and_missing_quota():
    met = pipeline.size_of(Totals(period_open_value=10, period_won_value=120), 100, None)
    assert (met.remaining_quota, met.quota_met, pipeline.coverage(met)) == (0, True, None)
    none = pipeline.size_of(Totals(period_open_value=10), None, None)
    assert (none.remaining_quota, pipeline.coverage(none)) == (None, None)
    half = pipeline.size_of(Totals(period_open_value=150, period_won_value=50), 350, 0)
    assert pipeline.coverage(half) == 0.5


def test_conversion_counts_deals_that_got_at_least_that_far():
    rows = pipeline.conversion({0: 2, 1: 1, 2: 1}, ["a", "b", "won"])
    assert [(r.reached, r.advanced, r.rate) for r in rows] == [(4, 2, 0.5), (2, 1, 0.5)]
    assert pipeline.conversion({}, ["a", "won"])[0].rate is None


def test_velocity_is_undefined_without_wins_or_cycle():
    assert pipeline.velocity(Totals(open_count=5, lost_count=3)).velocity is None
    same_day = Totals(open_count=2, won_count=1, won_value=10, won_cycle_days=0, won_cycle_count=1)
    assert pipeline.velocity(same_day).velocity is None
    no_cycle = Totals(open_count=2, won_count=1, won_priced=1, won_value=10)
    assert pipeline.velocity(no_cycle).average_cycle_days is None
    none_open = Totals(
        won_count=2, won_priced=2, won_value=10, won_cycle_days=10, won_cycle_count=2
    )
    assert pipeline.velocity(none_open).velocity == 0


def test_flag_share_must_exceed_the_limit():
    assert not pipeline.flag_view("stale", 1, 5.0, 4, 0.25, []).over
    assert pipeline.flag_view("stale", 2, 5.0, 4, 0.25, []).over
    assert pipeline.flag_view("stale", 0, 0.0, 0, 0.0, []).share is None


# ---- the command ------------------------------------------------------------------------


def test_json_keys_and_shapes(seeded, run):
    result = run("--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert list(data) == [
        "period",
        "rep",
        "today",
        "as_of",
        "first_recorded",
        "currency",
        "rules",
        "size",
        "left_out",
        "coverage",
        "required_coverage",
        "win_rate",
        "stages",
        "close_months",
        "conversion",
        "flags",
        "velocity",
        "check",
    ]
    assert data["period"] == {"label": "2054-Q4", "start": "2054-10-01", "end": "2054-12-31"}
    assert (data["rep"], data["today"], data["coverage"]) == (None, "2054-11-22", 0.7429)
    assert (data["currency"], data["left_out"]) == ("USD", [])
    assert data["flags"]["past_close"]["deals"][0] == {
        "id": data["flags"]["past_close"]["deals"][0]["id"],
        "external_id": "O2",
        "name": "Globex renewal",
        "rep": "Ana Souza",
        "stage": "proposal",
        "amount": 80000.0,
        "currency": "USD",
        "close_date": "2054-11-10",
        "measure": 12,
        "basis": None,
    }
    assert list(data["flags"]) == [
        "stale",
        "aged",
        "past_close",
        "no_next_step",
        "no_close_plan",
        "pushed",
        "no_activity_data",
        "missing",
        "no_close_date",
    ]
    assert data["velocity"]["team"]["velocity"] == 2880.0


def test_rep_and_period_options(seeded, run):
    data = run("--rep", "bo", "--period", "2054-Q4", "--format", "json").json()
    assert (data["rep"], data["size"]["open_count"], data["coverage"]) == ("Bo Berg", 1, 0.4)
    assert run("--rep", "nobody").exit_code == 1
    bad = run("--period", "Q9")
    assert bad.exit_code == 2
    assert "Unknown period" in bad.stderr


def test_check_exits_3_with_a_reason_per_failure_on_stderr(seeded, run):
    result = run("--check", "--json")
    assert result.exit_code == 3
    assert result.json()["check"]["passed"] is False  # the report is still printed
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("Check failed: coverage 0.74x")
    assert run("--json").exit_code == 0  # without --check the report is only a report


def test_check_exits_0_on_a_healthy_pipeline(database, run):
    with database.session(write=True) as session:
        rep = add_rep(session, "Dee Clean", 100_000)
        session.add_all(
            [
                won("W", rep, 100_000, "2054-01-01", "2054-03-01"),
                lost("L", rep, 100_000, rank=3),
                deal("O", rep, "proposal", 300_000, close_date="2054-12-20"),
            ]
        )
        session.flush()
        session.add(
            ClosePlanStep(deal_id=deal_row(session, "O").id, position=1, what="x", due=TODAY)
        )
    result = run("--check")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "Check: passed" in result.stdout


def test_table_reads_at_80_columns(seeded):
    from io import StringIO

    from rich.console import Console

    from coachcli.render.pipeline import pipeline_screen

    console = Console(file=StringIO(), width=80, color_system=None)
    console.print(pipeline_screen(health(seeded).model_dump(mode="json")))
    text = console.file.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    contents = text.split("Contents", 1)[1].split("Sales velocity", 1)[0]
    assert "…" not in text.replace(contents, "")  # only worst deals' names give way
    # Each worst deal keeps to one line, its measure whole; its name gives way.
    assert "  Initech p… · 21d unchanged" in contents
    assert "Globex renewal · 80,000" in contents  # the workspace currency goes unsaid
    assert "Pipeline health: team, 2054-Q4 (2054-10-01 to 2054-12-31), today 2054-11-22" in text
    assert "Coverage         0.74x (below required)" in text
    assert "No rep           1 open deal owned by no rep on the team" in text
    assert "Globex renewal · 52d idle" in text
    stage = next(line for line in text.splitlines() if "Solution / Proposal" in line)
    assert stage.split() == ["Solution", "/", "Proposal", "1", "80,000", "27%", "█" * 8, "80%"]
    team = next(line for line in text.splitlines() if line.strip().startswith("Team"))
    assert team.split() == ["Team", "4", "3", "60,000", "60%", "50.0", "2,880"]
    assert "Check: 5 failing" in text


def test_table_shows_user_text_literally(seeded, run):
    with seeded.session(write=True) as session:
        row = deal_row(session, "O2")
        row.name = "[bold]Globex[/bold] \x1b[31m"
        session.add(row)
    result = run()
    assert result.exit_code == 0, result.stderr
    assert "[bold]Globex[/bold]" in result.stdout
    assert "\x1b" not in result.stdout


def test_markdown_neutralises_deal_names(seeded, run):
    override("[pipeline.limits]\nno_close_plan = 0.1\n")
    with seeded.session(write=True) as session:
        row = deal_row(session, "O1")
        row.name, row.next_step = "=cmd|x #1\n# not a heading `tick`", None
        session.add(row)
    result = run("--format", "markdown")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert r"=cmd\|x #1<br># not a heading \`tick\` · 120,000" in text
    assert "=cmd|x" not in text
    assert "\n# not" not in text
    contents = text.split("## Contents\n", 1)[1].strip().split("\n\n")[0]
    rows = contents.splitlines()
    assert len(rows) == 2 + 9
    assert {len(UNESCAPED_PIPE.findall(row)) for row in rows} == {7}  # six cells a row


def test_markdown_heading_escapes_the_rep_name(seeded):
    from coachcli.render.pipeline import pipeline_markdown

    with seeded.session(write=True) as session:
        add_rep(session, "Zed `x` | *y*", 1)
    text = pipeline_markdown(health(seeded, rep="zed").model_dump(mode="json"))
    assert text.startswith(r"# Pipeline health: Zed \`x\` \| \*y\*, 2054-Q4")


def test_a_workspace_without_deals_says_how_to_get_them(database, run):
    result = run()
    assert result.exit_code == 0
    assert "No deals yet" in result.stdout and "coach deal import FILE" in result.stdout
    assert "Stages" not in result.stdout
    assert run("--json").json()["size"]["open_count"] == 0  # JSON keeps its shape
