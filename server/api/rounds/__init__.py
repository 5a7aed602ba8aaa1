"""rounds API."""
