"""Today, per site: rounds so far, open alerts, guards and handhelds, overdue inspections."""
