"""User text is data: what acts on a terminal or hides text is shown as a visible escape,
and Markdown structure is escaped. No Rich here.

Stored text stays as typed; only what is shown changes. Joiners that belong to the
text (U+200C, U+200D: Persian names, emoji sequences) are shown as they are.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and C1 controls (ESC starts most attacks).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional controls reverse what follows; stand-alone invisible characters blank
# a name on screen: zero-width space, word joiner, Mongolian vowel separator, BOM.
INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\u180e\ufeff]")
_INLINE = re.compile(r"([\\`*_\[\]<>|])")


def clean(value: object) -> str:
    """A value as printable text: None is empty; a control character shows as `\x1b`,
    a bidirectional or invisible one as `\u202e`."""
    if value is None:
        return ""
    text = _CONTROL.sub(lambda found: f"\\x{ord(found[0]):02x}", str(value))
    return INVISIBLE.sub(lambda found: f"\\u{ord(found[0]):04x}", text)


def one_line(value: object) -> str:
    """Text on one line for a shortened view: each line break shown as ↵, not lost."""
    lines = [line.strip() for line in clean(value).splitlines()]
    return " ↵ ".join(line for line in lines if line)


def shortened(text: object, limit: int) -> str:
    """`text` on one line, cut to `limit` characters; an ellipsis says more exists.
    For list tables: a 10,000-character goal must not fill a screen per row."""
    line = one_line(text)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def markdown_cell(value: object) -> str:
    """Text shown literally in a Markdown table cell: markup escaped, lines joined by <br>."""
    lines = clean(value).splitlines() or [""]
    return "<br>".join(_escape_inline(line.strip()) for line in lines)


def markdown_text(value: object) -> str:
    """User text as a Markdown paragraph: shown literally, not as headings or HTML."""
    lines = clean(value).splitlines() or [""]
    return "  \n".join(_escape_line(line) for line in lines)


def _escape_inline(text: str) -> str:
    """Backslash-escape what Markdown would read as emphasis, code, links, HTML or cells."""
    return _INLINE.sub(r"\\\1", text)


def _escape_line(line: str) -> str:
    """A line that would open a heading, quote, list, rule or fenced code block (```
    is escaped inline; ~~~ here) starts with a backslash instead."""
    return re.sub(r"^(\s*)([#>+\-=~]|\d+[.)])", r"\1\\\2", _escape_inline(line))
