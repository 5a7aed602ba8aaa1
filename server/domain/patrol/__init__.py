"""Patrols: routes and schedules, rounds made ahead and judged as scans arrive, the lone-worker
watch and voluntary rounds; their alerts go through domain.alerts."""
