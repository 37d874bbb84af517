"""The Asker: where an interview's answers come from.

Known answers (from flags or an --answers file) are used first and validated like
typed ones. What is still missing is asked on a terminal (TerminalAsker, in
terminal.py) or, without one, is an error naming the flag (ScriptedAsker).
Every answer is reported to `on_answer`, so a flow can keep a draft.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from coachcli.errors import CoachError, Invalid

Parser = Callable[[str], Any]


@dataclass(frozen=True)
class Choice:
    value: str
    title: str


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    flag: str
    default: Any = None
    required: bool = True
    parse: Parser | None = None
    hint: str | None = None

    def convert(self, raw: Any) -> Any:
        """Validate and convert one answer; an empty optional answer is None."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise Invalid(f"{self.prompt.rstrip('?: ')} is required ({self.flag}).")
            return None
        if self.parse is None:
            return raw.strip() if isinstance(raw, str) else raw
        return self.parse(raw if isinstance(raw, str) else str(raw))


class Asker:
    """Base class: answers from `known`, then from `_prompt_*` for what is missing."""

    interactive = False

    def __init__(
        self,
        known: dict[str, Any] | None = None,
        on_answer: Callable[[str, Any], None] | None = None,
    ):
        self.known = {key: value for key, value in (known or {}).items() if value is not None}
        self.on_answer = on_answer

    def text(self, question: Question) -> Any:
        if question.key in self.known:
            return self._remember(question.key, question.convert(self.known[question.key]))
        raw = self._prompt_text(question)
        return self._remember(question.key, question.convert(raw))

    def select(self, question: Question, choices: Sequence[Choice]) -> str:
        values = {choice.value for choice in choices}
        if question.key in self.known:
            value = question.convert(self.known[question.key])
            if value not in values:
                allowed = ", ".join(choice.value for choice in choices)
                raise Invalid(f"{question.flag} must be one of {allowed}, not {value!r}.")
            return self._remember(question.key, value)
        return self._remember(question.key, self._prompt_select(question, choices))

    def confirm(self, question: Question) -> bool:
        if question.key in self.known:
            return self._remember(question.key, bool(self.known[question.key]))
        return self._remember(question.key, self._prompt_confirm(question))

    def say(self, message: str) -> None:
        """Information for the person at the terminal; silent when scripted."""

    def _remember(self, key: str, value: Any) -> Any:
        if self.on_answer is not None:
            self.on_answer(key, value)
        return value

    def _prompt_text(self, question: Question) -> Any:
        raise NotImplementedError

    def _prompt_select(self, question: Question, choices: Sequence[Choice]) -> str:
        raise NotImplementedError

    def _prompt_confirm(self, question: Question) -> bool:
        raise NotImplementedError


class ScriptedAsker(Asker):
    """No terminal: defaults stand in for missing optional answers; required ones fail."""

    def _prompt_text(self, question: Question) -> Any:
        if question.default is not None or not question.required:
            return question.default
        raise MissingAnswer(question)

    def _prompt_select(self, question: Question, choices: Sequence[Choice]) -> str:
        if question.default is not None:
            return question.default
        raise MissingAnswer(question)

    def _prompt_confirm(self, question: Question) -> bool:
        if question.default is not None:
            return bool(question.default)
        raise MissingAnswer(question)


class MissingAnswer(Invalid):
    def __init__(self, question: Question):
        super().__init__(
            f"Missing {question.flag}: {question.prompt.rstrip('?: ')} is required "
            "when there is no terminal to ask.",
            hint=f"Pass {question.flag}, or an --answers FILE with '{question.key}'.",
        )


def validator(parse: Parser | None, required: bool) -> Callable[[str], bool | str]:
    """A prompt validator built from the same parser the flags use."""

    def check(raw: str) -> bool | str:
        if not raw.strip():
            return "This answer is required." if required else True
        if parse is None:
            return True
        try:
            parse(raw)
        except CoachError as error:
            return error.message
        return True

    return check


def make_asker(
    known: dict[str, Any],
    no_input: bool,
    on_answer: Callable[[str, Any], None] | None = None,
) -> Asker:
    """A terminal Asker when stdin is a terminal and prompts are allowed, else scripted."""
    import sys

    if not no_input and sys.stdin.isatty():
        from coachcli.interview.terminal import TerminalAsker

        return TerminalAsker(known, on_answer)
    return ScriptedAsker(known, on_answer)
