"""Equipment inspections: templates, schedules, records, readings and per-asset limits, beside the
pure checks and scoring, placement, overdue runs; their alerts go through domain.alerts."""
