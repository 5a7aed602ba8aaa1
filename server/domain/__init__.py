"""Vigil's core, grouped by feature (registry, patrol, inspection, alerts) over a small kernel of
errors, access, audit, clock and models. Knows nothing of HTTP."""
