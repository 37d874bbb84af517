"""Counted words, so that every message says "1 action" and "2 actions"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`counted(1, "action")` is "1 action"; `counted(3, "reply", "replies")` "3 replies"."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def times(count: int) -> str:
    """How often something happened: "once", "twice", "3 times"."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
