"""Renderers: user text stays literal in every format; control characters never print."""

import csv
import io
from io import StringIO

from rich.console import Console

from coachcli.render.records import Column, csv_table, markdown_table, to_json
from coachcli.render.tables import rich_table
from coachcli.render.text import clean, markdown_cell, markdown_text, one_line


def render(renderable, width=60):
    console = Console(file=StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_control_characters_show_as_escapes_and_lines_are_kept():
    assert clean("a\x1b[31mb\x07c\x9bd\ne\tf") == "a\\x1b[31mb\\x07c\\x9bd\ne\tf"


def test_bidi_and_invisible_characters_show_escaped_joiners_stay():
    assert clean("Ana \u202eazuoS\u200b") == "Ana \\u202eazuoS\\u200b"
    assert clean("Mohammad\u200cReza 👩\u200d💻") == "Mohammad\u200cReza 👩\u200d💻"


def test_one_line_marks_each_line_break():
    assert one_line(" first \n\n second\x1b[0m \n") == "first ↵ second\\x1b[0m"


def test_markdown_cells_escape_pipes_newlines_and_html():
    assert markdown_cell("a | b\nc <script>") == "a \\| b<br>c \\<script\\>"
    assert markdown_cell("**x** [y](z) `c`") == "\\*\\*x\\*\\* \\[y\\](z) \\`c\\`"


def test_markdown_text_is_not_a_heading_or_list():
    assert markdown_text("# not a heading\n- not a list\n=cmd") == (
        "\\# not a heading  \n\\- not a list  \n\\=cmd"
    )


def test_rich_table_shows_markup_literally():
    columns = [Column("name", "Name"), Column("n", "N", justify="right")]
    out = render(rich_table([{"name": "[red]x[/red]", "n": 3}], columns))
    assert "[red]x[/red]" in out


def test_exact_table_output():
    columns = [Column("name", "Name"), Column("amount", "Amount", justify="right")]
    out = render(rich_table([{"name": "Ana", "amount": "250,000"}], columns), width=40)
    assert out == (
        "┏━━━━━━┳━━━━━━━━━┓\n"
        "┃ Name ┃  Amount ┃\n"
        "┡━━━━━━╇━━━━━━━━━┩\n"
        "│ Ana  │ 250,000 │\n"
        "└──────┴─────────┘\n"
    )


def test_markdown_table_and_json():
    columns = [Column("name", "Name"), Column("ok", "OK")]
    assert markdown_table([{"name": "a|b", "ok": True}], columns) == (
        "| Name | OK |\n| --- | --- |\n| a\\|b | yes |\n"
    )
    assert to_json([{"when": __import__("datetime").date(2054, 11, 22)}]) == (
        '[\n  {\n    "when": "2054-11-22"\n  }\n]\n'
    )


def test_csv_keeps_numbers_and_turns_would_be_formulas_into_text():
    columns = [Column("name", "Name"), Column("amount", "Amount"), Column("ok", "OK")]
    records = [
        {"name": '=HYPERLINK("http://x","y")', "amount": 1500.0, "ok": True},
        {"name": "+1 call", "amount": -250.5, "ok": False},
        {"name": "-2 discount", "amount": 0, "ok": None},
        {"name": "@SUM(A1)", "amount": None, "ok": True},
        {"name": "\tTabbed", "amount": 3, "ok": True},
        {"name": 'Café "quoted", comma\nsecond line', "amount": 7, "ok": True},
        {"name": "Plain [bold] | # `x`", "amount": 1, "ok": True},
    ]
    text = csv_table(records, columns)
    assert text.startswith("name,amount,ok\n")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1:] == [
        ['\'=HYPERLINK("http://x","y")', "1500", "yes"],
        ["'+1 call", "-250.5", "no"],
        ["'-2 discount", "0", ""],
        ["'@SUM(A1)", "", "yes"],
        ["'\tTabbed", "3", "yes"],
        ['Café "quoted", comma\nsecond line', "7", "yes"],
        ["Plain [bold] | # `x`", "1", "yes"],
    ]


def test_columns_a_terminal_can_do_without_stay_in_markdown_and_csv():
    columns = [Column("id", "Id", in_table=False), Column("name", "Deal")]
    records = [{"id": "0065g00000XyZabAAF", "name": "Globex"}]
    assert "0065g00000XyZabAAF" not in render(rich_table(records, columns))
    assert "| 0065g00000XyZabAAF | Globex |" in markdown_table(records, columns)
    assert csv_table(records, columns).splitlines() == ["id,name", "0065g00000XyZabAAF,Globex"]
