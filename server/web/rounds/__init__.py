"""Console pages: rounds."""
