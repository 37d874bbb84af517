"""Time a 50,000-deal CRM import and `coach pipeline` over the result, as whole processes.

    python benchmarks/deals.py [--deals 50000] [--runs 3]

Writes two synthetic Salesforce-style exports a week apart (the second moves about
a third of the deals: stages, close dates, amounts, wins and losses) into a temp
folder, imports both into a fresh data folder, then times `coach pipeline` for the
team, for one rep, and as of a day between the imports. Prints the median of --runs for each.

Python may write its bytecode cache (PYTHONDONTWRITEBYTECODE is cleared for the
children), as it does on any installed copy; one untimed run warms it.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
from datetime import date, timedelta
from pathlib import Path

from timing import checked, child_env, coach

STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
          "Negotiation/Review"]  # fmt: skip
HEADER = ["Id", "Name", "Account Name", "Opportunity Owner", "StageName", "Amount", "CloseDate",
          "ForecastCategoryName", "CreatedDate", "NextStep", "LastActivityDate"]  # fmt: skip
REPS = [f"Rep {n:02d}" for n in range(1, 26)]
TODAY = date(2026, 11, 22)


def deals(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        created = TODAY - timedelta(days=rng.randint(5, 5 * 365))
        close = created + timedelta(days=rng.randint(20, 200))
        stage = rng.choice(STAGES if close >= TODAY else [*STAGES, "Closed Won", "Closed Lost"])
        rows.append([f"006{n:07d}", f"Deal {n}", f"Account {n % 3000}", rng.choice(REPS), stage,
                     f"{rng.randint(2, 200) * 500}", close.isoformat(), "Pipeline",
                     created.isoformat(), rng.choice(["", "Call back", "Send proposal"]),
                     (TODAY - timedelta(days=rng.randint(0, 60))).isoformat()])  # fmt: skip
    return rows


def moved(rows: list[list[str]], seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    changed = []
    for row in rows:
        row = list(row)
        if rng.random() < 0.33 and row[4] in STAGES:
            row[4] = rng.choice([*STAGES, "Closed Won", "Closed Lost"])
            row[6] = (date.fromisoformat(row[6]) + timedelta(days=rng.randint(-10, 40))).isoformat()
            row[5] = str(max(500, int(row[5]) + rng.randint(-20, 20) * 100))
        changed.append(row)
    return changed[: int(len(changed) * 0.99)]  # a few deals drop out of the export


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def timed(args: list[str], env: dict[str, str]) -> float:
    return checked(coach(*args), env).seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        first = write(work / "week1.csv", deals(options.deals, seed=1))
        second = write(work / "week2.csv", moved(deals(options.deals, seed=1), seed=2))
        imports, reimports = [], []
        for run in range(options.runs):
            env = child_env(work / f"home{run}", str(TODAY))
            imports.append(timed(["deal", "import", str(first), "--create-reps",
                                  "--as-of", "2026-11-15"], env))  # fmt: skip
            reimports.append(timed(["deal", "import", str(second)], env))
        timed(["pipeline"], env)  # warms the bytecode cache
        runs = max(5, options.runs)
        pipeline = [timed(["pipeline"], env) for _ in range(runs)]
        as_json = [timed(["pipeline", "--json"], env) for _ in range(runs)]
        one_rep = [timed(["pipeline", "--rep", REPS[0]], env) for _ in range(runs)]
        # Between the two imports: every deal the second one moved is replayed back.
        between = [timed(["pipeline", "--as-of", "2026-11-18"], env) for _ in range(runs)]
    print(f"{options.deals} deals, median of {options.runs} runs (whole process):")
    print(f"  deal import, first snapshot   {statistics.median(imports):6.2f} s")
    print(f"  deal import, second snapshot  {statistics.median(reimports):6.2f} s")
    print(f"  pipeline                      {statistics.median(pipeline):6.2f} s")
    print(f"  pipeline --json               {statistics.median(as_json):6.2f} s")
    print(f"  pipeline --rep                {statistics.median(one_rep):6.2f} s")
    print(f"  pipeline --as-of (replayed)   {statistics.median(between):6.2f} s")


if __name__ == "__main__":
    main()
