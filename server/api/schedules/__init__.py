"""schedules API."""
