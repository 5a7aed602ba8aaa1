"""Wand imports end to end: through the API and the command line, on a real database."""
