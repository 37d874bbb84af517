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
    # How a converted answer is written into a draft (it must parse back the same).
    dump: Callable[[Any], Any] | None = None
    # How the answer is written in an --answers file, when it is not `key: value`.
    file_form: str | None = None

    def dumped(self, value: Any) -> Any:
        if self.dump is None or value is None:
            return value
        if isinstance(value, list):
            return [self.dump(item) for item in value]
        return self.dump(value)

    def convert(self, raw: Any) -> Any:
        """Validate and convert one answer; an empty optional answer is None."""
        if isinstance(raw, list | tuple | dict):
            raise Invalid(f"{self.flag} takes one answer, not a list or a mapping.")
        text = "" if raw is None else str(raw)  # answer files may hold numbers or dates
        if not text.strip():
            if self.required:
                raise Invalid(f"{self.prompt.rstrip('?: ')} is required ({self.flag}).")
            return None
        return text.strip() if self.parse is None else self.parse(text)


class Asker:
    """Base class: answers from `known`, then a draft, then `_prompt_*` for what is missing.

    `known` answers (flags, answer files) are strict: a bad one is an error. `draft`
    answers come from an interrupted run: a bad one is dropped with a warning and
    asked again, because the world may have moved on since (a due date now past).
    """

    # Whether a person is answering (and can be asked again after a mistake).
    interactive = False

    def __init__(
        self,
        known: dict[str, Any] | None = None,
        on_answer: Callable[[str, Any], None] | None = None,
        draft: dict[str, Any] | None = None,
    ):
        self.known = {key: value for key, value in (known or {}).items() if value is not None}
        self.on_answer = on_answer
        self.draft = dict(draft or {})

    def text(self, question: Question) -> Any:
        found, value = self._given(question, question.convert)
        if not found:
            value = question.convert(self._prompt_text(question))
        return self._remember(question, value)

    def many(self, question: Question) -> list[Any]:
        """Several answers to one question (obstacles, options, actions)."""
        found, values = self._given(question, lambda raw: self._convert_all(question, raw))
        if not found:
            values = self._prompt_many(question)
        return self._remember(question, values)

    def select(self, question: Question, choices: Sequence[Choice]) -> str:
        allowed = [choice.value for choice in choices]

        def convert(raw: Any) -> str:
            value = question.convert(raw)
            if value not in allowed:
                raise Invalid(
                    f"{question.flag} must be one of {', '.join(allowed)}, not {value!r}."
                )
            return value

        found, value = self._given(question, convert)
        if not found:
            value = self._prompt_select(question, choices)
        return self._remember(question, value)

    def confirm(self, question: Question) -> bool:
        found, value = self._given(question, bool)
        if not found:
            value = self._prompt_confirm(question)
        return self._remember(question, value)

    def say(self, message: str) -> None:
        """Information for the person at the terminal; silent when scripted."""

    def has_answer(self, key: str) -> bool:
        """Whether `key` was answered beforehand (flags, an answers file or a draft)."""
        return key in self.known or key in self.draft

    def forget(self, keys: Sequence[str]) -> None:
        """Drop given answers so that they are asked again (after a check across answers)."""
        for key in keys:
            self.known.pop(key, None)
            self.draft.pop(key, None)

    def _given(self, question: Question, convert: Callable[[Any], Any]) -> tuple[bool, Any]:
        if question.key in self.known:
            return True, convert(self.known[question.key])
        if question.key in self.draft:
            try:
                return True, convert(self.draft.pop(question.key))
            except CoachError as problem:
                self.say(
                    f"The draft's answer for {question.flag} no longer fits "
                    f"({problem.message}); please answer again."
                )
        return False, None

    def _convert_all(self, question: Question, raw: Any) -> list[Any]:
        items = raw if isinstance(raw, list | tuple) else [raw]
        values = [question.convert(item) for item in items if item not in (None, "")]
        if question.required and not values:
            raise MissingAnswer(question)
        return values

    def _remember(self, question: Question, value: Any) -> Any:
        if self.on_answer is not None:
            self.on_answer(question.key, question.dumped(value))
        return value

    def _prompt_many(self, question: Question) -> list[Any]:
        values: list[Any] = []
        while True:
            first_required = question.required and not values
            finish = "" if first_required else " (Enter alone to finish)"
            item = Question(
                question.key,
                f"{question.prompt} {len(values) + 1}{finish}:",
                question.flag,
                required=first_required,
                parse=question.parse,
                hint=question.hint,
            )
            value = item.convert(self._prompt_text(item))
            if value is None:
                return values
            values.append(value)
            if self.on_answer is not None:  # keep the draft current item by item
                self.on_answer(question.key, question.dumped(values))

    def _prompt_text(self, question: Question) -> Any:
        raise NotImplementedError

    def _prompt_select(self, question: Question, choices: Sequence[Choice]) -> str:
        raise NotImplementedError

    def _prompt_confirm(self, question: Question) -> bool:
        raise NotImplementedError


class ScriptedAsker(Asker):
    """No terminal: defaults stand in for missing optional answers; required ones fail."""

    def _prompt_many(self, question: Question) -> list[Any]:
        if question.required:
            raise MissingAnswer(question)
        return []

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
            hint=f"Pass {question.flag}, or an --answers FILE with "
            f"'{question.file_form or question.key + ': …'}'.",
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


def can_prompt(no_input: bool) -> bool:
    import sys

    return not no_input and sys.stdin.isatty()


def make_asker(
    known: dict[str, Any],
    no_input: bool,
    on_answer: Callable[[str, Any], None] | None = None,
    draft: dict[str, Any] | None = None,
) -> Asker:
    """A terminal Asker when stdin is a terminal and prompts are allowed, else scripted."""
    if can_prompt(no_input):
        from coachcli.interview.terminal import TerminalAsker

        return TerminalAsker(known, on_answer, draft)
    return ScriptedAsker(known, on_answer, draft)
