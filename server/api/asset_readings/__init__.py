"""Asset limits and readings API."""
