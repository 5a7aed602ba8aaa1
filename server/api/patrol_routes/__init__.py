"""patrol routes API."""
