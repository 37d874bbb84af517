"""Which rep a person means by a name they typed: one rule for every command.

Kept apart from services/team.py, which needs the ORM, so that reports reading
through db/reader.py resolve `--rep` exactly as every other command does. Both
hand over the whole team, archived reps included (a few dozen rows), and the
matching happens here in Python: SQL's LIKE knows neither accents nor word starts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Protocol, TypeVar

from coachcli.errors import Invalid, RepNotFound


class NamedRep(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def name_key(self) -> str: ...
    @property
    def archived_at(self) -> object: ...


R = TypeVar("R", bound=NamedRep)

# How closely a rep's name answers to the text typed; the closest kind wins.
EXACT, SAME_LETTERS, WHOLE_WORD, WORD_START = range(4)

# Letters NFKD keeps whole (a stroke is not a combining mark) that people type plain.
_PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t", "\u0131": "i", "æ": "ae", "œ": "oe"}
)


def name_key(name: str) -> str:
    """The folding names are stored and kept unique under."""
    return unicodedata.normalize("NFC", name).casefold()


def fold(text: str) -> str:
    """`text` as people type it: any case, accents left out, one space between words."""
    # Casefolding may produce letters NFKD splits again (Unicode's caseless match, D146).
    split = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(char for char in split if not unicodedata.combining(char))
    return " ".join(bare.translate(_PLAIN_LETTERS).split())


# Salesforce's 18-character ids end in three characters from this alphabet, each
# telling which of five characters of the 15-character id are capitals.
_SALESFORCE_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def crm_id_key(text: str) -> str:
    """How CRM ids (of owners, of deals) compare: as written, except that an
    18-character Salesforce id becomes the 15-character id it extends (its suffix
    restores the capitals, so "0058d000001abcdaak" is "0058d000001AbCd")."""
    value = text.strip()
    suffix = value[15:].upper()
    if (
        len(value) != 18
        or not value.isascii()
        or not value.isalnum()
        or value.isdigit()  # a long number (HubSpot, Pipedrive) is its own id
        or any(char not in _SALESFORCE_SUFFIX for char in suffix)
    ):
        return value
    capitals = [_SALESFORCE_SUFFIX.index(char) for char in suffix]
    return "".join(
        char.upper() if capitals[at // 5] >> (at % 5) & 1 else char.lower()
        for at, char in enumerate(value[:15])
    )


def looks_like_id(text: str) -> bool:
    """An owner that is a code, not a person's name: one word with digits in it
    ("0058d000001AbCd", "8734521"). No rep is ever created under such a name."""
    value = text.strip()
    return (
        len(value) >= 5
        and not any(char.isspace() for char in value)
        and any(char.isdigit() for char in value)
    )


def choose_rep(text: str, reps: Sequence[R], include_archived: bool = False) -> R:
    """The rep a user means by a unique start of the name or of any word of it.

    An exact name wins ("Ana" over "Ana Lima"), then the same letters without the
    accents, then a whole word ("tom": Tom Becker, not Tomás Ruiz), then any start.
    Archived reps are found only when asked for, or when nothing active matches.
    """
    typed = text.strip()
    wanted, key = fold(typed), name_key(typed)
    if not wanted:
        raise Invalid("Name a rep (a unique start of the name is enough).")
    ranked = [(rank, rep) for rep in reps if (rank := _rank(rep, key, wanted)) is not None]
    active = [(rank, rep) for rank, rep in ranked if rep.archived_at is None]
    pool = ranked if include_archived else (active or ranked)
    if not pool:
        names = [rep.name for rep in _by_name(reps) if rep.archived_at is None]
        listing = ", ".join(names) if names else "none yet (coach team add NAME)"
        raise RepNotFound(typed, f"No rep named {typed!r}. Reps: {listing}.")
    best = min(rank for rank, _ in pool)
    closest = _by_name([rep for rank, rep in pool if rank == best])
    if len(closest) > 1:
        names = ", ".join(rep.name for rep in closest)
        message = f"{typed!r} matches {len(closest)} reps: {names}. Type more of the name."
        raise RepNotFound(typed, message)
    return closest[0]


def _rank(rep: NamedRep, key: str, wanted: str) -> int | None:
    """How closely `rep` answers to the text typed, as its `name_key` and folded as
    `wanted` (see the constants); None if it does not."""
    if rep.name_key == key:
        return EXACT
    name = fold(rep.name)
    if name == wanted:
        return SAME_LETTERS
    # A word start may begin the rest of the name: "maria jo" finds "Ana Maria Jones".
    tails = [name[start:] for start in _word_starts(name)]
    hits = [tail for tail in tails if tail.startswith(wanted)]
    if not hits:
        return None
    whole = any(len(tail) == len(wanted) or _separates(tail[len(wanted)]) for tail in hits)
    return WHOLE_WORD if whole else WORD_START


def _word_starts(name: str) -> list[int]:
    """Where a word begins: the name's start ("[bold]"), after a space ("#1"), and
    after punctuation inside a word ("Anne-Marie", "O'Brien")."""
    return [
        at
        for at, char in enumerate(name)
        if at == 0 or name[at - 1] == " " or (_separates(name[at - 1]) and not _separates(char))
    ]


def _separates(char: str) -> bool:
    # fold() leaves single spaces only; punctuation is any Unicode category P.
    return char == " " or unicodedata.category(char).startswith("P")


def _by_name(reps: Sequence[R]) -> list[R]:
    return sorted(reps, key=lambda rep: rep.name_key)
