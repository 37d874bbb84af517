"""Build, check and cache the five-year workspace that benchmarks/scale.py runs on.

25 reps; weekly one-on-ones for five years (about 6,000 sessions, 30,000 actions);
plans, assessments, sprints and learning; about 50,000 deals from 261 weekly
Salesforce exports (about 440,000 deal events); quotas for every quarter.

The database is created by coach itself (`coach team list` on an empty data folder:
schema and migration records), the small tables are filled through coach's services,
the large ones with the standard library's sqlite3 in one transaction, and the last
two weekly exports are imported by the real `coach deal import`. `coach db check
--full` must pass, or the build stops. The folder is cached by seed and by the names
of the schema's migrations, so a schema change builds it again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from scale_coaching import coaching_rows
from scale_deals import Crm, History, export_text
from scale_team import TeamRep, at, seed_team
from timing import checked, child_env, coach

from coachcli.clock import Clock
from coachcli.config import DB_FILENAME, load_methodology
from coachcli.db.deals import _stored
from coachcli.db.migrations import MIGRATIONS, open_database
from coachcli.db.shared import driver

TODAY = date(2026, 11, 20)  # a Friday: the workspace's today (COACH_TODAY)
LAST_IMPORT = TODAY - timedelta(days=4)  # CRM exports are taken on Mondays
WEEKS = 261
FIRST = LAST_IMPORT - timedelta(weeks=WEEKS - 1)
REAL_IMPORTS = 2  # the last weekly exports go through `coach deal import`
DEALS = 50_000  # in the CRM by today; the benchmark's import file holds them all
STARTING_PIPELINE = 2_500
CLOSE_PLANS = 300
# Part of the cache key: change it when what is generated changes.
GENERATOR_VERSION = 1
TABLES = ("rep", "quota", "quota_change", "coaching_session", "action_item", "assessment",
          "rating", "expectation", "development_plan", "plan_revision", "sprint",
          "learning_activity", "deal", "deal_event", "deal_snapshot", "deal_before_import",
          "close_plan_step")  # fmt: skip


def cached_workspace(cache: Path, seed: int, rebuild: bool) -> Path:
    """The folder of the built workspace (home/coach.db, import-full.csv, manifest.json);
    built when missing, stale or asked for. A half-built folder is never taken."""
    folder = cache / f"five-years-seed{seed}-{_schema_hash()}"
    if (folder / "manifest.json").exists() and not rebuild:
        return folder
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    build(partial, seed)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder


def _schema_hash() -> str:
    names = "\n".join(migration.name for migration in MIGRATIONS)
    return hashlib.sha256(f"{GENERATOR_VERSION}\n{names}".encode()).hexdigest()[:12]


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def build(folder: Path, seed: int) -> None:
    started = time.perf_counter()
    home = folder / "home"
    say(f"building the five-year workspace (seed {seed}) in {folder} …")
    checked(coach("team", "list"), child_env(home, str(FIRST)))  # coach creates the schema
    methodology = _methodology(home)
    reps, owners = _team(home / DB_FILENAME, methodology, seed)
    crm = Crm([rep.name for rep in reps if rep.role != "sdr"], seed)
    history = _bulk(home / DB_FILENAME, methodology, reps, owners, crm, seed)
    _close_plans(home / DB_FILENAME)
    _real_imports(folder, crm, history)
    _full_export(folder, crm, history)
    check_workspace(home)
    seconds = time.perf_counter() - started
    manifest = {
        "seed": seed,
        "today": str(TODAY),
        "build_seconds": round(seconds, 1),
        "import_rows": DEALS,
        "rows": count_rows(home / DB_FILENAME),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    say(f"built in {seconds:.0f} s: {manifest['rows']}")


def _methodology(home: Path):
    """The methodology in effect in `home` (which has no override: the shipped one), not
    the one of the data folder of whoever runs the benchmark."""
    saved = os.environ.get("COACH_HOME")
    os.environ["COACH_HOME"] = str(home)
    try:
        return load_methodology()
    finally:
        if saved is None:
            del os.environ["COACH_HOME"]
        else:
            os.environ["COACH_HOME"] = saved


def _team(database_path: Path, methodology, seed: int):
    """Reps, quotas and plans through coach's services; and how imports match owners."""
    from coachcli.services import team

    database = open_database(f"sqlite:///{database_path}", Clock(at(FIRST)))
    try:
        with database.session(write=True) as session:
            reps = seed_team(session, methodology, FIRST, TODAY, seed)
            owners = team.owner_index(driver(session))
    finally:
        database.close()
    say(f"  team, quotas and plans of {len(reps)} reps")
    return reps, owners


