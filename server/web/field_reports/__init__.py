"""Console pages: field_reports."""
