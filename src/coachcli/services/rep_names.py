"""Which rep a person means by a name they typed: one rule for every command.

Kept apart from services/team.py, which needs the ORM, so that reports reading
through db/reader.py resolve `--rep` exactly as every other command does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from coachcli.errors import Invalid, NotFound


class NamedRep(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def name_key(self) -> str: ...
    @property
    def archived_at(self) -> object: ...


R = TypeVar("R", bound=NamedRep)


def name_key(name: str) -> str:
    """The folding names are stored and matched under."""
    return unicodedata.normalize("NFC", name).casefold()


def choose_rep(
    text: str,
    with_prefix: Callable[[str], Sequence[R]],
    active_names: Callable[[], Sequence[str]],
    include_archived: bool = False,
) -> R:
    """The rep a user means by a unique case-insensitive prefix of the name.

    An exact name wins over longer names it is a prefix of ("Ana" vs "Ana Lima").
    Archived reps are found only when asked for, or when nothing active matches.
    """
    wanted = name_key(text.strip())
    if not wanted:
        raise Invalid("Name a rep (a unique start of the name is enough).")
    matches = with_prefix(wanted)
    active = [rep for rep in matches if rep.archived_at is None]
    pool = matches if include_archived else (active or matches)
    exact = [rep for rep in pool if rep.name_key == wanted]
    if exact:
        return exact[0]
    if len(pool) == 1:
        return pool[0]
    if not pool:
        names = active_names()
        listing = ", ".join(names) if names else "none yet (coach team add NAME)"
        raise NotFound(f"No rep named {text.strip()!r}. Reps: {listing}.")
    names = ", ".join(rep.name for rep in pool)
    raise NotFound(f"{text.strip()!r} matches {len(pool)} reps: {names}. Type more of the name.")
