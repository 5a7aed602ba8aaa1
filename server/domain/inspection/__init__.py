"""Equipment inspections: template definitions, record checking, detection and scoring (pure)."""
