"""Drafts of interrupted interviews: one JSON line per answer, appended as it is given.

Appending a line per answer means a crash or a closed terminal loses at most the
line being written; on reading, lines that do not parse are skipped with a warning
and the last value of each key wins.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from coachcli.config import PRIVATE_FILE_MODE, data_dir, ensure_private_dir
from coachcli.errors import Interrupted, Invalid


class Draft:
    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def for_interview(cls, kind: str, rep_id: int, database: str) -> Draft:
        # Rep ids repeat across databases (--db): the draft belongs to one database.
        scope = hashlib.sha256(database.encode()).hexdigest()[:8]
        return cls(data_dir() / "drafts" / f"{kind}-{rep_id}-{scope}.jsonl")

    def exists(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def saved_at(self) -> datetime:
        return datetime.fromtimestamp(self.path.stat().st_mtime).astimezone()

    def record(self, key: str, value: Any) -> None:
        ensure_private_dir(self.path.parent)
        line = json.dumps({"key": key, "value": value}, ensure_ascii=False, default=str)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def load(self) -> tuple[dict[str, Any], list[str]]:
        """The answers that parse (last one per key wins) and a warning per bad line."""
        answers: dict[str, Any] = {}
        problems: list[str] = []
        raw = self.path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                answers[str(entry["key"])] = entry["value"]
            except (ValueError, KeyError, TypeError):
                problems.append(f"line {number} of the draft could not be read and was skipped")
        return answers, problems

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def resume_draft(
    draft: Draft,
    rep_name: str,
    interactive: bool,
    resume: bool,
    discard: bool,
    warn: Callable[[str], None],
    what: str = "session",
) -> dict[str, Any]:
    """The answers of an interrupted run to start from, or {} after discarding the draft."""
    from coachcli.interview.asker import Question, make_asker

    if not draft.exists() or discard:
        draft.discard()
        return {}
    answers, problems = draft.load()
    for problem in problems:
        warn(f"Draft: {problem}.")
    saved = f"{draft.saved_at():%Y-%m-%d %H:%M}"
    if not resume and not interactive:
        raise Invalid(
            f"An interrupted {what} with {rep_name} left a draft ({len(answers)} answers, "
            f"{saved}).",
            hint="Pass --resume to continue it or --discard-draft to start afresh.",
        )
    question = Question(
        "resume",
        f"Resume the draft from {saved} ({len(answers)} answers)?",
        "--resume",
        default=True,
    )
    if resume or make_asker({}, no_input=False).confirm(question):
        return answers
    draft.discard()
    return {}


@contextmanager
def kept_on_interrupt(command: str) -> Iterator[None]:
    """Ctrl-C or a closed terminal mid-interview: the draft stays, and the user is told how
    to pick it up again."""
    try:
        yield
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(
            f"Interrupted. Your answers are kept as a draft: run `{command}` to resume."
        ) from None
