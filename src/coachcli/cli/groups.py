"""Command groups whose first word may be a rep: `coach actions ana` means `actions list ana`."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup


class DefaultCommandGroup(TyperGroup):
    """Runs `default_command` when the first word is not one of the group's commands."""

    default_command = "list"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        first = args[0] if args else None
        bare = not args and self.no_args_is_help  # leave "show the help" to Click
        if not bare and first not in self.commands and first not in ("-h", "--help"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


class ListByDefault(DefaultCommandGroup):
    default_command = "list"


class NewByDefault(DefaultCommandGroup):
    """`coach plan ana` builds a new plan; `coach plan show ana` and friends do the rest."""

    default_command = "new"
