"""Time whole `coach` processes against `python -c "import sqlmodel"`, as a user feels them.

    python benchmarks/startup.py [--runs 15]

Each command and the baseline run in turn (A B A B …) so that both see the same
machine; the figures are medians of whole processes, and the ratio is the median of
the pairwise ratios (benchmarks/timing.py; benchmarks/scale.py does the same for
every command on a five-year workspace). A ratio near 1 means the command costs about what importing
SQLModel costs; `--help` should be well under it. Runs against a throwaway demo
workspace so nothing of yours is read or written.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from timing import checked, child_env, coach, paired

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "demo"
        env = child_env(home)
        checked(coach("demo", "--dir", str(home)), env)
        print(f"medians of {runs} paired runs, whole processes ({sys.executable})")
        print(f"  {'command':<28} {'coach':>8} {'sqlmodel':>9} {'ratio':>6}")
        for args in COMMANDS:
            found = paired(coach(*args), runs, env)
            if found.failure:
                raise SystemExit(f"coach {' '.join(args)} failed ({found.failure})")
            print(
                f"  coach {' '.join(args):<22} {found.seconds:7.3f}s {found.baseline:8.3f}s "
                f"{found.ratio:6.2f}"
            )


if __name__ == "__main__":
    main()
