"""Help a person reads: commands grouped by job, and values named for what they are.

Help is drawn by Click's plain formatter (Rich help would cost every `coach --help`
about 0.1 s of imports). Typer names a value by its Python type (`<str>`,
`<list[str]>`); `tidy` renames them once, when the command tree is built: DATE,
REP, AMOUNT… by the option's name, else TEXT, N or FILE by its type.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperGroup

# The order of `coach --help`: a manager's day first, setup last.
COMMAND_GROUPS = {
    "Daily": ("today", "actions", "activity", "sessions", "weekly"),
    "Coaching": ("grow", "plan", "learning", "review", "status-check"),
    "Pipeline and forecast": ("deal", "pipeline", "forecast", "scorecard"),
    "Data and setup": ("team", "export", "db", "config", "demo"),
}

# Values named for what they are, by option or argument name.
NAMED = {
    "DATE": {"due", "start", "close", "deadline", "as_of", "on", "last_activity", "sprint_end"},
    "PERIOD": {"period", "week"},
    "REP": {"rep"},
    "AMOUNT": {"quota", "amount", "renewals", "expansion"},
    "DEAL": {"deal"},
    "ID": {"action_id", "session_id", "learning_id", "deal_id", "crm_id", "remove_crm_id"},
    "KEY=N": {"activity"},
    "KEY=PERCENT": {"time"},
    "KEY=1..5": {"rate"},
    "KEY=TEXT": {"evidence"},
    "KEY=SOURCE": {"source"},
    "KEY=CAUSE[:NOTE]": {"cause"},
    "ID=DECISION[:NOTE]": {"carry"},
    "WHAT|WHO|WHEN": {"action"},
    "TITLE|DUE": {"learning", "step"},
    "N": {"weeks", "new_logos", "limit", "done"},
    "CODE": {"currency"},
    "NAME": {"name"},
    "ROLE": {"role"},
    "STAGE": {"stage"},
    "CATEGORY": {"category"},
    "STATUS": {"status"},
    "COMPETENCY": {"focus", "competency"},
    "OUTCOME": {"outcome"},
    "KIND": {"kind"},
    "EMAIL": {"email"},
    "PATH|URL": {"db"},
    "CRM": {"--from"},
}
BY_NAME = {name: metavar for metavar, names in NAMED.items() for name in names}
BY_TYPE = {int: "N", float: "NUMBER"}


class _Argument(TyperArgument):
    """An argument shown as REP in usage and help, without a type placeholder."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        return self.display_name_raw if self.required else f"[{self.display_name_raw}]"


def tidy(command: Any) -> None:
    """Name every value of `command` and of all commands under it."""
    for param in command.params:
        if param.metavar is None and not getattr(param, "is_flag", False):
            param.metavar = _metavar(param)
        if isinstance(param, TyperArgument):
            param.__class__ = _Argument
    for sub in getattr(command, "commands", {}).values():
        tidy(sub)


def _metavar(param: Any) -> str:
    for name in (*param.opts, param.name):  # an option's flag first: --from, not `source`
        if name in BY_NAME:
            return BY_NAME[name]
    kind = param.type_descriptor
    if kind.is_choice:
        return "|".join(str(getattr(choice, "value", choice)) for choice in kind.choices)
    if kind.is_path:
        return "FOLDER" if not kind.parameter_info.file_okay else "FILE"
    return BY_TYPE.get(kind.annotation, "TEXT")


def grouped_commands(commands: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Sections of `coach --help` in order; a command no group names goes under Other."""
    sections = []
    placed: set[str] = set()
    for title, names in COMMAND_GROUPS.items():
        present = [name for name in names if name in commands]
        placed.update(present)
        if present:
            sections.append((title, present))
    rest = [name for name in commands if name not in placed]
    if rest:
        sections.append(("Other", rest))
    return sections


def sub_app(help: str, cls: type[TyperGroup] = TyperGroup) -> typer.Typer:
    """A command group in coach's help style: plain help, shown when it is called bare,
    unless it has a default command (`coach actions` lists them)."""
    bare_is_help = getattr(cls, "default_command", None) in (None, "new")
    return typer.Typer(cls=cls, help=help, no_args_is_help=bare_is_help, rich_markup_mode=None)