def _bulk(
    database_path: Path, methodology, reps: list[TeamRep], owners, crm: Crm, seed: int
) -> History:
    """Sessions, actions and the synthetic weeks of deal history, in one transaction."""
    connection = sqlite3.connect(database_path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = OFF")  # a build is redone, not recovered
        connection.execute("BEGIN IMMEDIATE")
        coaching = coaching_rows(reps, methodology, FIRST, TODAY, seed)
        insert(connection, "coaching_session", coaching.sessions)
        insert(connection, "action_item", coaching.actions)
        say(f"  {len(coaching.sessions)} sessions, {len(coaching.actions)} actions")
        history = History(methodology, owners, lambda table, rows: insert(connection, table, rows))
        crm.start(FIRST, STARTING_PIPELINE)
        for week in range(WEEKS - REAL_IMPORTS):
            as_of = FIRST + timedelta(weeks=week)
            history.apply(*crm.week(as_of, _new_deals(week) if week else 0), as_of)
        history.finish()
        connection.execute("COMMIT")
    finally:
        connection.close()
    say(
        f"  {WEEKS - REAL_IMPORTS} weekly imports: {history.deal_ids} deals, "
        f"{history.events} events"
    )
    return history


def _new_deals(week: int) -> int:
    """New deals in week `week` (1 …), spread so that the CRM holds DEALS on TODAY."""
    per_week = (DEALS - STARTING_PIPELINE) / WEEKS
    return round(per_week * week) - round(per_week * (week - 1))


def insert(connection: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    """Rows stored as coach stores them (db/deals.py's conversion; JSON as SQLAlchemy's)."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    values = ([_value(row[column]) for column in columns] for row in rows)
    connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


def _value(value):
    return json.dumps(value) if isinstance(value, dict | list) else _stored(value)


def _close_plans(database_path: Path) -> None:
    """Close plans on the largest open deals, typed in by the manager on the day of the
    last synthetic import (coach's own service: the steps and their events)."""
    from sqlmodel import col, select

    from coachcli.models import Deal
    from coachcli.services import deals

    day = FIRST + timedelta(weeks=WEEKS - REAL_IMPORTS - 1)
    steps = ["Security review signed off", "Proposal presented to the CFO", "Contract to legal"]
    database = open_database(f"sqlite:///{database_path}", Clock(at(day)))
    try:
        with database.session(write=True) as session:
            query = select(Deal).where(Deal.status == "open").order_by(col(Deal.amount).desc())
            for number, deal in enumerate(session.exec(query.limit(CLOSE_PLANS)).all()):
                for weeks, what in enumerate(steps, start=1):
                    deals.add_step(session, deal, what, day + timedelta(weeks=weeks), day)
                if number % 2:
                    deals.finish_step(session, deal, 1, day)
    finally:
        database.close()
    say(f"  close plans on {CLOSE_PLANS} open deals")


def _real_imports(folder: Path, crm: Crm, history: History) -> None:
    """The last weekly exports, imported by `coach deal import` on their own mornings.
    Each must find exactly the changes the generated history expects: the rows written
    in bulk are then what coach would have stored."""
    exports = folder / "exports"
    exports.mkdir()
    for week in range(WEEKS - REAL_IMPORTS, WEEKS):
        as_of = FIRST + timedelta(weeks=week)
        export, touched = crm.week(as_of, _new_deals(week))
        expected = history.apply(export, touched, as_of)
        path = exports / f"opportunities-{as_of}.csv"
        path.write_text(export_text(export), encoding="utf-8")
        env = child_env(folder / "home", COACH_NOW=f"{as_of}T08:00:00+00:00")
        argv = coach("deal", "import", str(path), "--as-of", str(as_of), "--json")
        result = checked(argv, env, keep_stdout=True)
        _same_changes(path.name, json.loads(result.stdout)["counts"], expected)
        say(f"  coach deal import {path.name}: {result.seconds:.1f} s")


def _full_export(folder: Path, crm: Crm, history: History) -> None:
    """The benchmark's import: a week on, the CRM's every deal (DEALS rows). A dry run
    checks that coach finds the changes expected, closed deals of five years included."""
    _, touched = crm.week(TODAY, _new_deals(WEEKS))  # the week moves; the file has all deals
    expected = history.apply(crm.deals, touched, TODAY)
    assert len(crm.deals) == DEALS, len(crm.deals)
    path = folder / "import-full.csv"
    path.write_text(export_text(crm.deals), encoding="utf-8")
    argv = coach("deal", "import", str(path), "--as-of", str(TODAY), "--dry-run", "--json")
    result = checked(argv, child_env(folder / "home", str(TODAY)), keep_stdout=True)
    _same_changes(path.name, json.loads(result.stdout)["counts"], expected)
    say(f"  coach deal import {path.name} --dry-run: {result.seconds:.1f} s")


def _same_changes(name: str, found: dict[str, int], expected: dict[str, int]) -> None:
    if found != expected:
        raise SystemExit(
            f"coach deal import {name} found {found}; the generated history expected "
            f"{expected}: the rows written in bulk are not what coach would have stored."
        )


def check_workspace(home: Path) -> None:
    """`coach db check --full` on the workspace; stop loudly on any problem."""
    argv = coach("db", "check", "--full", "--json")
    result = checked(argv, child_env(home, str(TODAY)), keep_stdout=True)
    report = json.loads(result.stdout)
    if report["integrity"] != ["ok"] or report["foreign_key_problems"] != 0:
        raise SystemExit(f"coach db check --full found problems:\n{result.stdout}")
    say(f"  coach db check --full: ok ({result.seconds:.1f} s)")


def count_rows(database_path: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"{database_path.as_uri()}?mode=ro", uri=True)
    try:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLES
        }
    finally:
        connection.close()


def main() -> None:
    """Print the folder of the workspace, built first if needed (progress on stderr).
    benchmarks/scale.py runs this apart, so that its own process stays small: a child
    it times cannot show a peak memory below the size of the process that started it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--rebuild", action="store_true")
    given = parser.parse_args()
    print(cached_workspace(given.cache.expanduser(), given.seed, given.rebuild))


if __name__ == "__main__":
    main()
