"""coach config: where the methodology override lives and what is in effect."""

from __future__ import annotations

from coachcli.cli import context, output
from coachcli.cli.help import sub_app
from coachcli.cli.options import FormatOption, JsonOption
from coachcli.cli.output import Format

app = sub_app(
    "The methodology in effect and where to override it.\n\n"
    "\b\nExamples:\n"
    "  coach config show\n"
    "  coach config path"
)


@app.command("path")
def path() -> None:
    """Print the path of your methodology override file (it need not exist yet)."""
    from coachcli.config import user_methodology_path

    target = user_methodology_path()
    output.write(f"{target}\n")
    if not target.exists():
        output.note(
            "Not created yet: put a methodology.toml there to override the shipped one "
            "key by key (see examples/methodology-override.toml)."
        )


@app.command("show")
def show(fmt: FormatOption = Format.table, as_json: JsonOption = False) -> None:
    """Show the methodology in effect: shipped defaults merged with your override."""
    from coachcli.render.methodology import methodology_sections
    from coachcli.render.records import markdown_table, to_json
    from coachcli.render.tables import rich_table
    from coachcli.render.text import markdown_text

    data = context.methodology().model_dump(mode="json")
    chosen = output.chosen_format(fmt, as_json)
    if chosen is Format.json:
        output.write(to_json(data))
        return
    sections = methodology_sections(data)
    if chosen is Format.markdown:
        output.write(
            f"# {markdown_text(data['meta']['name'])}\n\n"
            + "\n".join(
                f"## {title}\n\n{markdown_table(rows, columns)}"
                for title, rows, columns in sections
            )
        )
        return
    output.note(f"{data['meta']['name']} (version {data['meta']['version']})")
    for title, rows, columns in sections:
        output.show(rich_table(rows, columns, title))
