"""alerts API."""
