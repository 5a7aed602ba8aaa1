"""Signing in and out of the console, and the language switch."""
