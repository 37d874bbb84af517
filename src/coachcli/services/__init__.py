"""Decisions and calculations, one module per job. No typer, rich or questionary here."""
