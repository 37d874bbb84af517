"""User text is data: strip terminal control characters and escape Markdown. No Rich here."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and C1 controls (ESC starts most attacks).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN_CELL = str.maketrans({"|": "\\|", "\\": "\\\\", "<": "&lt;", ">": "&gt;"})


def clean(value: object) -> str:
    """A value as printable text: None is empty, control characters are dropped."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))


def markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, lines joined with <br>."""
    text = clean(value).translate(_MARKDOWN_CELL)
    return "<br>".join(line.strip() for line in text.splitlines()) if "\n" in text else text


def markdown_text(value: object) -> str:
    """User text as a Markdown paragraph: shown literally, not as headings or HTML."""
    lines = clean(value).splitlines() or [""]
    return "  \n".join(_escape_line(line) for line in lines)


def _escape_line(line: str) -> str:
    escaped = re.sub(r"([\\`*_\[\]<>|])", r"\\\1", line)
    return re.sub(r"^(\s*)([#>+\-=]|\d+[.)])", r"\1\\\2", escaped)
