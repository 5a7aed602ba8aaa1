"""Inspection schedules API."""
