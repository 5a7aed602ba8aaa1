"""Vigil's core: models, services and rules. Knows nothing of HTTP."""
