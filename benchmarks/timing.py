"""How the benchmarks run and time a whole `coach` process: the one place for it.

A child runs with the caller's interpreter, its own data folder and a pinned day,
and may write its bytecode cache (PYTHONDONTWRITEBYTECODE is cleared), as it does
on any installed copy. Its wall time is measured around the process, and its peak
memory is the maximum resident set size the kernel reports when it is reaped
(os.wait4), which counts that child alone, but never less than the size of the
process that started it (Linux keeps the larger across fork and exec): the process
that times must stay small, so it builds nothing and imports no coach itself.

`paired` runs the baseline and the command in turn (A B A B …), so both see the
same machine at the same moment; the ratio is the median of the pairwise ratios.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BASELINE = (sys.executable, "-c", "import sqlmodel")
# Settings of the person running the benchmark that would point a child elsewhere.
_UNSET = ("COACH_DB", "COACH_NOW", "COACH_TODAY", "PYTHONDONTWRITEBYTECODE")


def coach(*args: str) -> list[str]:
    """The command line of `coach ARGS` with this interpreter (and its PYTHONPATH)."""
    return [sys.executable, "-m", "coachcli", *args]


def child_env(home: Path, today: str | None = None, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _UNSET}
    env["COACH_HOME"] = str(home)
    if today is not None:
        env["COACH_TODAY"] = today
    return env | extra


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_bytes: int
    returncode: int
    stderr: str
    stdout: str = ""


def run(argv: Sequence[str], env: dict[str, str], keep_stdout: bool = False) -> Run:
    """Run one child to its end; stderr is kept (for a failure), stdout only if asked."""
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stderr=errors,
            stdout=output if keep_stdout else subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        texts = [_text(errors), _text(output)]
    return Run(seconds, usage.ru_maxrss * 1024, child.returncode, *texts)  # Linux: KiB


def _text(handle) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")


def checked(argv: Sequence[str], env: dict[str, str], keep_stdout: bool = False) -> Run:
    """`run`, and stop the benchmark when the child fails: its figures would be wrong."""
    result = run(argv, env, keep_stdout)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed (exit {result.returncode}):\n{result.stderr}")
    return result


@dataclass(frozen=True)
class Paired:
    """Medians of the command's and the baseline's seconds, the median ratio, the
    command's largest peak memory; `failure` is the error of a failed run."""

    seconds: float
    baseline: float
    ratio: float
    peak_bytes: int
    failure: str | None = None


def paired(
    argv: Sequence[str],
    runs: int,
    env: dict[str, str],
    prepare: Callable[[], None] | None = None,
    baseline: Sequence[str] = BASELINE,
) -> Paired:
    """Baseline and command in turn, after one untimed run of each (which warms the
    file cache and writes the bytecode). `prepare`, untimed, runs before each pair
    (so that what it leaves to the disk weighs on both): a write gets a fresh copy of
    the workspace, so runs do not drift. `baseline`: what the command is compared with
    (`import sqlmodel` unless said)."""
    run(baseline, env)
    pairs: list[tuple[Run, Run]] = []
    for attempt in range(runs + 1):
        if prepare is not None:
            prepare()
        base = run(baseline, env) if attempt else None
        ours = run(argv, env)
        if ours.returncode != 0:
            return Paired(0.0, 0.0, 0.0, ours.peak_bytes, _failure(ours))
        if base is not None:
            pairs.append((ours, base))
    return Paired(
        seconds=statistics.median(ours.seconds for ours, _ in pairs),
        baseline=statistics.median(base.seconds for _, base in pairs),
        ratio=statistics.median(ours.seconds / base.seconds for ours, base in pairs),
        peak_bytes=max(ours.peak_bytes for ours, _ in pairs),
    )


def _failure(result: Run) -> str:
    return f"exit {result.returncode}: {result.stderr.strip() or 'no message'}"
