"""Command groups whose first word may be a rep: `coach actions ana` means `actions list ana`."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

from coachcli.errors import RepNotFound

# Where parse_args leaves the first word it handed to the default command as a rep.
_TAKEN_AS_REP = "coachcli.taken_as_rep"


class DefaultCommandGroup(TyperGroup):
    """Runs `default_command` when the first word is not one of the group's commands."""

    default_command = "list"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        first = args[0] if args else None
        bare = not args and self.no_args_is_help  # leave "show the help" to Click
        if not bare and first not in self.commands and first not in ("-h", "--help"):
            args = [self.default_command, *args]
            ctx.meta[_TAKEN_AS_REP] = first.strip() if first else None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except RepNotFound as problem:
            # `coach actions ls` was perhaps meant as a command, not a rep: name them.
            if problem.typed == ctx.meta.get(_TAKEN_AS_REP):
                problem.hint = "\n".join(filter(None, [problem.hint, self._commands_hint(ctx)]))
            raise

    def _commands_hint(self, ctx: Any) -> str:
        names = [name for name in self.list_commands(ctx) if not self.commands[name].hidden]
        return f"`coach {ctx.info_name}` commands: {', '.join(names)}."


class ListByDefault(DefaultCommandGroup):
    default_command = "list"


class NewByDefault(DefaultCommandGroup):
    """`coach plan ana` builds a new plan; `coach plan show ana` and friends do the rest."""

    default_command = "new"
