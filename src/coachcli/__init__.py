"""coach: a terminal coaching assistant for first-line sales managers."""

__version__ = "0.1.0"
# What `coach --version` prints.
VERSION_LINE = f"coach {__version__}"
