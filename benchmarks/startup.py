"""Time whole `coach` processes: median of several runs, as a user would feel them.

    python benchmarks/startup.py [--runs 15]

Runs against a throwaway demo workspace so nothing of yours is read or written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = [
    ["--help"],
    ["--version"],
    ["team", "list"],
    ["team", "list", "--json"],
    ["config", "show", "--json"],
]


def median_seconds(args: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "coachcli", *args],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "demo"
        env = {**os.environ, "COACH_HOME": str(home)}
        subprocess.run(
            [sys.executable, "-m", "coachcli", "demo", "--dir", str(home)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        print(f"median of {runs} runs, whole process ({sys.executable})")
        for args in COMMANDS:
            print(f"  coach {' '.join(args):<24} {median_seconds(args, runs, env):.3f} s")


if __name__ == "__main__":
    main()
