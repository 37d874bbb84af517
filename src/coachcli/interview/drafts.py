"""Drafts of interrupted interviews: one JSON line per answer, appended as it is given.

Appending a line per answer means a crash or a closed terminal loses at most the
line being written; on reading, lines that do not parse are skipped with a warning
and the last value of each key wins.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from coachcli.config import PRIVATE_FILE_MODE, data_dir, ensure_private_dir


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
