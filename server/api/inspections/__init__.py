"""Inspection records API."""
