"""Question flows over an Asker: the same flow serves terminals, flags and answer files."""
