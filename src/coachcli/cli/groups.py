"""A command group whose first word may be a rep: `coach actions ana` means `actions list ana`."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup


class ListByDefault(TyperGroup):
    """Runs `list` when the first word is not one of the group's commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first not in self.commands and first not in ("-h", "--help"):
            args = ["list", *args]
        return super().parse_args(ctx, args)
