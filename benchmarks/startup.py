"""Time whole `coach` processes against `python -c "import sqlmodel"`, as a user feels them.

    python benchmarks/startup.py [--runs 15]

Each command and the baseline run in turn (A B A B …) so that both see the same
machine; the figures are medians of whole processes, and the ratio is the median of
the pairwise ratios. A ratio near 1 means the command costs about what importing
SQLModel costs; `--help` should be well under it. Runs against a throwaway demo
workspace so nothing of yours is read or written.
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

BASELINE = [sys.executable, "-c", "import sqlmodel"]
COMMANDS = [
    ["--help"],
    ["--version"],
    ["team", "list"],
    ["grow", "ana", "--brief"],
    ["actions"],
    ["sessions"],
    ["pipeline"],
    ["config", "show", "--json"],
]


def seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def paired(args: list[str], runs: int, env: dict[str, str]) -> tuple[float, float, float]:
    """Median seconds of the command, of the baseline, and median of their ratios."""
    command = [sys.executable, "-m", "coachcli", *args]
    seconds(command, env)  # warm the file cache
    pairs = [(seconds(command, env), seconds(BASELINE, env)) for _ in range(runs)]
    ours, base = zip(*pairs, strict=True)
    ratio = statistics.median(a / b for a, b in pairs)
    return statistics.median(ours), statistics.median(base), ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "demo"
        env = {**os.environ, "COACH_HOME": str(home)}
        subprocess.run([sys.executable, "-m", "coachcli", "demo", "--dir", str(home)],
                       env=env, check=True, capture_output=True)  # fmt: skip
        print(f"medians of {runs} paired runs, whole processes ({sys.executable})")
        print(f"  {'command':<28} {'coach':>8} {'sqlmodel':>9} {'ratio':>6}")
        for args in COMMANDS:
            ours, base, ratio = paired(args, runs, env)
            print(f"  coach {' '.join(args):<22} {ours:7.3f}s {base:8.3f}s {ratio:6.2f}")


if __name__ == "__main__":
    main()
