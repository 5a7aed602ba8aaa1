"""Reports: ask for one, list them, fetch one and its bytes."""
