"""Where coach keeps its data, which database it opens, and the methodology in effect.

One function decides each: `data_dir`, `database_url`, `load_methodology`.
Environment variables come first (COACH_HOME, COACH_DB), then the platform default.
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from coachcli.errors import StorageError

if TYPE_CHECKING:
    from coachcli.methodology_schema import Methodology

APP_NAME = "coachcli"
DB_FILENAME = "coach.db"
METHODOLOGY_FILENAME = "methodology.toml"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def data_dir() -> Path:
    """The data folder: COACH_HOME if set, else the platform's user data folder."""
    home = os.environ.get("COACH_HOME")
    if home:
        return Path(home).expanduser().resolve()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def ensure_private_dir(path: Path) -> Path:
    """Create the folder if needed and make it readable by its owner only."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        path.chmod(PRIVATE_DIR_MODE)
    except OSError as error:
        raise StorageError(f"Cannot use the data folder {path}: {error.strerror}.") from None
    return path


def database_url(db_option: str | None = None) -> str:
    """The SQLAlchemy URL: --db, else COACH_DB, else coach.db in the data folder."""
    chosen = db_option or os.environ.get("COACH_DB")
    if chosen and "://" in chosen:
        return chosen
    path = Path(chosen).expanduser() if chosen else data_dir() / DB_FILENAME
    # Quoted: SQLAlchemy decodes %XX in a URL's path, so "a%41.db" or "x?y.db"
    # would otherwise name another file.
    return f"sqlite:///{quote(str(path.resolve()), safe='/')}"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for memory and other databases.

    Read the way SQLAlchemy reads it (%XX decoded, the query string dropped), so the
    sqlite3 reader and the engine always open the same file.
    """
    found = re.match(r"sqlite(\+pysqlite)?:///", url)
    if found is None:
        return None
    raw = unquote(url[found.end() :].split("?", 1)[0])
    if raw in ("", ":memory:"):
        return None
    return Path(raw)


def shipped_methodology_path() -> Path:
    return Path(str(resources.files("coachcli") / METHODOLOGY_FILENAME))


def user_methodology_path() -> Path:
    return data_dir() / METHODOLOGY_FILENAME


def load_methodology() -> Methodology:
    """The shipped methodology with the user's file merged over it, key by key."""
    user_path = user_methodology_path()
    stamp = user_path.stat().st_mtime_ns if user_path.exists() else None
    return _load_methodology(str(user_path), stamp)


@lru_cache(maxsize=4)
def _load_methodology(user_path: str, stamp: int | None) -> Methodology:
    from pydantic import ValidationError

    from coachcli.methodology_schema import Methodology

    merged = _read_toml(shipped_methodology_path())
    if stamp is not None:
        merged = merge_over(merged, _read_toml(Path(user_path)))
    try:
        return Methodology.model_validate(merged)
    except ValidationError as error:
        source = user_path if stamp is not None else str(shipped_methodology_path())
        raise StorageError(_describe_invalid(source, error)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise StorageError(f"{path} is not valid TOML: {error}.") from None
    except OSError as error:
        raise StorageError(f"Cannot read {path}: {error.strerror}.") from None


def merge_over(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (lists included) replaces the base."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_over(merged[key], value)
        else:
            merged[key] = value
    return merged


# Pydantic's wording ("Input should be a valid integer, unable to parse string as an
# integer") said as a person would, for the problems a hand-edited file has.
_REASONS = {
    "missing": "is missing",
    "extra_forbidden": "is not a key coach knows (a typo?)",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text in quotes",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "list_type": "must be a list",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
}


def plain_reason(item: dict[str, Any]) -> str:
    """One validation problem in plain words, with the value that was given."""
    reason = _REASONS.get(item["type"])
    if reason is None:
        message = str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return message[:1].lower() + message[1:]
    reason = reason.format(**item.get("ctx", {}))
    given = item.get("input")
    if item["type"] != "missing" and isinstance(given, str | int | float | bool):
        reason += f", not {given!r}"
    return reason


def _describe_invalid(source: str, error: Any) -> str:
    problems = []
    for item in error.errors()[:5]:
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        problems.append(f"  {key}: {plain_reason(item)}")
    more = error.error_count() - len(problems)
    tail = f"\n  … and {more} more" if more > 0 else ""
    return f"The methodology file {source} is invalid:\n" + "\n".join(problems) + tail
