"""The terminal Asker, on questionary. Prompts are drawn on stderr, not stdout."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.output import create_output

from coachcli.interview.asker import Asker, Choice, Question, validator


class TerminalAsker(Asker):
    interactive = True

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._output = create_output(stdout=sys.stderr)

    def _prompt_text(self, question: Question) -> Any:
        default = "" if question.default is None else str(question.default)
        return _asked(
            _ctrl_d_ends(
                questionary.text(
                    question.prompt,
                    default=default,
                    validate=validator(question.parse, question.required),
                    instruction=question.hint,
                    output=self._output,
                )
            ).unsafe_ask
        )

    def _prompt_select(self, question: Question, choices: Sequence[Choice]) -> str:
        options = [questionary.Choice(title=choice.title, value=choice.value) for choice in choices]
        return _asked(
            _ctrl_d_ends(
                questionary.select(
                    question.prompt, choices=options, default=question.default, output=self._output
                )
            ).unsafe_ask
        )

    def _prompt_confirm(self, question: Question) -> bool:
        default = bool(question.default) if question.default is not None else False
        return _asked(
            _ctrl_d_ends(
                questionary.confirm(question.prompt, default=default, output=self._output)
            ).unsafe_ask
        )

    def say(self, message: str) -> None:
        print(message, file=sys.stderr)


def _ctrl_d_ends(question: questionary.Question) -> questionary.Question:
    """Ctrl-D ends every prompt, whatever it holds: choices and yes/no prompts ignore it,
    and a text prompt with text in it (a default) would only delete a character."""
    ending = KeyBindings()

    @ending.add("c-d", eager=True)
    def _end(event: Any) -> None:
        event.app.exit(exception=EOFError())

    application = question.application
    application.key_bindings = merge_key_bindings([application.key_bindings, ending])
    return question


def _asked(ask: Callable[[], Any]) -> Any:
    """Ctrl-D (end of input) means the same as Ctrl-C: stop here, keep what was given."""
    try:
        return ask()
    except EOFError:
        raise KeyboardInterrupt from None
