"""Time every `coach` command on a five-year workspace, against `import sqlmodel`.

    PYTHONPATH=src python benchmarks/scale.py [--runs 7] [--only TEXT] [--json]
                                              [--seed 1] [--rebuild] [--cache DIR]

SPEC section 6 (scale): a workspace of 25 reps and five years of history (about
6,000 sessions, 30,000 actions, 50,000 deals with weekly imports) stays interactive,
every read command costing about as much as importing SQLModel. The first run builds
that workspace (benchmarks/scale_build.py, a few minutes) and caches it under
--cache, keyed by the seed and the schema's migrations; later runs reuse it, and
--rebuild builds it again. The day is pinned: COACH_TODAY=2026-11-20.

Each command runs as a whole process, in turn with `python -c "import sqlmodel"` on
the same interpreter (A B A B …, benchmarks/timing.py), after one untimed warm-up.
For each: the median seconds, the median of the pairwise ratios to the baseline, the
peak memory (largest resident set of its runs), the goal and whether it holds:

    read commands                          ratio <= 1.0
    actions --all --json, sessions         ratio <= 1.5
    writes and interviews                  ratio <= 1.5   (each run on a fresh copy)
    deal import of 50,000 rows             ratio <= 6.0 and peak <= 300 MiB (fresh copy)

A command that fails (non-zero exit) is reported as FAILED with its error, not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path

from timing import Paired, child_env, coach, paired

READ, LIST, WRITE, IMPORT = 1.0, 1.5, 1.5, 6.0
IMPORT_MIB = 300
MIB = 1024 * 1024
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "coach-bench"


@dataclass(frozen=True)
class Command:
    label: str
    args: tuple[str, ...]
    goal: float
    writes: bool = False  # runs on a fresh copy of the workspace each time
    memory_mib: float | None = None


@dataclass(frozen=True)
class Picks:
    """What the commands name: a busy rep, their latest one-on-one, their open deal
    with the longest history, their oldest open action."""

    rep: str
    session: int
    deal: str
    action: int


def pick(database: Path) -> Picks:
    connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        rep_id, rep = connection.execute(
            "SELECT r.id, r.name FROM rep r JOIN deal d ON d.rep_id = r.id "
            "WHERE d.status = 'open' GROUP BY r.id ORDER BY count(*) DESC, r.id LIMIT 1"
        ).fetchone()
        queries = [
            "SELECT id FROM coaching_session WHERE rep_id = ? AND kind = 'one-on-one' "
            "ORDER BY held_at DESC LIMIT 1",
            "SELECT d.external_id FROM deal d JOIN deal_event e ON e.deal_id = d.id "
            "WHERE d.rep_id = ? AND d.status = 'open' GROUP BY d.id "
            "ORDER BY count(*) DESC, d.id LIMIT 1",
            "SELECT id FROM action_item WHERE rep_id = ? AND status = 'open' "
            "ORDER BY due, id LIMIT 1",
        ]
        found = [connection.execute(query, (rep_id,)).fetchone()[0] for query in queries]
    finally:
        connection.close()
    return Picks(rep, *found)


def commands(picks: Picks, scratch: Path, full_export: Path) -> list[Command]:
    rep, session, deal = picks.rep, str(picks.session), picks.deal
    report = str(scratch / "rep.md")
    return [
        Command("pipeline", ("pipeline",), READ),
        Command("pipeline --json", ("pipeline", "--json"), READ),
        Command("team list", ("team", "list"), READ),
        Command("team show REP", ("team", "show", rep), READ),
        Command("actions", ("actions",), READ),
        Command("actions --all --json", ("actions", "--all", "--json"), LIST),
        Command("sessions", ("sessions",), LIST),
        Command("sessions show ID", ("sessions", "show", session), READ),
        Command("learning list", ("learning", "list"), READ),
        Command("deal list", ("deal", "list"), READ),
        Command("deal show ID", ("deal", "show", deal), READ),
        Command("deal history ID", ("deal", "history", deal), READ),
        Command("grow REP --brief", ("grow", rep, "--brief"), READ),
        Command("plan show REP", ("plan", "show", rep), READ),
        Command("export rep REP -o FILE", ("export", "rep", rep, "-o", report, "--force"), READ),
        Command("export session ID", ("export", "session", session), READ),
        Command("db check", ("db", "check"), READ),
        *writes(picks),
        Command(
            "deal import (50,000 rows)",
            ("deal", "import", str(full_export)),  # as of today, a week after the last
            IMPORT,
            writes=True,
            memory_mib=IMPORT_MIB,
        ),
    ]


GROW = {
    "--goal": "Get the largest deal to a close plan",
    "--reality": "Champion keen, no CFO access",
    "--obstacle": "No access to the CFO",
    "--option": "Ask the champion for an intro",
    "--action": "Send the ROI model | me | +3d",
    "--support": "I join the CFO call",
}
NEW_DEAL = {
    "--name": "Benchmark pilot",
    "--stage": "Prospecting",
    "--amount": "48k",
    "--close": "+45d",
    "--category": "Pipeline",
}


def flags(given: dict[str, str]) -> tuple[str, ...]:
    return tuple(item for pair in given.items() for item in pair)


def writes(picks: Picks) -> list[Command]:
    """Writes and interviews, scripted (no prompt): each runs on a fresh copy."""
    rep, action = picks.rep, str(picks.action)
    carry = ("--carry", f"{action}=done:sent on Tuesday")  # the oldest open action
    found = [
        ("actions add REP WHAT|WHO|WHEN", ("actions", "add", rep, GROW["--action"])),
        ("actions done ID --note", ("actions", "done", action, "--note", "sent")),
        ("team edit REP --email", ("team", "edit", rep, "--email", "x@y.z")),
        ("grow REP --no-input (flags)", ("grow", rep, "--no-input", *flags(GROW), *carry)),
        ("deal add --no-input (flags)", ("deal", "add", "--no-input", "--rep", rep,
                                         *flags(NEW_DEAL))),
    ]  # fmt: skip
    return [Command(label, args, WRITE, writes=True) for label, args in found]


@dataclass(frozen=True)
class Result:
    label: str
    args: tuple[str, ...]
    goal: float
    memory_goal_mib: float | None
    seconds: float
    baseline_seconds: float
    ratio: float
    peak_mib: float
    holds: bool
    failure: str | None


def measure(command: Command, runs: int, workspace: Workspace, scratch: Path) -> Result:
    """Reads run on one working copy; each run of a write gets a fresh copy."""
    home = scratch / ("write" if command.writes else "read") / "home"
    if not command.writes and not home.exists():
        copy_home(workspace.folder, home)
    prepare = (lambda: copy_home(workspace.folder, home)) if command.writes else None
    found = paired(coach(*command.args), runs, child_env(home, workspace.today), prepare)
    return result(command, found)


def copy_home(workspace: Path, home: Path) -> None:
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(workspace / "home", home)


def result(command: Command, found: Paired) -> Result:
    peak = found.peak_bytes / MIB
    memory_ok = command.memory_mib is None or peak <= command.memory_mib
    holds = found.failure is None and found.ratio <= command.goal and memory_ok
    return Result(
        label=command.label,
        args=command.args,
        goal=command.goal,
        memory_goal_mib=command.memory_mib,
        seconds=found.seconds,
        baseline_seconds=found.baseline,
        ratio=found.ratio,
        peak_mib=peak,
        holds=holds,
        failure=found.failure,
    )


def print_table(results: list[Result], manifest: dict, runs: int, floor_mib: float) -> None:
    """A plain table that fits 100 columns, then the error of each failed command."""
    print_header(manifest, runs, [r.baseline_seconds for r in results if not r.failure])
    print(f"(peak memory reads at least {floor_mib:.0f} MiB, this process's own size)\n")
    print(f"{'command':<34} {'seconds':>8} {'ratio':>6} {'peak MiB':>9}  {'goal':<17} holds")
    for r in results:
        print(_row(r))
    for r in results:
        if r.failure:
            print(f"\n{r.label} failed: coach {' '.join(r.args)}")
            for line in r.failure.splitlines()[:6]:
                print(textwrap.shorten(line, 98, placeholder=" …"))


def print_header(manifest: dict, runs: int, baselines: list[float]) -> None:
    rows = manifest["rows"]
    print(
        f"five-year workspace (seed {manifest['seed']}, built in "
        f"{manifest['build_seconds']:.0f} s): {rows['rep']} reps, "
        f"{rows['coaching_session']:,} sessions, {rows['action_item']:,} actions,\n"
        f"  {rows['deal']:,} deals, {rows['deal_event']:,} deal events, "
        f"{rows['deal_snapshot']} imports; today {manifest['today']}"
    )
    baseline = f"{statistics.median(baselines):.2f} s" if baselines else "-"
    print(f'medians of {runs} paired runs; python -c "import sqlmodel": {baseline}')


def _row(r: Result) -> str:
    goal = f"<= {r.goal:.1f}x" + (f", {r.memory_goal_mib:.0f} MiB" if r.memory_goal_mib else "")
    if r.failure:
        return f"{r.label:<34} {'-':>8} {'-':>6} {'-':>9}  {goal:<17} FAILED"
    verdict = "yes" if r.holds else "no"
    return f"{r.label:<34} {r.seconds:8.2f} {r.ratio:6.2f} {r.peak_mib:9.0f}  {goal:<17} {verdict}"


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="paired runs per command")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated workspace")
    parser.add_argument("--only", metavar="SUBSTRING", help="time only commands containing it")
    parser.add_argument("--rebuild", action="store_true", help="build the workspace again")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where it is kept")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser.parse_args()


@dataclass(frozen=True)
class Workspace:
    folder: Path
    today: str
    manifest: dict


def workspace(given: argparse.Namespace) -> Workspace:
    """The cached workspace, built first if needed by benchmarks/scale_build.py in a
    process of its own: this one stays small (see timing.py on peak memory)."""
    script = Path(__file__).with_name("scale_build.py")
    argv = [sys.executable, str(script), "--seed", str(given.seed), "--cache", str(given.cache)]
    argv += ["--rebuild"] if given.rebuild else []
    built = subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True)
    folder = Path(built.stdout.strip())
    manifest = json.loads((folder / "manifest.json").read_text())
    return Workspace(folder, manifest["today"], manifest)


def main() -> None:
    given = options()
    found = workspace(given)
    with tempfile.TemporaryDirectory(prefix="coach-scale-") as folder:
        scratch = Path(folder)
        database = found.folder / "home" / "coach.db"
        chosen = commands(pick(database), scratch, found.folder / "import-full.csv")
        chosen = [c for c in chosen if not given.only or given.only in c.label]
        if not chosen:
            raise SystemExit(f"No command matches --only {given.only!r}.")
        results = []
        for command in chosen:
            print(f"timing coach {command.label} …", file=sys.stderr, flush=True)
            results.append(measure(command, given.runs, found, scratch))
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if given.json:
        report = {
            "python": sys.executable,
            "runs": given.runs,
            "workspace": found.manifest,
            "memory_floor_mib": round(floor, 1),
            "results": [asdict(r) for r in results],
        }
        print(json.dumps(report, indent=2))
    else:
        print_table(results, found.manifest, given.runs, floor)
    if any(r.failure for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
