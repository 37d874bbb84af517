"""Time whole `coach` processes against `python -c "import sqlmodel"`, as a user feels them.

    python benchmarks/startup.py [--runs 15] [--jrnl PATH]

Each command and the baseline run in turn (A B A B …) so that both see the same
machine; the figures are medians of whole processes, and the ratio is the median of
the pairwise ratios (benchmarks/timing.py; benchmarks/scale.py does the same for
every command on a five-year workspace). A ratio near 1 means the command costs about what importing
SQLModel costs; `--help` should be well under it. Runs against a throwaway demo
workspace so nothing of yours is read or written.

With --jrnl (the path of a `jrnl` executable, a journal CLI with lazy imports) the
start-up itself is held against a peer's: `coach --help` should cost at most 1.2x
`jrnl --help`, and `coach --version` at most 1.0x `jrnl --version`.
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
    parser.add_argument("--jrnl", help="a jrnl executable to hold --help and --version against")
    given = parser.parse_args()
    runs = given.runs
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
        if given.jrnl:
            against_jrnl(given.jrnl, runs, env)


# coach's start-up against jrnl's, and the most it may cost (issue 12).
PEER_GOALS = {"--help": 1.2, "--version": 1.0}


def against_jrnl(jrnl: str, runs: int, env: dict[str, str]) -> None:
    print(f"  {'against jrnl':<28} {'coach':>8} {'jrnl':>9} {'ratio':>6}  goal")
    for flag, goal in PEER_GOALS.items():
        found = paired(coach(flag), runs, env, baseline=[jrnl, flag])
        verdict = "holds" if found.ratio <= goal else "missed"
        print(
            f"  coach {flag:<22} {found.seconds:7.3f}s {found.baseline:8.3f}s "
            f"{found.ratio:6.2f}  <= {goal} {verdict}"
        )


if __name__ == "__main__":
    main()
