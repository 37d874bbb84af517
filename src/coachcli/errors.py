"""The one error family of coach.

Services raise these with a message written for a person; the root command turns
them into a line on stderr and an exit code (see cli/app.py). Nothing else in the
package decides exit codes.
"""


class CoachError(Exception):
    """A problem the user can act on. Exit code 1 unless a subclass says otherwise."""

    exit_code = 1
    # How the message is introduced on stderr.
    label = "Error"

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        """What is printed, one labelled line each."""
        return [self.message]


class NotFound(CoachError):
    """Something named by the user does not exist (exit 1)."""


class RepNotFound(NotFound):
    """No rep, or more than one, answers to the name typed (exit 1). `typed` keeps that
    text, so a command group can tell a mistyped subcommand from a mistyped name."""

    def __init__(self, typed: str, message: str, hint: str | None = None):
        super().__init__(message, hint)
        self.typed = typed


class Conflict(CoachError):
    """The request clashes with what is stored: a duplicate, a wrong state (exit 1)."""


class Invalid(CoachError):
    """The user's input cannot be used as given (exit 2, like a usage error)."""

    exit_code = 2


class StorageError(CoachError):
    """The database or a data file cannot be used (exit 1); the message names the file."""


class CheckFailed(CoachError):
    """A --check found something to act on (exit 3): for cron jobs and scripts."""

    exit_code = 3
    label = "Check failed"

    def __init__(self, findings: list[str], hint: str | None = None):
        super().__init__("; ".join(findings), hint)
        self.findings = findings

    def lines(self) -> list[str]:
        return self.findings


class Interrupted(CoachError):
    """Ctrl-C during an interview: the answers so far are kept as a draft (exit 130)."""

    exit_code = 130
