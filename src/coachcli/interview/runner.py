"""The one way an interview runs, whatever it asks (grow, plan, team add, deal add …).

1. Choose the asker: a terminal (questionary) when stdin is one and prompts are
   allowed, else scripted (flags and --answers only).
2. Check what was given before the first question: every flag and answers-file
   value goes through the question that would use it (a bad one is exit 2, nothing
   asked), and without a terminal every missing answer is named at once.
3. Offer the draft of an interrupted run (resume or discard; --resume and
   --discard-draft without a terminal), then ask, saving each answer to the draft.
4. Ctrl-C or Ctrl-D keeps the draft and exits 130 with the command that resumes it.
5. Save in one transaction, then throw the draft away.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from coachcli.clock import Clock, Stopwatch
from coachcli.errors import Interrupted, Invalid
from coachcli.interview.asker import (
    Asker,
    MissingAnswers,
    ProbeAsker,
    Question,
    RefusedAnswer,
    ScriptedAsker,
)
from coachcli.interview.drafts import Draft, DraftState

Answers = TypeVar("Answers")
Saved = TypeVar("Saved")


def can_prompt(no_input: bool) -> bool:
    return not no_input and sys.stdin.isatty()


def make_asker(
    known: dict[str, Any],
    no_input: bool,
    on_answer: Any = None,
    draft: DraftState | None = None,
) -> Asker:
    """A terminal Asker when stdin is a terminal and prompts are allowed, else scripted."""
    answers, partial = (draft.answers, draft.partial) if draft else ({}, set())
    if can_prompt(no_input):
        from coachcli.interview.terminal import TerminalAsker

        return TerminalAsker(known, on_answer, answers, partial)
    return ScriptedAsker(known, on_answer, answers, partial)


def confirm(prompt: str, yes: bool, no_input: bool, purpose: str = "", default=None) -> bool:
    """A yes/no question before a change (--yes answers it). Without a terminal and
    without --yes (or a `default`) it is exit 2, saying what --yes is for (`purpose`:
    "to archive Ana"); Ctrl-C or Ctrl-D at it is exit 130."""
    asker = make_asker({"yes": True} if yes else {}, no_input)
    try:
        return asker.confirm(Question("yes", prompt, "--yes", default=default))
    except MissingAnswers:
        raise Invalid(f"There is no terminal to ask: pass --yes {purpose}".strip() + ".") from None


@dataclass(frozen=True)
class Prompting:
    """How the person wants to be asked: the options every interview command shares."""

    no_input: bool = False
    resume: bool = False
    discard: bool = False


@dataclass(frozen=True)
class Conversation:
    """What `save` learns about how the answers were given."""

    interactive: bool
    stopwatch: Stopwatch


@dataclass
class Interview(Generic[Answers, Saved]):
    """One interview: its `name` (it names the draft file: "grow", "plan-sprint"), whom
    it is about (`scope`: the rep's id, or "new"), the `command` that runs it again,
    and the answers already known."""

    name: str
    scope: int | str
    command: str
    database: str
    clock: Clock
    known: dict[str, Any]
    prompting: Prompting
    warn: Callable[[str], None]

    def run(
        self,
        ask: Callable[[Asker, Stopwatch], Answers],
        save: Callable[[Answers, Conversation], Saved],
    ) -> Saved:
        interactive = can_prompt(self.prompting.no_input)
        draft = Draft.for_interview(self.name, self.scope, self.database)
        if interactive:
            check_given(ask, self.known, DraftState(), for_terminal=True)
        earlier = self._resume(draft, interactive)
        if not interactive:
            check_given(ask, self.known, earlier, for_terminal=False)
        stopwatch = Stopwatch(earlier.elapsed)
        recorder = self._recorder(draft, stopwatch) if interactive else None
        asker = make_asker(self.known, self.prompting.no_input, recorder, earlier)
        try:
            answers = ask(asker, stopwatch)
        except (KeyboardInterrupt, EOFError):
            raise self._interrupted(draft) from None
        saved = save(answers, Conversation(interactive, stopwatch))
        draft.discard()
        return saved

    def _recorder(self, draft: Draft, stopwatch: Stopwatch):
        def record(key: str, value: Any, partial: bool = False) -> None:
            draft.record(key, value, partial, stopwatch.elapsed(), self.clock.now())

        return record

    def _resume(self, draft: Draft, interactive: bool) -> DraftState:
        """The answers of an interrupted run to start from, or none after discarding it."""
        if not draft.exists() or self.prompting.discard:
            draft.discard()
            return DraftState()
        earlier = draft.load()
        for problem in earlier.problems:
            self.warn(f"Draft: {problem}.")
        count = _answers(len(earlier.answers))
        saved = f" from {earlier.saved_at.astimezone():%Y-%m-%d %H:%M}" if earlier.saved_at else ""
        if not self.prompting.resume and not interactive:
            raise Invalid(
                f"An unfinished `{self.command}` left a draft{saved} ({count}).",
                hint="Pass --resume to continue it or --discard-draft to start afresh.",
            )
        if self.prompting.resume or confirm(
            f"Resume the draft{saved} ({count})?", False, False, default=True
        ):
            return earlier
        draft.discard()
        return DraftState()

    def _interrupted(self, draft: Draft) -> Interrupted:
        if draft.exists():
            return Interrupted(
                f"Interrupted. Your answers are kept as a draft: run `{self.command}` to resume."
            )
        return Interrupted("Interrupted before the first answer; nothing was kept.")


def check_given(ask: Callable[[Asker, Stopwatch], Any], known: dict[str, Any],
                draft: DraftState, for_terminal: bool) -> None:  # fmt: skip
    """Walk the interview without asking: a given answer it would refuse is raised now,
    and (for a script) every missing answer is named in one error."""
    probe = ProbeAsker(known, draft.answers, for_terminal, draft.partial)
    try:
        ask(probe, Stopwatch())
    except RefusedAnswer:
        raise
    except Exception:
        # Refused on given answers alone, it would fail the same way later: say it now.
        # After a stand-in, the failure may be the stand-in's; the prompts will tell.
        if not probe.stood_in:
            raise
    if not for_terminal and probe.missing:
        raise MissingAnswers(probe.missing)


def _answers(count: int) -> str:
    return f"{count} answer" if count == 1 else f"{count} answers"
