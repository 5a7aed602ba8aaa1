"""Console pages: reports."""
