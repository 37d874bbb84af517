"""The command line: one Typer sub-app per noun, joined in app.py."""
