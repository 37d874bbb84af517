"""Pure functions from values to Rich renderables, Markdown and JSON strings."""
