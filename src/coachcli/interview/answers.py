"""Answer files (--answers FILE): YAML or JSON mappings of question keys to answers."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from coachcli.errors import Invalid


def load_answers(path: Path | None, allowed: Iterable[str]) -> dict[str, Any]:
    """Read an answers file; keys may use dashes or underscores (`start-date`).

    An unknown key is an error rather than silently ignored: it is usually a typo,
    and an interview run from a file must not quietly lose an answer.
    """
    if path is None:
        return {}
    import yaml  # YAML is a superset of JSON, so one loader reads both

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise Invalid(f"Cannot read the answers file {path}: {error.strerror}.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise Invalid(f"The answers file {path} is not valid YAML or JSON: {error}") from None
    except ValueError as error:  # YAML's own dates: 2026-02-30 is not a day
        raise Invalid(f"The answers file {path} has a value that is not valid: {error}.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Invalid(f"The answers file {path} must hold a mapping of question: answer.")
    answers = {str(key).replace("-", "_"): value for key, value in data.items()}
    unknown = sorted(set(answers) - set(allowed))
    if unknown:
        raise Invalid(
            f"The answers file {path} has {_keys(unknown)} this command does not know: "
            f"{', '.join(unknown)}.",
            hint=f"Known keys: {', '.join(sorted(allowed))}.",
        )
    return answers


def merge_answers(path: Path | None, flags: dict[str, Any]) -> dict[str, Any]:
    """The answers file overlaid with the flags that were given (flags win)."""
    given = {key: value for key, value in flags.items() if value not in (None, [])}
    return {**load_answers(path, flags), **given}


def _keys(names: list[str]) -> str:
    return "a key" if len(names) == 1 else "keys"
