"""Inspection templates API."""
