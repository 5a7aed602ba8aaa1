"""Console pages: inspections."""
