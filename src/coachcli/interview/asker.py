"""The Asker: where an interview's answers come from.

Known answers (from flags or an --answers file) are used first and validated like
typed ones. What is still missing is asked on a terminal (TerminalAsker, in
terminal.py) or, without one, is an error naming the flag (ScriptedAsker).
Every answer is reported to `on_answer`, so the interview runner can keep a draft.

Before the first question, the runner walks the interview once with a ProbeAsker:
it checks every known answer where the interview would use it and notes which
answers are missing, so a bad flag is refused before anything is asked and a
script learns every missing flag at once (interview/runner.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from coachcli.errors import CoachError, Invalid
from coachcli.services.fields import MAX_TEXT, over_limit

Parser = Callable[[str], Any]


class AnswerRecorder(Protocol):
    def __call__(self, key: str, value: Any, partial: bool = False) -> None: ...


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
    # What to ask a script for when this question depends on choices it has not made
    # yet (which gaps get a cause depends on the ratings).
    general: str | None = None
    # The longest answer taken (README, "Your text is data"), by prompt, flag or file.
    limit: int = MAX_TEXT

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
                raise Invalid(f"{self.flag} cannot be empty.")
            return None
        problem = over_limit(self.flag, text.strip(), self.limit)
        if problem:
            raise Invalid(f"{problem}.")
        text = unicodedata.normalize("NFC", text)  # SPEC section 3: one way to encode it
        return text.strip() if self.parse is None else self.parse(text)


class Asker:
    """Base class: answers from `known`, then a draft, then `_prompt_*` for what is missing.

    `known` answers (flags, answer files) are strict: a bad one is an error. `draft`
    answers come from an interrupted run: a bad one is dropped with a warning and
    asked again, because the world may have moved on since (a due date now past).
    `partial` names the draft's lists that were cut off: they go on where they stopped.
    """

    # Whether a person is answering (and can be asked again after a mistake).
    interactive = False

    def __init__(
        self,
        known: dict[str, Any] | None = None,
        on_answer: AnswerRecorder | None = None,
        draft: dict[str, Any] | None = None,
        partial: set[str] | None = None,
    ):
        self.known = {key: value for key, value in (known or {}).items() if value is not None}
        self.on_answer = on_answer
        self.draft = dict(draft or {})
        self.partial = set(partial or ())

    def text(self, question: Question) -> Any:
        found, value = self._given(question, question.convert)
        if not found:
            value = question.convert(self._prompt_text(question))
        return self._remember(question, value)

    def many(self, question: Question) -> list[Any]:
        """Several answers to one question (obstacles, options, actions)."""
        if question.key in self.partial and question.key not in self.known:
            return self._remember(question, self._continue_many(question))
        found, values = self._given(question, lambda raw: self._convert_all(question, raw))
        if not found:
            values = self._prompt_many(question, [])
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
            return self._known_answer(question, convert)
        if question.key in self.draft:
            try:
                return True, convert(self.draft.pop(question.key))
            except CoachError as problem:
                self.say(
                    f"The draft's answer for {question.flag} no longer fits "
                    f"({problem.message}); please answer again."
                )
        return False, None

    def _known_answer(self, question: Question, convert: Callable[[Any], Any]) -> tuple[bool, Any]:
        """A given answer, strictly. It was checked before the first question, so it can
        only fail against an answer typed since (a sprint start that moved its learning
        outside): a person is told and asked; a script gets the error."""
        try:
            return True, convert(self.known[question.key])
        except CoachError as problem:
            if not self.interactive:
                raise
            self.say(f"{question.flag} no longer fits ({problem.message}); please answer.")
            self.known.pop(question.key)
            return False, None

    def _continue_many(self, question: Question) -> list[Any]:
        """A list the draft was cut off inside: keep what still fits, then ask for more."""
        kept = []
        items = self.draft.pop(question.key)
        if not isinstance(items, list):
            self.say(f"The draft's answers for {question.flag} could not be read; please answer.")
            items = []
        for item in items:
            try:
                kept.append(question.convert(item))
            except CoachError as problem:
                self.say(f"Dropped {item!r} from the draft: {problem.message}")
        self.partial.discard(question.key)
        return self._prompt_many(question, kept)

    def _convert_all(self, question: Question, raw: Any) -> list[Any]:
        items = raw if isinstance(raw, list | tuple) else [raw]
        values = [question.convert(item) for item in items if item not in (None, "")]
        if question.required and not values:
            raise Invalid(f"{question.flag} needs at least one answer.")
        return values

    def _remember(self, question: Question, value: Any) -> Any:
        if self.on_answer is not None:
            self.on_answer(question.key, question.dumped(value))
        return value

    def _prompt_many(self, question: Question, values: list[Any]) -> list[Any]:
        values = list(values)
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
                self.on_answer(question.key, question.dumped(values), partial=True)

    def _prompt_text(self, question: Question) -> Any:
        raise NotImplementedError

    def _prompt_select(self, question: Question, choices: Sequence[Choice]) -> str:
        raise NotImplementedError

    def _prompt_confirm(self, question: Question) -> bool:
        raise NotImplementedError


class ScriptedAsker(Asker):
    """No terminal: defaults stand in for missing optional answers; required ones fail."""

    def _prompt_many(self, question: Question, values: list[Any]) -> list[Any]:
        if question.required and not values:
            raise MissingAnswers([question])
        return values

    def _prompt_text(self, question: Question) -> Any:
        if question.default is not None or not question.required:
            return question.default
        raise MissingAnswers([question])

    def _prompt_select(self, question: Question, choices: Sequence[Choice]) -> str:
        if question.default is not None:
            return question.default
        raise MissingAnswers([question])

    def _prompt_confirm(self, question: Question) -> bool:
        if question.default is not None:
            return bool(question.default)
        raise MissingAnswers([question])


class ProbeAsker(Asker):
    """Walks an interview without asking: known answers are checked strictly, and each
    missing one is noted and stood in for (its default, else a placeholder) so that
    the walk reaches the answers given after it.

    `for_terminal`: the real run will prompt, so even a default is only a stand-in
    (the person may type something else); scripted, defaults are the answers."""

    PLACEHOLDER = "?"
    # Tried in turn on a missing answer's parser, so that what the interview does with
    # it next (compare dates, add amounts) still works and the walk goes on.
    SAMPLES = ("today", "1", "x | today", "x | x | today")

    def __init__(
        self,
        known: dict[str, Any],
        draft: dict[str, Any] | None,
        for_terminal: bool,
        partial: set[str] | None = None,
    ):
        super().__init__(known, draft=draft, partial=partial)
        self.for_terminal = for_terminal
        self.missing: list[Question] = []
        self.stood_in = False
        self.guessed = False  # a missing choice was stood in: what follows may differ

    def _given(self, question: Question, convert: Callable[[Any], Any]) -> tuple[bool, Any]:
        if question.key in self.known:
            try:
                return True, convert(self.known[question.key])
            except CoachError as problem:
                raise RefusedAnswer(problem) from None
        if question.key in self.draft:
            try:  # a draft answer that no longer fits is asked again: a stand-in for now
                return True, convert(self.draft[question.key])
            except CoachError:
                pass
        return False, None

    def text(self, question: Question) -> Any:
        found, value = self._given(question, question.convert)
        if found:
            return value
        if question.default is None and question.required:
            return self._missing(question)
        self.stood_in = self.stood_in or self.for_terminal
        return question.convert(question.default)

    def _prompt_many(self, question: Question, values: list[Any]) -> list[Any]:
        if values or not question.required:
            self.stood_in = self.stood_in or self.for_terminal
            return values
        return [self._missing(question)]

    def _prompt_select(self, question: Question, choices: Sequence[Choice]) -> str:
        if question.default is None:
            self._missing(question)
            self.guessed = True
            return choices[0].value
        self.stood_in = self.stood_in or self.for_terminal
        return question.default

    def _prompt_confirm(self, question: Question) -> bool:
        if question.default is None:
            self._missing(question)
            return False
        self.stood_in = self.stood_in or self.for_terminal
        return bool(question.default)

    def _missing(self, question: Question) -> Any:
        if question.general and self.guessed:
            question = Question(question.key, question.prompt, question.general,
                                file_form=question.file_form)  # fmt: skip
        self.missing.append(question)
        self.stood_in = True
        if question.parse is None:
            return self.PLACEHOLDER
        for sample in self.SAMPLES:
            try:
                return question.parse(sample)
            except CoachError:
                continue
        return self.PLACEHOLDER


class RefusedAnswer(Invalid):
    """A known answer (flag, answers file) the interview would refuse: raised by the
    probe, so the person hears it before the first question."""

    def __init__(self, problem: CoachError):
        super().__init__(problem.message, problem.hint)
        self.exit_code = problem.exit_code


class MissingAnswers(Invalid):
    """Required answers that nobody can type in: every flag named at once."""

    def __init__(self, questions: Sequence[Question]):
        self.flags = list(dict.fromkeys(question.flag for question in questions))
        keys = dict.fromkeys((q.file_form or q.key).split(":")[0] for q in questions)
        super().__init__(
            f"There is no terminal to ask, so give {_listing(_grouped(self.flags))}.",
            hint=f"Pass {'it' if len(self.flags) == 1 else 'them'} as flags, or in an "
            f"--answers FILE under {_listing(list(keys), 'or')}.",
        )


def _grouped(flags: list[str]) -> list[str]:
    """`--rate a=1..5`, `--rate b=1..5` read as `--rate a=1..5, b=1..5`."""
    groups: dict[str, list[str]] = {}
    for flag in flags:
        name, _, rest = flag.partition(" ")
        if " " in rest:  # a sentence, not a KEY=VALUE form: keep it whole
            name, rest = flag, ""
        groups.setdefault(name, []).append(rest)
    return [name + (" " + ", ".join(rests) if any(rests) else "") for name, rests in groups.items()]


def _listing(items: list[str], last: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


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
