"""Drafts of interrupted interviews: one JSON line per answer, appended as it is given.

Appending a line per answer means a crash or a closed terminal loses at most the
line being written; on reading, lines that do not parse are skipped with a warning
and the last value of each key wins. Each line also carries the conversation's
elapsed seconds and the clock's time, so a resumed one-on-one keeps its 15-minute
count and the resume question can say when the draft was saved.

A list (obstacles, options, actions, learning) is written after every item with
`partial: true` until it is finished, so a resumed interview goes on inside it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from coachcli.config import PRIVATE_FILE_MODE, data_dir, ensure_private_dir
from coachcli.errors import StorageError


@dataclass
class DraftState:
    """What an interrupted run left: its answers, the lists it was inside, its time."""

    answers: dict[str, Any] = field(default_factory=dict)
    partial: set[str] = field(default_factory=set)
    elapsed: int = 0
    saved_at: datetime | None = None
    problems: list[str] = field(default_factory=list)


class Draft:
    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def for_interview(cls, kind: str, scope: int | str, database: str) -> Draft:
        """The draft of one interview (`kind`) about one rep (`scope`: an id, or "new")."""
        # Rep ids repeat across databases (--db): the draft belongs to one database.
        digest = hashlib.sha256(database.encode()).hexdigest()[:8]
        return cls(data_dir() / "drafts" / f"{kind}-{scope}-{digest}.jsonl")

    def exists(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def record(
        self,
        key: str,
        value: Any,
        partial: bool = False,
        elapsed: int = 0,
        at: datetime | None = None,
    ) -> None:
        ensure_private_dir(self.path.parent)
        entry: dict[str, Any] = {"key": key, "value": value, "elapsed": elapsed}
        if partial:
            entry["partial"] = True
        if at is not None:
            entry["at"] = at.isoformat()
        line = json.dumps(entry, ensure_ascii=False, default=str)
        # Appended: a write that fails (a full disk) leaves the earlier answers as they
        # were, and a cut-off last line is skipped when the draft is read back.
        try:
            descriptor = os.open(
                self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE
            )
            with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise StorageError(
                f"Cannot save the draft in {self.path.parent}: {error.strerror}.",
                hint="Free some space there; the answers saved before this one are kept, "
                "and the same command offers to resume them.",
            ) from None

    def load(self) -> DraftState:
        """The answers that parse (last one per key wins) and a warning per bad line."""
        state = DraftState()
        raw = self.path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                _apply(state, json.loads(line))
            except (ValueError, KeyError, TypeError, AttributeError):
                state.problems.append(
                    f"line {number} of the draft could not be read and was skipped"
                )
        return state

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _apply(state: DraftState, entry: dict[str, Any]) -> None:
    # Everything of the line is read before any of it is used: a bad line is all skipped.
    key, value = str(entry["key"]), entry["value"]
    saved_at = datetime.fromisoformat(entry["at"]) if entry.get("at") else state.saved_at
    elapsed = int(entry.get("elapsed") or 0)
    state.answers[key] = value
    if entry.get("partial"):
        state.partial.add(key)
    else:
        state.partial.discard(key)
    state.elapsed = max(state.elapsed, elapsed)
    state.saved_at = saved_at
