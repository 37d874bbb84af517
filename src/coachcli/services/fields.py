"""Free text as people type it into coach: trimmed, bounded, and `TEXT | WHEN` pairs."""

from __future__ import annotations

from coachcli.errors import Invalid

# The documented limits of free text (README, "Your text is data").
MAX_TEXT = 2000
MAX_NAME_LENGTH = 80  # a person's name


def clean_text(value: object, what: str, required: bool = True) -> str | None:
    """Trimmed text, refused when empty (if required) or longer than MAX_TEXT."""
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise Invalid(f"The {what} is empty.")
        return None
    problem = over_limit(f"The {what}", text)
    if problem:
        raise Invalid(f"{problem}.")
    return text


def over_limit(what: str, text: str, limit: int = MAX_TEXT) -> str | None:
    """What is wrong with `text` when it is longer than `limit`, naming it `what`."""
    if len(text) <= limit:
        return None
    return f"{what} is {len(text):,} characters; keep it to {limit:,}"


def split_dated(text: str, form: str, example: str) -> tuple[str, str]:
    """`TEXT | WHEN` split at the last bar, so TEXT may hold bars of its own."""
    head, bar, when = str(text).rpartition("|")
    if not bar or not head.strip():
        raise Invalid(f"Write {form}, e.g. '{example}'; not {text!r}.")
    return head.strip(), when
